"""Every disease of the registry, end to end (issue 16): a visit recorded with one of its codes raises exactly the
flag its registry entry says on the laptop, and after a real sync through the real server on a loopback port the
central database holds the case and exactly the alert its rule says. Parametrised over the registry: a new entry is
tested by construction."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import LiveServer, enrol, facility_of, make_laptop, server_engine
from sqlalchemy import select

from app.core.diseases import Disease, shipped_registry
from app.core.reference import load_diagnoses
from app.hq.models import hq_alert, hq_alert_case
from app.server import models as m
from app.services.patients import register_patient
from app.services.visits import record_visit
from app.sync.client import run_sync_round

REGISTRY = shipped_registry()
ADULT_AGE, CHILD_AGE = 34, 6


def code_for(disease: Disease, age: int) -> str:
    """The first code of the diagnosis list that the registry files under ``disease`` at this age."""
    for d in load_diagnoses():
        found = REGISTRY.match(d.code, age)
        if found is not None and found.key == disease.key:
            return d.code
    raise AssertionError(f"{disease.key}: no code in diagnoses.csv reports it")


def expected_rule(disease: Disease) -> str | None:
    """The alert the site's defaults call for after one week's visits (malaria elimination is on)."""
    return {"single_case": "single_case", "cluster": "cluster", "none": None,
            "threshold": "elimination" if disease.alert.elimination else None}[disease.alert.rule]


def visits_needed(disease: Disease) -> int:
    return disease.alert.cases if disease.alert.rule == "cluster" else 1


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder: Path = tmp_path_factory.mktemp("registry-sync")
    engine = server_engine(str(folder / "central.db"))
    laptop = make_laptop(folder, "A1")
    facility = facility_of(laptop)
    born = date.today().year
    people = {age: register_patient(laptop.ctx, {
        "given_name_latin": f"Case{age}", "father_name_latin": f"Father{age}", "sex": "female",
        "birth_year": born - age, "nationality": "afghan", "legal_status": "amayesh",
        "consent_date": date.today().isoformat()}, override_reason="test").patient_id for age in (ADULT_AGE, CHILD_AGE)}
    flags: dict[str, list[list[tuple[str, bool]]]] = {}
    for disease in REGISTRY.diseases:
        age = ADULT_AGE if disease.key != "neonatal_tetanus" else CHILD_AGE
        code = code_for(disease, age)
        for _ in range(visits_needed(disease)):
            done = record_visit(laptop.ctx, {"patient_id": people[age], "facility_id": facility,
                                             "complaint": "fever", "diagnoses": [{"code": code}]})
            flags.setdefault(disease.key, []).append([(n.disease, n.immediate) for n in done.notifiable])
    with LiveServer(engine) as srv:
        enrol(engine, laptop, srv.url)
        report = run_sync_round(laptop.store, laptop.ctx, srv.url, laptop.token)
    assert report.quarantined == 0
    yield {"engine": engine, "flags": flags}
    laptop.close()
    engine.dispose()


@pytest.mark.parametrize("disease", REGISTRY.diseases, ids=lambda d: d.key)
def test_each_disease_raises_its_flag_and_its_alert(world: Any, disease: Disease) -> None:
    # On the laptop: every visit is flagged with this disease alone, immediate or weekly as the registry says.
    assert all(f == [(disease.key, disease.immediate)] for f in world["flags"][disease.key])
    with world["engine"].connect() as conn:
        cases = conn.execute(select(m.RECORDS["surveillance_case"].c.id, m.RECORDS["surveillance_case"].c.immediate)
                             .where(m.RECORDS["surveillance_case"].c.disease == disease.key)).all()
        assert len(cases) == visits_needed(disease) and all(bool(i) == disease.immediate for _, i in cases)
        alerts = conn.execute(select(hq_alert.c.id, hq_alert.c.rule).where(hq_alert.c.disease == disease.key)).all()
        rule = expected_rule(disease)
        assert [a.rule for a in alerts] == ([rule] if rule else [])
        if alerts:
            linked = set(conn.execute(select(hq_alert_case.c.case_id)
                                      .where(hq_alert_case.c.alert_id == alerts[0].id)).scalars())
            assert linked == {c.id for c in cases}


def test_afp_code_in_an_adult_is_neither_flagged_nor_alerted(tmp_path: Path) -> None:
    engine = server_engine(str(tmp_path / "central.db"))
    laptop = make_laptop(tmp_path, "A1")
    try:
        pid = register_patient(laptop.ctx, {
            "given_name_latin": "Old", "father_name_latin": "Man", "sex": "male",
            "birth_year": date.today().year - 70, "nationality": "iranian", "legal_status": "iranian_national",
            "consent_date": date.today().isoformat()}).patient_id
        done = record_visit(laptop.ctx, {"patient_id": pid, "complaint": "weak legs after a stroke",
                                         "diagnoses": [{"code": "G83.9"}]})
        assert done.notifiable == []
        with LiveServer(engine) as srv:
            enrol(engine, laptop, srv.url)
            run_sync_round(laptop.store, laptop.ctx, srv.url, laptop.token)
        with engine.connect() as conn:
            assert conn.execute(select(m.RECORDS["visit"].c.id)).all()
            assert conn.execute(select(hq_alert.c.id)).all() == []
    finally:
        laptop.close()
        engine.dispose()


def test_a_correction_on_the_laptop_leaves_hq_counts_alerts_and_dhis2_after_the_next_sync(tmp_path: Path) -> None:
    from app.hq.access import Actor
    from app.hq.dhis2 import load_mapping
    from app.hq.exports import export_dhis2
    from app.hq.report_data import build_weekly_report
    from app.hq.weeks import week_of
    from app.services.cases import classify_case
    from app.services.visits import correct_visit

    engine = server_engine(str(tmp_path / "central.db"))
    laptop = make_laptop(tmp_path, "A1")
    facility = facility_of(laptop)
    hq = Actor("l.karimi", "headquarters")
    mapping = load_mapping()
    week = week_of(date.today(), 5)

    def cholera_values(conn: Any) -> dict[str, str]:
        ind = mapping["indicators"]["cases_cholera"]
        combos = {v: k for k, v in ind["categoryOptionCombos"].items()}
        return {combos[d["categoryOptionCombo"]]: d["value"] for d in export_dhis2(conn, hq, week).payload[
            "dataValues"] if d["dataElement"] == ind["dataElement"]}

    try:
        pid = register_patient(laptop.ctx, {
            "given_name_latin": "Sima", "father_name_latin": "Nader", "sex": "female", "birth_year": 1990,
            "nationality": "afghan", "legal_status": "headcount", "consent_date": date.today().isoformat()}).patient_id
        first = record_visit(laptop.ctx, {"patient_id": pid, "facility_id": facility, "complaint": "watery stool",
                                          "diagnoses": [{"code": "A00.9"}]})
        second = record_visit(laptop.ctx, {"patient_id": pid, "facility_id": facility, "complaint": "rash",
                                           "diagnoses": [{"code": "B05.9"}]})
        with LiveServer(engine) as srv:
            enrol(engine, laptop, srv.url)
            run_sync_round(laptop.store, laptop.ctx, srv.url, laptop.token)
            with engine.begin() as conn:
                assert cholera_values(conn) == {"suspected": "1", "probable": "0", "confirmed": "0"}
                assert build_weekly_report(conn, week).counted_cases() == 2
                status = dict(conn.execute(select(hq_alert.c.disease, hq_alert.c.status)).all())
                assert status == {"cholera": "raised", "measles": "raised"}
            # The clinician corrects the cholera visit (culture negative, it was rotavirus) and discards the
            # measles case by hand (IgM negative).
            correct_visit(laptop.ctx, first.visit_id, {"diagnoses": [{"code": "A09"}]}, reason="culture negative")
            with laptop.store.read() as s:
                from app.models import SurveillanceCase

                measles = s.scalars(select(SurveillanceCase.id).where(
                    SurveillanceCase.visit_id == second.visit_id)).one()
            classify_case(laptop.ctx, measles, {"classification": "discarded", "reason": "measles IgM negative"})
            run_sync_round(laptop.store, laptop.ctx, srv.url, laptop.token)
        with engine.begin() as conn:
            assert cholera_values(conn) == {"suspected": "0", "probable": "0", "confirmed": "0"}
            report = build_weekly_report(conn, week)
            assert report.counted_cases() == 0 and report.curves.get("cholera", [0])[-1] == 0
            rows = conn.execute(select(hq_alert.c.disease, hq_alert.c.status, hq_alert.c.outcome,
                                       hq_alert.c.case_count)).all()
            assert sorted(tuple(r) for r in rows) == [("cholera", "closed", "all_cases_discarded", 0),
                                                      ("measles", "closed", "all_cases_discarded", 0)]
            central_case = m.RECORDS["surveillance_case"]
            classes = dict(conn.execute(select(central_case.c.disease, central_case.c.classification)).all())
            assert classes == {"cholera": "discarded", "measles": "discarded"}
    finally:
        laptop.close()
        engine.dispose()
