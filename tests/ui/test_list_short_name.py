"""Writing a prospect's short name from the list: the row menu's dialog shows the current
one, saves through the service; an empty box gives back the one made from the name."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from crm.ui.prospects.list_view import ProspectListView
from tests.ui.helpers import wait_idle


def _row_of(view: ProspectListView, pid: str):
    return next(
        view.model.row_at(r) for r in range(view.model.rowCount()) if view.model.row_at(r).id == pid
    )


def test_short_name_dialog_saves_and_the_list_shows_it(qtbot, ui, book):
    view = ProspectListView(ui)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    view.restore()
    wait_idle(qtbot, ui)
    pid = book.ids["huaxing"]
    view.edit_short_name(_row_of(view, pid))
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    wait_idle(qtbot, ui)
    assert dialog.edit.text() == "华兴五金制品厂"  # made from 佛山市南海区华兴五金制品厂
    dialog.edit.setText("华兴五金")
    with qtbot.waitSignal(dialog.saved):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    wait_idle(qtbot, ui)
    wait_idle(qtbot, ui)
    assert ui.services.prospects.get(pid).short_name == "华兴五金"
    # Empty: the short name made from the registered name again.
    view.edit_short_name(_row_of(view, pid))
    wait_idle(qtbot, ui)
    assert view.dialog.edit.text() == "华兴五金"
    view.dialog.edit.setText("")
    view.dialog.save()
    wait_idle(qtbot, ui)
    wait_idle(qtbot, ui)
    assert ui.services.prospects.get(pid).short_name == "华兴五金制品厂"
