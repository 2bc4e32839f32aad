"""The visit report read back: what it says in Chinese and English, its fonts, masking, the
draft watermark, its chain status, page numbering, photos, and batches."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from report_helpers import (
    BASE_14,
    NANHAI,
    RM1,
    TODAY,
    Clock,
    complete,
    fonts,
    has_pdftoppm,
    image_count,
    ink_share,
    keep,
    page_texts,
    rasterised_pages,
)

from crm.domain.prospect import ProspectDraft
from crm.domain.visits import parse_checklists
from crm.reports.model import Photo
from crm.reports.visit_report import render_visit_report
from crm.services import visit_rules
from crm.services.container import Services
from crm.services.context import NotFound
from crm.services.reports import ReportCancelled

PHONE = "13812345678"
ID_NUMBER = "440605198001011234"


@dataclass
class Recorded:
    prospect: str
    final: str
    draft: str


@pytest.fixture
def recorded(services: Services, clock: Clock) -> Recorded:
    prospect = services.prospects.create(
        ProspectDraft(
            name="佛山市南海区华兴五金制品厂",
            uscc="91440605MA4W3XJK10",
            owner_name="王建国",
            phone=PHONE,
            address="广东省佛山市南海区狮山镇兴业路8号",
            district_code=NANHAI,
            industry_code="33",
            sources=["park"],
        ),
        rm_id=RM1,
    ).id
    first = services.visits.start_record(prospect, TODAY - timedelta(days=1))
    services.visits.finalize(first.id, complete(TODAY - timedelta(days=1)))
    clock.current += timedelta(hours=1)
    draft = services.visits.start_record(prospect, TODAY)
    services.visits.save_draft(
        draft.id, complete(TODAY, purpose="回访：补充材料", operating_state="")
    )
    return Recorded(prospect, first.id, draft.id)


def _text(data: bytes) -> str:
    return "\n".join(page_texts(data))


def test_a_finalized_report_in_chinese_says_what_the_record_says(
    services: Services, recorded: Recorded
) -> None:
    detail = services.visits.get(recorded.final)
    data = services.reports.visit_pdf(recorded.final, lang="zh_CN")
    text = _text(data)
    for expected in (
        "首贷通示范银行",
        "佛山分行禅城支行",
        "客户拜访报告",
        "佛山市南海区华兴五金制品厂",
        "91440605MA4W3XJK10",
        "已定稿",
        "实地走访",
        "两条生产线正常开工",
        "销售回款，月均流水约120万元",
        "100.00万元",
        "尽职调查",
        "贷前调查",
        "实地查看经营场所",
        "固本强基清单",
        "产品预评估",
        "后续安排",
        "收集近两年纳税证明和银行流水",
        detail.content_hash[:32],
        "完整：该客户记录链共 1 条，本记录为第 1 条",
        "客户经理（签字）",
        "客户（签字或盖章）",
        "王芳 于 2026年6月2日 11:00 生成",
    ):
        assert expected in text, expected
    assert "草稿 DRAFT" not in text
    pages = page_texts(data)
    for n, page in enumerate(pages, 1):
        assert f"第 {n} 页 / 共 {len(pages)} 页" in page


def test_the_same_report_in_english(services: Services, recorded: Recorded) -> None:
    text = _text(services.reports.visit_pdf(recorded.final, lang="en"))
    for expected in (
        "FirstLoan Demo Bank",
        "Customer visit report",
        "finalized",
        "site visit",
        "Before the loan (pre-loan investigation)",
        "Product pre-assessment",
        "intact: record 1 of 1 in this customer's chain",
        "Page 1 of",
        "Relationship manager (signature)",
    ):
        assert expected in text, expected


def test_every_font_is_embedded_and_none_is_a_base_14_font(
    services: Services, recorded: Recorded
) -> None:
    for lang in ("zh_CN", "en"):
        used = fonts(services.reports.visit_pdf(recorded.draft, lang=lang))
        assert used, "no font found"
        assert all(used.values()), used
        assert not {name.split("+")[-1] for name in used} & BASE_14
        assert all("WenQuanYi" in name for name in used), used


def test_identifiers_are_masked_unless_the_user_shows_them_which_is_recorded(
    services: Services, recorded: Recorded
) -> None:
    masked = _text(services.reports.visit_pdf(recorded.final, lang="zh_CN"))
    assert PHONE not in masked and "138****5678" in masked
    assert ID_NUMBER not in masked and "4406**********1234" in masked
    assert "13912345678" not in masked and "139****5678" in masked
    assert "证件号码和电话号码已部分隐藏" in masked
    assert services.reports.disclosures() == []

    shown = _text(services.reports.visit_pdf(recorded.final, show_identifiers=True, lang="zh_CN"))
    assert PHONE in shown and ID_NUMBER in shown and "13912345678" in shown
    [record] = services.reports.disclosures()
    assert (record.kind, record.subject_id, record.user_id, record.user) == (
        "visit_report",
        recorded.final,
        RM1,
        "王芳",
    )
    assert record.at == datetime.fromisoformat("2026-06-02T11:00:00+08:00")
    assert f"披露记录 {record.id}" in shown
    assert "应 王芳 要求完整显示证件号码和电话号码" in shown


def test_a_draft_carries_the_watermark_on_every_page_and_no_hash(
    services: Services, recorded: Recorded
) -> None:
    pages = page_texts(services.reports.visit_pdf(recorded.draft, lang="zh_CN"))
    assert all("草稿 DRAFT" in page for page in pages)
    text = "\n".join(pages)
    assert "草稿，未定稿" in text
    assert "未定稿：草稿没有哈希值，不能作为尽职证据" in text


def test_a_record_changed_behind_the_apps_back_is_reported_changed(
    services: Services, recorded: Recorded
) -> None:
    path = services.db_path
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    for name in names:
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("UPDATE visits SET operating_state = '停产' WHERE id = ?", (recorded.final,))
    conn.commit()
    conn.close()
    text = _text(services.reports.visit_pdf(recorded.final, lang="en"))
    assert "CHANGED after it was finalized" in text
    assert "intact" not in text


def test_a_report_of_a_visit_that_does_not_exist_is_refused(services: Services) -> None:
    with pytest.raises(NotFound):
        services.reports.visit_pdf("0190f000-0000-7000-8000-0000000000ff")


def _long_checklist() -> dict[str, object]:
    areas = []
    for a in range(4):
        items = [
            {
                "code": f"long.{a}.{i}",
                "zh": f"第{a + 1}类第{i + 1}项：向客户讲解规范记账、按时纳税和理性负债的具体做法，"
                "并留存讲解材料和客户签收记录，以备贷后检查时核对",
                "en": f"Area {a + 1} item {i + 1}: bookkeeping, taxes paid on time and "
                "borrowing within means, with the material handed over kept on file",
            }
            for i in range(25)
        ]
        areas.append(
            {
                "code": f"long{a}",
                "name_zh": f"长清单第{a + 1}类",
                "name_en": f"Area {a + 1}",
                "items": items,
            }
        )
    return {"stalled_after_days": 60, "areas": areas}


def _photo(colour: tuple[int, int, int], size: tuple[int, int] = (1600, 1200)) -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", size, colour)
    for x in range(0, size[0], 40):
        for y in range(0, size[1], 40):
            img.putpixel((x, y), (255, 255, 255))
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def test_a_long_visit_with_many_items_and_photos_runs_onto_numbered_pages(
    services: Services, recorded: Recorded, tmp_path: Path
) -> None:
    template = parse_checklists(_long_checklist())
    with services.ctx.db.transaction() as s:
        visit_rules.store_checklists(s, template)
    codes = tuple(i.code for i in template.items[::2])
    long_text = "经营情况良好，" * 300
    visit = services.visits.start_record(recorded.prospect, TODAY)
    services.visits.save_draft(
        visit.id,
        complete(TODAY, checklist_items=codes, operating_state=long_text, next_steps=long_text),
    )
    data = services.reports.visit_report_data(visit.id, lang="zh_CN")
    photos = [
        Photo(_photo((40 * n, 90, 160)), datetime(2026, 6, 2, 9, n), f"厂区照片 {n + 1}")
        for n in range(5)
    ]
    photos.append(Photo(b"not an image", None, "损坏的文件.jpg"))
    pdf = render_visit_report(replace(data, photos=tuple(photos)), "zh_CN")
    keep("visit-long-zh.pdf", pdf)
    pages = page_texts(pdf)
    assert len(pages) >= 4
    for n, page in enumerate(pages, 1):
        assert f"第 {n} 页 / 共 {len(pages)} 页" in page
        assert "草稿 DRAFT" in page
    text = "\n".join(pages)
    # Chinese wraps anywhere but never starts a line with its punctuation.
    lines = [line.strip() for line in text.splitlines()]
    assert sum(1 for line in lines if line.startswith("经营情况良好")) > 20
    assert not [line for line in lines if line.startswith(("，", "。", "；"))]
    assert "共 100 项：本次覆盖 50 项" in text
    assert "第4类第25项" in text
    assert "厂区照片 5" in text and "拍摄于 2026年6月2日 09:04" in text
    assert "损坏的文件.jpg" in text and "拍摄时间不详" in text
    assert image_count(pdf) == 5
    # The photos are embedded as thumbnails, not at their size.
    assert len(pdf) < 5 * len(photos[0].data)
    if has_pdftoppm():
        for png in rasterised_pages(pdf, tmp_path):
            assert ink_share(png) > 0.01, png.name


def test_the_records_photos_show_as_thumbnails_and_its_files_keep_the_chain_intact(
    services: Services, recorded: Recorded
) -> None:
    visit = services.visits.start_record(recorded.prospect, TODAY)
    services.attachments.attach_bytes(
        visit.id, _photo((30, 120, 60)), filename="厂房.jpg", kind="premises", caption="厂房外观"
    )
    services.visits.finalize(visit.id, complete(TODAY))
    data = services.reports.visit_pdf(visit.id, lang="zh_CN")
    text = _text(data)
    assert "经营场所：厂房外观" in text
    assert image_count(data) == 1
    assert "完整：该客户记录链共 2 条，本记录为第 2 条" in text


@pytest.mark.skipif(not has_pdftoppm(), reason="poppler's pdftoppm is not installed")
def test_each_page_rasterises_and_is_not_blank(
    services: Services, recorded: Recorded, tmp_path: Path
) -> None:
    data = services.reports.visit_pdf(recorded.final, lang="zh_CN")
    pngs = rasterised_pages(data, tmp_path)
    assert len(pngs) == len(page_texts(data))
    for png in pngs:
        assert ink_share(png) > 0.01, png.name


def test_a_report_without_photos_is_small(services: Services, recorded: Recorded) -> None:
    assert len(services.reports.visit_pdf(recorded.final, lang="zh_CN")) <= 200_000
    assert len(services.reports.visit_pdf(recorded.final, lang="en")) <= 200_000


def test_a_batch_holds_every_recorded_visit_each_numbered_on_its_own(
    services: Services, recorded: Recorded
) -> None:
    seen: list[tuple[int, int]] = []
    [one] = services.reports.visits_pdf(
        TODAY - timedelta(days=7), TODAY, lang="zh_CN", progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(1, 2), (2, 2)]
    assert one.name == "visits_2026-05-26_2026-06-02.pdf"
    pages = page_texts(one.data)
    firsts = [p for p in pages if "第 1 页 / 共" in p]
    assert len(firsts) == 2
    per = services.reports.visits_pdf(TODAY - timedelta(days=7), TODAY, per_visit=True)
    assert [f.name for f in per] == [
        f"2026-06-01_佛山市南海区华兴五金制品厂_{recorded.final.replace('-', '')[-8:]}.pdf",
        f"2026-06-02_佛山市南海区华兴五金制品厂_{recorded.draft.replace('-', '')[-8:]}.pdf",
    ]
    assert all(f.data.startswith(b"%PDF") for f in per)


def test_a_cancelled_batch_gives_nothing(services: Services, recorded: Recorded) -> None:
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 1

    with pytest.raises(ReportCancelled):
        services.reports.visits_pdf(TODAY - timedelta(days=7), TODAY, cancelled=cancelled)


def test_a_cancel_while_one_pdf_is_laid_out_stops_the_layout(
    services: Services, recorded: Recorded
) -> None:
    # Two visits are read (asked twice), one more time before the layout; from then on every
    # flowable laid out asks, and the fifth question says stop: the layout itself listens.
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 5

    with pytest.raises(ReportCancelled):
        services.reports.visits_pdf(TODAY - timedelta(days=7), TODAY, cancelled=cancelled)
    assert len(asked) == 6


def test_a_batch_over_a_period_without_visits_says_so(services: Services) -> None:
    from crm.domain.errors import DomainError

    with pytest.raises(DomainError, match="no visit was recorded from 2020-01-01 to 2020-01-31"):
        services.reports.visits_pdf(date(2020, 1, 1), date(2020, 1, 31))


def test_amendments_stay_linked_to_the_record_they_correct(
    services: Services, recorded: Recorded
) -> None:
    amendment = services.visits.amend(recorded.final)
    corrected = complete(
        TODAY - timedelta(days=1), amend_reason="更正融资需求金额", need_amount_fen=80_000_000
    )
    services.visits.finalize(amendment.id, corrected)
    original = _text(services.reports.visit_pdf(recorded.final, lang="zh_CN"))
    assert "更正记录" in original and "更正融资需求金额" in original and amendment.id in original
    own = _text(services.reports.visit_pdf(amendment.id, lang="zh_CN"))
    assert "本记录更正" in own and recorded.final in own
    assert "80.00万元" in own and "完整：该客户记录链共 2 条，本记录为第 2 条" in own


def test_a_chain_that_lost_its_last_record_is_reported_short(
    services: Services, recorded: Recorded, clock: Clock
) -> None:
    clock.current += timedelta(hours=1)
    last = services.visits.start_record(recorded.prospect, TODAY)
    last = services.visits.finalize(last.id, complete(TODAY))
    conn = sqlite3.connect(services.db_path)
    # Head office confirmed both records (as a sync download stores it) …
    conn.execute(
        "INSERT INTO visit_chain_heads (id, prospect_id, head_id, head_hash, count, confirmed_at) "
        "VALUES (?, ?, ?, ?, 2, ?)",
        (
            recorded.prospect,
            recorded.prospect,
            last.id,
            last.content_hash,
            "2026-06-02T04:00:00.000000+00:00",
        ),
    )
    # … and then the last one is deleted behind the app's back.
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("DELETE FROM checklist_ticks WHERE visit_id = ?", (last.id,))
    conn.execute("DELETE FROM visits WHERE id = ?", (last.id,))
    conn.commit()
    conn.close()
    text = _text(services.reports.visit_pdf(recorded.final, lang="zh_CN")).replace("\n", "")
    assert f"记录链不完整：总行保存该客户 2 条记录，本机 1 条；最后一条 {last.id}" in text
