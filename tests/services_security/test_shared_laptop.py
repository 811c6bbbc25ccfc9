"""Several people on one laptop: every record is attributed to whoever was signed in when it was made, and
switching user (``context_for`` on the same open store, or signing out and in) never loses queued changes."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEntry, ChangeLog, Patient, Visit
from app.services.context import Ctx
from app.services.patients import register_patient
from app.services.site import SiteSession, context_for, sign_in
from app.services.users import add_user
from app.services.visits import record_visit

from services.conftest import NOW, make_ctx, person


def _as(ctx: Ctx, facility_id: str | None) -> Ctx:
    # The same person with the test clock (so dates are stable) and the facility of the day.
    return Ctx(ctx.store, ctx.user_id, ctx.role, unit_id=ctx.unit_id, facility_id=facility_id, lang=ctx.lang,
               clock=lambda: NOW)


def _queue(store) -> list[tuple[int, str, str, str | None]]:  # type: ignore[no-untyped-def]
    with store.read() as s:
        return [(c.seq, c.entity, c.record_id, c.user_id)
                for c in s.scalars(select(ChangeLog).where(ChangeLog.state == "queued").order_by(ChangeLog.seq))]


def test_two_users_share_one_store(site: SiteSession) -> None:
    folder = site.store.path.parent
    facility = make_ctx(site.store, "clinician").facility_id
    ids = {name: add_user(site.ctx, site.keystore, site.db_key, username=name, full_name_en=name.title(),
                          role="clinician", password=f"{name}-pass-1") for name in ("maryam", "farid")}
    site.store.close()

    # Maryam signs in and starts her day.
    session = sign_in(folder, "maryam", "maryam-pass-1", facility_id=facility)
    maryam = _as(session.ctx, facility)
    a = register_patient(maryam, person(given_name_fa="سمیه", given_name_latin="Somaya", documents=[]))
    va = record_visit(maryam, {"patient_id": a.patient_id, "complaint": "cough"})
    queued_by_maryam = _queue(session.store)

    # Farid takes over the same laptop without closing anything (the switch-user screen checks his password).
    assert site.keystore.unlock("farid", "farid-pass-1").user_id == ids["farid"]
    farid = _as(context_for(session.store, ids["farid"], facility_id=facility), facility)
    assert (farid.user_id, farid.role) == (ids["farid"], "clinician")
    b = register_patient(farid, person(given_name_fa="نجیب", given_name_latin="Najib", sex="male", documents=[]))
    vb = record_visit(farid, {"patient_id": a.patient_id, "complaint": "follow-up of cough"})
    assert _queue(session.store)[:len(queued_by_maryam)] == queued_by_maryam  # her queued work is untouched

    # And back to Maryam, who finishes her note.
    maryam = _as(context_for(session.store, ids["maryam"], facility_id=facility), facility)
    vc = record_visit(maryam, {"patient_id": b.patient_id, "complaint": "headache"})
    session.store.close()

    # After signing out and in again (Farid, from a fresh start) everything is still queued and attributed.
    again = sign_in(folder, "farid", "farid-pass-1")
    try:
        with again.store.read() as s:
            assert s.get(Patient, a.patient_id).created_by == ids["maryam"]  # type: ignore[union-attr]
            assert s.get(Patient, b.patient_id).created_by == ids["farid"]  # type: ignore[union-attr]
            for visit_id, who in ((va.visit_id, "maryam"), (vb.visit_id, "farid"), (vc.visit_id, "maryam")):
                v = s.get(Visit, visit_id)
                assert v is not None and v.clinician_id == ids[who] and v.created_by == ids[who]
            audits = {(e.record_id, e.user_id) for e in s.scalars(select(AuditEntry).where(
                AuditEntry.action == "created", AuditEntry.entity == "patient"))}
            assert audits == {(a.patient_id, ids["maryam"]), (b.patient_id, ids["farid"])}
        queue = _queue(again.store)
        assert queue[:len(queued_by_maryam)] == queued_by_maryam
        seqs = [q[0] for q in queue]
        assert seqs == sorted(set(seqs))  # one growing sequence across users: none lost, none reused
        by_record = {(entity, rid): uid for _, entity, rid, uid in queue}
        assert by_record[("visit", va.visit_id)] == ids["maryam"]
        assert by_record[("visit", vb.visit_id)] == ids["farid"]
        assert by_record[("visit", vc.visit_id)] == ids["maryam"]
        assert by_record[("patient", b.patient_id)] == ids["farid"]
    finally:
        again.store.close()
