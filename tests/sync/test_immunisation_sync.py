"""Doses and campaign tallies travel like any owned record (issue 18): recorded on one laptop, synced through the
real server on a loopback port, held centrally, shown in headquarters' immunisation page and monthly DHIS2 export,
and a child's doses reach another unit's laptop, whose due list follows them."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import jsonschema
from fastapi import FastAPI
from fastapi.testclient import TestClient
from helpers import SAME_UNIT, LiveServer, enrol, facility_of, make_laptop, server_engine
from sqlalchemy import select

from app.hq import immunisation_web
from app.hq.access import Actor
from app.hq.dhis2 import schema
from app.hq.web import get_actor, get_connection
from app.models import ImmunisationDue
from app.server import models as m
from app.services.campaigns import TallyKey, start_campaign, tally_child
from app.services.immunisation import immunisation_status, record_dose
from app.services.patients import register_patient
from app.sync.client import run_sync_round


def test_doses_and_tallies_sync_and_reach_another_laptop(tmp_path: Path) -> None:
    engine = server_engine(str(tmp_path / "central.db"))
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    facility = facility_of(a)
    ctx = replace(a.ctx, facility_id=facility)
    coord = replace(a.coord, facility_id=facility)
    today = date.today()
    born = today - timedelta(days=100)
    pid = register_patient(ctx, {"given_name_latin": "Laila", "father_name_latin": "Rahim", "sex": "female",
                                 "date_of_birth": born.isoformat(), "birth_year": born.year,
                                 "nationality": "afghan", "legal_status": "undocumented",
                                 "consent_date": today.isoformat()}).patient_id
    for vaccine, site in (("penta", "left_thigh"), ("opv", "oral")):
        record_dose(ctx, {"patient_id": pid, "vaccine": vaccine, "given_on": today.isoformat(), "batch": "L7",
                          "expiry": (today + timedelta(days=200)).isoformat(), "site": site})
    cid = start_campaign(coord, {"code": "POLIO-DGH-R1", "name": "Polio, Dogharoun", "vaccine": "bopv",
                                 "start_date": today.isoformat(), "end_date": today.isoformat()})
    for _ in range(3):
        tally_child(coord, campaign_id=cid, key=TallyKey(age_band="12-59m", sex="male"))
    with LiveServer(engine) as srv:
        enrol(engine, a, srv.url)
        enrol(engine, b, srv.url)
        assert run_sync_round(a.store, a.ctx, srv.url, a.token).quarantined == 0
        assert run_sync_round(b.store, b.ctx, srv.url, b.token).quarantined == 0
    with engine.connect() as conn:
        doses = conn.execute(select(m.RECORDS["immunisation_dose"])).mappings().all()
        tallies = conn.execute(select(m.RECORDS["campaign_tally"])).mappings().all()
    assert sorted(d["vaccine"] for d in doses) == ["opv", "penta"]
    assert {d["device_id"] for d in doses} == {a.device_id}
    assert [(t["count"], t["version"]) for t in tallies] == [(3, 3)]
    # The other laptop holds the child's doses and knows what is due next, and when.
    view = immunisation_status(b.ctx, pid)
    assert {d.vaccine for d in view.doses} == {"penta", "opv"}
    with b.store.read() as s:
        rows = {r.series: r for r in s.scalars(select(ImmunisationDue).where(ImmunisationDue.patient_id == pid))}
    assert rows["dtp"].slot == 2 and rows["dtp"].due_date == today + timedelta(weeks=4)
    assert rows["dtp"].facility_id == facility
    # Headquarters: the campaign's total, the child in its birth cohort's coverage, the month's DHIS2 values.
    app = FastAPI()
    app.include_router(immunisation_web.router, prefix="/hq")

    def connection():  # type: ignore[no-untyped-def]
        with engine.begin() as conn:
            yield conn

    app.dependency_overrides[get_connection] = connection
    app.dependency_overrides[get_actor] = lambda: Actor("l.karimi", "headquarters")
    with TestClient(app) as client:
        html = client.get("/hq/immunisation", params={"cohort": born.year}).text
        assert "POLIO-DGH-R1" in html and "<td class=\"n\">3</td>" in html
        assert "Penta1" in html and "1 (100%)" in html
        month = client.get("/hq/immunisation/dhis2", params={"month": f"{today:%Y-%m}"})
        values = {(v["dataElement"], v["categoryOptionCombo"]): v["value"] for v in month.json()["dataValues"]}
        assert values[("IMM_PENTA1", "IMM_AGE_LT1")] == "1" and values[("IMM_SIA_VACCINATED", "HllvX50cXC0")] == "3"
        monthly = copy.deepcopy(schema())  # the weekly schema, with DHIS2's monthly period (202611)
        monthly["$defs"]["period"] = {"type": "string", "pattern": "^(19|20|21)[0-9]{2}(0[1-9]|1[0-2])$"}
        jsonschema.validate(month.json(), monthly)
        assert client.get("/hq/immunisation/dhis2", params={"month": "November"}).status_code == 400
    a.close()
    b.close()
    engine.dispose()
