"""Every user mistake the `crm` command meets is answered by a message in the user's language
on stderr and a non-zero status, never a traceback: the real entry point, in a subprocess."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from crm.demo.builder import build_demo

COMMAND = [sys.executable, "-m", "crm.cli"]


def crm(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CRM_LANG=lang, PYTHONUTF8="1")
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mistakes") / "book.db"
    build_demo(path, prospects=80, seed=11)
    return path


def _folder(tmp: Path, book: Path) -> list[str]:
    return ["prospects", "list", "--db", str(tmp)]


def _missing_parent(tmp: Path, book: Path) -> list[str]:
    return ["prospects", "list", "--db", str(tmp / "no-such-folder" / "book.db")]


def _not_a_database(tmp: Path, book: Path) -> list[str]:
    path = tmp / "notes.db"
    path.write_text("客户拜访记录：明天下午两点。\n" * 200, encoding="utf-8")
    return ["prospects", "list", "--db", str(path)]


def _another_programs_database(tmp: Path, book: Path) -> list[str]:
    path = tmp / "music.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    return ["prospects", "list", "--db", str(path)]


def _damaged_book(tmp: Path, book: Path) -> list[str]:
    path = tmp / "damaged.db"
    data = bytearray(book.read_bytes())
    for i in range(len(data) - 20 * 4096, len(data)):
        data[i] = (data[i] * 7 + 13) & 0xFF
    path.write_bytes(bytes(data))
    return ["check", "--db", str(path)]


def _device(tmp: Path, book: Path) -> list[str]:
    return ["check", "--db", os.devnull]


def _empty_name(tmp: Path, book: Path) -> list[str]:
    return ["prospects", "list", "--db", ""]


def _demo_where_no_file_can_go(tmp: Path, book: Path) -> list[str]:
    (tmp / "notes.txt").write_text("不是文件夹", encoding="utf-8")
    return ["demo", "--db", str(tmp / "notes.txt" / "book.db"), "--prospects", "10"]


def _unknown_command(tmp: Path, book: Path) -> list[str]:
    return ["prospects", "lst", "--db", str(book)]


def _required_argument(tmp: Path, book: Path) -> list[str]:
    return ["prospects", "assign", "--db", str(book), "--rm", "x"]


def _not_a_number(tmp: Path, book: Path) -> list[str]:
    return ["prospects", "list", "--db", str(book), "--limit", "many"]


def _unknown_option(tmp: Path, book: Path) -> list[str]:
    return ["prospects", "list", "--db", str(book), "--colour"]


def _global_option_without_use(tmp: Path, book: Path) -> list[str]:
    return ["--json", "gui", "--db", str(book)]


def _unknown_district(tmp: Path, book: Path) -> list[str]:
    return ["prospects", "list", "--db", str(book), "--district", "海淀区"]


Case = Callable[[Path, Path], list[str]]

# (what, arguments, status, English words, Chinese words)
MISTAKES: list[tuple[str, Case, int, str, str]] = [
    ("folder", _folder, 1, "is a folder, not a file", "是文件夹，不是文件"),
    ("missing parent", _missing_parent, 1, "There is no database", "没有数据库"),
    ("not a database", _not_a_database, 1, "not a FirstLoan CRM book", "不是首贷通的数据库"),
    ("other database", _another_programs_database, 1, "another program's", "其他程序的数据库"),
    ("damaged", _damaged_book, 1, "is damaged", "已损坏"),
    ("device", _device, 1, "is not a file", "不是普通文件"),
    ("empty name", _empty_name, 2, "--db needs a file name", "--db 需要给出文件名"),
    ("demo nowhere", _demo_where_no_file_can_go, 1, "cannot be created", "无法创建"),
    ("unknown command", _unknown_command, 2, "invalid choice: 'lst'", "无效的取值：'lst'"),
    ("required", _required_argument, 2, "arguments are required: keys", "缺少必需的参数：keys"),
    ("not a number", _not_a_number, 2, "invalid int value: 'many'", "无效的 int 值：'many'"),
    ("unknown option", _unknown_option, 2, "unrecognized arguments: --colour", "无法识别的参数"),
    ("no use", _global_option_without_use, 2, "--json does not apply", "不接受 --json"),
    ("district", _unknown_district, 1, "海淀区 is not a district", "海淀区不是"),
]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize(
    ("what", "case", "status", "english", "chinese"), MISTAKES, ids=[m[0] for m in MISTAKES]
)
def test_each_mistake_is_told_in_the_users_language_without_a_traceback(
    book: Path,
    tmp_path: Path,
    what: str,
    case: Case,
    status: int,
    english: str,
    chinese: str,
    lang: str,
) -> None:
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    args = case(tmp_path, book)
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    result = crm(*args, lang=lang)
    assert result.returncode == status, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert (chinese if lang == "zh_CN" else english) in result.stderr, result.stderr
    if lang == "zh_CN":
        assert "database" not in result.stderr.lower()  # no SQLite English in Chinese
    if lang == "zh_CN" and status == 2:
        assert "用法：" in result.stderr and "error" not in result.stderr
    # A file the command refused is left as it was, with nothing beside it.
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == files
    assert before.keys() <= files.keys()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anyway")
def test_a_read_only_book_is_named_as_such(book: Path, tmp_path: Path) -> None:
    path = tmp_path / "readonly.db"
    path.write_bytes(book.read_bytes())
    path.chmod(0o444)
    result = crm("prospects", "add", "--db", str(path), "--name", "只读测试商行", lang="zh_CN")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "只读" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--lang", "zh_CN", "prospects", "list", "--limit", "1"],
        ["prospects", "--lang", "zh_CN", "list", "--limit", "1"],
        ["prospects", "list", "--limit", "1", "--lang", "zh_CN"],
        ["prospects", "list", "--limit", "1", "--lang=zh_CN"],
    ],
    ids=["before", "between", "after", "after with ="],
)
def test_language_is_taken_before_between_or_after_the_sub_command(
    book: Path, args: list[str]
) -> None:
    result = crm(*args, "--db", str(book), lang="en")
    assert result.returncode == 0, result.stderr
    assert "统一社会信用代码" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--db", "{book}", "--json", "prospects", "list"],
        ["prospects", "--db", "{book}", "--json", "list"],
        ["prospects", "list", "--db", "{book}", "--json"],
    ],
    ids=["before", "between", "after"],
)
def test_book_and_json_are_taken_before_or_after_the_sub_command(
    book: Path, args: list[str]
) -> None:
    result = crm(*[a.replace("{book}", str(book)) for a in args], "--limit", "3")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["rows"]) == 3


def test_the_later_language_wins_and_usage_errors_follow_it(book: Path) -> None:
    result = crm("--lang", "zh_CN", "prospects", "list", "--lang", "en", "--db", str(book))
    assert "USCC" in result.stdout and "统一社会信用代码" not in result.stdout
    refused = crm("prospects", "list", "--limit", "x", "--lang", "zh_CN", lang="en")
    assert refused.returncode == 2
    assert "无效的 int 值" in refused.stderr


def test_help_is_in_the_users_language() -> None:
    zh = crm("prospects", "list", "--help", lang="zh_CN")
    assert zh.returncode == 0
    assert zh.stdout.startswith("用法：crm prospects list")
    assert "显示本帮助并退出" in zh.stdout
    # Our own option texts too, and the commands' descriptions in the list of a group.
    assert "数据库文件" in zh.stdout and "显示全部行" in zh.stdout
    assert "按条件列出客户" in crm("prospects", "--help", lang="zh_CN").stdout
    en = crm("prospects", "list", "--help", "--lang", "en", lang="zh_CN")
    assert en.stdout.startswith("usage: crm prospects list")
    assert "show this help message and exit" in en.stdout


def _until_reader_goes(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run like `crm … | head -1`: read one line, then close the pipe."""
    env = dict(os.environ, CRM_LANG="en", PYTHONUTF8="1")
    with subprocess.Popen(
        [*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read()
        status = process.wait(timeout=60)
    return subprocess.CompletedProcess(args, status, first, stderr)


@pytest.mark.parametrize("json_output", [False, True], ids=["text", "json"])
def test_a_reader_that_stops_early_ends_the_command_quietly(book: Path, json_output: bool) -> None:
    args = ["prospects", "list", "--db", str(book), "--all"]
    result = _until_reader_goes(args + (["--json"] if json_output else []))
    assert result.stdout
    assert result.stderr == b""
    # 141 = 128 + SIGPIPE, what a shell shows for a Unix tool stopped this way.
    assert result.returncode in (0, 141)


def test_ctrl_c_stops_with_one_line_and_status_130(book: Path, tmp_path: Path) -> None:
    """Interrupted while it waits on head office: a server that takes the connection and
    never answers, so the signal surely arrives inside the command, not while Python starts."""
    path = tmp_path / "book.db"
    path.write_bytes(book.read_bytes())
    env = dict(os.environ, CRM_LANG="zh_CN", PYTHONUTF8="1")
    with socket.create_server(("127.0.0.1", 0)) as silent:
        silent.settimeout(60)
        server = f"http://127.0.0.1:{silent.getsockname()[1]}"
        process = subprocess.Popen(
            [*COMMAND, "sync", "--db", str(path), "--server", server, "--username", "wangfang"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env, CRM_PASSWORD="not-needed-before-the-answer"),
            text=True,
        )
        connection, _ = silent.accept()
        with connection:
            process.send_signal(signal.SIGINT)
            stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.strip() == "crm: 已中断"
    assert stdout == ""


def test_the_app_takes_the_language_after_gui_as_bootstrap_run_passes_it(tmp_path: Path) -> None:
    # `python3 packaging/bootstrap.py run --lang en` runs `crm gui --db DEMO --lang en`.
    env = dict(os.environ, CRM_LANG="zh_CN", PYTHONUTF8="1", QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [*COMMAND, "gui", "--db", str(tmp_path / "book.db"), "--smoke", "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "argv",
    [["--lang", "en", "gui", "--db", "b.db"], ["gui", "--db", "b.db", "--lang", "en"]],
    ids=["before", "after"],
)
def test_gui_options_parse_the_same_in_either_position(argv: list[str]) -> None:
    from crm.cli import build_parser
    from crm.commands.parsing import settle_global_options

    args = build_parser().parse_args(argv)
    settle_global_options(args)
    assert (args.lang, args.db, args.json, args.user) == ("en", "b.db", False, None)


@pytest.mark.parametrize(
    ("stage", "source"),
    [("first_loan", "park"), ("首贷户", "园区建档"), ("First-loan customer", "Park filing")],
    ids=["codes", "Chinese names", "English names"],
)
def test_stages_and_source_lists_by_code_or_name(book: Path, stage: str, source: str) -> None:
    result = crm(
        "prospects", "list", "--db", str(book), "--json", "--all",
        "--stage", stage, "--source", source,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert rows and {row["stage"] for row in rows} == {"first_loan"}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_an_unknown_source_list_is_refused_with_the_lists(book: Path, lang: str) -> None:
    result = crm("prospects", "list", "--db", str(book), "--source", "网上银行", lang=lang)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("is not a source list" if lang == "en" else "不是来源名单") in result.stderr
    assert "credit_platform" in result.stderr
