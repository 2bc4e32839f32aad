"""The dialog around a visit record: autosave, finalize, amend, delete a draft.

The draft is saved a moment after each change (on the writer thread), so closing the
laptop loses nothing; a finalized record opens read-only, with "Amend…" to correct it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QRect, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.domain.visits import InvalidVisit
from crm.i18n import describe
from crm.services.visits import FormReference, VisitDetail
from crm.ui.attachments.panel import AttachmentsPanel
from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.errors import show_error
from crm.ui.reports.hook import visit_report_button
from crm.ui.visits import labels
from crm.ui.visits.form import VisitForm

AUTOSAVE_MS = 1200
# The size the dialog asks for, and what a window's frame and title bar take beyond it.
PREFERRED_SIZE = (1240, 760)
FRAME_ALLOWANCE = (16, 40)


class VisitDialog(QDialog):
    """One visit record: edit and autosave a draft, finalize it, or read and amend a final."""

    saved = Signal(object)  # VisitDetail
    finalized = Signal(object)  # VisitDetail

    def __init__(
        self,
        ui: UiContext,
        detail: VisitDetail,
        reference: FormReference,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("visitDialog")
        self.ui = ui
        self.service = ui.services.visits
        self.detail = detail
        self._dirty = False
        self._saving = False
        self._again = False
        self._closing = False
        self._fit_screen()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setProperty("muted", True)
        layout.addWidget(self.title)
        layout.addWidget(self.banner)
        # One scroll area holds the whole record, its files included: on a 1366×768 laptop
        # every part of it gets the dialog's height in turn.
        page = QWidget(self)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        self.form = VisitForm(reference, page)
        page_layout.addWidget(self.form)
        self.attachments = AttachmentsPanel(ui, page, prepare=self._store_for_files)
        page_layout.addWidget(self.attachments)
        page_layout.addStretch(1)
        self.page_scroll = QScrollArea(self)
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setWidget(page)
        layout.addWidget(self.page_scroll, 1)

        buttons = QHBoxLayout()
        self.state = QLabel(self)
        self.state.setProperty("muted", True)
        buttons.addWidget(self.state, 1)
        self.discard_button = QPushButton(self.tr("Delete draft"), self)
        self.amend_button = QPushButton(self.tr("Amend…"), self)
        self.finalize_button = QPushButton(self.tr("Finalize…"), self)
        self.finalize_button.setDefault(True)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.report_button = visit_report_button(self)  # Print report…
        for button in (
            self.discard_button,
            self.amend_button,
            self.finalize_button,
            self.report_button,
            self.close_button,
        ):
            buttons.addWidget(button)
        layout.addLayout(buttons)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save)
        self.form.edited.connect(self._edited)
        self.finalize_button.clicked.connect(self.ask_finalize)
        self.amend_button.clicked.connect(self.amend)
        self.discard_button.clicked.connect(self.discard)
        self.close_button.clicked.connect(self.close)
        self._show(detail)

    def _fit_screen(self) -> None:
        """As large as the form likes, within the screen it opens on (a 1366×768 laptop
        leaves about 1366×728 under the taskbar, and the title bar takes its share): the
        one scroll area around the form takes what does not fit."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        self.fit_to(screen.availableGeometry() if screen is not None else None)

    def fit_to(self, available: QRect | None) -> None:
        width, height = PREFERRED_SIZE
        if available is not None:
            width = min(width, available.width() - FRAME_ALLOWANCE[0])
            height = min(height, available.height() - FRAME_ALLOWANCE[1])
        self.resize(width, height)

    # -- state -------------------------------------------------------------------------------

    def _show(self, detail: VisitDetail) -> None:
        self.detail = detail
        final = detail.is_final
        line = detail.line
        self.setWindowTitle(self.tr("Visit record — {name}").format(name=line.prospect_name))
        self.title.setText(line.prospect_name)
        parts = [labels.status(line.status), labels.kind(line.kind), fmt.day(line.visit_on)]
        if detail.is_amendment:
            parts.append(self.tr("amendment of an earlier record"))
        if final and detail.finalized_at is not None:
            parts.append(
                self.tr("finalized {when} by {who}; hash {hash}").format(
                    when=fmt.moment(detail.finalized_at, self.ui.zone),
                    who=detail.finalized_by or "",
                    hash=detail.content_hash[:12],
                )
            )
        if final and detail.amendments and not detail.is_amendment:
            parts.append(self.tr("%n amendment(s)", "", len(detail.amendments)))
        if final:
            parts.append(self.tr("A finalized record cannot be changed; amend it to correct it."))
        self.banner.setText(" · ".join(parts))
        self.form.set_detail(detail, self.ui.today(), read_only=final)
        # A record not kept yet has no files: the panel has it kept before the first one.
        self.attachments.set_visit(detail.id, editable=not final, kept=detail.stored)
        self.finalize_button.setVisible(not final)
        self.discard_button.setVisible(not final)
        self.amend_button.setVisible(final)
        if not detail.stored:
            self.state.setText(
                self.tr("Nothing is saved until you enter something; closing now keeps nothing.")
            )
        else:
            self.state.setText(
                self.tr("Saved as a draft on this computer; nothing is sent until it is finalized.")
                if not final
                else ""
            )

    def has_unsaved_changes(self) -> bool:
        return self._dirty or self._saving

    def _edited(self) -> None:
        if self.detail.is_final:
            return
        self._dirty = True
        self.state.setText(self.tr("Editing…"))
        self.timer.start()

    # -- saving ------------------------------------------------------------------------------

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Autosave the draft in the background (one save at a time, the latest wins)."""
        if self.detail.is_final or not self._dirty:
            if then is not None:
                then()
            return
        if self._saving:
            self._again = True
            return
        draft = self.form.draft()
        if not self.detail.stored and draft == self.detail.draft:
            # Changed and changed back: still nothing to keep.
            self._dirty = False
            if then is not None:
                then()
            return
        self._saving = True
        self._dirty = False
        visit_id, version = self.detail.id, self.detail.line.version
        prospect_id = self.detail.line.prospect_id
        stored = self.detail.stored
        self.state.setText(self.tr("Saving…"))

        def store() -> VisitDetail:
            if stored:
                return self.service.save_draft(visit_id, draft, expected_version=version)
            return self.service.record(prospect_id, draft, visit_id)

        self.ui.tasks.write(
            self, store, lambda detail: self._saved(detail, then), self._save_failed
        )

    def _store_for_files(self, then: Callable[[], None]) -> None:
        """A file put on a record not kept yet keeps the record first (a file is content)."""
        if self.detail.stored:
            then()
            return
        if self._saving:
            QTimer.singleShot(100, lambda: self._store_for_files(then))
            return
        self.timer.stop()
        self._saving = True
        self._dirty = False
        draft, visit_id = self.form.draft(), self.detail.id
        prospect_id = self.detail.line.prospect_id
        self.ui.tasks.write(
            self,
            lambda: self.service.record(prospect_id, draft, visit_id),
            lambda detail: self._saved(detail, then),
            self._save_failed,
        )

    def _saved(self, detail: VisitDetail, then: Callable[[], None] | None) -> None:
        self._saving = False
        self.detail = replace(self.detail, line=detail.line, draft=detail.draft, stored=True)
        self.state.setText(
            self.tr("Draft saved at {time}").format(
                time=fmt.moment(detail.updated_at, self.ui.zone)
            )
        )
        self.saved.emit(detail)
        if self._again:
            self._again = False
            self._dirty = True
            self.save(then)
        elif then is not None:
            then()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self._dirty = True
        if isinstance(error, InvalidVisit):
            self.state.setText(self.tr("Not saved yet: fix the fields marked in red."))
            return
        text = describe(error) if isinstance(error, DomainError) else str(error)
        self.state.setText(self.tr("Not saved: {error}").format(error=text))

    # -- finalizing and amending -------------------------------------------------------------

    def ask_finalize(self) -> None:
        problems = self.form.validate(for_finalize=True)
        if problems:
            self.state.setText(
                self.tr(
                    "%n thing(s) missing or wrong: see the fields marked in red.", "", len(problems)
                )
            )
            return
        answer = QMessageBox.question(
            self,
            self.tr("Finalize the record"),
            self.tr(
                "Once finalized, this record can never be changed: it is the evidence of your "
                "due diligence. Corrections are recorded as amendments.\n\nFinalize it now?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.finalize()

    def finalize(self) -> None:
        self.timer.stop()
        draft = self.form.draft()
        visit_id = self.detail.id

        def after_save() -> None:
            self.finalize_button.setEnabled(False)
            self.ui.tasks.write(
                self,
                lambda: self.service.finalize(visit_id, draft),
                self._finalized,
                self._finalize_failed,
            )

        self._dirty = True
        self.save(after_save)

    def _finalized(self, detail: VisitDetail) -> None:
        self.finalize_button.setEnabled(True)
        self._dirty = False
        self._show(detail)
        self.state.setText(self.tr("Finalized."))
        self.finalized.emit(detail)

    def _finalize_failed(self, error: BaseException) -> None:
        self.finalize_button.setEnabled(True)
        if isinstance(error, InvalidVisit):
            self.form.validate(for_finalize=True)
            self.state.setText(self.tr("Not finalized: see the fields marked in red."))
        elif isinstance(error, DomainError):
            show_error(self, error)

    def amend(self) -> None:
        visit_id = self.detail.id
        self.ui.tasks.write(self, lambda: self.service.amend(visit_id), self._amending)

    def _amending(self, detail: VisitDetail) -> None:
        self._show(detail)
        self.form.amend_reason.setFocus()

    def discard(self) -> None:
        if not self.detail.stored:
            # Nothing was kept yet: nothing to delete.
            self.timer.stop()
            self._dirty = False
            self._closing = True
            self.close()
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete draft"),
            self.tr(
                "Delete this unfinished record? A planned visit is removed from the calendar too."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.timer.stop()
        self._dirty = False
        visit_id = self.detail.id
        self.ui.tasks.write(self, lambda: self.service.cancel(visit_id), lambda _r: self._gone())

    def _gone(self) -> None:
        self.saved.emit(None)
        self._closing = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing and self.has_unsaved_changes() and not self.detail.is_final:
            event.ignore()
            self.timer.stop()

            def done() -> None:
                self._closing = True
                self.close()

            self.save(done)
            return
        super().closeEvent(event)
