"""The visit report (客户拜访报告): what a relationship manager files after a visit, as
due-diligence evidence (尽职免责) and for the credit file.

It prints every field of the record, the due-diligence items and the financial-literacy
checklist with what was and was not covered, the product pre-assessment, the photos, the
record's hash and where it stands in its customer's chain, and lines for the RM's and the
customer's signatures. A record not yet finalized carries a DRAFT / 草稿 watermark on every
page: it is not evidence of anything yet.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from crm.reports.blocks import cell, grid, heading
from crm.reports.document import (
    BAD,
    CONTENT_WIDTH,
    GOOD,
    INK,
    MUTED,
    RULE,
    SHADE,
    PageInfo,
    ReportStart,
    Styles,
    build_pdf,
    para,
    table_style,
)
from crm.reports.model import (
    ChainState,
    CheckedItem,
    ItemGroup,
    Photo,
    PreAssessment,
    VisitReportData,
)
from crm.reports.text import DASH, ReportText, markup

CHECKED = "✔"
UNCHECKED = "□"
LABEL_WIDTH = 30 * mm
THUMB = 52 * mm  # a thumbnail's box: three to a row
THUMB_PIXELS = 640  # long side of the embedded image: sharp when printed at that size


def render_visit_report(data: VisitReportData, lang: str) -> bytes:
    """One visit report as PDF bytes."""
    t = ReportText(lang)
    return build_pdf(
        visit_story(data, t, key=0),
        title=_title(data, t),
        author=data.generated_by,
        subject=data.prospect.name,
    )


def render_visit_reports(
    reports: Sequence[VisitReportData],
    lang: str,
    progress: Callable[[int], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> bytes:
    """Several visit reports in one PDF, each starting on a new page and numbered on its own;
    ``progress`` is told how many have been gathered; ``stop()`` is asked while they are laid
    out (LayoutStopped when it says so)."""
    t = ReportText(lang)
    story: list[Flowable] = []
    for n, data in enumerate(reports):
        if n:
            story.append(PageBreak())
        story.extend(visit_story(data, t, key=n))
        if progress is not None:
            progress(n + 1)
    author = reports[0].generated_by if reports else ""
    return build_pdf(story, title=t.tr("Visit reports"), author=author, stop=stop)


def _title(data: VisitReportData, t: ReportText) -> str:
    return t.tr(
        "Visit report: {name}, {day}", name=data.prospect.name, day=t.day(data.visit.visit_on)
    )


def page_info(data: VisitReportData, t: ReportText, key: int) -> PageInfo:
    if data.disclosure is not None:
        note = t.tr(
            "Identifiers shown in full at the request of {user}",
            user=data.disclosure.by,
        )
    else:
        note = t.tr("ID and phone numbers are partly hidden")
    return PageInfo(
        key=key,
        bank=data.letterhead.bank,
        branch=data.letterhead.branch,
        title=t.tr("Customer visit report"),
        footer_left=t.tr(
            "Generated {moment} by {user}",
            moment=t.moment(data.generated_at),
            user=data.generated_by,
        ),
        footer_note=note,
        page_label=t.tr("Page {page} of {pages}", page="{page}", pages="{pages}"),
        watermark="" if data.visit.is_final else t.tr("DRAFT"),
    )


def visit_story(data: VisitReportData, t: ReportText, *, key: int) -> list[Flowable]:
    v = data.visit
    story: list[Flowable] = [ReportStart(page_info(data, t, key))]
    story.append(para(t.tr("Customer visit report"), Styles.title))
    status = _status_text(v.status, t)
    story.append(
        Paragraph(
            markup(f"{data.prospect.name} · {t.day(v.visit_on)} · {v.kind} · {status}"),
            Styles.subtitle,
        )
    )
    story += _prospect_section(data, t)
    story += _record_section(data, t)
    story += _groups_section(t.tr("Due diligence (the three checks)"), data.due_diligence, t)
    story += _checklist_section(data.checklist, t)
    if data.pre_assessment is not None:
        story += _pre_assessment_section(data.pre_assessment, t)
    if data.photos:
        story += _photo_section(data.photos, t)
    story += _next_steps_section(data, t)
    if v.amends_id or v.amendments:
        story += _amendments_section(data, t)
    story += _integrity_section(data, t)
    story += _signature_section(data, t)
    return story


def _status_text(status: str, t: ReportText) -> str:
    if status == "final":
        return t.tr("finalized")
    if status == "draft":
        return t.tr("draft, not finalized")
    return t.tr("planned, not yet recorded")


# -- building blocks ------------------------------------------------------------------------------


# A value longer than this is printed as paragraphs under its label, not in a table cell: a
# table row never splits across pages, and a record's text may run to 4,000 characters.
LONG_VALUE = 360


def _pairs(pairs: Sequence[tuple[str, str]], columns: int = 2) -> list[Flowable]:
    """Label/value pairs as tables, with any long value as paragraphs that may run onto the
    next page."""
    flow: list[Flowable] = []
    pending: list[tuple[str, str]] = []
    for label, value in pairs:
        if len(value) <= LONG_VALUE:
            pending.append((label, value))
            continue
        if pending:
            flow.append(_pairs_table(pending, columns))
            pending = []
        flow.append(para(label, Styles.long_label))
        flow.extend(para(part, Styles.long_value) for part in value.split("\n"))
    if pending:
        flow.append(_pairs_table(pending, columns))
    return flow


def _pairs_table(pairs: Sequence[tuple[str, str]], columns: int = 2) -> Table:
    """Label/value pairs, ``columns`` pairs to a row; a long value gets a row to itself."""
    rows: list[list[Flowable | str]] = []
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    pending: list[Flowable | str] = []
    value_width = (CONTENT_WIDTH - columns * LABEL_WIDTH) / columns
    for label, value in pairs:
        long = len(value) > 28 or "\n" in value
        if columns > 1 and long:
            if pending:
                rows.append(pending + [""] * (2 * columns - len(pending)))
                pending = []
            rows.append([cell(label, Styles.label), cell(value)] + [""] * (2 * columns - 2))
            spans.append(((1, len(rows) - 1), (2 * columns - 1, len(rows) - 1)))
            continue
        pending += [cell(label, Styles.label), cell(value)]
        if len(pending) == 2 * columns:
            rows.append(pending)
            pending = []
    if pending:
        rows.append(pending + [""] * (2 * columns - len(pending)))
    widths = [LABEL_WIDTH, value_width] * columns
    table = Table(rows, colWidths=widths, hAlign="LEFT", splitByRow=1)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for col in range(0, 2 * columns, 2):
        style.append(("BACKGROUND", (col, 0), (col, -1), SHADE))
    for start, end in spans:
        style.append(("SPAN", start, end))
    table.setStyle(table_style(style))
    return table


def _prospect_section(data: VisitReportData, t: ReportText) -> list[Flowable]:
    p = data.prospect
    pairs = [
        (t.tr("Customer"), p.name),
        (t.tr("USCC"), p.uscc or DASH),
        (t.tr("Kind"), p.kind),
        (t.tr("Stage"), p.stage),
        (t.tr("Legal representative / owner"), p.owner_name),
        (t.tr("Phone"), p.phone),
        (t.tr("Industry"), p.industry),
        (t.tr("District"), p.district),
        (t.tr("Established"), t.day(p.established_on)),
        (
            t.tr("Registered capital"),
            t.money(p.registered_capital_fen) if p.registered_capital_fen else DASH,
        ),
        (t.tr("Relationship manager"), p.rm_name),
        (t.tr("Source lists"), "、".join(p.sources) if t.chinese else ", ".join(p.sources)),
        (t.tr("Address"), p.address),
    ]
    flow: list[Flowable] = [*heading(t.tr("Customer"))]
    if p.archived:
        flow.append(para(p.archived, Styles.notice))
    flow.extend(_pairs(pairs))
    if p.contacts:
        header = [t.tr("Contact"), t.tr("Title"), t.tr("Phone")]
        rows = [[c.name, c.title, c.phone] for c in p.contacts]
        flow += [Spacer(1, 3 * mm), grid(header, rows, [0.35, 0.35, 0.30])]
    return flow


def _record_section(data: VisitReportData, t: ReportText) -> list[Flowable]:
    v = data.visit
    when = t.day(v.visit_on) + (f" {v.start_time}" if v.start_time else "")
    auth = t.yes_no(v.credit_auth)
    if v.credit_auth and v.credit_auth_on:
        auth = t.tr("yes, on {day}", day=t.day(v.credit_auth_on))
    pairs = [
        (t.tr("Visit on"), when),
        (t.tr("Kind of visit"), v.kind),
        (t.tr("Relationship manager"), v.rm_name),
        (t.tr("Status"), _status_text(v.status, t)),
        (t.tr("Place"), v.place),
        (t.tr("Purpose"), v.purpose),
        (t.tr("Accompanied by"), v.companions),
        (t.tr("People met"), v.people_met),
        (t.tr("Operating state seen"), v.operating_state),
        (t.tr("First repayment source"), v.repayment_source),
        (t.tr("Growth prospects"), v.growth_prospects),
        (t.tr("Financing need"), t.money(v.need_amount_fen) if v.need_amount_fen else DASH),
        (t.tr("Needed when"), v.need_timing),
        (t.tr("Financing purpose"), v.need_purpose),
        (t.tr("Credit-query authorisation"), auth),
        (t.tr("Record created"), t.moment(v.created_at)),
        (t.tr("Last saved"), t.moment(v.updated_at)),
    ]
    return [*heading(t.tr("Visit record")), *_pairs(pairs)]


# A mark cell is a plain string coloured by the table's style: a paragraph per mark (a
# hundred on a long checklist) costs more to lay out than the rest of its row.
Mark = tuple[str, colors.Color]


def _mark(item: CheckedItem) -> Mark:
    if item.checked:
        return CHECKED, GOOD
    if item.before is not None:
        return CHECKED, MUTED
    return UNCHECKED, MUTED


def _groups_section(title: str, groups: Sequence[ItemGroup], t: ReportText) -> list[Flowable]:
    flow: list[Flowable] = list(heading(title))
    done = sum(1 for g in groups for i in g.items if i.checked)
    total = sum(len(g.items) for g in groups)
    flow.append(
        Paragraph(
            markup(t.tr("{done} of {total} items checked", done=done, total=total)), Styles.small
        )
    )
    rows: list[tuple[Mark | None, Flowable]] = []
    for group in groups:
        rows.append((None, para(group.title, Styles.subheading)))
        rows.extend((_mark(item), cell(item.text)) for item in group.items)
    flow.append(_checked_table(t.tr("Checked"), t.tr("Item"), rows))
    return flow


def _checked_table(
    mark_header: str, item_header: str, rows: Sequence[tuple[Mark | None, Flowable]]
) -> Table:
    """Items with their marks under a repeated header; a row without a mark is a group's
    heading across the table."""
    head = [
        para(mark_header, Styles.header_cell),
        para(item_header, Styles.header_cell),
    ]
    widths = [16 * mm, CONTENT_WIDTH - 16 * mm]
    data: list[list[str | Flowable]] = [head]
    style: list[tuple[object, ...]] = [
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("FONTSIZE", (0, 1), (0, -1), 9),
    ]
    for n, (mark, content) in enumerate(rows, 1):
        if mark is None:
            data.append([content, ""])
            style += [("SPAN", (0, n), (1, n)), ("BACKGROUND", (0, n), (1, n), SHADE)]
        else:
            data.append([mark[0], content])
            style.append(("TEXTCOLOR", (0, n), (0, n), mark[1]))
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style += [
        ("BACKGROUND", (0, 0), (-1, 0), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(table_style(style))
    return table


def _checklist_section(groups: Sequence[ItemGroup], t: ReportText) -> list[Flowable]:
    flow: list[Flowable] = list(heading(t.tr("Financial-literacy checklist")))
    here = sum(1 for g in groups for i in g.items if i.checked)
    before = sum(1 for g in groups for i in g.items if not i.checked and i.before is not None)
    total = sum(len(g.items) for g in groups)
    flow.append(
        Paragraph(
            markup(
                t.tr(
                    "{here} covered in this visit, {before} in other visits, "
                    "{open} still open, of {total}",
                    here=here,
                    before=before,
                    open=total - here - before,
                    total=total,
                )
            ),
            Styles.small,
        )
    )
    rows: list[tuple[Mark | None, Flowable]] = []
    for group in groups:
        done = sum(1 for i in group.items if i.checked or i.before is not None)
        rows.append((None, para(f"{group.title} ({done}/{len(group.items)})", Styles.subheading)))
        for item in group.items:
            text = item.text
            if not item.checked and item.before is not None:
                elsewhere = t.tr("(covered on {day} in another visit)", day=t.day(item.before))
                text = f"{text} {elsewhere}"
            rows.append((_mark(item), cell(text)))
    flow.append(_checked_table(t.tr("Covered"), t.tr("Item"), rows))
    return flow


def _pre_assessment_section(pre: PreAssessment, t: ReportText) -> list[Flowable]:
    flow: list[Flowable] = list(heading(t.tr("Product pre-assessment")))
    flow.append(
        Paragraph(
            markup(f"{pre.notice} ({t.tr('as of {day}', day=t.day(pre.as_of))})"), Styles.notice
        )
    )
    statuses = {
        "eligible": (t.tr("fits"), GOOD),
        "not_eligible": (t.tr("does not fit"), BAD),
        "unknown": (t.tr("data missing"), MUTED),
    }
    header = [
        t.tr("Product"),
        t.tr("Result"),
        t.tr("Indicative amount"),
        t.tr("Rate"),
        t.tr("Term up to"),
    ]
    rows: list[list[str | Flowable]] = []
    for line in pre.products:
        word, colour = statuses.get(line.status, (line.status, MUTED))
        reasons = "".join(f"<br/>· {markup(r)}" for r in line.reasons)
        rows.append(
            [
                Paragraph(
                    markup(line.name)
                    + f'<font size="7.5" color="{MUTED.hexval()}">{reasons}</font>',
                    Styles.cell,
                ),
                Paragraph(f'<font color="{colour.hexval()}">{markup(word)}</font>', Styles.cell),
                t.money_range(line.amount_min_fen, line.amount_max_fen),
                t.rate(line.rate_bp),
                t.months(line.term_months_max),
            ]
        )
    flow.append(grid(header, rows, [0.46, 0.12, 0.18, 0.1, 0.14], right=(2, 3, 4)))
    if pre.warnings:
        flow.append(Spacer(1, 2 * mm))
        flow.append(para(t.tr("Warning signs"), Styles.subheading))
        for w in pre.warnings:
            flow.append(
                Paragraph(f'<font color="{BAD.hexval()}">!</font> {markup(w)}', Styles.cell)
            )
    if pre.missing:
        sep = "、" if t.chinese else ", "
        flow.append(
            Paragraph(
                markup(t.tr("Data that would settle it: {facts}", facts=sep.join(pre.missing))),
                Styles.small,
            )
        )
    return flow


def _thumbnail(photo: Photo) -> Flowable:
    """The photo scaled into its box (JPEG, small), or a framed note if it cannot be read."""
    try:
        with PILImage.open(io.BytesIO(photo.data)) as img:
            img.load()
            picture = img.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, PILImage.DecompressionBombError):
        return _unreadable()
    picture.thumbnail((THUMB_PIXELS, THUMB_PIXELS))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80, optimize=True)
    out.seek(0)
    width, height = picture.size
    scale = min(THUMB / width, (THUMB * 0.75) / height)
    return Image(out, width=width * scale, height=height * scale)


class _unreadable(Flowable):  # type: ignore[misc]
    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return THUMB, THUMB * 0.75

    def draw(self) -> None:
        self.canv.setStrokeColor(RULE)
        self.canv.setDash(2, 2)
        self.canv.rect(0, 0, THUMB, THUMB * 0.75)
        self.canv.setFillColor(MUTED)
        self.canv.setFont(Styles.small.fontName, 14)
        self.canv.drawCentredString(THUMB / 2, THUMB * 0.375 - 5, "?")


def _photo_section(photos: Sequence[Photo], t: ReportText) -> list[Flowable]:
    flow: list[Flowable] = list(heading(t.tr("Photos and documents")))
    cells: list[Flowable] = []
    for photo in photos:
        when = (
            t.tr("taken {moment}", moment=t.moment(photo.taken_at))
            if photo.taken_at
            else t.tr("time not known")
        )
        caption = Paragraph(markup(photo.caption) + "<br/>" + markup(when), Styles.small)
        inner = Table([[_thumbnail(photo)], [caption]], colWidths=[THUMB + 4])
        inner.setStyle(
            table_style(
                [
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        cells.append(inner)
    rows = [cells[i : i + 3] for i in range(0, len(cells), 3)]
    rows[-1] += [Spacer(1, 1)] * (3 - len(rows[-1]))
    grid = Table(rows, colWidths=[CONTENT_WIDTH / 3] * 3, hAlign="LEFT")
    grid.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    flow.append(grid)
    return flow


def _next_steps_section(data: VisitReportData, t: ReportText) -> list[Flowable]:
    v = data.visit
    pairs = [
        (t.tr("Next steps"), v.next_steps),
        (t.tr("Next visit on"), t.day(v.next_visit_on)),
    ]
    return [*heading(t.tr("Next steps")), *_pairs(pairs, columns=1)]


def _amendments_section(data: VisitReportData, t: ReportText) -> list[Flowable]:
    v = data.visit
    flow: list[Flowable] = list(heading(t.tr("Amendments")))
    if v.amends_id:
        flow.extend(
            _pairs(
                [
                    (t.tr("This record amends"), v.amends_id),
                    (t.tr("Reason for the amendment"), v.amend_reason),
                ],
                columns=1,
            )
        )
    if v.amendments:
        header = [
            t.tr("Record"),
            t.tr("Visit on"),
            t.tr("Status"),
            t.tr("Reason for the amendment"),
        ]
        rows: list[list[str | Flowable]] = [
            [para(a.id, Styles.mono), t.day(a.visit_on), a.status, a.reason] for a in v.amendments
        ]
        flow += [Spacer(1, 2 * mm), grid(header, rows, [0.4, 0.14, 0.14, 0.32])]
    return flow


def _integrity_section(data: VisitReportData, t: ReportText) -> list[Flowable]:
    v, chain = data.visit, data.chain
    states = {
        ChainState.INTACT: (
            t.tr(
                "intact: record {position} of {length} in this customer's chain",
                position=chain.position,
                length=chain.length,
            ),
            GOOD,
        ),
        ChainState.CHANGED: (
            t.tr("CHANGED after it was finalized: the content no longer gives its hash"),
            BAD,
        ),
        ChainState.BROKEN: (
            t.tr("BROKEN: a record of this customer's chain was removed, added or reordered"),
            BAD,
        ),
        ChainState.SHORT: (
            t.tr(
                "SHORT: head office holds {held} records of this customer, this book {here}; "
                "the last, {record}, is missing here",
                held=chain.held,
                here=chain.length,
                record=chain.missing_id,
            ),
            BAD,
        ),
        ChainState.NOT_FINAL: (
            t.tr("not finalized: a draft has no hash and is not evidence"),
            MUTED,
        ),
    }
    word, colour = states[chain.state]
    if chain.state is ChainState.INTACT and chain.problems:
        word = t.tr(
            "this record checks out; {count} problems elsewhere in the chain", count=chain.problems
        )
        colour = BAD
    status = Paragraph(f'<font color="{colour.hexval()}">{markup(word)}</font>', Styles.cell)
    rows: list[list[Flowable]] = [
        [cell(t.tr("Record id"), Styles.label), para(v.id, Styles.mono)],
        [
            cell(t.tr("Finalized"), Styles.label),
            cell(
                f"{t.moment(v.finalized_at)}  {v.finalized_by}".strip() if v.finalized_at else DASH
            ),
        ],
        [
            cell(t.tr("Record hash (SHA-256)"), Styles.label),
            para(chain.content_hash or DASH, Styles.mono),
        ],
        [
            cell(t.tr("Previous record's hash"), Styles.label),
            para(chain.prev_hash or DASH, Styles.mono),
        ],
        [cell(t.tr("Chain check"), Styles.label), status],
    ]
    table = Table(
        rows, colWidths=[LABEL_WIDTH + 8 * mm, CONTENT_WIDTH - LABEL_WIDTH - 8 * mm], hAlign="LEFT"
    )
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), SHADE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return [*heading(t.tr("Record integrity")), KeepTogether([table])]


def _signature_section(data: VisitReportData, t: ReportText) -> list[Flowable]:
    def block(who: str, name: str) -> Table:
        rows = [
            [cell(who, Styles.label)],
            [Spacer(1, 14 * mm)],
            [cell(name or " ", Styles.cell)],
            [cell(t.tr("Date: ____________________"), Styles.label)],
        ]
        box = Table(rows, colWidths=[CONTENT_WIDTH / 2 - 8 * mm])
        box.setStyle(
            table_style(
                [
                    ("LINEBELOW", (0, 1), (0, 1), 0.6, INK),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return box

    signatures = Table(
        [
            [
                block(t.tr("Relationship manager (signature)"), data.visit.rm_name),
                block(t.tr("Customer (signature or company seal)"), data.prospect.owner_name),
            ]
        ],
        colWidths=[CONTENT_WIDTH / 2] * 2,
        hAlign="LEFT",
    )
    signatures.setStyle(
        table_style([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    flow: list[Flowable] = [
        Spacer(1, 4 * mm),
        Paragraph(
            markup(t.tr("We confirm that this record is a true account of the visit.")),
            Styles.body,
        ),
        Spacer(1, 3 * mm),
        signatures,
    ]
    if data.disclosure is not None:
        d = data.disclosure
        flow.append(Spacer(1, 3 * mm))
        flow.append(
            Paragraph(
                markup(
                    t.tr(
                        "ID and phone numbers are printed in full at the request of {user} "
                        "on {moment} (disclosure record {record})",
                        user=d.by,
                        moment=t.moment(d.at),
                        record=d.record_id,
                    )
                ),
                Styles.small,
            )
        )
    return [CondPageBreak(60 * mm), KeepTogether(flow)]
