"""Headquarters over data made the way laptops make it: two demo laptops (two units) copied into one central DB."""

from __future__ import annotations

import secrets
from datetime import date

import jsonschema
import pytest
from sqlalchemy import select

from app.hq import tables as t
from app.hq.access import Actor
from app.hq.alerts import evaluate_alerts
from app.hq.dhis2 import schema
from app.hq.exports import export_dhis2
from app.hq.overview import device_status
from app.hq.report_data import build_weekly_report
from app.hq.surveillance import LineListQuery, line_list
from app.hq.weeks import Week
from app.server.db import open_database
from app.server.devices import enrol_device
from app.server.hq_import import import_bundle_bytes
from app.services.context import Ctx
from app.services.demo import make_demo_data
from app.services.reference import seed_reference
from app.store import Store
from app.sync import identity
from app.sync.bundle import export_bundle
from test_report import independent

TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def central(tmp_path_factory):
    """Two encrypted laptops' demo data reaching a real central database the way the field sends it: enrolled,
    exported as signed bundles and imported at headquarters."""
    folder = tmp_path_factory.mktemp("central")
    engine = open_database(str(folder / "central.db"))
    devices = {}
    for code, unit in (("ZAH1", "MHU-ZAH"), ("TAY1", "MHU-TAY")):
        store = Store.open(tmp_path_factory.mktemp(code) / "sayyar.db", secrets.token_bytes(32), device_code=code)
        try:
            seed_reference(store, unit_code=unit)
            make_demo_data(store, patients=400, seed=len(devices) + 1, today=TODAY)
            devices[store.device.device_id] = unit
            request = identity.device_request(store)
            with engine.begin() as conn:
                identity.load_enrolment(store, enrol_device(conn, device_id=request.device_id,
                                                            device_code=request.device_code,
                                                            public_key=request.public_key,
                                                            unit_id=request.unit_id),
                                        actor=Ctx(store, "admin", "unit_admin", unit_id=store.device.unit_id))
            coordinator = Ctx(store, "coordinator", "coordinator", unit_id=store.device.unit_id)
            summary = export_bundle(store, coordinator, folder / f"{code}.sayyar")
            outcome = import_bundle_bytes(engine, summary.path.read_bytes())
            assert outcome.result is not None and not outcome.result.rejected
        finally:
            store.close()
    yield engine, devices
    engine.dispose()


def test_report_alerts_and_exports_over_laptop_data(central) -> None:
    engine, devices = central
    with engine.begin() as conn:
        for week in (Week(2026, 48), Week(2026, 44, 5)):
            report = build_weekly_report(conn, week)
            exp = independent(conn, week)
            assert report.cube == exp["cube"] and report.total() > 0
            assert [(c, n) for c, _, n in report.top_diagnoses] == exp["top"]
            assert report.referrals == exp["refs"] and report.cases == exp["cases"]
        export = export_dhis2(conn, Actor("l.karimi", "headquarters"), Week(2026, 48))
        jsonschema.validate(export.payload, schema())
        assert export.facilities and export.silent  # demo units visit some facilities, not all
        first = evaluate_alerts(conn)
        assert [a.id for a in evaluate_alerts(conn)] == [a.id for a in first]
        n_cases = len(conn.execute(select(t.case_t.c.id)).all())
        assert n_cases > 0 and len(line_list(conn, LineListQuery())) == n_cases
        units = {u["code"]: uid for uid, u in t.units(conn).items()}
        status = {d.device_id: d for d in device_status(conn)}
        assert {dev: status[dev].unit for dev in devices} == devices
        assert all(status[dev].last_hlc and status[dev].unit_id == units[u] for dev, u in devices.items())
