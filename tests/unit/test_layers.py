"""The core runs without Qt: importing it never loads PySide6 (Anki's and Electrum's rule)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CORE_MODULES = [
    "crm.domain.uscc",
    "crm.domain.money",
    "crm.domain.stages",
    "crm.domain.prospect",
    "crm.store.engine",
    "crm.store.models",
    "crm.store.migrate",
    "crm.store.queries",
    "crm.services.container",
    "crm.services.prospects",
    "crm.demo.builder",
    "crm.sync.hlc",
    "crm.i18n",
    "crm.resources",
    "crm.cli",
    "crm.app",
]


def test_core_modules_never_load_qt() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE_MODULES)
        + "import crm.cli\ncrm.cli.build_parser()\n"
        + "assert 'PySide6' not in sys.modules, 'PySide6 was imported by the core'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_domain_never_loads_sqlalchemy() -> None:
    code = (
        "import sys\nimport crm.domain.uscc, crm.domain.money, crm.domain.stages, "
        "crm.domain.prospect, crm.domain.query\n"
        "assert 'sqlalchemy' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_import_contracts_hold() -> None:
    """pyproject.toml's import-linter contracts (DESIGN.md "Layers"; the CLI reaching the
    store, sync, reports, the UI or SQLAlchemy only through services) all hold."""
    folder = Path(sys.executable).parent
    tool = folder / ("lint-imports.exe" if sys.platform == "win32" else "lint-imports")
    if not tool.exists():
        pytest.skip("import-linter is not installed (the dev extra)")
    result = subprocess.run(
        [str(tool), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# Statements and index hints that only the store may hold (DESIGN.md "SQL lives in the
# store"); head office keeps its own storage.
_STORE_ONLY = re.compile(r"exec_driver_sql|\bPRAGMA\b|INDEXED BY|\btext\(\s*[\"'f]")


def test_sql_lives_in_the_store() -> None:
    found = []
    for path in sorted((ROOT / "crm").rglob("*.py")):
        part = path.relative_to(ROOT / "crm").parts[0]
        if part in ("store", "headoffice"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _STORE_ONLY.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
