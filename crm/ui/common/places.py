"""Where the app keeps its things and how it makes the demo book, as the composition root
(crm.app, which the UI may not import) hands them to ``run_gui``. Code run without it (a
test's window) has none: it then offers no backup and no first-run choice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Places:
    data: Path  # the app's data folder (the own book, the demo)
    backups: Path  # the books' backups
    own_book: Path  # the book opened when none is named
    make_demo: Callable[[Path], None]  # builds the demo book at a path


_places: Places | None = None


def set_places(places: Places | None) -> None:
    global _places
    _places = places


def places() -> Places | None:
    return _places
