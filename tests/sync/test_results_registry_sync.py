"""Issue 16, proofs over a real sync (real server on a loopback port): a malaria RDT result entered three days after
the visit confirms the case at headquarters and it shows in the malaria line list with its investigation; a registry
version published at headquarters reaches the laptop by the feed and changes what it flags, with no reinstall
(and a version whose signature does not check is never used)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from helpers import LiveServer, enrol, facility_of, make_laptop, server_engine
from sqlalchemy import select, update

from app.hq.access import Actor
from app.hq.exports import linelist_rows
from app.hq.registry import publish_registry
from app.hq.surveillance import LineListQuery
from app.models import DiseaseList, SurveillanceCase
from app.resources import resource_path
from app.server import models as m
from app.services.diseases import registry_in_use
from app.services.patients import register_patient
from app.services.test_results import record_result, save_investigation
from app.services.visits import record_visit
from app.sync.client import run_sync_round


def _patient(laptop) -> str:
    return register_patient(laptop.ctx, {
        "given_name_latin": "Gul", "father_name_latin": "Ahmad", "sex": "male", "birth_year": 1988,
        "nationality": "afghan", "legal_status": "undocumented",
        "consent_date": date.today().isoformat()}).patient_id


def test_rdt_three_days_later_confirms_at_hq_and_fills_the_malaria_line_list(tmp_path: Path) -> None:
    engine = server_engine(str(tmp_path / "central.db"))
    laptop = make_laptop(tmp_path, "A1")
    hq = Actor("l.karimi", "headquarters")
    try:
        pid = _patient(laptop)
        done = record_visit(laptop.ctx, {"patient_id": pid, "facility_id": facility_of(laptop),
                                         "complaint": "fever and chills", "diagnoses": [{"code": "B54"}]})
        with LiveServer(engine) as srv:
            enrol(engine, laptop, srv.url)
            run_sync_round(laptop.store, laptop.ctx, srv.url, laptop.token)
            with engine.begin() as conn:
                _, rows = linelist_rows(conn, hq, LineListQuery(), malaria=True)
                assert [(r["classification"], r["species"], r["origin"]) for r in rows] == [("suspected", "", "")]
            with laptop.store.read() as s:
                case_id = s.scalars(select(SurveillanceCase.id).where(
                    SurveillanceCase.visit_id == done.visit_id)).one()
            later = replace(laptop.ctx, clock=lambda: datetime.now(timezone.utc) + timedelta(days=3))
            day = date.today().isoformat()
            record_result(later, case_id, {"test": "malaria_rdt", "subtype": "falciparum", "outcome": "positive",
                                           "sample_date": day, "result_date": day, "lab": "Zabol"})
            save_investigation(later, case_id, {"investigated_on": day, "travelled": True, "origin": "imported",
                                                "places": [{"country": "AF", "province": "Nimruz"}],
                                                "contacts_tested": 4, "contacts_positive": 0})
            run_sync_round(laptop.store, laptop.ctx, srv.url, laptop.token)
        with engine.begin() as conn:
            columns, rows = linelist_rows(conn, hq, LineListQuery(), malaria=True)
            (row,) = rows
            assert row["classification"] == "confirmed" and row["species"] == "falciparum"
            assert row["tests"].startswith("malaria_rdt positive falciparum")
            assert (row["travelled"], row["places"], row["origin"], row["contacts_tested"]) == (
                "yes", "AF / Nimruz", "imported", 4)
            assert "origin" in columns and "given_name" not in columns
            assert conn.execute(select(m.RECORDS["test_result"].c.applied)).scalars().all() == ["confirmed"]
    finally:
        laptop.close()
        engine.dispose()


def _version_2() -> dict:
    data = json.loads(resource_path("reference", "notifiable_diseases.json").read_text(encoding="utf-8"))
    data.update(version=2, label="2026-2: scabies outbreaks notified", published_on="2026-12-01")
    data["diseases"].append({
        "key": "scabies", "name_en": "Scabies", "name_fa": "گال", "reporting": "weekly",
        "codes": [{"code": "B86"}], "alert": {"rule": "none"},
        "case_definition": {"suspected_en": "Itching rash with burrows", "suspected_fa": "بثورات خارش‌دار"}})
    return data


def test_a_registry_published_at_hq_reaches_the_laptop_and_changes_its_flags(tmp_path: Path) -> None:
    engine = server_engine(str(tmp_path / "central.db"))
    laptop = make_laptop(tmp_path, "A1")
    try:
        pid = _patient(laptop)
        visit = {"patient_id": pid, "facility_id": facility_of(laptop), "complaint": "itch",
                 "diagnoses": [{"code": "B86"}]}
        assert record_visit(laptop.ctx, visit).notifiable == []
        with laptop.store.read() as s:
            assert registry_in_use(s).version == 1 and registry_in_use(s).source == "shipped"
        with LiveServer(engine) as srv:
            enrol(engine, laptop, srv.url)
            with engine.begin() as conn:
                publish_registry(conn, _version_2(), by="l.karimi")
            run_sync_round(laptop.store, laptop.ctx, srv.url, laptop.token)
        with laptop.store.read() as s:
            used = registry_in_use(s)
            assert (used.version, used.source) == (2, "headquarters")
        assert [n.disease for n in record_visit(laptop.ctx, visit).notifiable] == ["scabies"]
        # A version whose content no longer matches headquarters' signature is ignored: back to version 1.
        with laptop.store.write(None, applying_remote=True) as s:
            row = s.scalars(select(DiseaseList)).one()
            content = dict(row.content)
            content["label"] = "forged"
            s.execute(update(DiseaseList).values(content=content, list_version=3, sha256="0" * 64))
        from app.services import diseases

        diseases._cache.clear()
        with laptop.store.read() as s:
            assert registry_in_use(s).version == 1
        assert record_visit(laptop.ctx, visit).notifiable == []
    finally:
        laptop.close()
        engine.dispose()
