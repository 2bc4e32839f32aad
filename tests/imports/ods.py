"""A small writer of OpenDocument spreadsheets (.ods), for fixtures: the zip that WPS and
LibreOffice save, with only what a reader needs (mimetype first and stored, a manifest, and
content.xml with one table)."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
 xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
"""
TAIL = "</office:spreadsheet></office:body></office:document-content>\n"


def _cell(value: object, span: int = 1) -> str:
    spanned = f' table:number-columns-spanned="{span}"' if span > 1 else ""
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, date):
        iso = value.isoformat()
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{iso}"{spanned}>'
            f"<text:p>{iso}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}"{spanned}>'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"{spanned}>'
        f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
    )


def write_ods(path: Path, rows: Sequence[Sequence[object]], sheet_name: str = "Sheet1") -> Path:
    body = [HEAD, f"<table:table table:name={quoteattr(sheet_name)}>"]
    for row in rows:
        body.append("<table:table-row>")
        body.extend(_cell(v) for v in row)
        if not row:
            body.append("<table:table-cell/>")
        body.append("</table:table-row>")
    body.append("</table:table>")
    body.append(TAIL)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", "".join(body), compress_type=zipfile.ZIP_DEFLATED)
    return path
