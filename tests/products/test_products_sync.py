"""Facts, held services and the product catalogue between devices and a real head office
on loopback: a fact confirmed on one laptop reaches the user's other laptop and the team
lead's with who confirmed it and when; clearing it and setting it again travel too, as do
held services; the catalogue head office publishes is in force on devices after a sync, and
a malformed one is refused at publishing (by the admin API and `crm headoffice publish`),
naming the product and field, while devices keep the last good one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from crm.cli import main
from crm.domain.catalogue import InvalidCatalogue
from crm.resources import catalogue_document
from crm.services.products import ProductService
from tests.sync.conftest import device, memory_keyring, people, running_server, server
from tests.sync.harness import Device, Server, Team

__all__ = ["device", "memory_keyring", "people", "running_server", "server"]


def _facts(d: Device, pid: str) -> dict[str, tuple[Any, date | None, str | None]]:
    return {
        f.key: (f.json_value, f.confirmed_on, f.confirmed_by)
        for f in ProductService(d.ctx).facts(pid)
    }


def _held(d: Device, pid: str) -> list[tuple[str, date | None]]:
    return [(h.code, h.since) for h in ProductService(d.ctx).held_services(pid)]


def test_facts_and_held_services_travel_between_devices(
    device: Callable[..., Device], people: Team
) -> None:
    laptop, other, lead = device("wangfang"), device("wangfang", "second"), device("chenjing")
    for d in (laptop, other, lead):
        d.sign_in()
        d.run()
    pid = laptop.create("佛山市禅城区祖庙老李面馆", kind="individual", industry_code="62")
    products = ProductService(laptop.ctx)
    products.set_facts(pid, {"insured_staff": 8, "annual_invoicing": 1_200_000, "green": True})
    products.add_service(pid, "settlement_account", date(2024, 3, 1))
    laptop.run()
    today = laptop.ctx.today()
    expected = {
        "insured_staff": (8, today, people.rm1),
        "annual_invoicing": (1_200_000, today, people.rm1),
        "green": (True, today, people.rm1),
    }
    for d in (other, lead):
        d.run()
        assert _facts(d, pid) == expected
        assert _held(d, pid) == [("settlement_account", date(2024, 3, 1))]

    # Cleared on one laptop, given up on the other: both reach everyone.
    products.clear_fact(pid, "green")
    products.set_fact(pid, "annual_invoicing", 1_500_000)
    laptop.run()
    ProductService(other.ctx).remove_service(pid, "settlement_account")
    other.run()
    laptop.run()
    lead.run()
    for d in (laptop, other, lead):
        facts = _facts(d, pid)
        assert "green" not in facts and facts["annual_invoicing"][0] == 1_500_000
        assert _held(d, pid) == []

    # Set again after it was cleared, and held again after it was given up: the same
    # records at head office, never refused as deleted.
    ProductService(other.ctx).set_fact(pid, "green", False)
    ProductService(other.ctx).add_service(pid, "settlement_account")
    summary = other.run()
    assert summary.rejected == 0 and summary.conflicts == 0
    laptop.run()
    assert _facts(laptop, pid)["green"][0] is False
    assert _held(laptop, pid) == [("settlement_account", None)]
    assert laptop.outbox() == [] and other.outbox() == []


def test_the_same_service_added_on_two_devices_is_one_record(
    device: Callable[..., Device],
) -> None:
    laptop, other = device("wangfang"), device("wangfang", "second")
    for d in (laptop, other):
        d.sign_in()
        d.run()
    pid = laptop.create("佛山市南海区桂城鸿运五金制品厂")
    laptop.run()
    other.run()
    ProductService(laptop.ctx).add_service(pid, "online_banking")
    ProductService(other.ctx).add_service(pid, "online_banking", date(2025, 1, 2))
    laptop.run()
    other.run()
    laptop.run()
    assert _held(laptop, pid) == _held(other, pid) == [("online_banking", date(2025, 1, 2))]


def test_the_catalogue_head_office_publishes_reaches_devices(
    server: Server, device: Callable[..., Device]
) -> None:
    laptop = device("wangfang")
    laptop.sign_in()
    laptop.run()
    products = ProductService(laptop.ctx)
    assert products.catalogue_in_force().source == "bundled"
    document = catalogue_document()
    document["version"] = "2026.2"
    document["lpr"] = {"one_year_bp": 290, "five_year_bp": 340, "as_of": "2026-05-20"}
    server.admin.publish("catalogue", document)
    laptop.run()
    in_force = products.catalogue_in_force()
    assert in_force.source == "headoffice" and in_force.catalogue.version == "2026.2"
    basic = in_force.catalogue.product("basic")
    assert basic is not None and basic.rate_bp == 290 + 80

    broken = catalogue_document()
    del broken["products"][3]["amount"]["cap"]
    with pytest.raises(InvalidCatalogue) as info:
        server.admin.publish("catalogue", broken)
    assert "livelihood" in str(info.value) and "cap" in str(info.value)
    laptop.run()
    assert products.catalogue().version == "2026.2"


def test_crm_headoffice_publish_catalogue_refuses_a_malformed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    url = f"sqlite:///{tmp_path / 'ho.db'}"
    broken = catalogue_document()
    broken["products"][0]["criteria"][1]["op"] = "about"
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    status = main(["headoffice", "publish", "catalogue", str(path), "--db", url, "--json"])
    _, err = capsys.readouterr()
    assert status == 1
    assert "product basic" in err and "criteria" in err
    good = tmp_path / "good.json"
    good.write_text(json.dumps(catalogue_document(), ensure_ascii=False), encoding="utf-8")
    status = main(["headoffice", "publish", "catalogue", str(good), "--db", url, "--json"])
    out, _ = capsys.readouterr()
    assert status == 0 and json.loads(out) == {"kind": "catalogue", "version": 1}
    path.write_text("{not json", encoding="utf-8")
    status = main(["headoffice", "publish", "catalogue", str(path), "--db", url])
    _, err = capsys.readouterr()
    assert status == 1 and "not valid JSON" in err
