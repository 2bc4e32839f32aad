"""The first run on a new computer: there is no book yet in the app's data folder.

The RM signs in to head office (the book is made there and its first download runs, with
progress), tries the demo book, starts an empty book or opens a book file. Signing in and
the download run on the task runner's pool for work that waits; a refusal (wrong password,
head office unreachable) is told in the dialog and leaves no half-made book behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.ui.common.errors import said
from crm.ui.common.tasks import TaskRunner

translate = QCoreApplication.translate
# The demo book's size (crm.app's demo maker makes this many).
DEMO_PROSPECTS = 2000
CHOOSE, SIGN_IN, DEMO = range(3)


def _remove_book(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def first_download(
    book: Path, server: str, username: str, password: str, progress: Callable[[Any], None]
) -> None:
    """Make the book at ``book`` (encrypted, its key in the keyring: a head office may
    require it, and the RM's passphrase is set on it next), register this computer and
    download the book from head office; on any failure the new files are removed again."""
    from crm.services import book_lock
    from crm.services.container import open_services

    book_lock.new_keyring_book(book)
    try:
        services = open_services(book, create=True)
    except BaseException:
        book_lock.forget_key_file(book)
        _remove_book(book)
        raise
    try:
        sync = services.sync_with()
        sync.sign_in(server, username, password)
        sync.sync(progress)
    except BaseException:
        services.close()
        _remove_book(book)
        book_lock.forget_key_file(book)
        raise
    services.close()


class _Progress(QObject):
    # Emitted on the download's thread; Qt delivers it on the dialog's.
    moved = Signal(str, int, int)


def _phase(code: str) -> str:
    names = {
        "push": translate("FirstRun", "Sending changes"),
        "send": translate("FirstRun", "Sending files"),
        "download": translate("FirstRun", "Downloading the book"),
        "pull": translate("FirstRun", "Receiving changes"),
        "fetch": translate("FirstRun", "Fetching files"),
    }
    return names.get(code, code)


class FirstRunDialog(QDialog):
    """Chooses the book to open; after ``exec()``, ``book`` is its path (None: cancelled)
    and ``make_empty`` whether it is to be made empty."""

    def __init__(
        self,
        tasks: TaskRunner,
        book: Path,
        demo: Path,
        parent: QWidget | None = None,
        *,
        make_demo: Callable[[Path], None],
        download: Callable[..., None] = first_download,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWindowTitle(translate("FirstRun", "Welcome to FirstLoan CRM"))
        self.setMinimumWidth(560)
        self.tasks = tasks
        self.default_book = book
        self.demo_path = demo
        self.download = download
        self.make_demo = make_demo
        self.book: Path | None = None
        self.make_empty = False
        # Who set their passphrase on the book just downloaded (the app does not ask again).
        self.signed_in: str | None = None
        self.passphrase_dialog: QDialog | None = None
        self.stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.stack.addWidget(self._choices())
        self.stack.addWidget(self._sign_in_page())
        self.stack.addWidget(self._demo_page())
        self.progress_relay = _Progress(self)
        self.progress_relay.moved.connect(self._moved)

    # -- pages -----------------------------------------------------------------------------

    def _choices(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        intro = QLabel(
            translate(
                "FirstRun", "There is no book on this computer yet. How would you like to start?"
            ),
            page,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.sign_in_choice = QCommandLinkButton(
            translate("FirstRun", "Sign in to head office"),
            translate(
                "FirstRun",
                "Your book is downloaded from head office and kept in sync from then on.",
            ),
            page,
        )
        self.demo_choice = QCommandLinkButton(
            translate("FirstRun", "Try the demo book"),
            translate(
                "FirstRun",
                "A made-up book of {count} prospects in Foshan, to learn the app.",
            ).format(count=f"{DEMO_PROSPECTS:,}"),
            page,
        )
        self.empty_choice = QCommandLinkButton(
            translate("FirstRun", "Start an empty book"),
            translate("FirstRun", "On this computer only, at {path}.").format(
                path=self.default_book
            ),
            page,
        )
        self.open_choice = QCommandLinkButton(
            translate("FirstRun", "Open a book file…"),
            translate("FirstRun", "A book copied from another computer or a backup."),
            page,
        )
        for button in (self.sign_in_choice, self.demo_choice, self.empty_choice, self.open_choice):
            layout.addWidget(button)
        self.sign_in_choice.clicked.connect(lambda: self.stack.setCurrentIndex(SIGN_IN))
        self.demo_choice.clicked.connect(self._start_demo)
        self.empty_choice.clicked.connect(self._start_empty)
        self.open_choice.clicked.connect(self._open_file)
        row = QHBoxLayout()
        row.addStretch(1)
        cancel = QPushButton(translate("FirstRun", "Quit"), page)
        cancel.clicked.connect(self.reject)
        row.addWidget(cancel)
        layout.addLayout(row)
        return page

    def _sign_in_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        intro = QLabel(
            translate(
                "FirstRun",
                "Head office's address and your user name and password, as IT gave them to "
                "you. The password is not stored.",
            ),
            page,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.server = QLineEdit(page)
        self.server.setPlaceholderText("https://headoffice.example.cn")
        self.username = QLineEdit(page)
        self.password = QLineEdit(page)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(translate("FirstRun", "Head office address"), self.server)
        form.addRow(translate("FirstRun", "User name"), self.username)
        form.addRow(translate("FirstRun", "Password"), self.password)
        layout.addLayout(form)
        self.progress = QProgressBar(page)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.message = QLabel(page)
        self.message.setObjectName("firstRunMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        layout.addStretch(1)
        row = QHBoxLayout()
        self.back = QPushButton(translate("FirstRun", "Back"), page)
        self.back.clicked.connect(lambda: self.stack.setCurrentIndex(CHOOSE))
        self.go = QPushButton(translate("FirstRun", "Sign in and download"), page)
        self.go.setDefault(True)
        self.go.clicked.connect(self._sign_in)
        row.addWidget(self.back)
        row.addStretch(1)
        row.addWidget(self.go)
        layout.addLayout(row)
        for edit in (self.server, self.username, self.password):
            edit.textChanged.connect(self._validate)
        self._validate()
        return page

    def _demo_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.demo_message = QLabel(
            translate("FirstRun", "Making the demo book… (about half a minute)"), page
        )
        self.demo_message.setWordWrap(True)
        layout.addWidget(self.demo_message)
        busy = QProgressBar(page)
        busy.setRange(0, 0)
        layout.addWidget(busy)
        layout.addStretch(1)
        return page

    # -- actions ---------------------------------------------------------------------------

    def _validate(self) -> None:
        ready = all(e.text().strip() for e in (self.server, self.username)) and bool(
            self.password.text()
        )
        self.go.setEnabled(ready)

    def _busy(self, busy: bool) -> None:
        for widget in (self.server, self.username, self.password, self.back):
            widget.setEnabled(not busy)
        self.go.setEnabled(not busy)
        self.progress.setVisible(busy)

    def _sign_in(self) -> None:
        server, user = self.server.text().strip(), self.username.text().strip()
        password = self.password.text()
        book = self.default_book
        self._busy(True)
        self.progress.setRange(0, 0)
        self.message.setText(translate("FirstRun", "Signing in…"))
        relay = self.progress_relay

        def work() -> None:
            self.download(
                book, server, user, password, lambda p: relay.moved.emit(p.phase, p.done, p.total)
            )

        self.tasks.waiting(self, work, lambda _r: self._set_passphrase(book, user), self._failed)

    def _set_passphrase(self, book: Path, username: str) -> None:
        """Head office accepted the RM: from now on this computer holds their credentials
        (a passphrase they set here, twice), asked at start and to unlock."""
        from crm.services import book_lock
        from crm.ui.lock.passphrase import SetPassphraseDialog

        def store(passphrase: str) -> None:
            book_lock.set_passphrase(book, username, passphrase)

        dialog = SetPassphraseDialog(username, book_lock.MIN_PASSPHRASE, store, self)
        self.passphrase_dialog = dialog

        def done(_result: int) -> None:
            self.passphrase_dialog = None
            self.signed_in = username
            self._done(book, False)

        dialog.accepted.connect(lambda: done(1))
        dialog.open()

    def _moved(self, phase: str, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        self.message.setText(f"{_phase(phase)} {done:,}" + (f" / {total:,}" if total else ""))

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self._validate()
        self.password.clear()
        if isinstance(error, DomainError):
            self.message.setText(said(error))
        else:
            self.message.setText(
                translate("FirstRun", "That did not work: {detail}").format(detail=error)
            )

    def _start_demo(self) -> None:
        self.stack.setCurrentIndex(DEMO)
        path = self.demo_path
        if path.exists():
            self._done(path, False)
            return

        def failed(error: BaseException) -> None:
            self.stack.setCurrentIndex(CHOOSE)
            if isinstance(error, DomainError):
                self.demo_message.setText(said(error))

        self.tasks.waiting(
            self, lambda: self.make_demo(path), lambda _r: self._done(path, False), failed
        )

    def _start_empty(self) -> None:
        self._done(self.default_book, True)

    def _open_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            translate("FirstRun", "Open a book"),
            str(self.default_book.parent),
            translate("FirstRun", "FirstLoan CRM books (*.db);;All files (*)"),
        )
        if name:
            self._done(Path(name), False)

    def _done(self, book: Path, create: bool) -> None:
        self.book = book
        self.make_empty = create
        self.accept()


__all__ = ["FirstRunDialog", "first_download"]
