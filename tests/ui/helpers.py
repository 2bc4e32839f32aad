"""Helpers shared by the GUI tests."""

from __future__ import annotations

from crm.ui.common.context import UiContext


def wait_idle(qtbot, ui: UiContext, timeout: int = 10_000) -> None:
    """Until every background task has finished and delivered its result."""
    qtbot.waitUntil(lambda: ui.tasks.pending() == 0, timeout=timeout)
