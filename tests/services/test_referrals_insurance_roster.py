from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.models import Facility, Referral, User
from app.services.errors import PermissionDenied, ValidationFailed
from app.services.insurance import cover_for_patient, enrol_household, expiring_cover
from app.services.patients import register_patient
from app.services.referrals import record_referral_feedback, refer_patient
from app.services.roster import day_summary, plan_roster, roster_for_day
from app.services.visits import record_visit

from services.conftest import TODAY, person


@pytest.fixture
def family(clinician):
    head = register_patient(clinician, person(sex="male", given_name_fa="احمد", given_name_latin="Ahmad",
                                              birth_year=1980, new_household=True, documents=[]))
    child = register_patient(clinician, person(given_name_fa="مینا", given_name_latin="Mina", birth_year=2020,
                                               father_name_fa="احمد", father_name_latin="Ahmad", phone="",
                                               household_id=head.household_id, relationship_to_head="child",
                                               documents=[]))
    return head, child


def hospital(store):
    with store.read() as s:
        return s.scalars(select(Facility).where(Facility.kind == "hospital")).first().id


def test_referral_carries_insurance_snapshot_and_numbers(clinician, store, family):
    head, _ = family
    enrol_household(clinician, {"household_id": head.household_id, "head_patient_id": head.patient_id,
                                "member_ids": [head.patient_id], "category": "vulnerable", "payer": "unhcr",
                                "enrolment_date": "2026-06-01"})
    v = record_visit(clinician, {"patient_id": head.patient_id, "complaint": "chest pain"})
    issued = refer_patient(clinician, {"visit_id": v.visit_id, "to_facility_id": hospital(store),
                                       "department": "cardiology", "urgency": "urgent", "reason": "suspected angina"})
    assert issued.referral_number == "ZAH1R-00001-8"
    assert len(issued.short_code) == 8
    with store.read() as s:
        r = s.get(Referral, issued.referral_id)
        assert r.insurance_snapshot["valid_until"] == "2027-05-31" and r.status == "issued"


def test_referral_validation(clinician, store, family):
    v = record_visit(clinician, {"patient_id": family[0].patient_id, "complaint": "x"})
    with pytest.raises(ValidationFailed) as info:
        refer_patient(clinician, {"visit_id": v.visit_id, "to_facility_id": "nowhere", "department": "astrology",
                                  "reason": ""})
    assert {e.field for e in info.value.errors} == {"reason"}
    with pytest.raises(ValidationFailed) as info:
        refer_patient(clinician, {"visit_id": v.visit_id, "to_facility_id": "nowhere", "department": "astrology",
                                  "reason": "r"})
    assert {e.field for e in info.value.errors} == {"to_facility_id", "department"}


def test_feedback_closes_the_loop(clinician, store, family):
    v = record_visit(clinician, {"patient_id": family[0].patient_id, "complaint": "x"})
    issued = refer_patient(clinician, {"visit_id": v.visit_id, "to_facility_id": hospital(store),
                                       "department": "internal_medicine", "reason": "r"})
    with pytest.raises(ValidationFailed):
        record_referral_feedback(clinician, issued.referral_id, {"date_seen": "2026-12-30", "outcome": "treated"})
    record_referral_feedback(clinician, issued.referral_id, {"date_seen": "2026-11-28", "outcome": "admitted",
                                                             "advice": "return in 2 weeks"})
    with store.read() as s:
        r = s.get(Referral, issued.referral_id)
        assert (r.status, r.feedback_outcome) == ("feedback_received", "admitted")
    with pytest.raises(ValidationFailed):
        record_referral_feedback(clinician, issued.referral_id, {"date_seen": "2026-11-28", "outcome": "treated"})


def test_enrolment_rules_and_cover(clinician, store, family):
    head, child = family
    base = {"household_id": head.household_id, "head_patient_id": head.patient_id,
            "member_ids": [head.patient_id, child.patient_id], "category": "premium_payer", "payer": "iom",
            "premium_irr": 12_000_000, "enrolment_date": "2025-12-20"}
    with pytest.raises(ValidationFailed) as info:
        enrol_household(clinician, base)
    assert info.value.errors[0].field == "voucher_number"
    with pytest.raises(ValidationFailed) as info:
        enrol_household(clinician, base | {"voucher_number": "GC-1", "member_ids": [child.patient_id]})
    assert info.value.errors[0].field == "head_patient_id"
    enrol_household(clinician, base | {"voucher_number": "GC-000123"})
    with store.read() as s:
        cover = cover_for_patient(s, child.patient_id, TODAY)
        assert cover.coverage_end == date(2026, 12, 19)
        assert cover_for_patient(s, child.patient_id, date(2026, 12, 20)) is None
    assert [e.voucher_number for e in expiring_cover(clinician, within_days=30)] == ["GC-000123"]
    assert expiring_cover(clinician, within_days=10) == []


def test_roster_plan_follow_ups_and_summary(clinician, coordinator, store, family):
    head, child = family
    record_visit(clinician, {"patient_id": child.patient_id, "complaint": "diarrhoea", "follow_up_date": "2026-12-01",
                             "diagnoses": [{"code": "A00.9"}]})
    with store.read() as s:
        staff = [u.id for u in s.scalars(select(User).where(User.unit_id == store.device.unit_id))]
    with pytest.raises(PermissionDenied):
        plan_roster(clinician, {"facility_id": clinician.facility_id, "day": "2026-12-01",
                                "staff": [{"user_id": staff[0]}]})
    with pytest.raises(ValidationFailed) as info:
        plan_roster(coordinator, {"facility_id": clinician.facility_id, "day": "2026-12-01", "staff": []})
    assert info.value.errors[0].field == "staff"
    rid = plan_roster(coordinator, {"facility_id": clinician.facility_id, "day": "2026-12-01",
                                    "staff": [{"user_id": u, "duty": "clinic"} for u in staff],
                                    "patients": [{"patient_id": head.patient_id, "reason": "BP check"}]})
    view = roster_for_day(coordinator, date(2026, 12, 1), clinician.facility_id)
    assert view.roster_id == rid and len(view.staff) == len(staff)
    assert [(line.patient.id, line.source) for line in view.lines] == [
        (head.patient_id, "planned"), (child.patient_id, "follow_up")]
    # Planning again replaces the lists; old entries become tombstones.
    assert plan_roster(coordinator, {"facility_id": clinician.facility_id, "day": "2026-12-01",
                                     "staff": [{"user_id": staff[0]}]}) == rid
    assert len(roster_for_day(coordinator, date(2026, 12, 1), clinician.facility_id).staff) == 1
    summary = day_summary(coordinator, TODAY)
    assert summary.visits == 1 and summary.by_sex_band == {("female", "5-17"): 1}
    assert summary.notifiable == [("cholera", "suspected", True)]


def test_the_printed_roster_carries_the_site_note(clinician, coordinator, store, family):
    """Issue 14: the coordinator's note for the site was planned but never printed."""
    import io

    import pdfplumber

    from app.services.printing import roster_pdf

    with store.read() as s:
        staff = [u.id for u in s.scalars(select(User).where(User.unit_id == store.device.unit_id))]
    plan_roster(coordinator, {"facility_id": clinician.facility_id, "day": "2026-12-01", "site_note":
                              "Park behind the mosque", "staff": [{"user_id": staff[0]}],
                              "patients": [{"patient_id": family[0].patient_id, "reason": "BP check"}]})
    with pdfplumber.open(io.BytesIO(roster_pdf(coordinator, date(2026, 12, 1), clinician.facility_id))) as doc:
        text = doc.pages[0].extract_text()
    assert "Site note" in text and "Park behind the mosque" in text
