"""Fixtures for the import tests: a small real book (the demo's people and districts plus
a few known prospects) copied per test, and writers for list files in every format."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from crm.demo.builder import build_demo
from crm.domain.prospect import ProspectDraft
from crm.services.container import Services, open_services
from crm.services.imports.service import ImportService


@pytest.fixture(scope="session")
def book_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("import-book") / "template.db"
    build_demo(path, prospects=0, seed=7)
    services = open_services(path)
    services.prospects.create(
        ProspectDraft(
            name="佛山市南海区华兴五金制品厂",
            uscc="91440605MA4W1HX01L",
            district_code="440605",
            owner_name="",
            phone="",
            sources=["park"],
        )
    )
    services.close()
    return path


@pytest.fixture
def services(book_template: Path, tmp_path: Path) -> Iterator[Services]:
    target = tmp_path / "book.db"
    shutil.copyfile(book_template, target)
    opened = open_services(target)
    yield opened
    opened.close()


@pytest.fixture
def imports(services: Services) -> ImportService:
    return ImportService(services.ctx)
