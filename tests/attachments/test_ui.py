"""The visit dialog's photos and documents, driven as an RM would: files dropped on it (file
URLs, as a file manager drags them), a bad one refused with a message, a finalized record
read-only; rendered in Chinese and English (CRM_SCREENSHOTS keeps the PNGs)."""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTranslator, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from crm.services.container import Services
from crm.services.context import Context
from crm.services.visits import VisitService
from crm.ui.attachments.panel import AttachmentsPanel
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.fonts import apply_app_font
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.style import apply_style
from crm.ui.common.tasks import TaskRunner
from crm.ui.visits.dialog import VisitDialog
from tests.attachments import media
from tests.attachments.test_attach import counts
from tests.visits.visit_helpers import complete

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "attachments_zh_CN.ts"


@pytest.fixture
def ui(ctx: Context, tmp_path: Path, qapp: QApplication) -> Iterator[UiContext]:
    apply_style(qapp)
    apply_app_font(qapp)
    services = Services(ctx)
    context = UiContext(
        services, AppSettings(tmp_path / "s.ini"), TaskRunner(), load_startup(services)
    )
    yield context
    context.tasks.wait()
    QApplication.processEvents()


@pytest.fixture(params=("zh_CN", "en"))
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    installed = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, installed)


def open_dialog(qtbot, ui: UiContext, visit_id: str) -> VisitDialog:
    visits = ui.services.visits
    dialog = VisitDialog(ui, visits.get(visit_id), visits.form_reference())
    qtbot.addWidget(dialog)
    dialog.resize(1300, 740)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: ui.tasks.pending() == 0, timeout=10_000)
    return dialog


def drop(panel: AttachmentsPanel, paths: list[Path]) -> bool:
    """Drag file URLs onto the panel and let go; whether the panel took them."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    where = QPoint(panel.width() // 2, panel.height() // 2)
    enter = QDragEnterEvent(
        where,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(panel, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(
        QPointF(where),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(panel, event)
    return event.isAccepted()


def files_on_disk(tmp_path: Path) -> dict[str, Path]:
    made = {
        "premises.jpg": media.jpeg(1600, 1200, exif=media.photo_exif()),
        "signboard.heic": media.heic(1200, 900, exif=media.photo_exif()),
        "授权书.pdf": media.pdf(),
        "cut.jpg": media.jpeg()[:2500],
    }
    paths = {}
    for name, data in made.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    return paths


def test_files_dropped_on_a_draft_are_attached_and_a_bad_one_is_named(
    qtbot, ui: UiContext, ctx: Context, draft_id: str, tmp_path: Path
) -> None:
    paths = files_on_disk(tmp_path)
    dialog = open_dialog(qtbot, ui, draft_id)
    panel = dialog.attachments
    assert panel.editable and panel.list.count() == 0
    assert drop(panel, [paths["premises.jpg"], paths["cut.jpg"], paths["授权书.pdf"]])
    qtbot.waitUntil(lambda: panel.list.count() == 2 and not panel._busy, timeout=10_000)
    assert [f.filename for f in panel.files] == ["premises.jpg", "授权书.pdf"]
    assert panel.problem.isVisible() and "cut.jpg" in panel.problem.text()
    assert counts(ctx) == (2, 2, 0)
    # Text that is not a file is not taken.
    mime_text = QMimeData()
    mime_text.setText("not a file")
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime_text,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(panel, enter)
    assert not enter.isAccepted()
    dialog._dirty = False
    dialog.close()


def test_a_finalized_record_takes_no_drop(
    qtbot, ui: UiContext, ctx: Context, visits: VisitService, draft_id: str, tmp_path: Path
) -> None:
    paths = files_on_disk(tmp_path)
    ui.services.attachments.attach_file(draft_id, paths["premises.jpg"], kind="premises")
    visits.finalize(draft_id, complete())
    dialog = open_dialog(qtbot, ui, draft_id)
    panel = dialog.attachments
    assert not panel.editable and panel.list.count() == 1
    assert not panel.attach_button.isVisible()
    assert not drop(panel, [paths["授权书.pdf"]])
    assert counts(ctx)[:2] == (1, 1)
    dialog.close()


def test_the_visit_page_with_thumbnails(
    qtbot, ui: UiContext, draft_id: str, tmp_path: Path, language: str
) -> None:
    paths = files_on_disk(tmp_path)
    files = ui.services.attachments
    files.attach_file(draft_id, paths["premises.jpg"], kind="premises", caption="车间全景")
    files.attach_file(draft_id, paths["signboard.heic"], kind="signboard")
    files.attach_file(draft_id, paths["授权书.pdf"], kind="authorisation")
    dialog = open_dialog(qtbot, ui, draft_id)
    panel = dialog.attachments
    qtbot.waitUntil(lambda: panel.list.count() == 3, timeout=10_000)
    title = panel.title.text()
    assert title == ("照片和文件（3）" if language == "zh_CN" else "Photos and documents (3)")
    # Every thumbnail's label fits its cell (no clipped text).
    for row in range(3):
        rect = panel.list.visualItemRect(panel.list.item(row))
        assert rect.width() > 0 and rect.bottom() <= panel.list.viewport().height()
    QApplication.processEvents()
    pixmap = dialog.grab()
    assert not pixmap.isNull()
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pixmap.save(str(Path(folder) / f"18-visit-attachments.{language}.png"))
    dialog._dirty = False
    dialog.close()


def test_a_file_dropped_on_a_record_not_kept_yet_keeps_the_record_with_it(
    qtbot, ui: UiContext, ctx: Context, prospect: str, tmp_path: Path
) -> None:
    paths = files_on_disk(tmp_path)
    visits = ui.services.visits
    blank = visits.blank_record(prospect)
    dialog = VisitDialog(ui, blank, visits.form_reference())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.detail.stored and dialog.attachments.editable
    assert drop(dialog.attachments, [paths["premises.jpg"]])
    qtbot.waitUntil(lambda: dialog.attachments.list.count() == 1, timeout=10_000)
    assert dialog.detail.stored
    assert visits.get(blank.id).line.status == "draft"
    assert [f.visit_id for f in ui.services.attachments.for_visit(blank.id)] == [blank.id]
    assert counts(ctx) == (1, 1, 0)
    dialog.close()


# -- the panel's catalogue -----------------------------------------------------------------------


def _messages(path: Path) -> list[tuple[str, str, str]]:
    root = ET.parse(path).getroot()
    return [
        (c.findtext("name") or "", m.findtext("source") or "", m.findtext("translation") or "")
        for c in root.iter("context")
        for m in c.iter("message")
    ]


def test_the_catalogue_is_complete_current_and_compiled(tmp_path: Path) -> None:
    import re
    import subprocess
    import sys

    placeholder = re.compile(r"\{\w*\}")
    messages = _messages(TS)
    assert all(t.strip() for _c, _s, t in messages)
    assert all(
        sorted(placeholder.findall(s)) == sorted(placeholder.findall(t)) for _c, s, t in messages
    )
    lupdate = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    if lupdate:
        fresh = tmp_path / "fresh.ts"
        sources = sorted((ROOT / "crm" / "ui" / "attachments").glob("*.py"))
        subprocess.run(
            [lupdate, "-locations", "none", *map(str, sources), "-ts", str(fresh)],
            check=True,
            capture_output=True,
        )
        assert {(c, s) for c, s, _t in _messages(fresh)} == {(c, s) for c, s, _t in messages}
    translator = QTranslator()
    assert translator.load(str(TS.with_suffix(".qm")))
    for context, source, translation in messages:
        assert translator.translate(context, source) == translation
