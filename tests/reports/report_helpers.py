"""Helpers of the report tests (imported by name: the test folder is on sys.path): a seeded
book with two teams, a clock moved by hand, a complete visit record, and ways to read a PDF
back: its text page by page, its fonts, its pages as pictures."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from crm import resources
from crm.domain.visits import VisitDraft
from crm.store.engine import Database
from crm.store.models import District, Team, User

# 10:00 in Shanghai on Tuesday 2 June 2026.
T0 = datetime(2026, 6, 2, 2, 0, tzinfo=UTC)
TODAY = date(2026, 6, 2)

TEAM_A = "0190f000-0000-7000-8000-00000000000a"
TEAM_B = "0190f000-0000-7000-8000-00000000000b"
RM1 = "0190f000-0000-7000-8000-000000000001"  # 王芳, team A
RM2 = "0190f000-0000-7000-8000-000000000002"  # 李强, team A
LEAD = "0190f000-0000-7000-8000-000000000003"  # 陈静, lead of team A
RM3 = "0190f000-0000-7000-8000-000000000004"  # 赵磊, team B
NANHAI, SHUNDE = "440605", "440606"

# The fonts every PDF viewer has built in and no file carries: none may be left in ours.
BASE_14 = {
    "Courier",
    "Courier-Bold",
    "Courier-BoldOblique",
    "Courier-Oblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-BoldOblique",
    "Helvetica-Oblique",
    "Times-Roman",
    "Times-Bold",
    "Times-BoldItalic",
    "Times-Italic",
    "Symbol",
    "ZapfDingbats",
}


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def set_day(self, day: date, hour: int = 10) -> None:
        """Move to ``hour`` o'clock in Shanghai on ``day``."""
        self.current = datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC)


def seed_database(db: Database) -> None:
    with db.transaction() as s:
        s.add(Team(id=TEAM_A, name="禅城支行普惠团队", branch="佛山分行禅城支行", created_at=T0))
        s.add(Team(id=TEAM_B, name="南海支行普惠团队", branch="佛山分行南海支行", created_at=T0))
        s.flush()
        for uid, username, display, role, team in (
            (RM1, "wangfang", "王芳", "rm", TEAM_A),
            (RM2, "liqiang", "李强", "rm", TEAM_A),
            (LEAD, "chenjing", "陈静", "lead", TEAM_A),
            (RM3, "zhaolei", "赵磊", "rm", TEAM_B),
        ):
            s.add(
                User(
                    id=uid,
                    username=username,
                    display_name=display,
                    role=role,
                    team_id=team,
                    phone="",
                    active=True,
                    created_at=T0,
                )
            )
        for d in resources.demo_districts():
            s.add(District(code=d.code, name=d.name_zh, name_en=d.name_en))


def complete(day: date = TODAY, **changes: Any) -> VisitDraft:
    """A site visit record with everything finalizing asks for."""
    draft = VisitDraft(
        visit_on=day,
        kind="site",
        start_time="09:30",
        place="佛山市南海区狮山镇华兴五金厂区",
        purpose="首次走访，了解经营情况和融资需求",
        companions="支行行长 陈静",
        people_met="法定代表人 王建国（身份证 440605198001011234，手机 13912345678）；财务 李梅",
        operating_state="两条生产线正常开工，工人约40人，订单排到三个月后",
        repayment_source="销售回款，月均流水约120万元",
        growth_prospects="已进入本地家电龙头供应商名录",
        need_amount_fen=100_000_000,
        need_purpose="购置数控折弯机",
        need_timing="春节后",
        due_diligence=("before.site", "before.turnover"),
        checklist_items=("literacy.products", "debt.capacity"),
        credit_auth=True,
        credit_auth_on=day,
        next_steps="收集近两年纳税证明和银行流水",
        next_visit_on=day + timedelta(days=21),
    )
    return replace(draft, **changes)


# -- reading PDFs back ------------------------------------------------------------------------


def page_texts(data: bytes) -> list[str]:
    """Each page's text, as a reader extracts it."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def fonts(data: bytes) -> dict[str, bool]:
    """Every font the PDF's pages and forms use, by name, and whether its file is embedded
    (for a composite font, its descendant's)."""
    found: dict[str, bool] = {}
    seen: set[int] = set()

    def walk_resources(resources: Any) -> None:
        resources = _resolve(resources)
        if not resources or id(resources) in seen:
            return
        seen.add(id(resources))
        for ref in (_resolve(resources.get("/Font")) or {}).values():
            font = _resolve(ref)
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            descriptor = _resolve(font.get("/FontDescriptor"))
            if descriptor is None and "/DescendantFonts" in font:
                child = _resolve(_resolve(font["/DescendantFonts"])[0])
                descriptor = _resolve(child.get("/FontDescriptor"))
            embedded = descriptor is not None and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found[name] = embedded
        for ref in (_resolve(resources.get("/XObject")) or {}).values():
            xobject = _resolve(ref)
            if xobject.get("/Subtype") == "/Form":
                walk_resources(xobject.get("/Resources"))

    for page in PdfReader(io.BytesIO(data)).pages:
        walk_resources(page.get("/Resources"))
    return found


def image_count(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


def rasterised_pages(data: bytes, folder: Path) -> list[Path]:
    """The pages drawn as PNGs by poppler's pdftoppm (the caller skips without it)."""
    source = folder / "report.pdf"
    source.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(source), str(folder / "page")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return sorted(folder.glob("page-*.png"))


def has_pdftoppm() -> bool:
    return shutil.which("pdftoppm") is not None


def ink_share(png: Path) -> float:
    """The share of a page's pixels that are not white."""
    from PIL import Image

    with Image.open(png) as img:
        grey = img.convert("L")
        pixels = grey.width * grey.height
        dark = sum(count for value, count in enumerate(grey.histogram()) if value < 240)
    return dark / pixels


def keep(name: str, data: bytes) -> None:
    """Keep a generated PDF under $CRM_SCREENSHOTS (to look at it: pdftoppm -png)."""
    import os

    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(data)
