"""DHIS2 JSON validates against the schema and carries the report's numbers; line lists respect roles and audit."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import jsonschema
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.hq.access import Actor, NotAllowed
from app.hq.dhis2 import datavaluesets, load_mapping, schema
from app.hq.exports import dhis2_json, export_dhis2, export_linelist
from app.hq.insurance import enrolments_by_payer, expiring
from app.hq.models import hq_audit
from app.hq.report_data import build_weekly_report
from app.hq.surveillance import LineListQuery
from app.hq.weeks import Week
from hq_helpers import add, add_case, add_patient, add_visit

HQ = Actor("l.karimi", "headquarters")
WEEK = Week(2026, 48)
DAY = date(2026, 11, 25)


def test_dhis2_validates_and_matches_report(conn, site) -> None:
    mapping = load_mapping()
    jsonschema.Draft202012Validator.check_schema(schema())
    girl = add_patient(conn, sex="female", birth_year=2023)
    man = add_patient(conn, sex="male", birth_year=1970, legal_status="undocumented")
    for _ in range(3):
        add_visit(conn, girl, site["F02"], DAY)
    v = add_visit(conn, man, site["F02"], DAY, visit_type="follow_up")
    add(conn, "referral", visit_id=v["id"], patient_id=man["id"], from_facility_id=site["F02"]["id"],
        to_facility_id=site["F01"]["id"], department="x", urgency="routine", reason="r", referral_number="R1",
        short_code="S1", status="feedback_received", issued_at=v["visit_at"])
    add_case(conn, "malaria", site["F02"], DAY, classification="confirmed", patient=man)
    add_case(conn, "malaria", site["F02"], DAY, classification="discarded", patient=man)
    sets = export_dhis2(conn, HQ, WEEK)
    assert {s["orgUnit"] for s in sets} == {mapping["orgUnits"][c] for c in ("F02", "F05", "F17")}
    for s in sets:
        jsonschema.validate(s, schema())
    f02 = next(s for s in sets if s["orgUnit"] == mapping["orgUnits"]["F02"])
    values = {(d["dataElement"], d["categoryOptionCombo"]): d["value"] for d in f02["dataValues"]}
    ind = mapping["indicators"]
    cons = ind["consultations"]
    assert values[(cons["dataElement"], cons["categoryOptionCombos"]["female|<5"])] == "3"
    assert values[(cons["dataElement"], cons["categoryOptionCombos"]["male|18-59"])] == "1"
    assert values[(cons["dataElement"], cons["categoryOptionCombos"]["male|60+"])] == "0"
    legal = ind["consultations_by_legal_status"]
    assert values[(legal["dataElement"], legal["categoryOptionCombos"]["undocumented"])] == "1"
    coc = mapping["defaultCategoryOptionCombo"]
    assert values[(ind["consultations_repeat"]["dataElement"], coc)] == "1"
    assert values[(ind["referrals_feedback"]["dataElement"], coc)] == "1"
    mal = ind["cases_malaria"]
    assert values[(mal["dataElement"], mal["categoryOptionCombos"]["confirmed"])] == "1"
    assert "cases_malaria:discarded=1" in f02["dataValues"][0]["comment"]
    assert f02["period"] == "2026W48" and f02["dataSet"] == mapping["dataSet"]
    one = json.loads(dhis2_json(sets[:1]))
    jsonschema.validate(one, schema())
    audit = conn.execute(select(hq_audit)).mappings().all()
    assert audit[-1]["action"] == "export_dhis2" and audit[-1]["rows"] == sum(len(s["dataValues"]) for s in sets)


def test_schema_rejects_malformed_sets(conn, site) -> None:
    report = build_weekly_report(conn, WEEK)
    good = datavaluesets(report)[0]
    for bad in ({**good, "period": "2026-48"}, {k: v for k, v in good.items() if k != "orgUnit"},
                {**good, "dataValues": [{"dataElement": "X", "categoryOptionCombo": "Y", "value": 3}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema())


def _cases(conn, site) -> None:
    p = add_patient(conn, given_name_latin="Zahra", father_name_latin="Ahmad", phone="09150000001",
                    given_name_fa="زهرا")
    add(conn, "identity_document", patient_id=p["id"], doc_type="amayesh_card", number="12345678901",
        number_key="12345678901")
    add_case(conn, "measles", site["F02"], DAY, patient=p)  # unit MHU-ZAH
    add_case(conn, "dengue", site["F17"], DAY, patient=p)  # unit MHU-TAY


def test_linelist_with_identities_is_headquarters_only_and_audited(conn, site) -> None:
    _cases(conn, site)
    data = export_linelist(conn, HQ, LineListQuery(), "csv", identities=True)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[0]["given_name"] == "Zahra" and rows[0]["document"] == "amayesh_card:12345678901"
    assert rows[0]["given_name_fa"] == "زهرا" and rows[0]["phone"] == "09150000001"
    audit = conn.execute(select(hq_audit)).mappings().all()
    assert [(a["user"], a["identities"], a["rows"]) for a in audit] == [("l.karimi", 1, 2)]
    coordinator = Actor("h.rigi", "coordinator", site["F02"]["unit_id"])
    with pytest.raises(NotAllowed, match="headquarters only"):
        export_linelist(conn, coordinator, LineListQuery(), "csv", identities=True)
    with pytest.raises(NotAllowed):
        export_linelist(conn, Actor("m", "clinician"), LineListQuery(), "csv")


def test_linelist_without_identities_has_no_names(conn, site) -> None:
    _cases(conn, site)
    coordinator = Actor("h.rigi", "coordinator", site["F02"]["unit_id"])
    data = export_linelist(conn, coordinator, LineListQuery(), "xlsx")
    ws = load_workbook(io.BytesIO(data)).active
    table = [[c.value for c in row] for row in ws.iter_rows()]
    header, body = table[0], table[1:]
    assert not {"given_name", "phone", "document", "father_name", "patient_code"} & set(header)
    flat = " ".join(str(v) for r in body for v in r)
    assert "Zahra" not in flat and "12345678901" not in flat and "09150000001" not in flat
    assert [r[header.index("disease")] for r in body] == ["measles"]  # the coordinator's own unit only
    assert body[0][header.index("onset_date")].date() == DAY
    audit = conn.execute(select(hq_audit)).mappings().all()
    assert audit[-1]["user"] == "h.rigi" and audit[-1]["identities"] == 0 and audit[-1]["rows"] == 1


def test_insurance_by_payer_and_expiring(conn, site) -> None:
    today = date(2026, 11, 28)
    unit = site["F02"]["unit_id"]
    head = add_patient(conn, given_name_latin="Ali")
    member = add_patient(conn)
    ends = {"e1": 0, "e2": 30, "e3": 31, "e4": -1}
    for key, days in ends.items():
        end = date.fromordinal(today.toordinal() + days)
        e = add(conn, "enrolment", household_id="h1", head_patient_id=head["id"], scheme="uphi",
                category="vulnerable", payer="iom" if key != "e4" else "unhcr",
                enrolment_date=date(2025, 12, 1), coverage_start=date.fromordinal(end.toordinal() - 364),
                coverage_end=end, unit_id=unit)
        for p in (head, member):
            add(conn, "enrolment_member", enrolment_id=e["id"], patient_id=p["id"])
    soon = expiring(conn, today=today, days=30)
    assert [s["days_left"] for s in soon] == [0, 30]
    assert soon[0]["head_name"].startswith("Ali") and soon[0]["unit"] == "MHU-ZAH"
    payers = {(p.unit, p.payer): p for p in enrolments_by_payer(conn, today=today)}
    assert payers[("MHU-ZAH", "iom")].enrolments == 3 and payers[("MHU-ZAH", "iom")].members == 6
    assert payers[("MHU-ZAH", "iom")].active == 3 and payers[("MHU-ZAH", "unhcr")].active == 0
    assert expiring(conn, today=today, days=30, unit_id="other-unit") == []
