"""Writing prospect lists the way government and bank systems export them, for tests."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from crm.domain.uscc import make_uscc
from crm.store.engine import raw_connect

HEADERS = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "联系电话",
    "注册地址",
    "成立日期",
    "注册资本（万元）",
]
TITLE = [["佛山市南海区小微企业名单（百行进万企）"], ["导出时间：2026-11-20  单位：万元"], []]
KNOWN_USCC = "91440605MA4W1HX01L"  # the book's 华兴五金, on the park list


def uscc(n: int, division: str = "440605", kind: str = "1") -> str:
    return make_uscc("9", kind, division, f"MA4X{n:05d}").value


def fullwidth(text: str) -> str:
    """Text as a Chinese input method in full-width mode types it: ９１４４… ＭＡ…"""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def wrong_check(code: str) -> str:
    return code[:17] + ("0" if code[17] != "0" else "1")


def sample_rows() -> list[list[object]]:
    """Five rows with the usual mess: full-width, a bad code, a duplicate, a blank."""
    return [
        [
            1,
            "佛山市南海区鸿运家具有限公司",
            uscc(1),
            "王建国",
            "13800138000",
            "佛山市南海区桂城街道海八路1号",
            "2021-03-05",
            "500",
        ],
        [
            2,
            "ＡＢＣ科技（佛山）有限公司",
            fullwidth(uscc(2)),
            " 李　明 ",
            "１３９００１３９０００",
            "佛山市顺德区大良街道",
            "2021年3月5日",
            "100万元",
        ],
        [
            3,
            "佛山市坏码贸易有限公司",
            wrong_check(uscc(3)),
            "张三",
            "0757-83212345",
            "",
            "2020/1/2",
            "",
        ],
        [],
        [4, "佛山市南海区鸿运家具有限公司", uscc(1), "王建国", "", "", "20210305", ""],
        ["合计", "", "", "", "", "", "", ""],
    ]


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    headers: Sequence[str] = HEADERS,
    title: Sequence[Sequence[object]] = TITLE,
    sheet: str = "企业名单",
) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for line in title:
        ws.append(list(line))
    if title:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    encoding: str = "utf-8",
    delimiter: str = ",",
    headers: Sequence[str] = HEADERS,
    title: Sequence[Sequence[object]] = TITLE,
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for line in (*title, headers, *rows):
            writer.writerow(list(line))
    return path


def table_digest(db_path: Path, *, audit: bool = True) -> str:
    """A digest of every row of every table (except the import log), to prove a database
    was left exactly as it was; with ``audit`` False, without the audit log, its ops and
    the clock they ticked (an import that changed nothing still says it ran)."""
    conn = raw_connect(db_path)
    try:
        digest = hashlib.sha256()
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'prospect_search_%' ORDER BY name"
            )
        ]
        skipped = {"audit_log": "1", "outbox": "entity = 'audit'", "app_meta": "key = 'hlc_last'"}
        for table in tables:
            rows = f'SELECT * FROM "{table}"'
            if not audit and table in skipped:
                rows += f" WHERE NOT ({skipped[table]})"
            for row in conn.execute(rows + " ORDER BY 1"):
                digest.update(repr((table, row)).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def counts(db_path: Path, *tables: str) -> dict[str, int]:
    conn = raw_connect(db_path)
    try:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()
