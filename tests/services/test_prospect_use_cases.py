"""Prospect use cases: create, edit, assign, tag, and move between stages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from service_helpers import LEAD, RM1, RM2, TODAY, Clock, draft, outbox, uscc, wrong_check

from crm.domain.errors import DomainError
from crm.domain.prospect import FieldError, InvalidProspect
from crm.domain.stages import StageMoveRefused
from crm.services.context import Context, NotFound
from crm.services.loans import LoanDraft, record_loan
from crm.services.prospects import (
    DuplicateUSCC,
    ProspectService,
    StaleEdit,
    drop_reason_codes,
)
from crm.store.engine import Database
from tests.strategic.helpers import give_plan


def field_errors(caught: pytest.ExceptionInfo[InvalidProspect]) -> dict[str, FieldError]:
    return {e.field: e for e in caught.value.errors}


def loan(
    ctx: Context, prospect_id: str, amount_fen: int = 50_000_000, start: date = date(2026, 6, 1)
) -> str:
    return record_loan(
        ctx,
        prospect_id,
        LoanDraft(
            amount_fen=amount_fen,
            rate_bp=385,
            start_date=start,
            maturity_date=start + timedelta(days=365),
            product_code="basic_credit",
        ),
    )


# -- create -------------------------------------------------------------------------------


def test_create_stores_clean_values_and_starts_at_no_loan(
    prospects: ProspectService, ctx: Context
) -> None:
    p = prospects.create(
        draft(
            " 佛山市南海 五金制品厂 ",
            uscc=uscc(1).lower(),
            phone="＋86 138-1234-5678",
            owner_name=" 张伟 ",
            district_code="440605",
            industry_code="33",
            registered_capital_fen=100_000_000,
            tags=["tech", "tech"],
            sources=["park"],
        )
    )
    assert p.name == "佛山市南海 五金制品厂"
    assert p.uscc == uscc(1)
    assert p.phone == "13812345678"
    assert p.owner_name == "张伟"
    assert (p.stage, p.version, p.rm_id, p.rm_name) == ("no_loan", 1, RM1, "王芳")
    assert p.tags == ("tech",)
    assert [s.code for s in p.sources] == ["park"]
    assert p.created_at == p.updated_at == p.stage_changed_at == ctx.now()
    assert [(h.from_stage, h.to_stage, h.changed_by) for h in p.history] == [
        (None, "no_loan", "王芳")
    ]
    assert prospects.get(p.id) == p


def test_create_for_another_rm(prospects: ProspectService) -> None:
    p = prospects.create(draft(), rm_id=RM2)
    assert (p.rm_id, p.rm_name) == (RM2, "李强")


def test_create_refuses_a_wrong_check_character_next_to_the_uscc_field(
    prospects: ProspectService, db: Database
) -> None:
    bad = wrong_check(uscc(1))
    with pytest.raises(InvalidProspect) as caught:
        prospects.create(draft(uscc=bad))
    errors = field_errors(caught)
    assert set(errors) == {"uscc"}
    assert errors["uscc"].code == "uscc.check_character"
    assert "check character should be" in str(errors["uscc"])
    assert errors["uscc"].params == {"expected": uscc(1)[17], "actual": bad[17]}
    assert outbox(db) == []


def test_create_lists_every_problem_at_once(prospects: ProspectService) -> None:
    with pytest.raises(InvalidProspect) as caught:
        prospects.create(
            draft(
                "   ",
                uscc="123",
                phone="12345",
                industry_code="99",
                district_code="110101",
                tags=["vip"],
                sources=["rumour"],
                registered_capital_fen=-1,
                established_on=TODAY + timedelta(days=1),
            )
        )
    errors = field_errors(caught)
    assert set(errors) == {
        "name",
        "uscc",
        "phone",
        "industry_code",
        "district_code",
        "tags",
        "sources",
        "registered_capital_fen",
        "established_on",
    }
    assert errors["name"].code == "prospect.name_empty"
    assert "a name is required" in str(caught.value)


def test_duplicate_uscc_names_the_existing_prospect(prospects: ProspectService) -> None:
    first = prospects.create(draft("佛山市南海五金制品厂", uscc=uscc(1)))
    with pytest.raises(DuplicateUSCC) as caught:
        prospects.create(draft("南海五金厂", uscc=" " + uscc(1).lower()))
    assert caught.value.existing_id == first.id
    assert caught.value.code == "prospect.duplicate_uscc"
    assert "佛山市南海五金制品厂" in str(caught.value)
    assert prospects.find_by_uscc(uscc(1)) == first.id


def test_prospects_without_uscc_are_not_duplicates(prospects: ProspectService) -> None:
    prospects.create(draft("个体户甲"))
    prospects.create(draft("个体户乙"))
    assert prospects.find_by_uscc("") is None


def test_unknown_prospect_is_not_found(prospects: ProspectService) -> None:
    with pytest.raises(NotFound) as caught:
        prospects.get("0190f000-0000-7000-8000-0000000000ff")
    assert caught.value.code == "not_found"


# -- update -------------------------------------------------------------------------------


def test_update_with_a_stale_version_is_refused(prospects: ProspectService, db: Database) -> None:
    p = prospects.create(draft("佛山市南海五金制品厂"))
    elsewhere = p.draft()
    elsewhere.notes = "另一台电脑上改的"
    prospects.update(p.id, elsewhere, expected_version=p.version)

    mine = p.draft()
    mine.phone = "13812345678"
    with pytest.raises(StaleEdit) as caught:
        prospects.update(p.id, mine, expected_version=p.version)
    assert caught.value.code == "prospect.stale"
    assert prospects.get(p.id).phone == ""
    assert len(outbox(db)) == 2


def test_update_remembers_which_fields_were_edited_by_hand(
    prospects: ProspectService, db: Database
) -> None:
    p = prospects.create(draft("佛山市南海五金制品厂"))
    form = p.draft()
    form.phone = "13812345678"
    form.sources = ["park", "supply_chain"]
    p = prospects.update(p.id, form)
    form = p.draft()
    form.name = "佛山市南海五金制品有限公司"
    prospects.update(p.id, form)
    with db.reading() as s:
        from crm.store.models import Prospect

        stored = s.get(Prospect, p.id)
        assert stored is not None
        assert stored.edited_fields == "name phone sources"
        assert stored.name_key == "佛山市南海五金制品有限公司"


def test_update_refuses_a_uscc_another_prospect_has(prospects: ProspectService) -> None:
    a = prospects.create(draft("佛山市南海五金制品厂", uscc=uscc(1)))
    b = prospects.create(draft("顺德陶瓷贸易有限公司", uscc=uscc(2)))
    form = b.draft()
    form.uscc = uscc(1)
    with pytest.raises(DuplicateUSCC) as caught:
        prospects.update(b.id, form)
    assert caught.value.existing_id == a.id
    assert prospects.get(b.id).uscc == uscc(2)


def test_update_keeps_source_memberships_that_stay(
    prospects: ProspectService, clock: Clock
) -> None:
    p = prospects.create(draft(sources=["park"]))
    clock.advance(days=3)
    form = p.draft()
    form.sources = ["park", "settlement_account"]
    updated = prospects.update(p.id, form)
    added = {s.code: s.added_at for s in updated.sources}
    assert added == {"park": p.created_at, "settlement_account": clock()}


# -- stages -------------------------------------------------------------------------------


def test_first_loan_is_refused_without_a_loan_and_allowed_after_one(
    prospects: ProspectService, ctx: Context, db: Database
) -> None:
    p = prospects.create(draft())
    with pytest.raises(StageMoveRefused) as caught:
        prospects.change_stage(p.id, "first_loan")
    assert caught.value.gate == "loan"
    assert prospects.get(p.id).stage == "no_loan"
    assert [op.kind for op in outbox(db)] == ["create"]

    loan(ctx, p.id)
    moved = prospects.change_stage(p.id, "first_loan")
    assert moved.stage == "first_loan"
    assert moved.loans[0].amount_fen == 50_000_000


def test_strategic_is_refused_with_the_numbers_that_fall_short(
    prospects: ProspectService, ctx: Context
) -> None:
    p = prospects.create(draft())
    loan(ctx, p.id, amount_fen=30_000_000, start=date(2026, 1, 10))
    prospects.change_stage(p.id, "first_loan")
    with pytest.raises(StageMoveRefused) as caught:
        prospects.change_stage(p.id, "strategic")
    assert caught.value.gate == "strategic"
    message = str(caught.value)
    assert "months as customer 5 of 12 required" in message
    assert "loans 1 of 2 required" in message
    assert "total credit ¥300,000.00 of ¥1,000,000.00 required" in message


def test_strategic_is_accepted_when_the_criteria_are_met(
    prospects: ProspectService, ctx: Context
) -> None:
    p = prospects.create(draft())
    loan(ctx, p.id, amount_fen=60_000_000, start=date(2025, 3, 1))
    loan(ctx, p.id, amount_fen=60_000_000, start=date(2026, 3, 1))
    prospects.change_stage(p.id, "first_loan")
    give_plan(ctx, p.id)
    assert prospects.change_stage(p.id, "strategic").stage == "strategic"


def test_dropping_needs_a_known_reason_code(prospects: ProspectService) -> None:
    p = prospects.create(draft())
    for code in (None, "bored"):
        with pytest.raises(StageMoveRefused) as caught:
            prospects.change_stage(p.id, "dropped", code)
        assert caught.value.gate == "drop_reason"
    with pytest.raises(StageMoveRefused) as caught:
        prospects.change_stage(p.id, "dropped", "other", "   ")
    assert caught.value.gate == "reason"
    assert "no_need" in drop_reason_codes()
    assert prospects.change_stage(p.id, "dropped", "other_bank").stage == "dropped"


def test_history_records_who_when_and_why(
    prospects: ProspectService, ctx: Context, clock: Clock
) -> None:
    p = prospects.create(draft())
    dropped_at = clock.advance(days=2)
    prospects.change_stage(p.id, "dropped", "no_need", "暂无需求")
    ctx.actor_id = LEAD
    back_at = clock.advance(days=30)
    with pytest.raises(StageMoveRefused) as caught:
        prospects.change_stage(p.id, "no_loan")
    assert caught.value.gate == "reason"
    detail = prospects.change_stage(p.id, "no_loan", reason_text="老板重新有融资需求")

    assert [
        (h.from_stage, h.to_stage, h.reason_code, h.reason_text, h.changed_by, h.changed_at)
        for h in detail.history
    ] == [
        (None, "no_loan", "", "", "王芳", p.created_at),
        ("no_loan", "dropped", "no_need", "暂无需求", "王芳", dropped_at),
        ("dropped", "no_loan", "", "老板重新有融资需求", "陈静", back_at),
    ]
    assert detail.stage_changed_at == back_at
    assert detail.version == 3


def test_moving_to_the_same_stage_is_refused(prospects: ProspectService) -> None:
    p = prospects.create(draft())
    with pytest.raises(StageMoveRefused) as caught:
        prospects.change_stage(p.id, "no_loan")
    assert caught.value.gate == "same"


def test_bulk_stage_change_moves_those_that_pass_and_says_why_others_did_not(
    prospects: ProspectService, ctx: Context, db: Database
) -> None:
    with_loan = prospects.create(draft("佛山市南海五金制品厂"))
    without = prospects.create(draft("顺德陶瓷贸易有限公司"))
    also_with_loan = prospects.create(draft("禅城家具制造有限公司"))
    loan(ctx, with_loan.id)
    loan(ctx, also_with_loan.id)
    before = len(outbox(db))

    moved, refused = prospects.change_stages(
        [with_loan.id, without.id, also_with_loan.id], "first_loan"
    )
    assert moved == [with_loan.id, also_with_loan.id]
    assert set(refused) == {without.id}
    assert isinstance(refused[without.id], StageMoveRefused)
    assert refused[without.id].gate == "loan"  # type: ignore[attr-defined]
    assert [prospects.get(i).stage for i in (with_loan.id, without.id, also_with_loan.id)] == [
        "first_loan",
        "no_loan",
        "first_loan",
    ]
    assert [op.kind for op in outbox(db)[before:]] == ["stage", "stage"]


# -- assign and tag -----------------------------------------------------------------------


def test_assign_to_an_unknown_user_is_refused(prospects: ProspectService, db: Database) -> None:
    p = prospects.create(draft())
    with pytest.raises(NotFound):
        prospects.assign([p.id], "0190f000-0000-7000-8000-0000000000ff")
    assert prospects.get(p.id).rm_id == RM1
    assert len(outbox(db)) == 1


def test_reassignment_keeps_history_and_changes_the_rm(prospects: ProspectService) -> None:
    p = prospects.create(draft())
    assert prospects.assign([p.id], RM2) == 1
    assert prospects.assign([p.id], RM2) == 0
    detail = prospects.get(p.id)
    assert (detail.rm_id, detail.rm_name, detail.version) == (RM2, "李强", 2)


def test_add_tag_in_bulk_skips_those_that_have_it(prospects: ProspectService, db: Database) -> None:
    a = prospects.create(draft("佛山市南海五金制品厂", tags=["green"]))
    b = prospects.create(draft("顺德陶瓷贸易有限公司"))
    assert prospects.add_tag([a.id, b.id], "green") == 1
    assert prospects.add_tag([a.id, b.id], "tech") == 2
    assert prospects.get(a.id).tags == ("green", "tech")
    assert prospects.get(b.id).tags == ("green", "tech")
    last = outbox(db)[-2:]
    assert [(op.kind, op.payload) for op in last] == [
        ("update", {"fields": {"tags": ["green", "tech"]}}),
        ("update", {"fields": {"tags": ["green", "tech"]}}),
    ]


def test_unknown_tag_is_refused(prospects: ProspectService) -> None:
    p = prospects.create(draft())
    with pytest.raises(DomainError) as caught:
        prospects.add_tag([p.id], "vip")
    assert caught.value.code == "prospect.unknown_tag"
    assert prospects.get(p.id).tags == ()


# -- loans --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rate", "maturity", "code"),
    [
        (0, 385, date(2027, 6, 1), "loan.amount"),
        (100, -1, date(2027, 6, 1), "loan.rate"),
        (100, 385, date(2026, 5, 31), "loan.dates"),
    ],
)
def test_impossible_loans_are_refused(
    prospects: ProspectService,
    ctx: Context,
    db: Database,
    amount: int,
    rate: int,
    maturity: date,
    code: str,
) -> None:
    p = prospects.create(draft())
    with pytest.raises(DomainError) as caught:
        record_loan(ctx, p.id, LoanDraft(amount, rate, date(2026, 6, 1), maturity))
    assert caught.value.code == code
    assert prospects.get(p.id).loans == ()
    assert len(outbox(db)) == 1


def test_loan_for_an_unknown_prospect_is_refused(ctx: Context) -> None:
    with pytest.raises(NotFound):
        loan(ctx, "0190f000-0000-7000-8000-0000000000ff")
