"""A prospect's people added, edited and made primary on one computer reach head office
and another computer of the same RM as they are: names, titles, phones and one primary."""

from __future__ import annotations

from collections.abc import Callable

from crm.services.customer import ContactDraft, CustomerService
from tests.sync.harness import Device


def test_contacts_edited_on_one_device_arrive_on_another(
    device: Callable[..., Device],
) -> None:
    laptop: Device = device("wangfang")
    laptop.sign_in()
    laptop.run()
    pid = laptop.create("佛山市南海区狮山华兴五金制品厂")
    people = CustomerService(laptop.ctx)
    owner = people.add_contact(pid, ContactDraft("王建国", "法定代表人", "13900139000"))
    cashier = people.add_contact(pid, ContactDraft("李娜", "出纳", "0757-8123 4567"))
    laptop.run()  # the creates reach head office first; the edits follow as changes
    people.edit_contact(cashier.id, ContactDraft("李娜", "财务经理", "13800138000", True))
    laptop.run()
    assert laptop.outbox() == []

    desktop: Device = device("wangfang", name="desktop")
    desktop.sign_in()
    desktop.run()
    arrived = CustomerService(desktop.ctx).contacts(pid)
    assert [(c.id, c.name, c.title, c.phone, c.is_primary) for c in arrived] == [
        (cashier.id, "李娜", "财务经理", "13800138000", True),
        (owner.id, "王建国", "法定代表人", "13900139000", False),
    ]
