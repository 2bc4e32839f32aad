"""The import wizard names the business-fact columns a list may carry, in the user's
language (not by their keys)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crm.domain.importing import FACT_FIELDS
from crm.i18n import set_language
from crm.ui.imports.labels import field_label


@pytest.fixture
def chinese(qapp) -> Iterator[None]:
    set_language("zh_CN")
    yield
    set_language("en")


def test_fact_columns_have_names_in_chinese(chinese: None) -> None:
    for key in FACT_FIELDS:
        label = field_label(key)
        assert label and label != key
        assert any("\u4e00" <= ch <= "\u9fff" for ch in label), label


def test_fact_columns_have_names_in_english(qapp) -> None:
    set_language("en")
    assert field_label("annual_invoicing") == "Annual VAT invoicing"
