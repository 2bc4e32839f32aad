"""Opening visit dialogs from anywhere (Today, the calendar, the prospect page).

Everything a dialog needs is read in the background first; the dialog opens when it is
there. ``visit_events(ui).changed`` fires after any visit was planned, moved, saved,
finalized or removed, so every view of visits refreshes itself.

For the prospect page: ``plan_visit(ui, parent, prospect_id)`` and
``record_visit(ui, parent, prospect_id)``; ``open_visit(ui, parent, visit_id)`` for a row
of the visit history.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from crm.services.visits import FormReference, VisitDetail, VisitService
from crm.ui.common.context import UiContext
from crm.ui.visits.dialog import VisitDialog
from crm.ui.visits.plan import PlanDialog


class VisitEvents(QObject):
    # The prospect whose visits changed ("" when unknown).
    changed = Signal(str)


def visit_events(ui: UiContext) -> VisitEvents:
    """The one VisitEvents of this window (a child of the shared DataEvents)."""
    found = ui.events.findChild(VisitEvents, "visitEvents")
    if isinstance(found, VisitEvents):
        return found
    events = VisitEvents(ui.events)
    events.setObjectName("visitEvents")
    return events


def announce(ui: UiContext, prospect_id: str) -> None:
    visit_events(ui).changed.emit(prospect_id)
    if prospect_id:
        # The prospect's last contact and due date may have changed.
        ui.events.prospectsChanged.emit([prospect_id])


def service(ui: UiContext) -> VisitService:
    return ui.services.visits


def _show_dialog(
    ui: UiContext, parent: QWidget, detail: VisitDetail, reference: FormReference
) -> None:
    dialog = VisitDialog(ui, detail, reference, parent)
    prospect_id = detail.line.prospect_id
    dialog.finalized.connect(lambda _d: announce(ui, prospect_id))
    dialog.saved.connect(lambda _d: visit_events(ui).changed.emit(prospect_id))
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()


def open_visit(ui: UiContext, parent: QWidget, visit_id: str) -> None:
    """Open a record (or a planned visit, to record it)."""
    visits = service(ui)
    ui.tasks.read(
        parent,
        lambda: (visits.get(visit_id), visits.form_reference()),
        lambda loaded: _show_dialog(ui, parent, *loaded),
    )


def record_visit(ui: UiContext, parent: QWidget, prospect_id: str, day: date | None = None) -> None:
    """Start a record of a visit that was not planned (or a call): the dialog stores it
    once something is entered (closed at once, it leaves nothing behind)."""
    visits = service(ui)
    ui.tasks.read(
        parent,
        lambda: (visits.blank_record(prospect_id, day), visits.form_reference()),
        lambda made: _show_dialog(ui, parent, *made),
    )


def plan_visit(
    ui: UiContext,
    parent: QWidget,
    prospect_id: str | None = None,
    day: date | None = None,
    visit_id: str | None = None,
) -> None:
    """Schedule a visit (to this prospect, on this day), or edit the plan ``visit_id``."""
    visits = service(ui)

    def load() -> tuple[FormReference, VisitDetail | None]:
        return visits.form_reference(), visits.get(visit_id) if visit_id else None

    def show(loaded: tuple[FormReference, VisitDetail | None]) -> None:
        reference, detail = loaded
        dialog = PlanDialog(ui, reference, parent, prospect_id=prospect_id, day=day, visit=detail)
        dialog.planned.connect(lambda d: visit_events(ui).changed.emit(d.line.prospect_id))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    ui.tasks.read(parent, load, show)
