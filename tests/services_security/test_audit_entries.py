"""Each audited action leaves exactly one audit entry, by the right person, that travels with sync; the trail is
append-only on the laptop; and ``audit_trail`` reads it back with people's names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from app.models import AuditEntry, ChangeLog, User
from app.services.audit import audit_trail
from app.services.chart import open_patient_chart
from app.services.context import Ctx
from app.services.errors import ValidationFailed
from app.services.insurance import enrol_household
from app.services.patients import add_document, merge_patients, register_patient, update_patient
from app.services.printing import referral_slip_pdf, roster_pdf
from app.services.referrals import record_referral_feedback, refer_patient, set_referral_status
from app.services.users import (
    add_user, change_own_password, change_role, deactivate_user, give_access, reset_password,
)
from app.services.visits import correct_visit, record_visit
from app.store.changes import AuditEntryImmutable, WriteOutsideTransaction

from services.conftest import NOW, TODAY, person
from services_security.conftest import STAFF_PW, World, hospital


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
    "change own password": Audited("staff", "changed", "user_account",
                                   lambda w, c: change_own_password(c, w.site.keystore, old_password=STAFF_PW,
                                                                    new_password="my-new-pass-1"),
                                   lambda w, r: w.staff_id),
}


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
    result = case.run(world, ctx)
    new = [e for i, e in _entries(world).items() if i not in before]
    assert len(new) == 1, [(e.action, e.entity) for e in new]
    entry = new[0]
    assert (entry.action, entry.entity, entry.record_id) == (case.action, case.entity, case.record(world, result))
    assert entry.user_id == ctx.user_id and entry.created_by == ctx.user_id
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
