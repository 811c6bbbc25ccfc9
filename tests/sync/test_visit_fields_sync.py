"""Fields issue 14 added to the visit travel through sync to the central copy: the vitals a clinician confirmed as
unusual but true, with the weeks of pregnancy and the times medicines were given."""

from __future__ import annotations

import json
from datetime import date

from helpers import LiveServer, enrol, facility_of, make_laptop, server_engine
from sqlalchemy import select

from app.server import models as m
from app.services.patients import register_patient
from app.services.visits import record_visit
from app.sync.client import run_sync_round


def test_unusual_vitals_reach_the_central_copy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = server_engine(str(tmp_path / "central.db"))
    laptop = make_laptop(tmp_path, "A1")
    try:
        pid = register_patient(laptop.ctx, {
            "given_name_latin": "Maryam", "father_name_latin": "Rahim", "sex": "female", "birth_year": 1995,
            "nationality": "afghan", "legal_status": "amayesh", "consent_date": date.today().isoformat()}).patient_id
        done = record_visit(laptop.ctx, {
            "patient_id": pid, "facility_id": facility_of(laptop), "complaint": "found cold, breathless",
            "temperature_c": 33.1, "spo2": 80, "pregnant": True, "pregnancy_weeks": 31,
            "medicines": [{"name": "Oxygen", "dose": "2 l/min", "time": "09:40"}],
            "unusual_vitals": ["temperature_c", "spo2"]})
        with LiveServer(engine) as srv:
            enrol(engine, laptop, srv.url)
            report = run_sync_round(laptop.store, laptop.ctx, srv.url, laptop.token)
        assert report.quarantined == 0
        visit = m.RECORDS["visit"]
        with engine.connect() as conn:
            row = conn.execute(select(visit.c.unusual_vitals, visit.c.pregnancy_weeks, visit.c.medicines)
                               .where(visit.c.id == done.visit_id)).one()
        unusual = row.unusual_vitals if isinstance(row.unusual_vitals, list) else json.loads(row.unusual_vitals)
        assert unusual == ["temperature_c", "spo2"] and row.pregnancy_weeks == 31
        assert row.medicines[0]["time"] == "09:40"
    finally:
        laptop.close()
        engine.dispose()
