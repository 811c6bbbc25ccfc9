"""Issue 11 (size): acknowledged change-log entries keep what idempotency, the audit and a restore need, packed;
unacknowledged ones keep the record's whole state; merge bases exist only while a record has unacknowledged
entries; the file gives the freed pages back; a laptop restored from a backup taken after packing recovers under a
new epoch and converges. Real laptops (SQLCipher files), the real server on a loopback port, real sync rounds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import (
    LAPTOP_KEY,
    Laptop,
    LiveServer,
    count_entries,
    enrol,
    facility_of,
    make_activity,
    make_laptop,
    patient_input,
)
from sqlalchemy import Engine, func, select

from app.models import ChangeLog, ChangeLogArchive, Patient, SyncBase, Visit
from app.services.patients import register_patient
from app.services.visits import record_visit
from app.store import Store
from app.sync import identity, outbox, status
from app.sync.client import run_sync_round


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "ARCHIVE_BLOCK", 8)


def _sync(lap: Laptop, live: LiveServer) -> None:
    run_sync_round(lap.store, lap.ctx, live.url, lap.token)


def _reopen(lap: Laptop, path: Path) -> Laptop:
    store = Store.open(path, LAPTOP_KEY)
    ctx = type(lap.ctx)(store, lap.ctx.user_id, "clinician", unit_id=store.device.unit_id)
    return Laptop(store, ctx, ctx, lap.token)


def _live(lap: Laptop) -> dict[int, tuple[str, dict]]:
    with lap.store.read() as s:
        return {r.seq: (r.state, r.payload) for r in s.execute(select(ChangeLog.seq, ChangeLog.state,
                                                                      ChangeLog.payload))}


def test_acknowledged_entries_are_packed_with_their_keys_and_waiting_ones_keep_their_state(
        tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    made = make_activity(a, 30)
    with a.store.read() as s:
        before = {r.seq: r for r in s.execute(select(ChangeLog.seq, ChangeLog.epoch, ChangeLog.entity,
                                                     ChangeLog.record_id, ChangeLog.op, ChangeLog.version,
                                                     ChangeLog.hlc, ChangeLog.user_id, ChangeLog.payload))}
    total = len(before)
    _sync(a, live)
    with a.store.read() as s:
        packed = outbox.archived_entries(s)
        blocks = s.scalar(select(func.count()).select_from(ChangeLogArchive))
    live_rows = _live(a)
    # Full blocks are packed; fewer than a block wait in the change log, compacted to their keys.
    assert len(packed) == total - total % 8 and blocks == len(packed) // 8 and len(live_rows) == total % 8
    assert all(state == "acked" and payload == {} for state, payload in live_rows.values())
    for e in packed:  # each packed entry keeps its keys, version, stamp and author
        want = before[e.seq]
        assert (e.epoch, e.entity, e.record_id, e.op, e.version, e.hlc, e.user_id) == (
            want.epoch, want.entity, want.record_id, want.op, want.payload["version"], want.hlc, want.user_id)
        assert e.device_id == a.device_id
    assert count_entries(a.store, "acked") == total and count_entries(a.store) == total
    assert status.counts_by_entity(a.store)["visit"]["acked"] == len(made["visit"])
    assert status.record_state(a.store, "patient", made["patient"][0]) == "acked"
    assert identity.local_max_seq(a.store) == max(before)
    # A new change is queued with the record's whole state, and stays whole until acknowledged.
    fac = facility_of(a)
    record_visit(a.ctx, {"patient_id": made["patient"][0], "facility_id": fac, "complaint": "again"})
    waiting = {seq: p for seq, (state, p) in _live(a).items() if state == "queued"}
    assert waiting and all(p.get("id") and p.get("hlc") for p in waiting.values())
    outbox.mark(a.store, list(waiting), "sent")
    assert all(_live(a)[seq][1] == p for seq, p in waiting.items())  # sent is not acknowledged
    a.close()


def test_a_merge_base_is_kept_only_while_a_record_has_unacknowledged_entries(
        tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    pid = register_patient(a.ctx, patient_input(1), override_reason="test").patient_id
    with a.store.read() as s:
        assert s.scalar(select(func.count()).select_from(SyncBase)) == 0  # a new record needs none
    _sync(a, live)
    for notes in ("first", "second"):
        with a.store.write(a.ctx.user_id) as s:
            p = s.get(Patient, pid)
            assert p is not None
            p.notes = notes
    first, second = outbox.entries(a.store, ChangeLog.state == "queued")
    with a.store.read() as s:
        base = s.get(SyncBase, ("patient", pid))
        assert base is not None and base.hlc == first.base_hlc
    assert first.changed == ["notes"] and second.changed == ["notes"] and second.base_hlc == first.hlc
    _sync(a, live)
    with a.store.read() as s:
        assert s.scalar(select(func.count()).select_from(SyncBase)) == 0
    a.close()


def test_packing_gives_the_file_its_pages_back(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    make_activity(a, 120)
    with a.store.read() as s:
        seqs = list(s.execute(select(ChangeLog.seq)).scalars())
    a.store.reclaim_space(min_free_pages=0)
    raw = a.store.write_engine.raw_connection()
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    assert raw.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental, from the file's creation
    raw.close()
    monkeypatch_block = outbox.ARCHIVE_BLOCK
    assert monkeypatch_block == 8
    outbox.mark(a.store, seqs, "acked")
    a.store.reclaim_space(min_free_pages=0)
    raw = a.store.write_engine.raw_connection()
    after, free = raw.execute("PRAGMA page_count").fetchone()[0], raw.execute("PRAGMA freelist_count").fetchone()[0]
    raw.close()
    assert after < pages and free == 0
    a.close()


def test_a_laptop_restored_from_a_backup_taken_after_packing_recovers_and_converges(
        tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    made = make_activity(a, 40)
    _sync(a, live)
    make_activity(a, 10)  # not yet sent when the backup is taken: the restore must send it
    with a.store.read() as s:
        assert s.scalar(select(func.count()).select_from(ChangeLogArchive))  # packed before the backup
    a.close()
    shutil.copy(tmp_path / "A1.db", tmp_path / "backup.db")
    a = _reopen(a, tmp_path / "A1.db")
    _sync(a, live)
    make_activity(a, 10)
    _sync(a, live)
    held = _central(central, a.device_id)
    a.close()
    shutil.copy(tmp_path / "backup.db", tmp_path / "A1.db")  # the disk dies; last night's backup comes back
    a = _reopen(a, tmp_path / "A1.db")
    fac = facility_of(a)
    visit = record_visit(a.ctx, {"patient_id": made["patient"][0], "facility_id": fac, "complaint": "after restore"})
    run_sync_round(a.store, a.ctx, live.url, a.token)
    assert a.store.device.epoch > 1
    assert count_entries(a.store, "queued") == count_entries(a.store, "sent") == 0
    assert count_entries(a.store, "quarantined") == 0
    after = _central(central, a.device_id)
    # Nothing the server held was overwritten or duplicated; the new work arrived once; everything the restored
    # laptop holds of its own is at the server in the same version.
    assert set(after) == set(held) | {("visit", visit.visit_id)} and all(after[k] == v for k, v in held.items())
    with a.store.read() as s:
        for entity in ("patient", "visit", "referral"):
            table = Visit.metadata.tables[entity]
            mine = s.execute(select(table.c.id, table.c.version).where(table.c.device_id == a.device_id)).all()
            assert mine and all(after[(entity, rid)] == version for rid, version in mine)
    a.close()


def _central(engine: Engine, device_id: str) -> dict[tuple[str, str], int]:
    from app.server import models as m

    out: dict[tuple[str, str], int] = {}
    with engine.connect() as conn:
        for entity in ("patient", "visit", "referral"):
            t = m.RECORDS[entity]
            for rid, version in conn.execute(select(t.c.id, t.c.version).where(t.c.device_id == device_id)):
                out[(entity, rid)] = version
    return out


def test_a_copy_of_a_laptop_with_packed_entries_recovers_under_a_new_epoch(
        tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    made = make_activity(a, 30)
    _sync(a, live)
    a.close()
    shutil.copy(tmp_path / "A1.db", tmp_path / "clone.db")
    a = _reopen(a, tmp_path / "A1.db")
    clone = _reopen(a, tmp_path / "clone.db")
    with clone.store.read() as s:
        assert s.scalar(select(func.count()).select_from(ChangeLogArchive))  # the copy holds packed entries
    fac = facility_of(a)
    mine: dict[str, list[str]] = {}
    for lap, text in ((a, "original"), (clone, "clone")):
        mine[text] = [record_visit(lap.ctx, {"patient_id": pid, "facility_id": fac, "complaint": text}).visit_id
                      for pid in made["patient"][:5]]
    _sync(a, live)
    before = _central(central, a.device_id)
    run_sync_round(clone.store, clone.ctx, live.url, clone.token)
    assert clone.store.device.epoch > 1
    after = _central(central, a.device_id)
    # The copy's work arrives once under its new epoch; nothing the original sent is overwritten.
    assert set(after) == set(before) | {("visit", v) for v in mine["clone"]}
    assert all(after[k] == v for k, v in before.items())
    assert count_entries(clone.store, "queued") == count_entries(clone.store, "quarantined") == 0
    assert identity.local_max_seq(clone.store) >= identity.local_max_seq(a.store)
    a.close(), clone.close()


def test_a_laptop_upgraded_with_years_of_acknowledged_history_packs_it_a_step_at_a_time(
        tmp_path: Path, central: Engine, live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A laptop upgraded from before packing holds every acknowledged entry with its full state. Its next
    acknowledgement must not pack all of it in one transaction (hours of a clinic day under the write lock at
    250,000 patients): each transaction takes a bounded step, and the rest is caught up step by step after the round,
    so a visit can be saved in between."""
    monkeypatch.setattr(outbox, "COMPACT_STEP", 10)
    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    make_activity(a, 30)
    cl = ChangeLog.__table__
    with a.store.write(None) as s:  # what an upgraded laptop holds: acknowledged, full state, not packed
        old = s.execute(select(func.count()).select_from(cl)).scalar()
        s.execute(cl.update().values(state="acked"))
    assert old > 40
    steps: list[int] = []
    real_pack, real_compact = outbox.pack, outbox._compact_entries

    def packed_step(s):  # type: ignore[no-untyped-def]
        steps.append(real_pack(s))
        return steps[-1]

    def compacted_step(s, seqs):  # type: ignore[no-untyped-def]
        n = real_compact(s, seqs)
        if seqs is None:
            steps.append(n)
        return n

    monkeypatch.setattr(outbox, "pack", packed_step)
    monkeypatch.setattr(outbox, "_compact_entries", compacted_step)
    made = make_activity(a, 2)
    _sync(a, live)
    assert len(steps) > 4 and max(steps) <= 10  # never more than a step of the old history in one transaction
    with a.store.read() as s:
        left = s.execute(select(func.count()).select_from(cl).where(cl.c.payload != {})).scalar()
        packed = len(outbox.archived_entries(s))
    assert left == 0 and packed >= old - 8  # all caught up after the round, in steps
    assert status.record_state(a.store, "visit", made["visit"][0]) == "acked"
