"""Products through the use cases (Services.products): a prospect's facts set, read and
cleared with who confirmed them and when, refused with the key named when wrong; held
services and the next one to offer; matching a stored prospect (its own kind, industry and
date of establishment with its facts); the catalogue in force; `crm match --db --uscc`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crm.cli import main
from crm.domain.errors import DomainError
from crm.domain.facts import InvalidFacts
from crm.domain.matching import Status
from crm.domain.prospect import ProspectDraft
from crm.domain.uscc import make_uscc
from crm.services.container import Services
from crm.services.context import Context, NotFound
from crm.store import meta
from crm.store.migrate import open_database
from crm.store.models import OutboxOp, Team, User
from crm.store.replica import CATALOGUE_KEY
from crm.sync.local import Applier

# 10:00 in Shanghai on 15 June 2026.
T0 = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
TODAY = date(2026, 6, 15)
TEAM = "0190f000-0000-7000-8000-0000000000aa"
RM = "0190f000-0000-7000-8000-0000000000a1"  # 王芳
USCC = make_uscc("9", "2", "440604", "MA4W7Q8R0").value
# A noodle shop (H62, catering) run as an individual business, open since 2019.
SHOP = ProspectDraft(
    name="佛山市禅城区祖庙老李面馆",
    kind="individual",
    uscc=USCC,
    industry_code="62",
    established_on=date(2019, 5, 8),
)
LIVELIHOOD = {
    "insured_staff": 8,
    "insured_staff_stable_months": 12,
    "monthly_wage_per_head": 5000,
    "customer_rating": 4.7,
    "owner_serious_overdue": False,
}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def services(tmp_path: Path, clock: Clock) -> Iterator[Services]:
    db, _ = open_database(tmp_path / "crm.db", create=True)
    with db.transaction() as s:
        s.add(Team(id=TEAM, name="禅城支行普惠团队", branch="禅城支行", created_at=T0))
        s.flush()
        s.add(
            User(
                id=RM,
                username="wangfang",
                display_name="王芳",
                role="rm",
                team_id=TEAM,
                phone="",
                active=True,
                created_at=T0,
            )
        )
    made = Services(Context(db, actor_id=RM, clock=clock))
    yield made
    made.close()


@pytest.fixture
def shop(services: Services) -> str:
    return services.prospects.create(SHOP).id


def _ops(services: Services, entity: str) -> list[tuple[str, str, dict[str, Any]]]:
    with services.ctx.db.reading() as s:
        return [
            (o.entity_id, o.kind, json.loads(o.payload))
            for o in s.scalars(
                select(OutboxOp).where(OutboxOp.entity == entity).order_by(OutboxOp.seq)
            )
        ]


# -- facts -------------------------------------------------------------------------------------


def test_facts_are_kept_with_who_confirmed_them_and_when(services: Services, shop: str) -> None:
    products = services.products
    facts = products.set_facts(
        shop, {"annual_invoicing": "120万", "tax_credit_grade": "b", "green": False}
    )
    by_key = {f.key: f for f in facts}
    assert list(by_key) == ["tax_credit_grade", "annual_invoicing", "green"]  # vocabulary order
    assert by_key["annual_invoicing"].value == 1_200_000_00  # fen in the domain
    assert by_key["annual_invoicing"].json_value == 1_200_000  # yuan as stored
    assert by_key["tax_credit_grade"].value == "B"
    assert by_key["green"].value is False
    assert {(f.confirmed_on, f.confirmed_by, f.confirmed_by_name) for f in facts} == {
        (TODAY, RM, "王芳")
    }
    ops = _ops(services, "prospect_fact")
    assert [(eid, kind) for eid, kind, _ in ops] == [
        (f"{shop}/annual_invoicing", "set"),
        (f"{shop}/tax_credit_grade", "set"),
        (f"{shop}/green", "set"),
    ]
    assert ops[0][2] == {
        "prospect_id": shop,
        "key": "annual_invoicing",
        "value": 1_200_000,
        "confirmed_on": "2026-06-15",
        "confirmed_by": RM,
        "updated_at": "2026-06-15T02:00:00.000000+00:00",
    }


def test_confirming_a_fact_again_moves_its_date(
    services: Services, shop: str, clock: Clock
) -> None:
    services.products.set_fact(shop, "insured_staff", 8)
    clock.now += timedelta(days=30)
    (fact,) = services.products.set_fact(shop, "insured_staff", 8)
    assert fact.confirmed_on == TODAY + timedelta(days=30)
    assert len(_ops(services, "prospect_fact")) == 2


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"annual_invoicng": 1_000_000}, "annual_invoicng"),  # unknown key
        ({"annual_invoicing": "lots"}, "annual_invoicing"),  # not an amount
        ({"tax_credit_grade": "E"}, "tax_credit_grade"),  # no such grade
        ({"insured_staff": 2.5}, "insured_staff"),
        ({"customer_rating": 6}, "customer_rating"),
        ({"green": "yes"}, "green"),
        # A good value first: nothing of the change is written when one value is wrong.
        ({"annual_invoicing": 1_000_000, "ownership_changed_on": "2026-13-01"}, "ownership"),
    ],
)
def test_a_wrong_fact_is_refused_naming_the_key_and_nothing_is_written(
    services: Services, shop: str, values: dict[str, Any], key: str
) -> None:
    with pytest.raises(InvalidFacts) as info:
        services.products.set_facts(shop, values)
    assert key in str(info.value)
    assert services.products.facts(shop) == []
    assert _ops(services, "prospect_fact") == []


def test_the_prospect_s_own_fields_are_not_facts(services: Services, shop: str) -> None:
    for key in ("kind", "industry", "established_on"):
        with pytest.raises(DomainError) as info:
            services.products.set_fact(shop, key, "enterprise")
        assert info.value.code == "facts.own_field" and key in str(info.value)
    with pytest.raises(NotFound):
        services.products.set_fact("no-such-prospect", "green", True)


def test_a_cleared_fact_is_missing_again(services: Services, shop: str) -> None:
    products = services.products
    products.set_facts(shop, {"green": True, "insured_staff": 3})
    assert products.clear_fact(shop, "green") is True
    assert products.clear_fact(shop, "green") is False  # nothing left to clear
    products.set_fact(shop, "insured_staff", None)  # None clears too
    assert products.facts(shop) == []
    cleared = [(eid, p) for eid, kind, p in _ops(services, "prospect_fact") if kind == "clear"]
    assert [eid for eid, _ in cleared] == [f"{shop}/green", f"{shop}/insured_staff"]
    assert all(p["value"] is None for _, p in cleared)
    with pytest.raises(InvalidFacts):
        products.clear_fact(shop, "greeen")


# -- matching a stored prospect ----------------------------------------------------------------


def test_a_stored_prospect_is_matched_with_its_own_fields(services: Services, shop: str) -> None:
    products = services.products
    result = products.match(shop)
    livelihood = result.product("livelihood")
    assert livelihood is not None and livelihood.status is Status.UNKNOWN
    # Kind and industry come from the prospect's row: they are never missing.
    assert {"insured_staff", "customer_rating"} <= set(livelihood.missing)
    assert not {"kind", "industry"} & set(result.missing_facts())
    tech = result.product("tech")
    assert tech is not None and tech.status is Status.NOT_ELIGIBLE  # an individual business

    products.set_facts(shop, LIVELIHOOD)
    livelihood = products.match(shop).product("livelihood")
    assert livelihood is not None and livelihood.status is Status.ELIGIBLE
    # A year's payroll of the insured staff: 12 × 5,000 × 8 yuan.
    assert livelihood.amount_max_fen == 480_000_00

    products.set_fact(shop, "customer_rating", 4.4)
    livelihood = products.match(shop).product("livelihood")
    assert livelihood is not None and livelihood.status is Status.NOT_ELIGIBLE
    failed = [c for c in livelihood.criteria if c.status.value == "fail"]
    assert [c.key for c in failed] == ["customer_rating"]


def test_a_recently_established_prospect_is_warned_about(services: Services) -> None:
    draft = ProspectDraft(
        name="佛山市禅城区新开张小吃店", kind="individual", established_on=date(2026, 3, 1)
    )
    young = services.prospects.create(draft).id
    warnings = [w.code for w in services.products.match(young).warnings]
    assert "established_recently" in warnings


def test_matching_the_whole_book(services: Services, shop: str) -> None:
    services.products.set_facts(shop, LIVELIHOOD)
    services.prospects.create(ProspectDraft(name="佛山市南海区某五金厂", industry_code="33"))
    seen: list[str] = []
    book = services.products.match_all(lambda pid, _result: seen.append(pid))
    assert book.prospects == 2 and len(seen) == 2 and shop in seen
    assert book.by_product["livelihood"] == {"eligible": 1, "not_eligible": 1}
    assert sum(book.by_product["basic"].values()) == 2
    assert book.read_seconds >= 0 and book.match_seconds >= 0


# -- held services -----------------------------------------------------------------------------


def test_held_services_and_the_next_one_to_offer(services: Services, shop: str) -> None:
    products = services.products
    first = products.next_service(shop)
    assert first is not None and first.code == "settlement_account"
    assert products.add_service(shop, "settlement_account", date(2024, 3, 1)) is True
    assert products.add_service(shop, "settlement_account", date(2024, 3, 1)) is False
    held = products.held_services(shop)
    assert [(h.code, h.since) for h in held] == [("settlement_account", date(2024, 3, 1))]
    assert held[0].product is not None and held[0].product.name_zh == "单位结算账户"
    following = products.next_service(shop)
    assert following is not None and following.code == "online_banking"
    with pytest.raises(DomainError) as info:
        products.add_service(shop, "basic")  # a credit product is not a held service
    assert "basic" in str(info.value)
    assert products.remove_service(shop, "settlement_account") is True
    assert products.remove_service(shop, "settlement_account") is False
    assert products.held_services(shop) == []
    ops = _ops(services, "held_service")
    assert [(eid, kind, p["held"]) for eid, kind, p in ops] == [
        (f"{shop}/settlement_account", "add", True),
        (f"{shop}/settlement_account", "remove", False),
    ]


# -- the catalogue in force --------------------------------------------------------------------


def _reference(document: Any) -> dict[str, Any]:
    return {
        "entity": "reference",
        "id": "catalogue",
        "version": 2,
        "data": {"kind": "catalogue", "document": document},
    }


def _published(services: Services, document: Any) -> None:
    with services.ctx.db.engine.begin() as conn:
        Applier(conn).apply([_reference(document)])


def test_the_catalogue_head_office_sent_is_in_force_and_a_malformed_one_is_not(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    from crm.resources import catalogue_document

    products = services.products
    assert products.catalogue_in_force().source == "bundled"
    document = catalogue_document()
    document["version"] = "2026.2"
    document["products"][0]["amount"]["cap"] = 2_500_000
    _published(services, document)
    in_force = products.catalogue_in_force()
    assert in_force.source == "headoffice" and in_force.catalogue.version == "2026.2"
    basic = in_force.catalogue.product("basic")
    assert basic is not None and basic.amount is not None
    assert basic.amount.cap_fen == 2_500_000_00

    broken = catalogue_document()
    broken["products"][1]["amount"]["cap"] = "five million"
    with caplog.at_level(logging.WARNING):
        _published(services, broken)
    assert "product tech" in caplog.text and "amount.cap" in caplog.text
    assert products.catalogue().version == "2026.2"  # the last good one stays


def test_a_catalogue_kept_by_an_older_app_that_is_malformed_falls_back_to_the_bundled_one(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    with services.ctx.db.transaction() as s:
        meta.put(s, CATALOGUE_KEY, json.dumps({"products": "none"}))
    with caplog.at_level(logging.WARNING):
        in_force = services.products.catalogue_in_force()
    assert in_force.source == "bundled"
    assert "catalogue" in caplog.text


# -- crm match --db PATH --uscc CODE ------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["--lang", "en", "match", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_match_a_prospect_of_the_book_like_a_facts_file(
    services: Services,
    shop: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    services.products.set_facts(shop, LIVELIHOOD)
    book = str(services.db_path)
    status, out, err = _run(capsys, "--db", book, "--uscc", USCC.lower(), "--json")
    assert status == 0, err
    stored = json.loads(out)
    facts = {**LIVELIHOOD, "kind": "individual", "industry": "62", "established_on": "2019-05-08"}
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    status, out, err = _run(capsys, "--facts", str(path), "--json")
    assert status == 0, err
    assert stored == json.loads(out)
    livelihood = next(p for p in stored["products"] if p["code"] == "livelihood")
    assert livelihood["status"] == "eligible" and livelihood["amount_max"] == 480_000


def test_match_refuses_an_unknown_or_malformed_uscc(
    services: Services, shop: str, capsys: pytest.CaptureFixture[str]
) -> None:
    book = str(services.db_path)
    other = make_uscc("9", "1", "440605", "MA4W7Q8R1").value
    status, _, err = _run(capsys, "--db", book, "--uscc", other, "--json")
    assert status == 1 and other in err
    status, _, err = _run(capsys, "--db", book, "--uscc", "91440604XXXX", "--json")
    assert status == 2 and err


def test_a_stored_fact_that_does_not_read_is_left_out_with_a_log_line(
    services: Services, shop: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A value another version wrote (or a damaged one) never stops matching."""
    from sqlalchemy import text

    services.products.set_facts(shop, LIVELIHOOD)
    with services.ctx.db.transaction() as s:
        s.execute(
            text("UPDATE prospect_facts SET value = :v WHERE prospect_id = :p AND key = :k"),
            [
                {"v": '"many"', "p": shop, "k": "insured_staff"},
                {"v": "{not json", "p": shop, "k": "customer_rating"},
            ],
        )
    with caplog.at_level(logging.WARNING):
        book = services.products.match_all()
        facts = services.products.facts_for_matching(shop)
    assert book.by_product["livelihood"] == {"unknown": 1}
    assert "insured_staff" in caplog.text
    assert "insured_staff" not in facts and "customer_rating" not in facts
    assert facts["monthly_wage_per_head"] == 5000_00
