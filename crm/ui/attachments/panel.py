"""The photos and documents of a visit record: thumbnails, attach from a file or by drag and
drop, take one off a draft.

Attaching reads, checks and stores the file on the writer thread (a 10 MB photo takes a
moment; the window stays responsive), one file after another in the order given; a file
refused (damaged, too large, not a photo or PDF) is named with the reason under the
thumbnails and the others go on. A finalized record's files are shown read-only: its
evidence changes only through an amendment, which adds files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.attachments import KINDS, AttachmentKind
from crm.domain.errors import DomainError
from crm.services.attachments import AttachmentInfo
from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said

THUMB = QSize(132, 99)
ID_ROLE = Qt.ItemDataRole.UserRole
FILE_FILTER = "*.jpg *.jpeg *.png *.heic *.heif *.pdf *.JPG *.JPEG *.PNG *.HEIC *.HEIF *.PDF"


def kind_label(kind: str) -> str:
    labels = {
        AttachmentKind.PREMISES.value: QCoreApplication.translate("AttachmentsPanel", "Premises"),
        AttachmentKind.SIGNBOARD.value: QCoreApplication.translate("AttachmentsPanel", "Signboard"),
        AttachmentKind.LICENCE.value: QCoreApplication.translate(
            "AttachmentsPanel", "Business licence"
        ),
        AttachmentKind.AUTHORISATION.value: QCoreApplication.translate(
            "AttachmentsPanel", "Signed authorisation"
        ),
        AttachmentKind.OTHER.value: QCoreApplication.translate("AttachmentsPanel", "Other"),
    }
    return labels.get(kind, kind)


def local_files(paths: Sequence[object]) -> list[Path]:
    """The local files among dropped URLs (QUrl) or paths."""
    found: list[Path] = []
    for item in paths:
        to_local = getattr(item, "toLocalFile", None)
        text = to_local() if callable(to_local) else str(item)
        if text:
            found.append(Path(text))
    return found


class AttachmentsPanel(QFrame):
    """A visit record's files; ``changed`` after one is attached or taken off."""

    changed = Signal()

    def __init__(
        self,
        ui: UiContext,
        parent: QWidget | None = None,
        *,
        prepare: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        """``prepare(then)``: what must happen before a file goes on the record (the
        dialog stores a record not saved yet), then ``then()``."""
        super().__init__(parent)
        self.setObjectName("attachmentsPanel")
        self.ui = ui
        self.prepare = prepare
        self.visit_id: str | None = None
        self.editable = False
        self.files: list[AttachmentInfo] = []
        self._queue: list[Path] = []
        self._problems: list[str] = []
        self._busy = False
        self.setAcceptDrops(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        head = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setObjectName("panelTitle")
        head.addWidget(self.title)
        head.addStretch(1)
        self.kind_caption = QLabel(self.tr("Attach as"), self)
        self.kind = QComboBox(self)
        for code in KINDS:
            self.kind.addItem(kind_label(code), code)
        self.caption = QLineEdit(self)
        self.caption.setPlaceholderText(self.tr("Caption (optional)"))
        self.caption.setMaxLength(200)
        self.caption.setMinimumWidth(220)
        self.attach_button = QPushButton(self.tr("Attach file…"), self)
        for widget in (self.kind_caption, self.kind, self.caption, self.attach_button):
            head.addWidget(widget)
        layout.addLayout(head)

        self.list = QListWidget(self)
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setIconSize(THUMB)
        self.list.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 44))
        self.list.setWordWrap(True)
        self.list.setFixedHeight(THUMB.height() + 62)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        # Drops land on the panel (the list would take them as moves of its own items).
        self.list.setAcceptDrops(False)
        self.list.viewport().setAcceptDrops(False)
        layout.addWidget(self.list)

        self.hint = QLabel(self)
        self.hint.setProperty("muted", True)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.problem = QLabel(self)
        self.problem.setObjectName("fieldError")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)

        self.attach_button.clicked.connect(self.choose_files)
        self.list.customContextMenuRequested.connect(self._menu)
        self._show_state()

    # -- the record shown ---------------------------------------------------------------------

    def set_visit(self, visit_id: str | None, *, editable: bool, kept: bool = True) -> None:
        """Show the files of ``visit_id`` (None: a record not saved yet); ``editable``
        while the record is open. ``kept`` False: a new record the dialog shows before it
        is stored (it has no files yet; ``prepare`` stores it before the first one)."""
        editable = editable and visit_id is not None
        if visit_id == self.visit_id and editable == self.editable:
            return
        changed = visit_id != self.visit_id
        self.visit_id = visit_id
        self.editable = editable
        if changed:
            self.files = []
            self.problem.hide()
            self._fill()
        self._show_state()
        if kept:
            self.reload()

    def reload(self) -> None:
        visit_id = self.visit_id
        if visit_id is None:
            return
        service = self.ui.services.attachments
        self.ui.tasks.read(self, lambda: service.for_visit(visit_id), self._loaded, self._failed)

    def _loaded(self, files: list[AttachmentInfo]) -> None:
        self.files = files
        self._fill()
        self._show_state()

    # -- attaching ----------------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            self.tr("Attach photos or documents"),
            "",
            self.tr("Photos and PDF documents ({patterns})").format(patterns=FILE_FILTER),
        )
        self.attach_paths([Path(n) for n in names])

    def attach_paths(self, paths: Sequence[Path]) -> None:
        """Attach these files, one after another, on the writer thread."""
        if not self.editable or not paths:
            return
        self.problem.hide()
        self._problems = []
        self._queue.extend(paths)
        if self._busy:
            return
        if self.prepare is not None:
            self._busy = True
            self._show_state(attaching=self._queue[0].name)
            self.prepare(self._next)
        else:
            self._next()

    def _next(self) -> None:
        if not self._queue or self.visit_id is None:
            self._busy = False
            self._show_state()
            return
        self._busy = True
        path = self._queue.pop(0)
        visit_id = self.visit_id
        kind = str(self.kind.currentData())
        caption = self.caption.text()
        service = self.ui.services.attachments
        self._show_state(attaching=path.name)
        self.ui.tasks.write(
            self,
            lambda: service.attach_file(visit_id, path, kind=kind, caption=caption),
            self._attached,
            lambda error: self._refused(path, error),
        )

    def _attached(self, info: AttachmentInfo) -> None:
        if info.visit_id == self.visit_id:
            self.files = [*self.files, info]
            self._fill()
        self.caption.clear()
        self.changed.emit()
        self._next()

    def _refused(self, path: Path, error: BaseException) -> None:
        text = said(error) if isinstance(error, DomainError) else str(error)
        self._problems.append(
            self.tr("{file} was not attached: {reason}").format(file=path.name, reason=text)
        )
        self.problem.setText("\n".join(self._problems))
        self.problem.show()
        self._next()

    def _failed(self, error: BaseException) -> None:
        text = said(error) if isinstance(error, DomainError) else str(error)
        self.problem.setText(text)
        self.problem.show()

    # -- taking off -----------------------------------------------------------------------------

    def _menu(self, position: QPoint) -> None:
        item = self.list.itemAt(position)
        if item is None:
            return
        info = self._info(item)
        if info is None or not info.removable or not self.editable:
            return
        menu = QMenu(self)
        remove = menu.addAction(self.tr("Remove from this record"))
        chosen = menu.exec(self.list.viewport().mapToGlobal(position))
        if chosen is remove:
            self.remove(info.id)

    def remove(self, attachment_id: str) -> None:
        service = self.ui.services.attachments
        self.ui.tasks.write(
            self, lambda: service.remove(attachment_id), lambda _r: self._removed(), self._failed
        )

    def _removed(self) -> None:
        self.changed.emit()
        self.reload()

    # -- drag and drop ------------------------------------------------------------------------

    def _droppable(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        mime = event.mimeData()
        return self.editable and mime.hasUrls() and bool(local_files(mime.urls()))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._droppable(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._droppable(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        if not self._droppable(event):
            event.ignore()
            return
        event.acceptProposedAction()
        self.attach_paths(local_files(event.mimeData().urls()))

    # -- showing ------------------------------------------------------------------------------

    def _info(self, item: QListWidgetItem) -> AttachmentInfo | None:
        wanted = item.data(ID_ROLE)
        return next((f for f in self.files if f.id == wanted), None)

    def _fill(self) -> None:
        self.list.clear()
        for info in self.files:
            item = QListWidgetItem(_icon(info), self._text(info))
            item.setData(ID_ROLE, info.id)
            item.setToolTip(self._tooltip(info))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.list.addItem(item)

    def _text(self, info: AttachmentInfo) -> str:
        when = info.taken_at or info.created_at
        return f"{kind_label(info.kind)}\n{fmt.moment(when, self.ui.zone)}"

    def _tooltip(self, info: AttachmentInfo) -> str:
        lines = [info.filename or info.sha256[:12]]
        if info.caption:
            lines.append(info.caption)
        if info.taken_at is not None:
            lines.append(
                self.tr("Taken {when}").format(when=fmt.moment(info.taken_at, self.ui.zone))
            )
        if info.latitude is not None and info.longitude is not None:
            lines.append(
                self.tr("Place {lat}, {lon}").format(
                    lat=f"{info.latitude:.6f}", lon=f"{info.longitude:.6f}"
                )
            )
        lines.append(
            self.tr("{size} KB, SHA-256 {hash}").format(
                size=fmt.integer(max(1, info.size // 1024)), hash=info.sha256[:16]
            )
        )
        if not info.stored:
            lines.append(self.tr("Not on this computer yet: it comes with the next sync."))
        return "\n".join(lines)

    def _show_state(self, attaching: str | None = None) -> None:
        count = len(self.files)
        self.title.setText(self.tr("Photos and documents ({count})").format(count=count))
        for widget in (self.kind_caption, self.kind, self.caption, self.attach_button):
            widget.setVisible(self.editable)
        self.attach_button.setEnabled(self.editable)
        if attaching:
            text = self.tr("Attaching {file}…").format(file=attaching)
        elif self.visit_id is None:
            text = self.tr("Files can be attached once the record is open.")
        elif self.editable:
            limit = self.ui.services.attachments.limits().max_megabytes
            text = self.tr(
                "Drop photos (JPEG, PNG, HEIC) or PDF documents here, up to {limit} each."
            ).format(limit=limit)
        else:
            text = self.tr("A finalized record's files never change: amend the record to add one.")
        self.hint.setText(text)


def _icon(info: AttachmentInfo) -> QIcon:
    pixmap = QPixmap()
    if info.preview is not None and pixmap.loadFromData(info.preview):
        return QIcon(
            pixmap.scaled(
                THUMB,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
    return QIcon(_placeholder("PDF" if info.media_type == "application/pdf" else "…"))


def _placeholder(label: str) -> QPixmap:
    """A plain tile for a document (or an image still to fetch)."""
    pixmap = QPixmap(THUMB)
    pixmap.fill(QColor("#eef2f7"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#8a97a8"))
    painter.drawRect(0, 0, THUMB.width() - 1, THUMB.height() - 1)
    font = painter.font()
    font.setPointSize(16)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#b03a2e") if label == "PDF" else QColor("#5b6b80"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return pixmap
