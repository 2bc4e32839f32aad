"""Merging a confirmed duplicate keeps the finalized visits recorded on it: they stay as
they were finalized (their hash covers their prospect), listed on the prospect kept; its
drafts go with it; the chains still check."""

from __future__ import annotations

from pathlib import Path

from lists import KNOWN_USCC, write_csv

from crm.domain.visits import VisitDraft
from crm.services.container import Services
from crm.services.imports.service import ImportRequest, ImportService


def test_a_merged_duplicates_finalized_visits_are_kept_under_the_prospect_kept(
    services: Services, imports: ImportService, tmp_path: Path
) -> None:
    rows = [[1, "佛山市南海区华兴五金制品厂", "", "孙八", "13500135000", "", "", ""]]
    imports.run(ImportRequest(write_csv(tmp_path / "flag.csv", rows), source_code="visit_campaign"))
    flag = imports.flags()[0]
    duplicate = flag.prospect_id
    visits = services.visits
    call = VisitDraft(
        visit_on=services.ctx.today(),
        kind="phone",
        purpose="电话回访",
        people_met="孙八",
        next_steps="下周上门",
    )
    final = visits.finalize(visits.record(duplicate, call).id).id
    open_draft = visits.record(duplicate, VisitDraft(visit_on=services.ctx.today())).id

    kept = imports.confirm_duplicate(flag.id)

    assert kept == services.prospects.find_by_uscc(KNOWN_USCC) and kept != duplicate
    record = visits.get(final)
    assert record.is_final and record.line.prospect_id == duplicate
    assert record.archive is not None
    assert (record.archive.reason, record.archive.merged_into) == ("merged", kept)
    history = visits.for_prospect(kept).history
    assert [h.id for h in history] == [final]
    assert open_draft not in {h.id for h in history}
    report = visits.verify()
    assert report.ok and report.checked == 1
