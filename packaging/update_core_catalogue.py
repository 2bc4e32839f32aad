#!/usr/bin/env python3
"""Add the core's new English messages to resources/i18n/core.zh_CN.json (empty, to fill
in) and drop ones no code uses; the test suite fails while any is left untranslated."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.unit.test_core_catalogue import CORE, extract_templates  # noqa: E402

path = ROOT / "resources" / "i18n" / "core.zh_CN.json"
current: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
used = extract_templates(CORE)
updated = {key: current.get(key, "") for key in sorted(used)}
path.write_text(json.dumps(updated, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(f"{sum(1 for v in updated.values() if not v)} to translate, {len(updated)} in all")
