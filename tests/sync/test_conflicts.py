"""Shared records merge field by field by clock stamp; the losing value goes to a conflict list a person reviews;
patient merges travel and later records follow them; clocks two years off still merge in causal order
(docs/architecture.md, guarantees 6 and 9)."""

from __future__ import annotations

import time
from pathlib import Path

from helpers import SAME_UNIT, LiveServer, enrol, facility_of, make_activity, make_laptop, patient_input
from sqlalchemy import Engine, select

from app.models import Patient
from app.server import models as m
from app.services.patients import merge_patients, update_patient
from app.services.visits import record_visit
from app.sync import status
from app.sync.client import run_sync_round

TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000


def _sync(*laps, url: str) -> None:  # type: ignore[no-untyped-def]
    for lap in laps:
        run_sync_round(lap.store, lap.ctx, url, lap.token)


def _central_patient(engine: Engine, pid: str) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(m.RECORDS["patient"]).where(m.RECORDS["patient"].c.id == pid)).mappings().one())


def _register(lap) -> str:  # type: ignore[no-untyped-def]
    from app.services.patients import register_patient

    return register_patient(lap.ctx, patient_input(1), override_reason="test").patient_id


def test_field_merge_and_conflict_list(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    for lap in (a, b):
        enrol(central, lap)
    pid = _register(a)
    _sync(a, b, url=live.url)
    update_patient(a.ctx, pid, {"phone": "09121111111", "notes": "from A"})
    update_patient(b.ctx, pid, {"phone": "09122222222"})  # later stamp: wins the phone
    _sync(a, b, a, url=live.url)
    row = _central_patient(central, pid)
    assert row["phone"] == "09122222222" and row["notes"] == "from A"  # both edits kept, field by field
    with central.connect() as conn:
        conflicts = conn.execute(select(m.conflict)).mappings().all()
    assert [(c["field"], c["lost_value"], c["kept_value"]) for c in conflicts] == [
        ("phone", "09121111111", "09122222222")]
    # The laptop sees the list, with the value that lost; a person restores it, and that travels.
    local = status.conflicts(a.store)
    assert [(c.field, c.lost_value) for c in local] == [("phone", "09121111111")]
    with a.store.read() as s:
        assert s.get(Patient, pid).phone == "09122222222"  # type: ignore[union-attr]
    status.resolve_conflict(a.ctx, local[0].id, restore_lost=True)
    _sync(a, b, url=live.url)
    assert _central_patient(central, pid)["phone"] == "09121111111"
    with central.connect() as conn:
        assert conn.execute(select(m.conflict.c.status)).scalars().all() == ["resolved"]
    with b.store.read() as s:
        assert s.get(Patient, pid).phone == "09121111111"  # type: ignore[union-attr]
    a.close(), b.close()


def test_patient_merge_travels_and_late_records_follow(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    for lap in (a, b):
        enrol(central, lap)
    keep, gone, gone2 = _register(a), _register(a), _register(a)
    fac = facility_of(a)
    early = record_visit(a.ctx, {"patient_id": gone2, "facility_id": fac, "complaint": "fever"}).visit_id
    _sync(a, b, url=live.url)
    # B merges both duplicates; meanwhile A, not yet told, records visits for them.
    merge_patients(b.ctx, keep_id=keep, merge_id=gone)
    late = record_visit(a.ctx, {"patient_id": gone, "facility_id": fac, "complaint": "cough"}).visit_id
    _sync(b, a, url=live.url)  # the merge arrives first, the visit later: re-pointed on arrival
    merge_patients(b.ctx, keep_id=keep, merge_id=gone2)
    _sync(b, url=live.url)  # the visit was already there: re-pointed when the merge arrives
    visits = m.RECORDS["visit"]
    with central.connect() as conn:
        pointed = dict(conn.execute(select(visits.c.id, visits.c.patient_id)
                                    .where(visits.c.id.in_([early, late]))).all())
    assert pointed == {early: keep, late: keep}
    assert _central_patient(central, gone)["merged_into_id"] == keep
    _sync(a, url=live.url)  # the laptop that made the visits learns of the merges and follows them locally
    from app.models import Visit

    with a.store.read() as s:
        assert {s.get(Visit, v).patient_id for v in (early, late)} == {keep}  # type: ignore[union-attr]
    a.close(), b.close()


def test_clock_two_years_off_merges_in_causal_order(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    behind = make_laptop(tmp_path, "A1", wall_ms=lambda: time.time_ns() // 1_000_000 - TWO_YEARS_MS)
    ahead = make_laptop(tmp_path, "C3", unit=SAME_UNIT, wall_ms=lambda: time.time_ns() // 1_000_000 + TWO_YEARS_MS)
    right = make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    for lap in (behind, ahead, right):
        enrol(central, lap)
    pid = _register(right)
    _sync(right, behind, ahead, url=live.url)
    # The slow laptop edits after seeing the correct one's edit: its edit is later, whatever its wall clock says.
    update_patient(right.ctx, pid, {"phone": "09123333333"})
    _sync(right, behind, url=live.url)
    update_patient(behind.ctx, pid, {"phone": "09124444444"})
    _sync(behind, url=live.url)
    assert _central_patient(central, pid)["phone"] == "09124444444"
    # The fast laptop edited first; the correct laptop saw that and edited after: the correct one's edit wins.
    update_patient(ahead.ctx, pid, {"notes": "ahead first"})
    _sync(ahead, right, url=live.url)
    update_patient(right.ctx, pid, {"notes": "right after"})
    _sync(right, ahead, url=live.url)
    row = _central_patient(central, pid)
    assert row["notes"] == "right after" and row["phone"] == "09124444444"
    with central.connect() as conn:
        assert conn.execute(select(m.conflict)).first() is None  # causal edits are not conflicts
    with ahead.store.read() as s:
        assert s.get(Patient, pid).notes == "right after"  # type: ignore[union-attr]
    for lap in (behind, ahead, right):
        lap.close()


def test_owned_corrections_newer_version_wins(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    from app.services.visits import correct_visit

    a = make_laptop(tmp_path, "A1")
    enrol(central, a)
    made = make_activity(a, 20)
    vid = made["visit"][0]
    _sync(a, url=live.url)
    correct_visit(a.ctx, vid, {"complaint": "headache"}, reason="typo")
    _sync(a, url=live.url)
    visits = m.RECORDS["visit"]
    with central.connect() as conn:
        row = conn.execute(select(visits.c.complaint, visits.c.version).where(visits.c.id == vid)).one()
    assert row.complaint == "headache" and row.version == 2
    a.close()


def test_restoring_a_lost_date_value(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    from datetime import date

    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    for lap in (a, b):
        enrol(central, lap)
    pid = _register(a)
    _sync(a, b, url=live.url)
    update_patient(a.ctx, pid, {"consent_date": "2026-02-01"})
    update_patient(b.ctx, pid, {"consent_date": "2026-03-01"})
    _sync(a, b, a, url=live.url)
    (conflict,) = status.conflicts(a.store)
    assert conflict.field == "consent_date" and conflict.lost_value == "2026-02-01"
    status.resolve_conflict(a.ctx, conflict.id, restore_lost=True)
    with a.store.read() as s:
        assert s.get(Patient, pid).consent_date == date(2026, 2, 1)  # type: ignore[union-attr]
    _sync(a, url=live.url)
    assert _central_patient(central, pid)["consent_date"] == date(2026, 2, 1)
    a.close(), b.close()


def test_each_decision_on_a_conflict_leaves_one_audit_entry_by_the_person(tmp_path: Path, central: Engine,
                                                                          live: LiveServer) -> None:
    """Restoring the lost value and keeping the merged one are both decisions on a patient's data: each is in the
    audit trail with who made it (keeping one left no trace)."""
    from app.models import AuditEntry

    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    for lap in (a, b):
        enrol(central, lap)
    pid = _register(a)
    _sync(a, b, url=live.url)
    update_patient(a.ctx, pid, {"phone": "09151111111", "notes": "first"})
    update_patient(b.ctx, pid, {"phone": "09152222222", "notes": "second"})
    _sync(a, b, a, url=live.url)
    by_field = {c.field: c for c in status.conflicts(a.store)}
    assert {"phone", "notes"} <= set(by_field)

    def entries() -> list[tuple[str, str, dict]]:
        with a.store.read() as s:
            return [(e.action, e.user_id, e.detail) for e in s.scalars(
                select(AuditEntry).where(AuditEntry.record_id == pid,
                                         AuditEntry.action.in_(("changed", "conflict_kept"))))
                    if "conflict" in (e.detail or {})]

    status.resolve_conflict(a.ctx, by_field["phone"].id, restore_lost=True)
    status.resolve_conflict(a.ctx, by_field["notes"].id, restore_lost=False)
    assert sorted(entries(), key=lambda x: x[0]) == [
        ("changed", a.ctx.user_id, {"restored_lost_value": "phone", "conflict": by_field["phone"].id}),
        ("conflict_kept", a.ctx.user_id, {"kept_value_of": "notes", "conflict": by_field["notes"].id}),
    ]
    _sync(a, url=live.url)  # the audit entries travel like any other record
    audit = m.RECORDS["audit_entry"]
    with central.connect() as conn:
        assert conn.execute(select(audit.c.action).where(audit.c.record_id == pid,
                                                         audit.c.action == "conflict_kept")).scalars().all() \
            == ["conflict_kept"]
    a.close(), b.close()
