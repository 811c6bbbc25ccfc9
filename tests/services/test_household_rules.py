"""Insurance and household rules in the services (issue 14): each refusal names the field and says why."""

from __future__ import annotations

import pytest
from services.conftest import person

from app.services.errors import ValidationFailed
from app.services.insurance import enrol_household
from app.services.patients import register_patient, update_patient


def _family(clinician, name: str):  # type: ignore[no-untyped-def]
    head = register_patient(clinician, person(sex="male", given_name_fa="", given_name_latin=name, birth_year=1980,
                                              new_household=True, documents=[], phone=""))
    child = register_patient(clinician, person(given_name_fa="", given_name_latin=f"{name}a", birth_year=2020,
                                               phone="", household_id=head.household_id,
                                               relationship_to_head="child", documents=[]))
    return head, child


def _enrolment(head, members, **over):  # type: ignore[no-untyped-def]
    return {"household_id": head.household_id, "head_patient_id": head.patient_id,
            "member_ids": [m.patient_id for m in members], "category": "vulnerable", "payer": "unhcr",
            "enrolment_date": "2026-06-01", **over}


def _refused(call) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as info:
        call()
    return {e.field: e.message("en") for e in info.value.errors}


def test_an_untouched_enrolment_is_refused_naming_what_to_choose(clinician):  # type: ignore[no-untyped-def]
    head, child = _family(clinician, "Ahmad")
    errors = _refused(lambda: enrol_household(clinician, _enrolment(head, [head, child], category=None,
                                                                    payer=None)))
    assert errors == {"category": "Category: must be chosen.", "payer": "Payer: must be chosen."}


def test_a_household_is_not_enrolled_twice_for_overlapping_days(clinician):  # type: ignore[no-untyped-def]
    head, child = _family(clinician, "Ahmad")
    enrol_household(clinician, _enrolment(head, [head, child], confirmation_number="C-77"))
    errors = _refused(lambda: enrol_household(clinician, _enrolment(head, [head], enrolment_date="2026-11-01")))
    assert list(errors) == ["coverage_start"]
    assert "already enrolled from 2026-06-01 to 2027-05-31 (confirmation C-77)" in errors["coverage_start"]
    with pytest.raises(ValidationFailed) as info:
        enrol_household(clinician, _enrolment(head, [head], enrolment_date="2026-11-01"))
    assert "۱۴۰۵/۰۳/۱۱" in info.value.errors[0].message("fa")  # Solar Hijri dates in the Persian sentence
    # The day after the cover ends, a renewal is accepted.
    enrol_household(clinician, _enrolment(head, [head, child], enrolment_date="2026-11-01",
                                          coverage_start="2027-06-01"))


def test_members_come_from_the_enrolled_household_only(clinician):  # type: ignore[no-untyped-def]
    head, child = _family(clinician, "Ahmad")
    other_head, _ = _family(clinician, "Bashir")
    errors = _refused(lambda: enrol_household(clinician, _enrolment(head, [head, child, other_head])))
    assert list(errors) == ["members.2"]
    assert errors["members.2"].startswith("Members 3: belongs to household ")


def test_the_enrolment_head_is_the_household_head(clinician):  # type: ignore[no-untyped-def]
    head, child = _family(clinician, "Ahmad")
    errors = _refused(lambda: enrol_household(clinician, _enrolment(head, [head, child],
                                                                    head_patient_id=child.patient_id)))
    assert list(errors) == ["head_patient_id"] and "must be the head of household" in errors["head_patient_id"]


def test_one_head_per_household(clinician):  # type: ignore[no-untyped-def]
    head, child = _family(clinician, "Ahmad")
    errors = _refused(lambda: register_patient(clinician, person(
        given_name_fa="", given_name_latin="Second", phone="", documents=[], household_id=head.household_id,
        relationship_to_head="head")))
    assert list(errors) == ["relationship_to_head"] and "already has a head" in errors["relationship_to_head"]
    errors = _refused(lambda: update_patient(clinician, child.patient_id, {"relationship_to_head": "head"}))
    assert list(errors) == ["relationship_to_head"]
    update_patient(clinician, head.patient_id, {"relationship_to_head": "head"})  # the head stays the head


def test_every_rule_an_enrolment_breaks_comes_in_one_list(clinician):  # type: ignore[no-untyped-def]
    """A missing choice no longer hides the household rules (both used to need a save each); the check for a form
    with problems of its own skips the day rules when a date could not be read, and saves nothing."""
    from app.services.insurance import enrolment_check, expiring_cover

    head, child = _family(clinician, "Ahmad")
    _, stranger = _family(clinician, "Bashir")
    enrol_household(clinician, _enrolment(head, [head, child]))
    errors = _refused(lambda: enrol_household(clinician, _enrolment(head, [head, stranger], category=None,
                                                                    enrolment_date="2026-11-01")))
    assert set(errors) == {"category", "members.1", "coverage_start"}
    found = enrolment_check(clinician, _enrolment(head, [head, stranger], payer="iom", enrolment_date=None),
                            unread=frozenset({"enrolment_date"}))
    assert {e.field for e in found} == {"voucher_number", "members.1"}  # no overlap guessed from an unread date
    assert found[0].message("fa").startswith("شمارهٔ بن / کارت هدیه:")  # the field named in Persian too
    assert len(expiring_cover(clinician, within_days=800)) == 1
