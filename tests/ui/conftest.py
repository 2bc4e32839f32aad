"""Fixtures for GUI tests: real databases in tmp_path, real services, offscreen Qt.

``book`` is a small book with known prospects (names, districts, industries, tags, lists,
stages and RMs chosen so each filter has a known answer), on top of the demo builder's
people and districts (``build_demo`` with no prospects).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from crm.demo.builder import build_demo
from crm.domain.prospect import ProspectDraft
from crm.domain.uscc import make_uscc
from crm.services.container import Services, open_services
from crm.services.loans import LoanDraft, record_loan
from crm.services.records import UserInfo
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.fonts import apply_app_font
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.style import apply_style
from crm.ui.common.tasks import TaskRunner

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The offscreen platform plugin warns whenever a shown window's size constraints change;
# it is the test platform talking, not the app.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


PYTHON_GC = gc.get_threshold()


@pytest.fixture(autouse=True)
def _python_gc_schedule(qapp: QApplication) -> Iterator[None]:
    """A launcher's idle collector (crm.ui.common.collector) outlives its test when its
    window does: Python's own collection schedule comes back for the next test.

    The test's widgets are closed by now (this fixture is set up first, so torn down
    last). What waits for deletion is deleted, and its cycles collected, here on the UI
    thread. Left to whichever thread next starts a collection, a window's QObject was once
    destroyed in a task thread of the next test, and deadlocked against the UI thread
    deleting that window (Qt's connection locks one side, the interpreter lock the other).
    """
    yield
    gc.set_threshold(*PYTHON_GC)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture(scope="session", autouse=True)
def _look(qapp: QApplication) -> None:
    apply_style(qapp)
    apply_app_font(qapp)


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(tmp_path / "settings.ini")


@dataclass
class Book:
    services: Services
    ids: dict[str, str]  # short key -> prospect id
    rms: list[UserInfo]


def _uscc(kind: str, division: str, org: str) -> str:
    return make_uscc("9", kind, division, org).value


KNOWN = {
    # key: (name, kind, uscc, district, industry, tags, sources)
    "huaxing": (
        "佛山市南海区华兴五金制品厂",
        "enterprise",
        _uscc("1", "440605", "MA4W1HX01"),
        "440605",
        "33",
        ["private"],
        ["park"],
    ),
    "meijia": (
        "佛山市顺德区美嘉家具有限公司",
        "enterprise",
        _uscc("1", "440606", "MA4W2MJ02"),
        "440606",
        "21",
        ["green", "private"],
        ["supply_chain", "settlement_account"],
    ),
    "taoci": (
        "禅城区陶瓷之家经营部",
        "individual",
        _uscc("2", "440604", "L0000TC03"),
        "440604",
        "52",
        [],
        ["visit_campaign"],
    ),
    "lvyuan": (
        "佛山市高明区绿源农业专业合作社",
        "enterprise",
        _uscc("3", "440608", "MA4W4LY04"),
        "440608",
        "01",
        ["agri", "rural_revitalisation"],
        ["rural"],
    ),
    "tengxun": (
        "深圳腾讯计算机系统有限公司佛山分公司",
        "enterprise",
        _uscc("1", "440605", "MA4W5TX05"),
        "440605",
        "65",
        ["tech"],
        ["credit_platform"],
    ),
}


def build_book(path: Path) -> Book:
    build_demo(path, prospects=0, seed=7)
    services = open_services(path)
    today = services.ctx.today()
    rms = [u for u in services.users.all() if u.role == "rm"]
    ids: dict[str, str] = {}
    for key, (name, kind, uscc, district, industry, tags, sources) in KNOWN.items():
        draft = ProspectDraft(
            name=name,
            kind=kind,
            uscc=uscc,
            owner_name="王建国",
            phone="13800138000",
            district_code=district,
            industry_code=industry,
            tags=list(tags),
            sources=list(sources),
        )
        ids[key] = services.prospects.create(draft, rm_id=rms[0].id).id
    services.prospects.assign([ids["taoci"]], rms[1].id)
    services.prospects.assign([ids["lvyuan"]], None)
    record_loan(
        services.ctx,
        ids["meijia"],
        LoanDraft(3_000_000_00, 385, today - timedelta(days=40), today + timedelta(days=325)),
    )
    services.prospects.change_stage(ids["meijia"], "first_loan")
    services.prospects.change_stage(ids["tengxun"], "dropped", "other_bank", "已在他行获得授信")
    # Contact dates come from visits (a later issue); set them directly for the filters.
    with services.ctx.db.transaction() as s:
        s.execute(
            text("UPDATE prospects SET last_contact_on = :d WHERE id = :id"),
            [
                {"d": today - timedelta(days=5), "id": ids["huaxing"]},
                {"d": today - timedelta(days=100), "id": ids["meijia"]},
            ],
        )
    return Book(services, ids, rms)


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Book]:
    b = build_book(tmp_path / "book.db")
    yield b
    b.services.close()


@pytest.fixture
def ui(book: Book, settings: AppSettings, qtbot) -> Iterator[UiContext]:
    context = UiContext(book.services, settings, TaskRunner(), load_startup(book.services))
    yield context
    context.tasks.wait()
    QApplication.processEvents()


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    installed = install_translators(qapp, "zh_CN")
    yield
    remove_translators(qapp, installed)


@pytest.fixture(autouse=True)
def _english_by_default(qapp: QApplication) -> Iterator[None]:
    """English as the app installs it: its catalogues hold the plural forms ("1 visit",
    "2 visits"), which Qt would otherwise show as the source's "1 visit(s)"."""
    installed = install_translators(qapp, "en")
    yield
    remove_translators(qapp, installed)
