"""Shared helpers for the product tests: the bundled catalogue and a fixed day."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crm.domain.catalogue import Catalogue, parse_catalogue
from crm.domain.facts import parse_facts
from crm.domain.matching import MatchResult, match
from crm.resources import catalogue_document, catalogue_schema

TODAY = date(2026, 12, 5)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return parse_catalogue(catalogue_document(), catalogue_schema())


def matched(catalogue: Catalogue, facts: dict[str, Any], today: date = TODAY) -> MatchResult:
    return match(parse_facts(facts), catalogue, today)
