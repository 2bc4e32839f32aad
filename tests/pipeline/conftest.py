"""The hand-built book of the pipeline report's tests (tests/reports), reused: its fixtures
and helpers live beside those tests, which import each other by plain name."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))

from tests.reports.conftest import clock, db, seeded, services
from tests.reports.test_pipeline_report import book

__all__ = ["book", "clock", "db", "seeded", "services"]
