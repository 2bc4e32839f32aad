"""PDFs made of the book write the audit log through the report service (issue #19 item 5):
a line per document, and one more when identifiers are shown in full; no line holds customer
data."""

from __future__ import annotations

import json
from datetime import date, timedelta

from report_helpers import NANHAI, RM1, TODAY, complete

from crm.domain.prospect import ProspectDraft
from crm.services.container import Services

NAME = "佛山市南海区华兴五金制品厂"
USCC = "91440605MA4W3XJK10"
PHONE = "13812345678"
OWNER = "王建国"


def recorded(services: Services) -> tuple[str, str]:
    prospect = services.prospects.create(
        ProspectDraft(
            name=NAME,
            uscc=USCC,
            owner_name=OWNER,
            phone=PHONE,
            district_code=NANHAI,
            sources=["park"],
        ),
        rm_id=RM1,
    ).id
    first = services.visits.start_record(prospect, TODAY - timedelta(days=1))
    services.visits.finalize(first.id, complete(TODAY - timedelta(days=1)))
    second = services.visits.start_record(prospect, TODAY)
    services.visits.save_draft(second.id, complete(TODAY))
    return first.id, second.id


def test_each_pdf_writes_a_line_and_showing_identifiers_another(services: Services) -> None:
    final, _draft = recorded(services)
    services.reports.visit_pdf(final, lang="zh_CN")
    [line] = services.audit.lines()
    assert (line.action, line.target_id, line.user_id) == ("pdf", final, RM1)
    assert line.detail == {"report": "visit", "visits": 1, "identifiers": False}

    services.reports.visit_pdf(final, show_identifiers=True, lang="zh_CN")
    [record] = services.reports.disclosures()
    pdf, unmask = services.audit.lines(limit=2)
    assert (unmask.action, unmask.target_id) == ("unmask", final)
    assert unmask.detail == {"report": "visit_report", "disclosure": record.id}
    assert (pdf.action, pdf.detail["identifiers"]) == ("pdf", True)


def test_batches_and_the_pipeline_report_write_a_line_each(services: Services) -> None:
    recorded(services)
    day = TODAY - timedelta(days=1)
    services.reports.visits_pdf(day, TODAY, lang="en")
    services.reports.visits_pdf(day, TODAY, per_visit=True, lang="en")
    services.reports.pipeline_pdf(date(2026, 6, 1), TODAY, lang="en")
    assert [(line.action, line.detail) for line in reversed(services.audit.lines())] == [
        ("pdf", {"report": "visits", "visits": 2, "files": 1, "identifiers": False}),
        ("pdf", {"report": "visits", "visits": 2, "files": 2, "identifiers": False}),
        ("pdf", {"report": "pipeline", "days": (TODAY - date(2026, 6, 1)).days + 1}),
    ]


def test_no_line_holds_customer_data(services: Services) -> None:
    final, _draft = recorded(services)
    services.reports.visit_pdf(final, show_identifiers=True, lang="zh_CN")
    services.reports.visits_pdf(TODAY - timedelta(days=1), TODAY, show_identifiers=True)
    text = json.dumps([line.as_dict() for line in services.audit.lines()], ensure_ascii=False)
    # The single report (an unmask, a PDF), then the batch: each visit shown in full, a PDF.
    assert [line.action for line in reversed(services.audit.lines())] == [
        "unmask",
        "pdf",
        "unmask",
        "unmask",
        "pdf",
    ]
    for value in (NAME, "华兴", USCC, PHONE, "5678", OWNER):
        assert value not in text
