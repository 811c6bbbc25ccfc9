"""Restored and cloned laptops are detected and must start a new epoch (guarantee 7); device tokens (auth); one bad
record is quarantined with its reason while the rest goes on, and sync starts by itself when the server appears
(guarantee 8)."""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
from helpers import (
    LAPTOP_KEY,
    Laptop,
    LiveServer,
    count_entries,
    enrol,
    facility_of,
    free_port,
    make_activity,
    make_laptop,
)
from sqlalchemy import Engine, func, insert, select

from app.models import ChangeLog, Visit
from app.server import devices
from app.server import models as m
from app.services.visits import record_visit
from app.store import Store
from app.sync import status
from app.sync.client import run_sync_round
from app.sync.engine import SyncEngine, backoff_delay


def _reopen(lap: Laptop, path: Path) -> Laptop:
    store = Store.open(path, LAPTOP_KEY)
    ctx = type(lap.ctx)(store, lap.ctx.user_id, "clinician", unit_id=store.device.unit_id)
    return Laptop(store, ctx, ctx, lap.token)


def _central_ids(engine: Engine, entity: str, device_id: str) -> dict[str, int]:
    t = m.RECORDS[entity]
    with engine.connect() as conn:
        return dict(conn.execute(select(t.c.id, t.c.version).where(t.c.device_id == device_id)).all())


def test_restored_laptop_must_start_new_epoch(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    make_activity(a, 30)
    run_sync_round(a.store, a.ctx, live.url, a.token)
    a.close()
    shutil.copy(a.store.path, tmp_path / "backup.db")  # last night's backup
    a = _reopen(a, tmp_path / "A1.db")
    make_activity(a, 30)
    run_sync_round(a.store, a.ctx, live.url, a.token)
    held = _central_ids(central, "visit", a.device_id)
    a.close()
    # The disk dies; the laptop is restored from the backup and work goes on.
    shutil.copy(tmp_path / "backup.db", tmp_path / "A1.db")
    a = _reopen(a, tmp_path / "A1.db")
    fac = facility_of(a)
    with a.store.read() as s:
        pid = s.scalars(select(Visit.patient_id)).first()
    record_visit(a.ctx, {"patient_id": pid, "facility_id": fac, "complaint": "after restore"})
    # The laptop notices it was restored and takes a new identity by itself: nothing the server holds is
    # overwritten, its new work arrives once.
    report = run_sync_round(a.store, a.ctx, live.url, a.token)
    assert report.new_epoch == 2 and a.store.device.epoch == 2
    after = _central_ids(central, "visit", a.device_id)
    assert len(after) == len(held) + 1 and all(after[k] == v for k, v in held.items())
    assert count_entries(a.store, "queued") == count_entries(a.store, "sent") == 0
    assert count_entries(a.store, "quarantined") == 0
    a.close()


def test_cloned_laptop_detected_by_its_numbers(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    made = make_activity(a, 20)
    run_sync_round(a.store, a.ctx, live.url, a.token)
    a.close()
    shutil.copy(tmp_path / "A1.db", tmp_path / "clone.db")
    a = _reopen(a, tmp_path / "A1.db")
    clone = _reopen(a, tmp_path / "clone.db")
    fac = facility_of(a)
    for lap, text in ((a, "original"), (clone, "clone")):
        for pid in made["patient"][:5]:
            record_visit(lap.ctx, {"patient_id": pid, "facility_id": fac, "complaint": text})
    run_sync_round(a.store, a.ctx, live.url, a.token)
    before = _central_ids(central, "visit", a.device_id)
    report = run_sync_round(clone.store, clone.ctx, live.url, clone.token)
    assert report.new_epoch > 1
    after = _central_ids(central, "visit", a.device_id)
    assert len(after) == len(before) + 5  # the clone's work arrives once, the original's is untouched
    visits = m.RECORDS["visit"]
    with central.connect() as conn:
        texts = conn.execute(select(visits.c.complaint, func.count()).where(visits.c.complaint.in_(
            ["original", "clone"])).group_by(visits.c.complaint)).all()
    assert dict(texts) == {"original": 5, "clone": 5}
    a.close(), clone.close()


def test_tokens_are_required_and_revocable(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2")
    for lap in (a, b):
        enrol(central, lap)
    assert httpx.get(live.url + "/v1/health").status_code == 200
    assert httpx.get(live.url + "/v1/feed").status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert httpx.get(live.url + "/v1/devices/me", headers=bad).status_code == 401
    batch = {"protocol": 1, "device_id": b.device_id, "epoch": 1, "batch_id": "x1", "entries": [
        {"seq": 1, "entity": "unit", "record_id": "u1", "op": "insert", "payload": {}, "hlc": "0000000000001:00000:n"}]}
    r = httpx.post(live.url + "/v1/changes", json=batch, headers={"Authorization": f"Bearer {a.token}"})
    assert r.status_code == 403  # A may not send in B's name
    with central.connect() as conn:
        stored = conn.execute(select(m.device.c.token_hash)).scalars().all()
    assert a.token not in stored and devices.token_hash(a.token) in stored  # hashed at rest
    with central.begin() as conn:
        devices.revoke_device(conn, a.device_id)
    assert httpx.get(live.url + "/v1/devices/me", headers={"Authorization": f"Bearer {a.token}"}).status_code == 401
    a.close(), b.close()


def test_bad_record_quarantined_rest_goes_on(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a)
    make_activity(a, 20)
    with a.store.write(None) as s:  # a record this server cannot store (as if written by a newer Sayyar)
        seq = s.execute(insert(ChangeLog.__table__).values(
            device_id=a.device_id, epoch=1, entity="visit", record_id="bad-1", op="insert",
            payload={"id": "bad-1", "colour": "blue"}, hlc=a.store.clock.tick(), user_id=None,
            created_at=datetime.now(timezone.utc), state="queued", reason="", priority=0)).inserted_primary_key[0]
    make_activity(a, 10)
    report = run_sync_round(a.store, a.ctx, live.url, a.token)
    assert report.quarantined == 1 and report.acked == count_entries(a.store) - 1
    (q,) = status.quarantined_entries(a.store)
    assert q.seq == seq and "colour" in q.reason
    assert status.record_state(a.store, "visit", "bad-1") == "quarantined"
    st = status.sync_status(a.store)
    assert st.counts["quarantined"] == 1 and st.pending == 0 and st.last_success_at is not None
    make_activity(a, 5)
    assert run_sync_round(a.store, a.ctx, live.url, a.token).acked > 0  # the queue is not blocked
    a.close()


def test_engine_starts_when_server_appears_and_backs_off(tmp_path: Path, central: Engine) -> None:
    assert 5 <= backoff_delay(3, base=2, cap=300) <= 16
    assert backoff_delay(50, base=2, cap=300) <= 300
    a = make_laptop(tmp_path, "A1")
    enrol(central, a)
    make_activity(a, 20)
    port = free_port()
    seen: list[object] = []
    eng = SyncEngine(a.store, a.ctx, server_url=f"http://127.0.0.1:{port}", token=a.token, interval=60,
                     base_delay=0.05, max_delay=0.4, on_progress=seen.append)
    eng.start()
    try:
        time.sleep(0.6)
        assert eng.state.failures >= 2 and not eng.state.online  # backing off while away
        with LiveServer(central, port=port):
            deadline = time.monotonic() + 10
            while eng.state.last_report is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert count_entries(a.store, "acked") == count_entries(a.store)
            assert eng.state.failures == 0 and eng.state.last_report is not None
            assert seen  # progress reached the callback
    finally:
        eng.stop()
    assert not eng.state.running
    a.close()


def test_offline_new_epoch_renumbers_only_unacknowledged(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    from app.sync.identity import start_new_epoch

    a = make_laptop(tmp_path, "A1")
    enrol(central, a)
    make_activity(a, 10)
    run_sync_round(a.store, a.ctx, live.url, a.token)
    acked_before = count_entries(a.store, "acked")
    make_activity(a, 10)
    pending = count_entries(a.store, "queued")
    epoch = start_new_epoch(a.store)  # no server at hand: a random jump
    assert epoch > 1 and a.store.device.epoch == epoch
    with a.store.read() as s:
        epochs = dict(s.execute(select(ChangeLog.state, func.max(ChangeLog.epoch)).group_by(ChangeLog.state)).all())
    assert epochs == {"acked": 1, "queued": epoch}
    assert count_entries(a.store, "acked") == acked_before and count_entries(a.store, "queued") == pending
    run_sync_round(a.store, a.ctx, live.url, a.token)
    assert count_entries(a.store, "acked") == acked_before + pending
    a.close()


def test_other_protocol_version_is_refused(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a)
    batch = {"protocol": 3, "device_id": a.device_id, "epoch": 1, "batch_id": "x1", "entries": [
        {"seq": 1, "entity": "unit", "record_id": "u1", "op": "insert", "payload": {}, "hlc": "0000000000001:00000:n"}]}
    r = httpx.post(live.url + "/v1/changes", json=batch, headers={"Authorization": f"Bearer {a.token}"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "protocol"]
    a.close()
