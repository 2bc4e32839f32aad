"""A poison record on a client (issue #20): a record from head office this computer cannot
apply (a non-date, NaN or 10**400 money, a value of the wrong type) is kept aside as a
quarantined conflict, reported by ``crm sync status`` and the conflicts page, and the rest
of the page applies; the sync neither fails nor sticks. The poison is written into head
office's database directly, as records stored before head office checked what it took."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from crm.headoffice.models import Record
from crm.store.replica import QUARANTINED
from tests.sync.harness import Device, Server


def _poison(server: Server, entity: str, key: str, **changes: Any) -> None:
    with server.ho.store.write() as tx:
        rec = tx.session.get(Record, (entity, key))
        assert rec is not None
        data = json.loads(rec.data)
        data.update(changes)
        rec.data = json.dumps(data, ensure_ascii=False)
        rec.version += 1
        rec.seq = tx.log(entity, key, rec.owner_id, rec.team_id, pool=rec.pool)


def test_poison_records_are_quarantined_and_the_rest_applies(
    server: Server, device: Callable[..., Device]
) -> None:
    a = device()
    a.sign_in()
    bad_date, nan, huge, wrong_type, good = (
        a.create(name)
        for name in ("佛山市甲厂", "佛山市乙厂", "佛山市丙厂", "佛山市丁厂", "佛山市戊厂")
    )
    a.run()
    _poison(server, "prospect", bad_date, established_on="not a date")
    _poison(server, "prospect", nan, registered_capital_fen=float("nan"))
    _poison(server, "prospect", huge, registered_capital_fen=10**400)
    _poison(server, "prospect", wrong_type, registered_capital_fen={"fen": 1})
    _poison(server, "prospect", good, name="佛山市戊厂（新名）")
    poisoned = {bad_date, nan, huge, wrong_type}

    # A new computer's first download, and the first one's next pull: neither fails.
    b = device(name="second")
    b.sign_in()
    b.run()
    assert poisoned.isdisjoint(b.prospect_ids()) and good in b.prospect_ids()
    a.run()
    got = a.prospect(good)
    assert got is not None and got.name == "佛山市戊厂（新名）"

    for d in (a, b):
        status = d.sync.status()
        assert status.quarantined == len(poisoned), d.path
        kept = [c for c in d.sync.conflicts() if c.outcome == QUARANTINED]
        assert {c.entity_id for c in kept} == poisoned
        assert all(c.server is not None and c.server["id"] == c.entity_id for c in kept)
        assert all("cannot apply" in str(c.message) for c in kept)
        # Syncing again neither fails nor keeps a second copy of each.
        d.run()
        assert d.sync.status().quarantined == len(poisoned)
