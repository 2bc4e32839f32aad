"""Every format and encoding lists arrive in, read to the same rows; unreadable files are
refused with a message and nothing written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from legacy_xls import write_encrypted_xlsx, write_xls
from lists import HEADERS, TITLE, counts, sample_rows, table_digest, uscc, write_csv, write_xlsx
from ods import write_ods

from crm.services.imports.files import ImportFileError, detect_encoding, open_table
from crm.services.imports.service import ImportRequest, ImportService

EXPECTED = {"rows": 4, "created": 2, "merged": 1, "rejected": 1}


def outcome(imports: ImportService, path: Path, **options: object) -> dict[str, int]:
    result = imports.run(ImportRequest(path, source_code="visit_campaign", **options))  # type: ignore[arg-type]
    return {k: getattr(result, k) for k in EXPECTED}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_every_encoding_chinese_systems_export(
    imports: ImportService, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / f"list-{encoding}.csv", sample_rows(), encoding=encoding)
    assert outcome(imports, path) == EXPECTED
    names = {p.name for p in imports_names(imports)}
    assert "ABC科技（佛山）有限公司" in names


def imports_names(imports: ImportService) -> list:
    from crm.domain.query import ProspectFilter, Sort
    from crm.services.prospects import ProspectService

    return ProspectService(imports.ctx).page(ProspectFilter(sources=("visit_campaign",)), Sort())


def test_gb18030_only_characters_survive(imports: ImportService, tmp_path: Path) -> None:
    rows = [[1, "佛山市䶮记餐饮店", uscc(40), "", "", "", "", ""]]
    path = write_csv(tmp_path / "gb18030.csv", rows, encoding="gb18030")
    assert detect_encoding(path) == "gb18030"
    imports.run(ImportRequest(path, source_code="park"))
    assert [p.name for p in imports_names_by(imports, "park") if "䶮" in p.name]


def imports_names_by(imports: ImportService, source: str) -> list:
    from crm.domain.query import ProspectFilter, Sort
    from crm.services.prospects import ProspectService

    return ProspectService(imports.ctx).page(ProspectFilter(sources=(source,)), Sort())


@pytest.mark.parametrize(("encoding", "detected"), [("gbk", "gbk"), ("utf-8", "utf-8")])
def test_encoding_is_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    path = write_csv(tmp_path / "e.csv", sample_rows(), encoding=encoding)
    assert detect_encoding(path) == detected


def test_encoding_given_by_the_user_is_used(imports: ImportService, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", sample_rows(), encoding="gbk")
    assert outcome(imports, path, encoding="GBK") == EXPECTED
    info = imports.inspect(path, encoding="cp936")
    assert info.encoding == "gbk"


def test_tab_separated_text(imports: ImportService, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tabs.txt", sample_rows(), delimiter="\t", encoding="utf-16")
    assert outcome(imports, path) == EXPECTED


def test_xlsx_with_title_rows_and_merged_cells_above_the_header(
    imports: ImportService, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", sample_rows())
    info = imports.inspect(path)
    assert info.header_row == len(TITLE) + 1
    assert info.format == "xlsx"
    assert outcome(imports, path) == EXPECTED


def test_legacy_xls(imports: ImportService, tmp_path: Path) -> None:
    rows = [*TITLE, HEADERS, *sample_rows()]
    path = write_xls(tmp_path / "list.xls", rows, "名单")
    info = imports.inspect(path)
    assert (info.format, info.sheet, info.header_row) == ("xls", "名单", 4)
    assert outcome(imports, path) == EXPECTED


def test_ods(imports: ImportService, tmp_path: Path) -> None:
    rows = [*TITLE, HEADERS, *sample_rows()]
    path = write_ods(tmp_path / "list.ods", rows, "名单")
    assert imports.inspect(path).format == "ods"
    assert outcome(imports, path) == EXPECTED


def test_a_format_is_told_by_content_not_name(imports: ImportService, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.csv", sample_rows())
    assert imports.inspect(path).format == "xlsx"


def test_date_cells_and_number_cells_are_read(imports: ImportService, tmp_path: Path) -> None:
    rows = [[1, "佛山市日期测试厂", uscc(41), "", 13800138000, "", date(2019, 6, 1), 300]]
    path = write_xlsx(tmp_path / "typed.xlsx", rows)
    imports.run(ImportRequest(path, source_code="park"))
    from crm.services.prospects import ProspectService

    found = ProspectService(imports.ctx).find_by_uscc(uscc(41))
    assert found is not None
    detail = ProspectService(imports.ctx).get(found)
    assert detail.phone == "13800138000"
    assert detail.established_on == date(2019, 6, 1)
    assert detail.registered_capital_fen == 300 * 10_000 * 100


def test_the_sheet_can_be_chosen(imports: ImportService, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "说明"
    first.append(["本文件为名单"])
    second = book.create_sheet("名单")
    second.append(HEADERS)
    second.append([1, "佛山市选表测试厂", uscc(42), "", "", "", "", ""])
    path = tmp_path / "sheets.xlsx"
    book.save(path)
    with pytest.raises(ImportFileError) as info:
        imports.inspect(path)
    assert info.value.code == "import.no_header"
    assert imports.inspect(path, sheet="名单").sheet == "名单"
    with pytest.raises(ImportFileError) as missing:
        imports.inspect(path, sheet="没有")
    assert "名单" in str(missing.value)


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    blank = write_csv(tmp_path / "blank.csv", [], headers=[], title=[[""], [""]])
    no_header = write_csv(tmp_path / "noheader.csv", [["甲", "乙"]], headers=["列1", "列2"])
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 8)
    return {
        "import.empty": empty,
        "import.empty ": blank,
        "import.no_header": no_header,
        "import.unreadable": garbage,
        "import.unreadable ": binary,
        "import.encrypted": write_encrypted_xlsx(tmp_path / "secret.xlsx"),
        "import.encrypted ": write_xls(tmp_path / "secret.xls", [HEADERS], protected=True),
        "import.missing": tmp_path / "nowhere.xlsx",
    }


def test_unreadable_encrypted_empty_or_headerless_files_write_nothing(
    imports: ImportService, tmp_path: Path
) -> None:
    before = table_digest(imports.ctx.db.path)
    for code, path in _bad_files(tmp_path).items():
        with pytest.raises(ImportFileError) as info:
            imports.run(ImportRequest(path, source_code="park"))
        assert info.value.code == code.strip(), path
        assert path.name in str(info.value) or code.strip() == "import.missing"
    assert table_digest(imports.ctx.db.path) == before
    assert counts(imports.ctx.db.path, "import_batches") == {"import_batches": 0}


def test_the_encrypted_message_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as info:
        open_table(write_encrypted_xlsx(tmp_path / "secret.xlsx"))
    assert "password" in str(info.value)
