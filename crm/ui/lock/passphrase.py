"""Setting a local passphrase after the first sign-in to head office: typed twice, at least
the length the book's lock asks (crm.services.book_lock.MIN_PASSPHRASE). From then on this
computer holds the RM's credentials: the app asks for this passphrase at start and to
unlock."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
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

MIN_WIDTH = 440


class SetPassphraseDialog(QDialog):
    """``store(passphrase)`` keeps the passphrase (raises DomainError if it cannot); the
    dialog is accepted once it has."""

    def __init__(
        self,
        username: str,
        minimum: int,
        store: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("setPassphraseDialog")
        self.setWindowTitle(self.tr("Set your passphrase — {app}").format(app=app_title()))
        self.setMinimumWidth(MIN_WIDTH)
        self.minimum = minimum
        self.store = store
        column = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Head office accepted you, {user}. Set a passphrase for this computer: the app "
                "asks for it at start and after a while without use. At least {count} "
                "characters; it is not your head-office password and is never sent."
            ).format(user=username, count=minimum),
            self,
        )
        intro.setWordWrap(True)
        # A wrapped label needs a width to know its height: without one the dialog cut it.
        intro.setFixedWidth(MIN_WIDTH - 2 * column.contentsMargins().left())
        column.addWidget(intro)
        column.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        form = QFormLayout()
        self.first = QLineEdit(self)
        self.first.setObjectName("newPassphrase")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit(self)
        self.second.setObjectName("repeatPassphrase")
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Passphrase"), self.first)
        form.addRow(self.tr("Again"), self.second)
        column.addLayout(form)
        self.problem = QLabel("", self)
        self.problem.setObjectName("passphraseProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        column.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Set passphrase"))
        buttons.accepted.connect(self.try_set)
        column.addWidget(buttons)

    def try_set(self) -> None:
        first, second = self.first.text(), self.second.text()
        if len(first) < self.minimum:
            self.say(
                self.tr("The passphrase needs at least {count} characters.").format(
                    count=self.minimum
                )
            )
            return
        if first != second:
            self.second.clear()
            self.second.setFocus()
            self.say(self.tr("The two passphrases differ: type it again."))
            return
        try:
            self.store(first)
        except DomainError as error:
            self.say(said(error))
            return
        self.accept()

    def reject(self) -> None:
        # The credentials are what makes the book safe on this computer: no way round them.
        self.say(self.tr("Set a passphrase to go on."))

    def say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        self.adjustSize()  # room for the message, the text above it kept whole
