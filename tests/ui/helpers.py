"""Helpers shared by the GUI tests."""

from __future__ import annotations

from crm.ui.common.context import UiContext


def wait_idle(qtbot, ui: UiContext, timeout: int = 10_000) -> None:
    """Until every background task has finished and delivered its result."""
    qtbot.waitUntil(lambda: ui.tasks.pending() == 0, timeout=timeout)


def record_phone_call(
    ui: UiContext, prospect_id: str, purpose: str, checklist_items: tuple[str, ...]
) -> None:
    """A finalized phone call today, through the service, covering ``checklist_items``."""
    from crm.domain.visits import VisitDraft

    visits = ui.services.visits
    start = visits.start_record(prospect_id)
    visits.finalize(
        start.id,
        VisitDraft(
            visit_on=ui.today(),
            kind="phone",
            purpose=purpose,
            people_met="王总",
            next_steps="下周上门",
            checklist_items=checklist_items,
        ),
    )
