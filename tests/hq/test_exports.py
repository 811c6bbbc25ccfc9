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
from app.hq.dhis2 import datavalueset, dhis2_json, load_mapping, schema
from app.hq.exports import export_dhis2, export_linelist
from app.hq.insurance import enrolments_by_payer, expiring
from app.hq.models import hq_audit
from app.hq.report_data import build_weekly_report
from app.hq.surveillance import LineListQuery
from app.hq.weeks import Week
from hq_helpers import add, add_case, add_patient, add_visit

HQ = Actor("l.karimi", "headquarters")
WEEK = Week(2026, 47, 5)  # Saturday weeks, the site's default: 21-27 Nov 2026
DAY = date(2026, 11, 25)


def test_dhis2_one_object_every_reporting_facility_hospitals_included(conn, site) -> None:
    mapping = load_mapping()
    jsonschema.Draft202012Validator.check_schema(schema())
    girl = add_patient(conn, sex="female", birth_year=2023)
    man = add_patient(conn, sex="male", birth_year=1970, legal_status="undocumented")
    iranian = add_patient(conn, sex="male", birth_year=1980, nationality="iranian", legal_status="iranian_national")
    for _ in range(3):
        add_visit(conn, girl, site["F02"], DAY)
    v = add_visit(conn, man, site["F02"], DAY, visit_type="follow_up")
    add_visit(conn, iranian, site["F01"], DAY)  # a hospital with visits this week
    add(conn, "referral", visit_id=v["id"], patient_id=man["id"], from_facility_id=site["F02"]["id"],
        to_facility_id=site["F01"]["id"], department="x", urgency="routine", reason="r", referral_number="R1",
        short_code="S1", status="feedback_received", issued_at=v["visit_at"])
    add_case(conn, "malaria", site["F02"], DAY, classification="confirmed", patient=man)
    add_case(conn, "malaria", site["F02"], DAY, classification="discarded", patient=man)
    export = export_dhis2(conn, HQ, WEEK)
    payload = json.loads(dhis2_json(export))
    jsonschema.validate(payload, schema())
    assert isinstance(payload, dict) and payload["period"] == "2026SatW47" == WEEK.label
    assert payload["dataSet"] == mapping["dataSet"]
    # F05 and F17 sent nothing: no values at all (missing, not a complete all-zero report).
    assert export.facilities == ["F01", "F02"] and export.silent == ["F05", "F17"]
    units = {d["orgUnit"] for d in payload["dataValues"]}
    assert units == {mapping["orgUnits"]["F01"], mapping["orgUnits"]["F02"]}
    assert all(d["period"] == payload["period"] for d in payload["dataValues"])
    f02 = {(d["dataElement"], d["categoryOptionCombo"]): d["value"] for d in payload["dataValues"]
           if d["orgUnit"] == mapping["orgUnits"]["F02"]}
    f01 = {(d["dataElement"], d["categoryOptionCombo"]): d["value"] for d in payload["dataValues"]
           if d["orgUnit"] == mapping["orgUnits"]["F01"]}
    ind = mapping["indicators"]
    cons = ind["consultations"]
    combo = cons["categoryOptionCombos"]
    assert cons["disaggregation"] == ["sex", "age_band", "nationality"]
    assert f02[(cons["dataElement"], combo["female|<5|afghan"])] == "3"
    assert f02[(cons["dataElement"], combo["male|18-59|afghan"])] == "1"
    assert f02[(cons["dataElement"], combo["male|60+|afghan"])] == "0"
    assert f01[(cons["dataElement"], combo["male|18-59|iranian"])] == "1"
    legal = ind["consultations_by_legal_status"]
    assert f02[(legal["dataElement"], legal["categoryOptionCombos"]["undocumented"])] == "1"
    coc = mapping["defaultCategoryOptionCombo"]
    assert f02[(ind["consultations_repeat"]["dataElement"], coc)] == "1"
    assert f02[(ind["referrals_feedback"]["dataElement"], coc)] == "1"
    mal = ind["cases_malaria"]
    assert f02[(mal["dataElement"], mal["categoryOptionCombos"]["confirmed"])] == "1"
    assert "discarded" not in mal["categoryOptionCombos"] and export.not_sent == {"cases_malaria:discarded": 1}
    audit = conn.execute(select(hq_audit)).mappings().all()
    assert audit[-1]["action"] == "export_dhis2" and audit[-1]["rows"] == len(payload["dataValues"])
    assert audit[-1]["detail"]["silent"] == ["F05", "F17"]


def test_every_registry_disease_has_a_dhis2_data_element() -> None:
    from app.core.diseases import shipped_registry

    inds = load_mapping()["indicators"]
    assert {f"cases_{d.key}" for d in shipped_registry().diseases} <= set(inds)


def test_schema_and_periods_reject_malformed_files(conn, site) -> None:
    from app.hq.dhis2 import MappingError, check_period

    add_visit(conn, add_patient(conn), site["F02"], DAY)
    good = datavalueset(build_weekly_report(conn, WEEK)).payload
    value = good["dataValues"][0]
    for bad in ({**good, "period": "2026-48"}, {**good, "period": "1405W36"},
                {**good, "dataValues": [{k: v for k, v in value.items() if k != "orgUnit"}]},
                {**good, "dataValues": [{**value, "value": 3}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema())
    with pytest.raises(MappingError, match="not a DHIS2 weekly period"):
        check_period("1405W36")
    with pytest.raises(MappingError, match="no orgUnit"):
        datavalueset(build_weekly_report(conn, WEEK), {**load_mapping(), "orgUnits": {}}, facility_codes=["F02"])


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
    # A coordinator's figures are their unit's (issue 17, item 5): another unit's enrolments are not counted.
    assert enrolments_by_payer(conn, today=today, unit_id="other-unit") == []
    assert {p.unit for p in enrolments_by_payer(conn, today=today, unit_id=unit)} == {"MHU-ZAH"}


def test_a_weeks_line_list_holds_every_case_of_the_week(conn, site) -> None:
    """Dates are inclusive: from Saturday to Friday gives all six cases of the week, Friday's included."""
    from datetime import timedelta

    from app.hq.surveillance import line_list

    for offset in (0, 1, 2, 4, 6, 6):
        add_case(conn, "measles", site["F02"], WEEK.start + timedelta(days=offset))
    add_case(conn, "measles", site["F02"], WEEK.start + timedelta(days=7))  # next week
    rows = line_list(conn, LineListQuery(since=WEEK.start, until=WEEK.last_day), first_weekday=WEEK.first_weekday)
    assert len(rows) == 6 and {r["epi_week"] for r in rows} == {WEEK.label}
