"""How head office's code is laid out: its modules import one another without a cycle, and
the protocol it shares with the client stands on pydantic and the domain alone."""

from __future__ import annotations

import subprocess
import sys

import grimp

from crm.domain.prospect import EDITABLE_FIELDS
from crm.sync import protocol as P


def test_head_office_modules_import_one_another_without_a_cycle() -> None:
    graph = grimp.build_graph("crm", cache_dir=None)
    modules = sorted(m for m in graph.modules if m.startswith("crm.headoffice."))
    cycles = [
        (a, b)
        for i, a in enumerate(modules)
        for b in modules[i + 1 :]
        if graph.chain_exists(a, b) and graph.chain_exists(b, a)
    ]
    assert cycles == []
    # Administration builds on the service, never the other way round.
    assert graph.chain_exists("crm.headoffice.admin", "crm.headoffice.service")


def test_the_protocol_loads_without_the_server_or_the_client_stack() -> None:
    code = (
        "import sys\nimport crm.sync.protocol\n"
        "loaded = [m for m in ('fastapi', 'starlette', 'sqlalchemy', 'httpx', 'PySide6')"
        " if m in sys.modules]\n"
        "assert loaded == [], loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_a_prospect_update_may_carry_every_field_a_form_edits() -> None:
    assert set(EDITABLE_FIELDS) <= P.PROSPECT_FIELDS
    assert {"stage", "rm_id", "history"}.isdisjoint(P.PROSPECT_FIELDS)
