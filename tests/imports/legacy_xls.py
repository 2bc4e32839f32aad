"""A tiny writer of legacy Excel (.xls, BIFF8) files, for fixtures.

No package we depend on writes .xls (openpyxl writes only .xlsx), and the tests must make
their files themselves, so this writes the two layers by hand: BIFF8 records (one sheet of
text and number cells, optionally password-protected) inside a Compound File Binary
container (CFB, version 3, 512-byte sectors). It is enough for python-calamine to read, as
Excel 97-2003 exports from government systems are.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from datetime import date
from pathlib import Path

SECTOR = 512
FREE, END_OF_CHAIN, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF
MINI_CUTOFF = 4096
EXCEL_EPOCH = date(1899, 12, 30)


# -- BIFF8 records ----------------------------------------------------------------------------


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(substream: int) -> bytes:
    # BIFF8, substream type (5 globals, 0x10 sheet), build, year, history flags, lowest ver.
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 0x06))


def _unicode(text: str, length_bytes: int = 2) -> bytes:
    data = text.encode("utf-16-le")
    size = struct.pack("<H" if length_bytes == 2 else "<B", len(text))
    return size + b"\x01" + data


def _xf(font: int, fmt: int, style: bool) -> bytes:
    # ifnt, ifmt, flags (cell/style), alignment, rotation, indent, used attributes, borders…
    flags = 0xFFF5 if style else 0x0001
    return _record(
        0x00E0, struct.pack("<HHHBBBBIIH", font, fmt, flags, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    )


def _globals(sheet_name: str, sheet_offset: int, protected: bool) -> bytes:
    parts = [_bof(0x0005)]
    if protected:
        # FILEPASS with RC4 encryption header: the workbook is password-protected.
        parts.append(_record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x00" * 48))
    parts.append(_record(0x0042, struct.pack("<H", 1200)))  # CODEPAGE: UTF-16
    font = struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0x86, 0) + _unicode("宋体", 1)
    parts += [_record(0x0031, font)] * 5
    parts.append(_record(0x041E, struct.pack("<H", 164) + _unicode("yyyy-mm-dd")))  # FORMAT
    parts += [_xf(0, 0, True)] * 15 + [_xf(0, 0, False), _xf(0, 164, False)]
    parts.append(_record(0x0293, struct.pack("<HBB", 0x8000, 0, 0xFF)))  # STYLE Normal
    sheet = struct.pack("<IBB", sheet_offset, 0, 0) + _unicode(sheet_name, 1)
    parts.append(_record(0x0085, sheet))  # BOUNDSHEET8
    parts.append(_record(0x000A, b""))  # EOF
    return b"".join(parts)


def _cell(row: int, col: int, value: object) -> bytes:
    if value is None or value == "":
        return b""
    if isinstance(value, date):
        serial = float((value - EXCEL_EPOCH).days)
        return _record(0x0203, struct.pack("<HHHd", row, col, 16, serial))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _record(0x0203, struct.pack("<HHHd", row, col, 15, float(value)))
    return _record(0x0204, struct.pack("<HHH", row, col, 15) + _unicode(str(value)))


def _sheet(rows: Sequence[Sequence[object]]) -> bytes:
    width = max((len(r) for r in rows), default=0)
    parts = [_bof(0x0010)]
    parts.append(_record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            parts.append(_cell(r, c, value))
    parts.append(_record(0x000A, b""))
    return b"".join(parts)


def biff8_workbook(rows: Sequence[Sequence[object]], sheet_name: str, protected: bool) -> bytes:
    probe = _globals(sheet_name, 0, protected)
    stream = _globals(sheet_name, len(probe), protected) + _sheet(rows)
    if len(stream) < MINI_CUTOFF:
        # Below 4096 bytes a stream would live in the CFB mini stream; padding with an
        # ignorable record keeps the container writer to regular sectors only.
        stream = stream[:-4] + _record(0x00EF, b"\x00" * (MINI_CUTOFF - len(stream))) + stream[-4:]
    return stream


# -- the CFB container -------------------------------------------------------------------------


def _dir_entry(
    name: str,
    kind: int,
    start: int,
    size: int,
    child: int = NO_STREAM,
    left: int = NO_STREAM,
    right: int = NO_STREAM,
) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour black
        + struct.pack("<III", left, right, child)
        + b"\x00" * 16  # CLSID
        + struct.pack("<I", 0)  # state bits
        + b"\x00" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


def compound_file(streams: Sequence[tuple[str, bytes]]) -> bytes:
    """A CFB v3 file holding these streams (each ≥ 4096 bytes) under the root entry."""
    sectors: list[bytes] = []
    starts: list[int] = []
    chains: list[int] = []  # FAT entries, filled below
    for _name, data in streams:
        assert len(data) >= MINI_CUTOFF, "short streams need the mini stream"
        padded = data + b"\x00" * (-len(data) % SECTOR)
        count = len(padded) // SECTOR
        starts.append(len(sectors))
        for i in range(count):
            sectors.append(padded[i * SECTOR : (i + 1) * SECTOR])
            chains.append(len(sectors) if i < count - 1 else END_OF_CHAIN)
    # Directory: root, then the streams as a simple right-leaning tree.
    entries = []
    n = len(streams)
    entries.append(_dir_entry("Root Entry", 5, END_OF_CHAIN, 0, child=1 if n else NO_STREAM))
    for i, ((name, data), start) in enumerate(zip(streams, starts, strict=True)):
        right = i + 2 if i + 1 < n else NO_STREAM
        entries.append(_dir_entry(name, 2, start, len(data), right=right))
    directory = b"".join(entries)
    directory += b"\x00" * (-len(directory) % SECTOR)
    dir_start = len(sectors)
    dir_count = len(directory) // SECTOR
    for i in range(dir_count):
        sectors.append(directory[i * SECTOR : (i + 1) * SECTOR])
        chains.append(len(sectors) if i < dir_count - 1 else END_OF_CHAIN)
    # FAT sectors (128 entries each) at the end, marked as FAT sectors in the FAT itself.
    fat_count = 1
    while (len(chains) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    fat_start = len(sectors)
    chains += [FAT_SECTOR] * fat_count
    chains += [FREE] * (fat_count * (SECTOR // 4) - len(chains))
    fat = struct.pack(f"<{len(chains)}I", *chains)
    for i in range(fat_count):
        sectors.append(fat[i * SECTOR : (i + 1) * SECTOR])
    assert fat_count <= 109
    difat = [fat_start + i for i in range(fat_count)] + [FREE] * (109 - fat_count)
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<I", 0)  # directory sectors (0 for v3)
        + struct.pack("<I", fat_count)
        + struct.pack("<I", dir_start)
        + struct.pack("<I", 0)  # transaction signature
        + struct.pack("<I", MINI_CUTOFF)
        + struct.pack("<II", END_OF_CHAIN, 0)  # mini FAT start, count
        + struct.pack("<II", END_OF_CHAIN, 0)  # DIFAT start, count
        + struct.pack("<109I", *difat)
    )
    assert len(header) == SECTOR
    return header + b"".join(sectors)


def write_xls(
    path: Path,
    rows: Sequence[Sequence[object]],
    sheet_name: str = "Sheet1",
    protected: bool = False,
) -> Path:
    """Write `rows` (text, numbers, dates, None) as a legacy .xls workbook of one sheet."""
    path.write_bytes(compound_file([("Workbook", biff8_workbook(rows, sheet_name, protected))]))
    return path


def write_encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: a CFB, not a zip, holding the
    encryption description and the encrypted package (contents here are filler)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"\x00" * (MINI_CUTOFF - 8)
    package = struct.pack("<Q", 12345) + bytes(range(256)) * 20
    path.write_bytes(compound_file([("EncryptionInfo", info), ("EncryptedPackage", package)]))
    return path
