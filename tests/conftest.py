"""Every test runs with English messages and its own empty user folders, so nothing ever
reads or writes the developer's real settings, logs or databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """A CRM_CLOCK that is not a date stops the run here, saying why, before any test."""
    from crm.domain.clock import ClockSettingError, check_clock

    try:
        check_clock()
    except ClockSettingError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say when the run is on another day than the wall clock's (CRM_CLOCK)."""
    from crm.domain.clock import CLOCK_VARIABLE, SHANGHAI, utcnow

    value = os.environ.get(CLOCK_VARIABLE, "").strip()
    if not value:
        return None
    start = utcnow().astimezone(SHANGHAI)
    return f"{CLOCK_VARIABLE}={value}: the clock reads {start:%Y-%m-%d %H:%M %a} in Shanghai"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("HOME", ""),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        target = Path(home, sub)
        target.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(target))
    monkeypatch.setenv("CRM_LANG", "en")
    monkeypatch.delenv("CRM_DB", raising=False)
    from crm.i18n import set_language

    set_language("en")
    yield
