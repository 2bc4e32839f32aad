"""The window offers only what the signed-in user's role allows (crm.domain.roles), once the
book is signed in with head office: an RM's has no Team page, no reassigning, and an RM
filter holding only themselves; a lead's has the team's RMs and reassigns within the team.

Set CRM_SCREENSHOTS to a folder to keep the RM's and the lead's windows in English and
Chinese.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from crm.domain.query import UNASSIGNED
from crm.domain.roles import Permission
from crm.services.records import UserInfo
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.prospects.bulk import UNASSIGN, AssignDialog
from crm.ui.prospects.page import ProspectsPage
from crm.ui.shell.main_window import MainWindow
from tests.ui.conftest import Book
from tests.ui.helpers import wait_idle

# The head-office user this book is signed in as (crm.sync.engine.USER_KEY).
SIGNED_IN_KEY = "sync.user_id"


def sign_in(book: Book, user: UserInfo) -> None:
    """The book as a sign-in with head office leaves it, ``user`` at the keyboard."""
    from crm.store import meta

    with book.services.ctx.db.transaction() as s:
        meta.put(s, SIGNED_IN_KEY, user.id)
        meta.put(s, "current_user", user.id)
    book.services.ctx.actor_id = user.id


@dataclass(frozen=True)
class People:
    lead: UserInfo
    me: UserInfo  # an RM of the lead's team
    colleague: UserInfo  # another
    other: UserInfo  # an RM of another team


@pytest.fixture
def people(book: Book) -> People:
    """Whose book each prospect is in (set up before the sign-in, as head office would)."""
    lead = book.services.users.current()
    assert lead is not None and lead.role == "lead"
    mine = [u for u in book.rms if u.team_id == lead.team_id]
    other = next(u for u in book.rms if u.team_id != lead.team_id)
    who = People(lead, mine[0], mine[1], other)
    for key, rm in (("huaxing", who.me), ("meijia", who.me), ("taoci", who.colleague)):
        book.services.prospects.assign([book.ids[key]], rm.id)
    book.services.prospects.assign([book.ids["tengxun"]], other.id)
    return who


def open_window(qtbot, book: Book, settings: AppSettings) -> MainWindow:
    ui = UiContext(book.services, settings, TaskRunner(), load_startup(book.services))
    window = MainWindow(ui)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    wait_idle(qtbot, ui)
    return window


def keep(window: MainWindow, name: str) -> None:
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        window.grab().save(str(Path(folder) / f"roles_{name}.png"))


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    installed = install_translators(qapp, request.param) if request.param != "en" else []
    yield request.param
    remove_translators(qapp, installed)


def test_an_rms_window_shows_their_book_and_offers_no_team_page_or_reassigning(
    qtbot, language: str, book: Book, settings: AppSettings, people: People
) -> None:
    me = people.me
    sign_in(book, me)
    window = open_window(qtbot, book, settings)
    assert not window.ui.acting.may(Permission.TEAM_PAGE)
    assert "team" not in [spec.key for spec in window.specs]
    page = window.current_page()
    assert isinstance(page, ProspectsPage)
    rows = {page.list.model.row_at(r).id for r in range(page.list.model.rowCount())}
    assert rows == {book.ids[k] for k in ("huaxing", "meijia", "lvyuan")}
    assert [c.code for c in page.list.filters.rm.choices()] == [UNASSIGNED, me.id]
    assert page.list.assign_button.isHidden()
    keep(window, f"rm_{language}")


def test_a_leads_window_offers_the_team_page_and_reassigning_within_the_team(
    qtbot, book: Book, settings: AppSettings, people: People
) -> None:
    lead = people.lead
    sign_in(book, lead)
    team = {u.id for u in book.services.users.all() if u.team_id == lead.team_id}
    window = open_window(qtbot, book, settings)
    assert "team" in [spec.key for spec in window.specs]
    page = window.current_page()
    assert isinstance(page, ProspectsPage)
    rows = {page.list.model.row_at(r).id for r in range(page.list.model.rowCount())}
    assert rows == {book.ids[k] for k in ("huaxing", "meijia", "taoci", "lvyuan")}
    offered = {c.code for c in page.list.filters.rm.choices()}
    assert offered == team | {UNASSIGNED} and people.other.id not in offered
    assert not page.list.assign_button.isHidden()
    page.list.table.selectRow(0)
    page.list.assign_selected()
    dialog = page.list.dialog
    assert isinstance(dialog, AssignDialog)
    codes = {dialog.combo.itemData(i) for i in range(dialog.combo.count())}
    assert codes == team and UNASSIGN not in codes
    dialog.reject()
    keep(window, "lead_en")
