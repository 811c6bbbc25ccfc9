"""Each audited action leaves exactly one audit entry, by the right person, that travels with sync; the trail is
append-only on the laptop; and ``audit_trail`` reads it back with people's names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from services.conftest import NOW, TODAY, person
from services_security.conftest import STAFF_PW, World, hospital
from sqlalchemy import select, update

from app.models import AuditEntry, ChangeLog, User
from app.services.audit import audit_trail
from app.services.campaigns import campaign_day_pdf, start_campaign
from app.services.chart import open_patient_chart
from app.services.context import Ctx
from app.services.errors import ValidationFailed
from app.services.immunisation import record_adverse_event, record_dose, void_dose
from app.services.insurance import enrol_household
from app.services.patients import add_document, merge_patients, register_patient, update_patient
from app.services.printing import referral_slip_pdf, roster_pdf
from app.services.referrals import record_referral_feedback, refer_patient, set_referral_status
from app.services.users import (
    add_user,
    change_own_password,
    change_role,
    deactivate_user,
    give_access,
    reset_password,
)
from app.services.visits import correct_visit, record_visit
from app.store.changes import AuditEntryImmutable, WriteOutsideTransaction


@dataclass(frozen=True)
class Audited:
    role: str  # who acts ("staff" = the second clinician, for their own password)
    action: str
    entity: str
    run: Callable[[World, Ctx], Any]
    record: Callable[[World, Any], str]  # which record the entry must name, from the world and the call's result
    before: Callable[[World], Any] | None = None


def _staff(w: World) -> Ctx:
    return Ctx(w.store, w.staff_id, "clinician", unit_id=w.clinician.unit_id, facility_id=w.clinician.facility_id,
               clock=w.clinician.clock)


CASES: dict[str, Audited] = {
    "register": Audited("clinician", "created", "patient",
                        lambda w, c: register_patient(c, person(given_name_fa="نرگس", given_name_latin="Narges",
                                                                documents=[])),
                        lambda w, r: r.patient_id),
    "update": Audited("clinician", "changed", "patient",
                      lambda w, c: update_patient(c, w.patient_id, {"phone": "0915 765 4321"}),
                      lambda w, r: w.patient_id),
    "correct visit": Audited("clinician", "changed", "visit",
                             lambda w, c: correct_visit(c, w.visit_id, {"complaint": "chest pain on effort"},
                                                        reason="note incomplete"),
                             lambda w, r: w.visit_id),
    "open chart": Audited("clinician", "viewed", "patient", lambda w, c: open_patient_chart(c, w.patient_id),
                          lambda w, r: w.patient_id),
    "print slip": Audited("clinician", "printed", "referral", lambda w, c: referral_slip_pdf(c, w.referral_id),
                          lambda w, r: w.referral_id),
    "reprint slip": Audited("clinician", "printed", "referral", lambda w, c: referral_slip_pdf(c, w.referral_id),
                            lambda w, r: w.referral_id,
                            before=lambda w: referral_slip_pdf(w.clinician, w.referral_id)),
    "print roster": Audited("coordinator", "printed", "roster_day",
                            lambda w, c: roster_pdf(c, TODAY, w.clinician.facility_id),  # type: ignore[arg-type]
                            lambda w, r: _roster_id(w)),
    "merge": Audited("clinician", "merged", "patient",
                     lambda w, c: merge_patients(c, keep_id=w.patient_id, merge_id=w.other_id),
                     lambda w, r: w.patient_id),
    "refer": Audited("clinician", "created", "referral",
                     lambda w, c: refer_patient(c, {"visit_id": w.visit_id, "to_facility_id": hospital(w.store),
                                                    "department": "internal_medicine", "reason": "second opinion"}),
                     lambda w, r: r.referral_id),
    "enrol": Audited("coordinator", "created", "enrolment",
                     lambda w, c: enrol_household(c, {"household_id": w.household_id, "head_patient_id": w.patient_id,
                                                      "member_ids": [w.patient_id], "category": "vulnerable",
                                                      "payer": "unhcr", "enrolment_date": TODAY}),
                     lambda w, r: r),
    # Issue #12, hole 8: these left no entry.
    "record visit": Audited("clinician", "created", "visit",
                            lambda w, c: record_visit(c, {"patient_id": w.patient_id, "complaint": "fever"}),
                            lambda w, r: r.visit_id),
    "add document": Audited("clinician", "changed", "patient",
                            lambda w, c: add_document(c, w.patient_id, {"doc_type": "passport", "number": "X123"}),
                            lambda w, r: w.patient_id),
    "referral status": Audited("clinician", "changed", "referral",
                               lambda w, c: set_referral_status(c, w.referral_id, "arrived"),
                               lambda w, r: w.referral_id),
    "referral feedback": Audited("clinician", "changed", "referral",
                                 lambda w, c: record_referral_feedback(c, w.referral_id, {
                                     "date_seen": TODAY, "findings": "seen", "outcome": "treated"}),
                                 lambda w, r: w.referral_id),
    "add user": Audited("unit_admin", "created", "user_account",
                        lambda w, c: add_user(c, w.site.keystore, w.site.db_key, username="new.nurse",
                                              full_name_en="New Nurse", role="clinician", password="nurse-pass-1"),
                        lambda w, r: r),
    "reset password": Audited("unit_admin", "changed", "user_account",
                              lambda w, c: reset_password(c, w.site.keystore, w.site.db_key, user_id=w.staff_id,
                                                          new_password="fresh-pass-1"),
                              lambda w, r: w.staff_id),
    "change role": Audited("unit_admin", "changed", "user_account",
                           lambda w, c: change_role(c, w.site.keystore, w.site.db_key, user_id=w.staff_id,
                                                    role="coordinator"),
                           lambda w, r: w.staff_id),
    "deactivate user": Audited("unit_admin", "changed", "user_account",
                               lambda w, c: deactivate_user(c, w.site.keystore, user_id=w.staff_id),
                               lambda w, r: w.staff_id),
    "give access": Audited("unit_admin", "changed", "user_account",
                           lambda w, c: give_access(c, w.site.keystore, w.site.db_key, user_id=w.hq.user_id,
                                                    password="hq-pass-12"),
                           lambda w, r: w.hq.user_id),
    # Issue 18: a dose recorded, a dose voided as entered in error (the one correction a dose has: records are
    # never edited), an adverse event following immunisation, a campaign day report printed.
    "record dose": Audited("clinician", "created", "immunisation_dose",
                           lambda w, c: record_dose(c, _dose(w.other_id)), lambda w, r: r.dose_id),
    "void dose": Audited("clinician", "voided", "immunisation_dose",
                         lambda w, c: void_dose(c, _dose_id(w), reason="entered on the wrong child"),
                         lambda w, r: _dose_id(w), before=lambda w: record_dose(w.clinician, _dose(w.other_id))),
    "adverse event": Audited("clinician", "created", "adverse_event",
                             lambda w, c: record_adverse_event(c, {
                                 "patient_id": w.other_id, "dose_id": _dose_id(w), "vaccine": "mmr",
                                 "onset_date": TODAY, "reaction": "fever 39.4 and rash on the arm"}),
                             lambda w, r: r, before=lambda w: record_dose(w.clinician, _dose(w.other_id))),
    "print campaign day": Audited("coordinator", "printed", "campaign_day",
                                  lambda w, c: campaign_day_pdf(c, _campaign(w), day=TODAY),
                                  lambda w, r: _campaign(w), before=lambda w: _start_campaign(w)),
    "change own password": Audited("staff", "changed", "user_account",
                                   lambda w, c: change_own_password(c, w.site.keystore, old_password=STAFF_PW,
                                                                    new_password="my-new-pass-1"),
                                   lambda w, r: w.staff_id),
}


def _dose(patient_id: str) -> dict[str, Any]:
    return {"patient_id": patient_id, "vaccine": "mmr", "given_on": TODAY, "batch": "MM-5521",
            "expiry": "2027-06-30", "site": "right_arm"}


def _dose_id(w: World) -> str:
    from app.models import ImmunisationDose

    with w.store.read() as s:
        return s.scalars(select(ImmunisationDose.id)).one()


def _start_campaign(w: World) -> str:
    return start_campaign(w.coordinator, {"code": "MR-R1", "name": "MR round 1", "vaccine": "mr",
                                          "start_date": TODAY, "end_date": TODAY, "min_age_months": 9,
                                          "max_age_months": 179})


def _campaign(w: World) -> str:
    from app.models import Campaign

    with w.store.read() as s:
        return s.scalars(select(Campaign.id)).one()


def _roster_id(w: World) -> str:
    from app.models import RosterDay

    with w.store.read() as s:
        return s.scalars(select(RosterDay.id)).one()


def _entries(w: World) -> dict[str, AuditEntry]:
    with w.store.read() as s:
        return {e.id: e for e in s.scalars(select(AuditEntry))}


@pytest.mark.parametrize("name", list(CASES))
def test_each_audited_action_leaves_exactly_one_entry_by_the_actor(world: World, name: str) -> None:
    case = CASES[name]
    if case.before is not None:
        case.before(world)
    ctx = _staff(world) if case.role == "staff" else world.ctx(case.role)
    before = _entries(world)
    started = datetime.now(timezone.utc)
    result = case.run(world, ctx)
    finished = datetime.now(timezone.utc)
    new = [e for i, e in _entries(world).items() if i not in before]
    assert len(new) == 1, [(e.action, e.entity) for e in new]
    entry = new[0]
    assert (entry.action, entry.entity, entry.record_id) == (case.action, case.entity, case.record(world, result))
    assert entry.user_id == ctx.user_id and entry.created_by == ctx.user_id  # who
    assert started - timedelta(seconds=1) <= entry.created_at <= finished + timedelta(seconds=1)  # when
    if name == "reprint slip":
        assert entry.detail["reprint"] == 1
    assert "password" not in str(entry.detail).replace("password_reset", "").replace("own_password", "")
    with world.store.read() as s:  # it travels: queued in the change log like any record
        queued = s.scalars(select(ChangeLog).where(ChangeLog.record_id == entry.id)).all()
    assert [(c.entity, c.op, c.user_id) for c in queued] == [("audit_entry", "insert", ctx.user_id)]


def test_audit_trail_names_the_people_and_filters(world: World) -> None:
    open_patient_chart(world.clinician, world.patient_id)
    referral_slip_pdf(world.clinician, world.referral_id)
    rows = audit_trail(world.admin, record_id=world.patient_id)
    assert [r.action for r in rows][:1] == ["viewed"]  # newest first
    assert {r.action for r in rows} == {"created", "viewed"}
    with world.store.read() as s:
        clin = s.get(User, world.clinician.user_id)
    assert clin is not None
    viewed = audit_trail(world.admin, action="viewed", user_id=world.clinician.user_id)
    assert len(viewed) == 1 and viewed[0].user_name == clin.full_name_en and viewed[0].username == clin.username
    assert viewed[0].record_id == world.patient_id and viewed[0].entity == "patient"
    hq_fa = Ctx(world.store, world.hq.user_id, "headquarters", lang="fa")
    printed = audit_trail(hq_fa, entity="referral", action="printed")
    assert len(printed) == 1 and printed[0].user_name == (clin.full_name_fa or clin.full_name_en)
    assert audit_trail(world.admin, since=NOW.replace(year=2100)) == []
    assert len(audit_trail(world.admin, since=world.clinician.now() - timedelta(days=3650))) == \
        len(audit_trail(world.admin))
    assert len(audit_trail(world.admin, limit=2)) == 2
    with pytest.raises(ValidationFailed):
        audit_trail(world.admin, action="deleted")
    with pytest.raises(ValidationFailed):
        audit_trail(world.admin, limit=0)


def _first_entry(world: World) -> str:
    with world.store.read() as s:
        return s.scalars(select(AuditEntry.id)).first()  # type: ignore[return-value]


@pytest.mark.parametrize("change", [{"action": "viewed"}, {"user_id": "someone-else"}, {"deleted": True},
                                    {"detail": {"reason": "rewritten"}}])
def test_audit_entries_cannot_be_changed_on_the_laptop(world: World, change: dict[str, Any]) -> None:
    entry_id = _first_entry(world)
    with world.store.read() as s:
        before = s.get(AuditEntry, entry_id)
        assert before is not None
        snapshot = (before.action, before.user_id, before.deleted, before.detail, before.version)
    with pytest.raises(AuditEntryImmutable):
        with world.store.write(world.clinician.user_id) as s:
            entry = s.get(AuditEntry, entry_id)
            for key, value in change.items():
                setattr(entry, key, value)
    with world.store.read() as s:
        after = s.get(AuditEntry, entry_id)
        assert after is not None
        assert (after.action, after.user_id, after.deleted, after.detail, after.version) == snapshot


def test_audit_entries_cannot_be_updated_or_deleted_by_statement_or_delete(world: World) -> None:
    entry_id = _first_entry(world)
    with pytest.raises(AuditEntryImmutable):
        with world.store.write(world.clinician.user_id) as s:
            s.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(action="viewed"))
    with pytest.raises(WriteOutsideTransaction):
        with world.store.write(world.clinician.user_id) as s:
            s.delete(s.get(AuditEntry, entry_id))
    with world.store.read() as s:
        assert s.get(AuditEntry, entry_id) is not None


def test_appending_still_works_next_to_an_untouched_entry(world: World) -> None:
    entry_id = _first_entry(world)
    with world.store.write(world.clinician.user_id) as s:
        s.get(AuditEntry, entry_id)  # loaded, not changed: not refused
        s.add(AuditEntry(user_id=world.clinician.user_id, action="exported", entity="patient",
                         record_id=world.patient_id))
    assert audit_trail(world.admin, action="exported")[0].record_id == world.patient_id


def test_immunisation_entries_and_logs_carry_no_patient_data(world: World, caplog: pytest.LogCaptureFixture) -> None:
    """What a dose, its voiding and an adverse event leave in the audit trail names who, when and which record,
    nothing of the child (names, birth date, the reaction typed, the batch); and nothing of it reaches the logs."""
    import logging

    from app.models import Patient

    with world.store.read() as s:
        child = s.get(Patient, world.other_id)
        assert child is not None
        private = [child.given_name_fa, child.given_name_latin, child.father_name_latin, child.father_name_fa]
    private += ["fever 39.4 and rash", "MM-5521", "entered on the wrong child"]
    before = _entries(world)
    with caplog.at_level(logging.DEBUG):
        done = record_dose(world.clinician, _dose(world.other_id))
        record_adverse_event(world.clinician, {"patient_id": world.other_id, "dose_id": done.dose_id,
                                               "vaccine": "mmr", "onset_date": TODAY,
                                               "reaction": "fever 39.4 and rash on the arm"})
        void_dose(world.clinician, done.dose_id, reason="entered on the wrong child")
    new = [e for i, e in _entries(world).items() if i not in before]
    assert sorted((e.action, e.entity) for e in new) == [
        ("created", "adverse_event"), ("created", "immunisation_dose"), ("voided", "immunisation_dose")]
    for e in new:
        assert e.user_id == world.clinician.user_id and e.created_at is not None
        assert e.record_id != world.other_id  # the dose or the event, not the child
        assert not any(p and p in str(e.detail) for p in private), e.detail
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(p and p in logged for p in private), logged
