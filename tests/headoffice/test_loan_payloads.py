"""Head office takes only loans a laptop can store: an amount of nothing, or a maturity
before the start, is refused in the op (the fuzzer found head office storing such a loan,
which every laptop then had to quarantine)."""

from __future__ import annotations

import pytest

from crm.sync.protocol import PayloadError, parse_payload

GOOD = {
    "prospect_id": "01939a9e-0000-7000-8000-000000000001",
    "amount_fen": 500_000_00,
    "rate_bp": 385,
    "start_date": "2026-12-01",
    "maturity_date": "2027-11-30",
}


def test_a_good_loan_fits() -> None:
    parse_payload("loan", "create", GOOD)


@pytest.mark.parametrize(
    "change",
    [
        {"amount_fen": 0},
        {"amount_fen": -100},
        {"maturity_date": "2026-11-30"},
        {"rate_bp": -1},
    ],
)
def test_a_loan_no_laptop_could_store_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(PayloadError):
        parse_payload("loan", "create", {**GOOD, **change})


def test_an_update_cannot_make_the_amount_nothing() -> None:
    with pytest.raises(PayloadError):
        parse_payload("loan", "update", {"prospect_id": GOOD["prospect_id"], "amount_fen": 0})
