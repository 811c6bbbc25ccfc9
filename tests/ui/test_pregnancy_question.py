"""Issue 14: the visit form asked whether a 6-year-old girl was pregnant (it asked every female). It now asks only
a female of reproductive age (10 to 55 on the visit's day, app.core.birth.PREGNANCY_AGES), from the date of birth
(estimated or not) or the birth year; the service refuses a pregnancy outside those ages."""

from __future__ import annotations

from datetime import date

import pytest
from ui_helpers import chart_ready, new_visit_by_keys

from app.core.birth import may_be_pregnant
from app.services.errors import ValidationFailed
from app.services.patients import register_patient
from app.services.visits import record_visit

TODAY = date.today()


def _girl(main, **birth) -> str:  # type: ignore[no-untyped-def]
    return register_patient(main.ctx, {"given_name_latin": "Sara", "father_name_latin": "Nabi", "sex": "female",
                                       "nationality": "afghan", "legal_status": "amayesh",
                                       "consent_date": TODAY.isoformat(), **birth}).patient_id


def _new_visit(qtbot, main, pid: str):  # type: ignore[no-untyped-def]
    chart_ready(qtbot, main, pid)
    return new_visit_by_keys(qtbot, main)


def test_no_pregnancy_question_for_a_six_year_old_girl(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    six = _girl(main, date_of_birth=TODAY.replace(year=TODAY.year - 6, day=1).isoformat(), birth_estimated=True)
    visit = _new_visit(qtbot, main, six)
    assert not visit.pregnant.isVisibleTo(visit) and not visit.extras.weeks.isVisibleTo(visit)
    with pytest.raises(ValidationFailed) as info:
        record_visit(main.ctx, {"patient_id": six, "complaint": "cough", "pregnant": True})
    assert info.value.errors[0].field == "pregnant"
    # A girl of 14 known by her birth year alone is asked (adolescent pregnancies are seen here), as is a woman.
    fourteen = _girl(main, birth_year=TODAY.year - 14)
    visit = _new_visit(qtbot, main, fourteen)
    assert visit.pregnant.isVisibleTo(visit) and visit.extras.weeks.isVisibleTo(visit)


def test_the_rule_at_its_edges_and_when_the_birth_is_unknown() -> None:
    on = date(2026, 12, 2)
    assert not may_be_pregnant("female", date_of_birth=date(2020, 12, 2), birth_year=2020, on=on)  # 6
    assert not may_be_pregnant("female", date_of_birth=date(2016, 12, 3), birth_year=2016, on=on)  # 9, a day short
    assert may_be_pregnant("female", date_of_birth=date(2016, 12, 2), birth_year=2016, on=on)  # 10 today
    assert may_be_pregnant("female", date_of_birth=date(1971, 12, 3), birth_year=1971, on=on)  # 55
    assert not may_be_pregnant("female", date_of_birth=date(1970, 12, 2), birth_year=1970, on=on)  # 56
    # A birth year alone: 9 or 10 this year, so asked; 5 or 6, not.
    assert may_be_pregnant("female", date_of_birth=None, birth_year=2016, on=on)
    assert not may_be_pregnant("female", date_of_birth=None, birth_year=2020, on=on)
    # Nothing known of the birth: asked, since hiding it could lose a real pregnancy.
    assert may_be_pregnant("female", date_of_birth=None, birth_year=None, on=on)
    assert not may_be_pregnant("male", date_of_birth=None, birth_year=None, on=on)
