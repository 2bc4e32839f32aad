"""The import wizard, driven as an RM drives it: file, columns, preview, import, undo.

Set CRM_SCREENSHOTS to a folder to keep PNGs of every page in Chinese and English.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from crm.ui.common.context import UiContext
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.imports.wizard import ImportWizard
from tests.ui.conftest import Book

sys.path.insert(0, str(Path(__file__).parents[1] / "imports"))

from lists import sample_rows, table_digest, uscc, write_csv, write_xlsx

TIMEOUT = 20_000


@pytest.fixture
def wizard(ui: UiContext, qtbot) -> Iterator[ImportWizard]:
    w = ImportWizard(ui)
    qtbot.addWidget(w)
    w.show()
    yield w
    ui.tasks.wait()
    QApplication.processEvents()


def choose(w: ImportWizard, qtbot, path: Path, source: str = "park") -> None:
    page = w.file_page
    page.source_box.setCurrentIndex(page.source_box.findData(source))
    page.set_path(str(path))
    qtbot.waitUntil(lambda: page.info is not None, timeout=TIMEOUT)
    assert page.isComplete()


def preview(w: ImportWizard, qtbot) -> None:
    w.next()
    assert w.currentId() == w.COLUMNS
    w.next()
    assert w.currentId() == w.PREVIEW
    qtbot.waitUntil(lambda: w.preview_page.result is not None, timeout=TIMEOUT)


def test_the_wizard_previews_imports_saves_rejects_and_undoes(
    wizard: ImportWizard, book: Book, qtbot, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "名单.xlsx", sample_rows())
    choose(wizard, qtbot, path)
    assert "row 4" in wizard.file_page.status.text()
    before = table_digest(book.services.db_path)
    preview(wizard, qtbot)
    page = wizard.preview_page
    assert page.count_labels["created"].text() == "2"
    assert page.count_labels["rejected"].text() == "1"
    assert page.rows.rowCount() == 4
    assert table_digest(book.services.db_path) == before  # a preview writes nothing
    with qtbot.waitSignal(wizard.importedList, timeout=TIMEOUT) as imported:
        wizard.next()
    result = imported.args[0]
    assert (result.created, result.rejected) == (2, 1)
    assert book.services.prospects.find_by_uscc(uscc(1)) is not None
    run = wizard.import_page
    qtbot.waitUntil(run.isComplete, timeout=TIMEOUT)
    assert run.save_button.isVisibleTo(wizard) and run.undo_button.isVisibleTo(wizard)
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()

    target = tmp_path / "rejected.xlsx"
    run.write_rejected(target)
    qtbot.waitUntil(target.exists, timeout=TIMEOUT)

    with qtbot.waitSignal(run.undone, timeout=TIMEOUT):
        run.undo_now()
    assert book.services.prospects.find_by_uscc(uscc(1)) is None


def test_the_user_corrects_a_column_before_importing(
    wizard: ImportWizard, book: Book, qtbot, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "list.csv", sample_rows(), encoding="gbk")
    choose(wizard, qtbot, path)
    wizard.next()
    columns = wizard.columns_page
    owner = columns.boxes[3]
    assert owner.currentData() == "owner_name"
    owner.setCurrentIndex(owner.findData(None))  # the RM does not want the owner imported
    wizard.next()
    qtbot.waitUntil(lambda: wizard.preview_page.result is not None, timeout=TIMEOUT)
    with qtbot.waitSignal(wizard.importedList, timeout=TIMEOUT):
        wizard.next()
    made = book.services.prospects.find_by_uscc(uscc(1))
    assert made is not None
    assert book.services.prospects.get(made).owner_name == ""


def test_the_columns_are_saved_as_a_named_preset_for_the_list(
    wizard: ImportWizard, ui: UiContext, qtbot, tmp_path: Path
) -> None:
    choose(wizard, qtbot, write_csv(tmp_path / "list.csv", sample_rows()))
    wizard.next()
    wizard.columns_page.preset_edit.setText("百行进万企格式")
    wizard.columns_page.save_button.click()

    service = ui.services.imports
    qtbot.waitUntil(lambda: bool(service.mappings("park")), timeout=TIMEOUT)
    saved = service.mappings("park")
    assert [m.name for m in saved] == ["百行进万企格式"]


def test_a_file_without_a_header_says_so_and_cannot_go_on(
    wizard: ImportWizard, qtbot, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "odd.csv", [["甲", "乙"]], headers=["列1", "列2"], title=[])
    page = wizard.file_page
    page.set_path(str(path))
    qtbot.waitUntil(lambda: "header" in page.status.text(), timeout=TIMEOUT)
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_cancel_during_the_import_changes_nothing(
    wizard: ImportWizard, book: Book, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [[i, f"佛山市取消测试{i}厂", uscc(200 + i), "", "", "", "", ""] for i in range(60)]
    choose(wizard, qtbot, write_csv(tmp_path / "many.csv", rows))
    preview(wizard, qtbot)
    wizard.service.chunk_rows = 5  # many small blocks: the cancel comes before the end
    before = table_digest(book.services.db_path)
    run = wizard.import_page

    original = run.start

    def start(dry_run: bool) -> None:
        original(dry_run)
        job = run.job
        assert job is not None
        # Asked on the worker's own thread at its first progress report, so the cancel is
        # there before the next block, however fast the import runs (the job's flag is a
        # threading.Event; the button's slot would come a queued event later).
        job.signals.progress.connect(
            lambda _rows, _fraction: job.cancel(), Qt.ConnectionType.DirectConnection
        )

    monkeypatch.setattr(run, "start", start)
    wizard.next()
    qtbot.waitUntil(lambda: run.job is None, timeout=TIMEOUT)
    assert "nothing was changed" in run.progress_label.text()
    assert run.result is None
    assert table_digest(book.services.db_path) == before


# -- screenshots -------------------------------------------------------------------------


@pytest.fixture(params=["zh_CN", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    installed = install_translators(qapp, request.param)  # loads imports_zh_CN.qm too
    yield request.param
    remove_translators(qapp, installed)


def save(w: QWidget, name: str, language: str) -> None:
    QApplication.processEvents()
    pixmap = w.grab()
    assert not pixmap.isNull()
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pixmap.save(str(Path(folder) / f"import-{name}.{language}.png"))


def test_every_page_renders_in_both_languages(
    ui: UiContext, qtbot, tmp_path: Path, language: str
) -> None:
    w = ImportWizard(ui)
    qtbot.addWidget(w)
    w.show()
    path = write_xlsx(tmp_path / "佛山市南海区名单.xlsx", sample_rows())
    choose(w, qtbot, path, "visit_campaign")
    expected = {"zh_CN": "选择要导入的清单", "en": "Choose the list to import"}[language]
    assert w.file_page.title() == expected  # the app loads imports_zh_CN.qm with its own
    save(w, "1-file", language)
    w.next()
    save(w, "2-columns", language)
    w.next()
    qtbot.waitUntil(lambda: w.preview_page.result is not None, timeout=TIMEOUT)
    save(w, "3-preview", language)
    with qtbot.waitSignal(w.importedList, timeout=TIMEOUT):
        w.next()
    qtbot.waitUntil(w.import_page.isComplete, timeout=TIMEOUT)
    save(w, "4-import", language)
    from crm.services.imports.service import ImportRequest
    from crm.ui.imports.duplicates import DuplicatesDialog

    rows = [[1, "佛山市南海区华兴五金制品厂", "", "何老板", "", "佛山市南海区", "", ""]]
    w.service.run(ImportRequest(write_csv(tmp_path / "dup.csv", rows), source_code="rural"))
    dialog = DuplicatesDialog(ui)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=TIMEOUT)
    save(dialog, "5-duplicates", language)
    ui.tasks.wait()


def test_possible_duplicates_are_confirmed_or_kept_apart_in_their_dialog(
    ui: UiContext, book: Book, qtbot, tmp_path: Path
) -> None:
    from crm.ui.imports.duplicates import DuplicatesDialog

    rows = [
        [1, "佛山市南海区华兴五金制品厂", "", "何老板", "", "佛山市南海区", "", ""],
        [2, "佛山市顺德区美嘉家具有限公司", "", "", "", "佛山市顺德区", "", ""],
    ]
    from crm.services.imports.service import ImportRequest

    service = ui.services.imports
    service.run(ImportRequest(write_csv(tmp_path / "d.csv", rows), source_code="rural"))
    dialog = DuplicatesDialog(ui)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=TIMEOUT)
    first = dialog.flags[0]
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=TIMEOUT)
    dialog.split_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=TIMEOUT)
    assert dialog.empty.isVisible() and not dialog.table.isVisible()
    assert "No possible duplicates" in dialog.empty.title.text()
    kept = book.services.prospects.get(first.candidate_id)
    assert "rural" in [s.code for s in kept.sources]
    ui.tasks.wait()


def test_the_main_window_opens_the_wizard_from_the_file_menu(ui: UiContext, qtbot) -> None:
    from crm.ui.shell.main_window import MainWindow

    window = MainWindow(ui)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts.index("&Import list…") == texts.index("&New prospect…") + 1
    window.import_action.trigger()
    wizards = [w for w in window.findChildren(ImportWizard)]
    assert len(wizards) == 1 and wizards[0].isVisible()
    wizards[0].reject()
    ui.tasks.wait()


def test_the_wizard_remembers_the_list_and_folder_of_the_last_import(
    ui: UiContext, qtbot, tmp_path: Path
) -> None:
    first = ImportWizard(ui)
    qtbot.addWidget(first)
    first.show()
    choose(first, qtbot, write_csv(tmp_path / "week1.csv", sample_rows()), "supply_chain")
    preview(first, qtbot)
    with qtbot.waitSignal(first.importedList, timeout=TIMEOUT):
        first.next()
    ui.tasks.wait()
    again = ImportWizard(ui)
    qtbot.addWidget(again)
    again.show()
    assert again.file_page.source_code() == "supply_chain"
    assert again.last_choices()["folder"] == str(tmp_path)
    ui.tasks.wait()
