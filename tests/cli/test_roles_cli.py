"""Roles on the command line: on a book signed in with head office, ``--user`` acts with
that user's role (crm.domain.roles) — an RM lists their own book and the shared pool, and
another RM's prospect, list or figures are refused in the user's language; on a book never
signed in, the whole book is listed (README, "the rule when nobody is signed in")."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from crm.cli import main
from crm.demo.builder import build_demo

# The head-office user the book is signed in as (crm.sync.engine.USER_KEY).
SIGNED_IN_KEY = "sync.user_id"


@pytest.fixture(scope="module")
def unbound(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("roles") / "demo.db"
    build_demo(path, prospects=120, seed=4)
    return path


def _people(path: Path) -> dict[str, tuple[str, str, str | None]]:
    """username -> (id, role, team id)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT username, id, role, team_id FROM users").fetchall()
    conn.close()
    return {u: (i, r, t) for u, i, r, t in rows}


@pytest.fixture
def bound(unbound: Path, tmp_path: Path) -> Path:
    path = tmp_path / "signed-in.db"
    shutil.copy(unbound, path)
    lead = next(i for i, r, _ in _people(path).values() if r == "lead")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO app_meta (key, value) VALUES (?, ?)", (SIGNED_IN_KEY, lead))
    conn.close()
    return path


def _two_rms(path: Path) -> tuple[str, str, str]:
    """An RM (username, id) and another team's RM's id."""
    people = _people(path)
    rms = sorted((u, i, t) for u, (i, r, t) in people.items() if r == "rm")
    me = rms[0]
    other = next(i for _, i, t in rms if t != me[2])
    return me[0], me[1], other


def crm(capsys: pytest.CaptureFixture[str], *args: str, lang: str = "en") -> tuple[int, str, str]:
    """The command run in this process: its exit status, stdout and stderr."""
    code = main(["--lang", lang, *args])
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> list[dict[str, object]]:
    code, out, err = crm(capsys, "prospects", "list", "--db", str(path), "--all", "--json", *args)
    assert code == 0, err
    rows: list[dict[str, object]] = json.loads(out)["rows"]
    return rows


def test_an_rm_lists_their_book_and_the_pool_and_is_refused_the_rest(
    bound: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    username, me, other = _two_rms(bound)
    rows = listed(capsys, bound, "--user", username)
    assert rows and {r["rm_id"] for r in rows} <= {me, None}
    assert len(rows) < len(listed(capsys, bound))  # the signed-in lead's team is wider
    everyone = listed(capsys, bound, "--user", "admin")
    other_id = str(next(r for r in everyone if r["rm_id"] == other)["id"])
    show = ["prospects", "show", other_id, "--db", str(bound), "--user", username]
    code, _, err = crm(capsys, *show)
    assert code == 1 and "not in your book" in err and "Traceback" not in err
    code, _, err = crm(capsys, *show, lang="zh_CN")
    assert code == 1 and "这不在您本人或您团队的客户范围内" in err
    other_name = next(u for u, (i, _, _) in _people(bound).items() if i == other)
    code, _, err = crm(
        capsys, "prospects", "list", "--db", str(bound), "--user", username, "--rm", other_name
    )
    assert code == 1 and "not in your book" in err


def test_a_book_never_signed_in_lists_the_whole_book_whoever_acts(
    unbound: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    username, _, _ = _two_rms(unbound)
    assert len(listed(capsys, unbound, "--user", username)) == 120
    assert len(listed(capsys, unbound)) == 120
