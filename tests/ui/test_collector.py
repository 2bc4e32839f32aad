"""Full garbage collections wait until the prospect list has stopped painting."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QObject

from crm.ui.common import collector
from crm.ui.common.collector import FULL_AFTER, NEVER, IdleCollector, note_busy


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def idle(qapp):
    young, middle, _full = gc.get_threshold()
    clock = Clock()
    owner = QObject()
    made = IdleCollector(owner, idle_s=1.0, check_ms=60_000, clock=clock)
    yield made, clock
    made.stop()
    assert gc.get_threshold() == (young, middle, FULL_AFTER)


def make_full_collection_due() -> None:
    while gc.get_count()[2] < FULL_AFTER:
        gc.collect(1)


def test_python_no_longer_starts_full_collections(idle):
    assert gc.get_threshold()[2] == NEVER


def test_a_due_collection_waits_while_the_list_paints(idle):
    made, clock = idle
    make_full_collection_due()
    note_busy(clock.now - 0.2)
    assert not made.check()
    assert gc.get_count()[2] >= FULL_AFTER  # still due


def test_an_idle_list_gets_its_collection(idle):
    made, clock = idle
    make_full_collection_due()
    note_busy(clock.now - 5)
    assert made.check()
    assert made.collections == 1
    assert gc.get_count()[2] == 0  # a full collection resets the middle generation's count


def test_nothing_is_collected_when_none_is_due(idle):
    made, clock = idle
    gc.collect()
    note_busy(clock.now - 5)
    assert not made.check()


def test_the_list_painting_counts_as_busy(qtbot, ui, idle):
    from crm.domain.query import ProspectFilter
    from crm.ui.prospects.list_view import ProspectTable
    from crm.ui.prospects.table_model import ProspectTableModel
    from tests.ui.helpers import wait_idle

    model = ProspectTableModel(ui)
    table = ProspectTable()
    qtbot.addWidget(table)
    table.setModel(model)
    model.set_query(ProspectFilter())
    wait_idle(qtbot, ui)
    table.show()
    qtbot.waitExposed(table)
    collector._busy_at = 0.0
    table.grab()
    assert collector._busy_at > 0


def test_python_gets_its_schedule_back_when_the_window_goes(qapp):
    gc.set_threshold(700, 10, FULL_AFTER)
    before = gc.get_threshold()
    owner = QObject()
    IdleCollector(owner, check_ms=60_000)
    assert gc.get_threshold()[2] == NEVER
    owner.deleteLater()
    qapp.processEvents()
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert gc.get_threshold() == before
