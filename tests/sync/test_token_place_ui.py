"""The app says where this computer keeps its device token (issue #20): the sync page and the
settings dialog show the system keyring, or the private file's path where no keyring works,
in English and Chinese, after a real sign-in to a real head office. Set CRM_SCREENSHOTS to a
folder to keep the PNGs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from crm.i18n import set_language
from crm.sync import credentials
from crm.ui.common.fonts import apply_app_font
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.style import apply_style
from crm.ui.settings.dialog import SettingsDialog
from crm.ui.sync.connection import ConnectionPanel
from tests.sync.harness import Device, Server


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    apply_style(qapp)
    apply_app_font(qapp)
    # The app's own way: our catalogues and Qt's (standard buttons in Chinese too).
    installed = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, installed)
    set_language("en")


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def _shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def _fits(label: QLabel) -> bool:
    """The label shows all its text (wrapped, not cut) at its size."""
    needed = label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
    return label.height() >= needed and label.width() > 0


@pytest.mark.parametrize("store", ["keyring", "file"])
def test_the_sync_page_and_settings_say_where_the_token_is_kept(
    qtbot,
    language: str,
    store: str,
    data_home: Path,
    server: Server,
    device: Callable[..., Device],
    tmp_path: Path,
) -> None:
    if store == "file":
        keyring.set_keyring(fail.Keyring())
    laptop = device()
    laptop.sign_in()
    laptop.run()
    status = laptop.sync.status()
    assert status.token_store == store

    page = QWidget()
    page.resize(760, 240)
    layout = QVBoxLayout(page)
    panel = ConnectionPanel(page)
    layout.addWidget(panel)
    layout.addStretch(1)
    qtbot.addWidget(page)
    panel.show_status(status)
    page.show()
    qtbot.waitExposed(page)
    shown = panel.token.text()
    if store == "keyring":
        expected = "系统钥匙串" if language == "zh_CN" else "system keyring"
        assert expected in shown
    else:
        path = credentials.tokens_path()
        assert path.is_relative_to(data_home) and path.is_file()
        assert str(path) in shown
        assert ("只有您的用户账户可以读取" if language == "zh_CN" else "only your") in shown
    assert panel.user.text() == "王芳"
    assert panel.server.text() == server.url
    assert _fits(panel.token), (panel.token.size(), shown)
    _shot(page, f"sync-token-{store}-{language}")

    dialog = SettingsDialog(
        AppSettings(tmp_path / "settings.ini"),
        str(laptop.path),
        language,
        sync_status=status,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    token = dialog.findChild(QLabel, "tokenPlace")
    assert token is not None and token.text() == shown
    assert _fits(token)
    cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == ("取消" if language == "zh_CN" else "Cancel")
    _shot(dialog, f"settings-token-{store}-{language}")
    dialog.close()


def test_before_sign_in_the_page_says_no_token_is_kept(qtbot, language: str) -> None:
    panel = ConnectionPanel()
    qtbot.addWidget(panel)
    panel.show_status(None)
    assert panel.token.text() == (
        "尚未保存：这台电脑还没有登录总行。"
        if language == "zh_CN"
        else "Nowhere yet: this computer is not signed in to head office."
    )
