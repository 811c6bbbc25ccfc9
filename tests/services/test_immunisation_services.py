from __future__ import annotations

from datetime import date

import pytest
from services.conftest import TODAY, person
from sqlalchemy import select

from app.models import ChangeLog, ImmunisationDose, ImmunisationDue
from app.services.campaigns import TallyKey, campaign_report, start_campaign, tally_child
from app.services.errors import PermissionDenied, ValidationFailed
from app.services.immunisation import due_list, immunisation_status, record_adverse_event, record_dose, void_dose
from app.services.patients import register_patient
from app.services.visits import record_visit


def child(ctx, born: str, **over):
    d = date.fromisoformat(born)
    fields = {"given_name_fa": "مینا", "given_name_latin": "Mina", **over}
    return register_patient(ctx, person(date_of_birth=born, birth_year=d.year, birth_estimated=False, documents=[],
                                        phone="", **fields)).patient_id


def given_here(pid, vaccine, on, site="left_thigh", **over):
    return {"patient_id": pid, "vaccine": vaccine, "given_on": on, "batch": "B123", "expiry": "2027-06-30",
            "site": site, **over}


def test_recording_doses_updates_status_and_logs_each_change(clinician, store):
    pid = child(clinician, "2026-09-20")
    view = immunisation_status(clinician, pid)
    assert {g.vaccine for g in view.status.give_today} == {"penta", "opv", "bcg"}
    done = record_dose(clinician, given_here(pid, "penta", "2026-11-28"))
    record_dose(clinician, given_here(pid, "opv", "2026-11-28", site="oral"))
    record_dose(clinician, {"patient_id": pid, "vaccine": "bcg", "source": "card", "given_on": "2026-09-21",
                            "place": "abroad", "country": "Afghanistan"})
    view = immunisation_status(clinician, pid)
    assert view.status.give_today == [] and view.status.overall == "up_to_date"
    assert len(view.doses) == 3
    with store.read() as s:
        d = s.get(ImmunisationDose, done.dose_id)
        assert (d.given_by, d.place, d.facility_id) == (clinician.user_id, "unit", clinician.facility_id)
        assert s.scalars(select(ChangeLog).where(ChangeLog.entity == "immunisation_dose")).all()


def test_dose_validation_names_each_field(clinician):
    pid = child(clinician, "2026-01-01")
    with pytest.raises(ValidationFailed) as info:
        record_dose(clinician, {"patient_id": pid, "vaccine": "penta", "given_on": "2026-11-28", "expiry": "2026-11-01",
                                "site": "oral"})
    assert {e.field for e in info.value.errors} == {"batch", "expiry", "site"}
    assert "expired" in info.value.message("en")
    with pytest.raises(ValidationFailed) as info:
        record_dose(clinician, {"patient_id": pid, "vaccine": "smallpox", "source": "card", "place": "abroad"})
    assert {e.field for e in info.value.errors} == {"vaccine", "given_on", "country"}
    assert "کشور" in info.value.message("fa")
    with pytest.raises(ValidationFailed):
        record_dose(clinician, given_here(pid, "penta", "2025-12-01"))  # before birth
    # The caregiver's word without a date is accepted.
    record_dose(clinician, {"patient_id": pid, "vaccine": "bcg", "source": "reported", "place": "abroad",
                            "country": "Afghanistan"})


def test_void_keeps_a_tombstone(clinician, store):
    pid = child(clinician, "2026-01-01")
    done = record_dose(clinician, given_here(pid, "penta", "2026-11-28"))
    with pytest.raises(ValidationFailed):
        void_dose(clinician, done.dose_id, reason=" ")
    void_dose(clinician, done.dose_id, reason="wrong child")
    assert immunisation_status(clinician, pid).doses == []
    with store.read() as s:
        assert s.get(ImmunisationDose, done.dose_id).deleted


def test_due_list_by_facility_and_defaulters(clinician, coordinator, store):
    late = child(clinician, "2025-01-01")  # nothing given: overdue for everything
    fresh = child(clinician, "2026-11-01", given_name_latin="Sara", given_name_fa="سارا")  # birth doses due
    for pid in (late, fresh):
        record_visit(clinician, {"patient_id": pid, "complaint": "check-up"})
    elsewhere = child(clinician, "2025-02-01", given_name_latin="Nadia", given_name_fa="نادیا")  # never seen here
    with store.read() as s:
        assert s.scalars(select(ImmunisationDue.patient_id).where(ImmunisationDue.facility_id == "")).all() == [
            elsewhere] * len(s.scalars(select(ImmunisationDue).where(ImmunisationDue.patient_id == elsewhere)).all())
    listed = due_list(coordinator, facility_id=clinician.facility_id, on=TODAY)
    assert [c.patient_id for c in listed] == [late, fresh]
    assert listed[0].overdue and not listed[1].overdue
    assert {v for _, _, v, _ in listed[0].doses} >= {"penta", "opv", "mmr", "bcg"}
    assert [c.patient_id for c in due_list(coordinator, facility_id=clinician.facility_id,
                                           defaulters_only=True)] == [late]
    # Giving the doses takes the child off the list for today.
    for v, site in (("penta", "left_thigh"), ("opv", "oral"), ("bcg", "left_arm"), ("ipv", "right_thigh"),
                    ("mmr", "right_arm")):
        record_dose(clinician, given_here(late, v, "2026-11-28", site=site))
    assert [c.patient_id for c in due_list(coordinator, facility_id=clinician.facility_id)] == [fresh]
    # The child seen at no facility yet is on the unit's "not seen at a facility" list, due and defaulting.
    from app.services.immunisation import NOT_SEEN, due_count

    assert [c.patient_id for c in due_list(coordinator, facility_id=NOT_SEEN, on=TODAY)] == [elsewhere]
    assert due_count(coordinator, facility_id=NOT_SEEN, defaulters_only=True) == 1
    assert due_list(coordinator, facility_id=NOT_SEEN, defaulters_only=True)[0].overdue


def test_adverse_event(clinician):
    pid = child(clinician, "2026-01-01")
    done = record_dose(clinician, given_here(pid, "penta", "2026-11-20"))
    with pytest.raises(ValidationFailed):
        record_adverse_event(clinician, {"patient_id": pid, "dose_id": done.dose_id, "vaccine": "penta",
                                         "onset_date": "2026-11-19", "reaction": "fever"})
    assert record_adverse_event(clinician, {"patient_id": pid, "dose_id": done.dose_id, "vaccine": "penta",
                                            "onset_date": "2026-11-21", "reaction": "fever 39.5", "serious": False})


def test_campaign_tally_counts_children_without_registering_them(clinician, coordinator):
    cid = start_campaign(coordinator, {"code": "polio-2026-r2", "name": "Polio round 2, Dogharoun", "vaccine": "bopv",
                                       "start_date": "2026-11-25", "end_date": "2026-11-30", "site": "Dogharoun"})
    girl = TallyKey(age_band="12-59m", sex="female")
    assert [tally_child(coordinator, campaign_id=cid, key=girl) for _ in range(3)] == [1, 2, 3]
    assert tally_child(coordinator, campaign_id=cid, key=girl, delta=-1) == 2
    tally_child(clinician, campaign_id=cid, key=TallyKey(age_band="0-11m", sex="male", zero_dose=True))
    tally_child(clinician, campaign_id=cid, key=TallyKey(age_band="12-59m", sex="male", outcome="refused"))
    report = campaign_report(coordinator, cid, day=TODAY)
    assert report.by_outcome == {"vaccinated": 3, "refused": 1} and report.zero_dose == 1
    assert report.cells[("12-59m", "female", "vaccinated")] == 2
    with pytest.raises(ValidationFailed):
        start_campaign(coordinator, {"code": "x", "name": "x", "vaccine": "bopv", "start_date": "2026-11-25",
                                     "end_date": "2026-11-01"})
    late = start_campaign(coordinator, {"code": "mr", "name": "MR", "vaccine": "mr", "start_date": "2026-12-01",
                                        "end_date": "2026-12-05"})
    with pytest.raises(ValidationFailed):
        tally_child(coordinator, campaign_id=late, key=girl)


def test_roles(coordinator, clinician):
    pid = child(clinician, "2026-01-01")
    with pytest.raises(PermissionDenied):
        record_dose(coordinator, given_here(pid, "penta", "2026-11-28"))


def test_campaign_target_ages_are_enforced(clinician, coordinator):
    """A polio round for children under 5 (0-59 months) counts no child of 5-14 years, refused with a sentence that
    names the campaign's ages; a dose recorded for the campaign checks the child's age on the day."""
    cid = start_campaign(coordinator, {"code": "polio-r3", "name": "Polio round 3", "vaccine": "bopv",
                                       "start_date": "2026-11-25", "end_date": "2026-11-30"})
    for outcome in ("vaccinated", "refused"):
        with pytest.raises(ValidationFailed) as info:
            tally_child(coordinator, campaign_id=cid, key=TallyKey(age_band="5-14y", sex="female", outcome=outcome))
        assert "0 to 59 months" in info.value.message("en") and "5-14" in info.value.message("en")
        assert "۵۹" in info.value.message("fa")
    assert campaign_report(coordinator, cid, day=TODAY).by_outcome == {}
    measles = start_campaign(coordinator, {"code": "mr-r1", "name": "MR catch-up", "vaccine": "mr",
                                           "start_date": "2026-11-25", "end_date": "2026-11-30",
                                           "min_age_months": 60, "max_age_months": 179})
    with pytest.raises(ValidationFailed):
        tally_child(coordinator, campaign_id=measles, key=TallyKey(age_band="12-59m", sex="male"))
    assert tally_child(coordinator, campaign_id=measles, key=TallyKey(age_band="5-14y", sex="male")) == 1
    # Doses given in the round: the child's age on the day decides.
    baby, old = child(clinician, "2026-05-01"), child(clinician, "2018-01-01", given_name_latin="Omid")
    done = record_dose(clinician, given_here(baby, "bopv", "2026-11-28", site="oral", campaign_id=cid))
    with pytest.raises(ValidationFailed) as info:
        record_dose(clinician, given_here(old, "bopv", "2026-11-28", site="oral", campaign_id=cid))
    assert info.value.errors[0].field == "campaign_id" and "0 to 59 months" in info.value.message("en")
    with pytest.raises(ValidationFailed) as info:
        record_dose(clinician, given_here(baby, "penta", "2026-11-28", campaign_id=cid))
    assert "the campaign gives" in info.value.message("en")
    with clinician.read() as s:
        assert s.get(ImmunisationDose, done.dose_id).campaign_id == cid


def test_due_table_moves_with_the_calendar(clinician, coordinator, store):
    """Rows are computed on the day of a write; when a dose's last day passes (the hepatitis B birth dose after a
    week) the refresh on opening or at a change of date puts the series' next dose in its place."""
    from datetime import timedelta

    from app.services.immunisation import refresh_due_table
    from app.store.immunisation_due import refresh_due

    born = date(2026, 9, 1)
    pid = child(clinician, born.isoformat())
    with store.write(None) as s:
        refresh_due(s.connection(), [pid], today=born)  # as the table stood on the day she was born

    def rows():
        with store.read() as s:
            return {r.series: (r.slot, r.until_date) for r in s.scalars(
                select(ImmunisationDue).where(ImmunisationDue.patient_id == pid))}
    assert rows()["hepb"] == (1, born + timedelta(days=8))
    from app.services.immunisation import NOT_SEEN

    assert not any(c.patient_id == pid and any(d[0] == "hepb" for d in c.doses)
                   for c in due_list(coordinator, facility_id=NOT_SEEN))  # the birth dose is gone, nothing after it
    later = clinician  # its clock says 2026-11-28
    assert refresh_due_table(later) == 1
    assert rows()["hepb"][0] == 2 and rows()["opv"][0] == 2
    assert all(until > date(2026, 11, 28) for _, until in rows().values())
    assert refresh_due_table(later) == 0  # nothing more to move today
    listed = due_list(coordinator, facility_id=NOT_SEEN, on=date(2026, 11, 28))
    assert any(series == "hepb" and slot == 2 for c in listed if c.patient_id == pid for series, slot, _, _ in c.doses)


def test_a_laptop_file_from_before_schedule_version_2_has_its_due_table_rebuilt(tmp_path):
    """The due table is derived from the schedule: a file last written under schedule version 1 (revision 0015) is
    recomputed by the upgrade, so the lists do not keep version 1's dates until each child is touched."""
    import secrets

    from services.conftest import make_ctx

    from app.services.reference import seed_reference
    from app.store import Store

    path, key = tmp_path / "laptop.db", secrets.token_bytes(32)
    store = Store.open(path, key, device_code="ZAH1")
    seed_reference(store, unit_code="MHU-ZAH")
    pid = child(make_ctx(store, "clinician"), "2026-05-01")
    with store.write(None) as s:
        # As a file of revision 0015 is: later revisions' columns are not there yet (0017's grant anchor).
        for sql in ("DELETE FROM immunisation_due", "DELETE FROM immunisation_child",
                    "ALTER TABLE sync_identity DROP COLUMN grant_cert",
                    "ALTER TABLE sync_identity DROP COLUMN grant_public",
                    "UPDATE alembic_version SET version_num = '0015'"):
            s.connection().exec_driver_sql(sql)
    store.close()
    again = Store.open(path, key)
    try:
        assert again.schema_status == "upgraded"
        with again.read() as s:
            series = set(s.scalars(select(ImmunisationDue.series).where(ImmunisationDue.patient_id == pid)))
            children = s.connection().exec_driver_sql("SELECT COUNT(*) FROM immunisation_child").scalar()
        assert {"dtp", "hepb", "hib", "opv", "mmr"} <= series and children == 1
    finally:
        again.close()
