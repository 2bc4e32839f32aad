"""The lock screen: what the window shows while it is locked, in place of everything of the
book. It names who is signed in and asks for their passphrase; another user whose
credentials this computer holds switches user by starting the app again (the sign-in at
start). A wrong passphrase is said under the field and nothing else happens."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.ui.common.errors import app_title, said

# (username, passphrase) -> None; raises DomainError when the passphrase does not fit.
Verify = Callable[[str, str], None]
PANEL_WIDTH = 420


class LockScreen(QWidget):
    """``unlocked(username)`` once the signed-in user's passphrase fits; ``switchUser``
    (offered when other users' credentials are here too) and ``quitApp`` for the two other
    ways out."""

    unlocked = Signal(str)
    switchUser = Signal()
    quitApp = Signal()

    def __init__(
        self,
        signed_in: str,
        users: Sequence[str],
        verify: Verify,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.verify = verify
        # Without credentials on this computer there is nothing to check: the screen only
        # hides the book, and says so.
        self.open_lock = not users
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        panel = QFrame(self)
        panel.setObjectName("lockPanel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setFixedWidth(PANEL_WIDTH)
        column = QVBoxLayout(panel)
        column.setContentsMargins(24, 24, 24, 24)
        column.setSpacing(12)
        title = QLabel(self.tr("{app} is locked").format(app=app_title()), panel)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        column.addWidget(title)
        if self.open_lock:
            text = self.tr(
                "This computer holds no passphrase for this book, so anyone can unlock it. "
                "Ask IT to encrypt the book and set your passphrase."
            )
        else:
            text = self.tr("Enter your passphrase to go on where you were.")
        self.hint = QLabel(text, panel)
        self.hint.setWordWrap(True)
        column.addWidget(self.hint)
        form = QFormLayout()
        self.signed_in = signed_in
        self.user = QLabel(signed_in, panel)
        self.user.setObjectName("lockUser")
        form.addRow(self.tr("User"), self.user)
        self.passphrase = QLineEdit(panel)
        self.passphrase.setObjectName("lockPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.returnPressed.connect(self.try_unlock)
        if not self.open_lock:
            form.addRow(self.tr("Passphrase"), self.passphrase)
        else:
            self.passphrase.hide()
        column.addLayout(form)
        self.problem = QLabel("", panel)
        self.problem.setObjectName("lockProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        column.addWidget(self.problem)
        buttons = QHBoxLayout()
        self.quit_button = QPushButton(self.tr("Quit"), panel)
        self.quit_button.clicked.connect(self.quitApp.emit)
        self.switch_button = QPushButton(self.tr("Switch user…"), panel)
        self.switch_button.setToolTip(
            self.tr("Start FirstLoan CRM again so that another user can sign in")
        )
        self.switch_button.clicked.connect(self.switchUser.emit)
        self.switch_button.setVisible(len(users) > 1)
        self.unlock_button = QPushButton(self.tr("Unlock"), panel)
        self.unlock_button.setObjectName("lockUnlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        column.addLayout(buttons)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def focus(self) -> None:
        (self.unlock_button if self.open_lock else self.passphrase).setFocus()

    def try_unlock(self) -> None:
        username = self.signed_in
        if not self.open_lock:
            passphrase = self.passphrase.text()
            if not passphrase:
                self.say(self.tr("Enter the passphrase."))
                return
            try:
                self.verify(username, passphrase)
            except DomainError as error:
                self.passphrase.clear()
                self.say(said(error))
                self.passphrase.setFocus()
                return
        self.passphrase.clear()
        self.problem.hide()
        self.unlocked.emit(username)

    def say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
