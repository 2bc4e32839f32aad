"""Every route head office serves is in its OpenAPI document, with each of its methods, and
the document names no route head office does not serve."""

from __future__ import annotations

from pathlib import Path

from fastapi.routing import APIRoute

from crm.headoffice.app import create_app
from crm.headoffice.db import Store
from crm.headoffice.openapi import build_openapi
from crm.headoffice.service import HeadOffice


def test_every_route_is_documented_and_every_documented_route_is_served(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'ho.db'}")
    store.init()
    try:
        app = create_app(HeadOffice(store))
        served = {
            (route.path, method.lower())
            for route in app.routes
            if isinstance(route, APIRoute)
            for method in route.methods
        }
    finally:
        store.dispose()
    documented = {
        (path, method) for path, item in build_openapi()["paths"].items() for method in item
    }
    missing = served - documented
    assert not missing, f"add these routes to crm/headoffice/openapi.py: {sorted(missing)}"
    assert documented - served == set()
