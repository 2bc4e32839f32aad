"""Sign-in at start: before anything of the book is shown (or, for a book whose key is kept
only under passphrases, before it can even be opened), the user whose credentials this
computer holds gives their passphrase. A wrong one is said in the dialog; Cancel quits."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.ui.common.errors import app_title, said
from crm.ui.lock.screen import Verify

MIN_WIDTH = 420


class SignInDialog(QDialog):
    """``username`` is who signed in once the dialog is accepted."""

    def __init__(
        self,
        book_name: str,
        users: Sequence[str],
        verify: Verify,
        preselected: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("Sign in — {app}").format(app=app_title()))
        self.setMinimumWidth(MIN_WIDTH)
        self.verify = verify
        self.username = ""
        column = QVBoxLayout(self)
        intro = QLabel(
            self.tr("Sign in to open {book}: choose your name and enter your passphrase.").format(
                book=book_name
            ),
            self,
        )
        intro.setWordWrap(True)
        # A wrapped label needs a width to know its height: without one the dialog cut it.
        intro.setFixedWidth(MIN_WIDTH - 2 * column.contentsMargins().left())
        column.addWidget(intro)
        column.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        form = QFormLayout()
        self.user = QComboBox(self)
        self.user.setObjectName("signInUser")
        for name in users:
            self.user.addItem(name, name)
        if preselected is not None and (at := self.user.findData(preselected)) >= 0:
            self.user.setCurrentIndex(at)
        form.addRow(self.tr("User"), self.user)
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("signInPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Passphrase"), self.passphrase)
        column.addLayout(form)
        self.problem = QLabel("", self)
        self.problem.setObjectName("signInProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        column.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Sign in"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Quit"))
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        column.addWidget(self.buttons)
        self.passphrase.setFocus()

    def try_sign_in(self) -> None:
        username = str(self.user.currentData() or "")
        passphrase = self.passphrase.text()
        if not passphrase:
            self.say(self.tr("Enter the passphrase."))
            return
        try:
            self.verify(username, passphrase)
        except DomainError as error:
            self.passphrase.clear()
            self.passphrase.setFocus()
            self.say(said(error))
            return
        self.username = username
        self.accept()

    def say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        self.adjustSize()  # room for the message, the text above it kept whole
