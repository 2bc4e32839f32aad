"""First-run sign-in: register this computer with head office (server, user, password).

The password is sent once over https to get a device token, which goes to the OS keyring;
the password itself is never stored. The request runs on the task runner's pool for work
that waits (it may take up to a minute when head office is slow), never on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.i18n import describe
from crm.ui.common.tasks import TaskRunner


class SignInDialog(QDialog):
    """Asks for head office's address and the user's name and password."""

    def __init__(
        self,
        submit: Callable[[str, str, str], Any],
        tasks: TaskRunner,
        server: str = "",
        username: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncSignIn")
        self.setWindowTitle(self.tr("Sign in to head office"))
        self.submit = submit
        self.tasks = tasks
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Register this computer with head office once; after that it syncs by itself "
                "whenever it is online. Your password is not stored."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.server = QLineEdit(server, self)
        self.server.setPlaceholderText("https://headoffice.example.cn")
        self.username = QLineEdit(username, self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Head office address"), self.server)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        layout.addLayout(form)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("signInMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Sign in"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        for edit in (self.server, self.username, self.password):
            edit.textChanged.connect(self._validate)
        self._validate()

    def _validate(self) -> None:
        ok = bool(self.server.text().strip() and self.username.text().strip())
        ok = ok and bool(self.password.text())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def _submit(self) -> None:
        self.message.setText(self.tr("Signing in…"))
        self.buttons.setEnabled(False)
        server, user, password = (
            self.server.text().strip(),
            self.username.text().strip(),
            self.password.text(),
        )

        submit = self.submit
        # A refusal (wrong password, head office unreachable) comes back to _failed; a bug
        # also goes to the crash handler first.
        self.tasks.waiting(
            self, lambda: submit(server, user, password), self._signed_in, self._failed
        )

    def _signed_in(self, _user: object) -> None:
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.password.clear()
        if isinstance(error, DomainError):
            self.message.setText(describe(error))
        else:
            self.message.setText(self.tr("Sign-in failed: {detail}").format(detail=str(error)))
