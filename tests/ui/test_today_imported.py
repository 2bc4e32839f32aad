"""Today counts a prospect imported from a list like one typed in (an imported prospect
used to get no due date, so it never came due)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from crm.domain.clock import utcnow
from crm.domain.uscc import make_uscc
from crm.services.container import Services, open_services
from crm.services.imports.service import ImportRequest
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.today.page import TodayPage
from tests.imports.lists import write_csv
from tests.ui.helpers import wait_idle

NAME = "佛山市高明区荷城街道明华五金加工厂"
CODE = make_uscc("9", "1", "440608", "MA4W9P5Q6").value


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    opened = open_services(tmp_path / "book.db", create=True)
    start = utcnow()
    opened.ctx.clock = lambda: start
    row = [
        1,
        NAME,
        CODE,
        "陈伟",
        "13922223333",
        "高明区荷城街道中山路3号",
        "2018-06-01",
        "80",
    ]
    result = opened.imports.run(ImportRequest(write_csv(tmp_path / "list.csv", [row])))
    assert result.created == 1
    # Six weeks on, the first contact the no-loan cadence asks for is overdue.
    later = start + timedelta(days=42)
    opened.ctx.clock = lambda: later
    yield opened
    opened.close()


def test_an_imported_prospect_is_overdue_on_today_once_its_contact_falls_due(
    qtbot, services: Services, settings: AppSettings
) -> None:
    ui = UiContext(services, settings, TaskRunner(), load_startup(services))
    page = TodayPage(ui)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.start()
    wait_idle(qtbot, ui)
    assert page.summary is not None
    assert [p.name for p in page.overdue_model.rows] == [NAME]
    assert page.cards["overdue"].number.text() == "1"
    ui.tasks.wait()
    QApplication.processEvents()
