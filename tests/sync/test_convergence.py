"""Issue 11: laptops converge after concurrent edits, clocks are persisted and bounded, restored and copied laptops
recover by themselves, epochs come from the database, unreadable feed items are kept, bundle import isolates a bad
record. Real laptops (SQLite files), the real server on a loopback port, real sync rounds."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    LAPTOP_KEY,
    SAME_UNIT,
    Laptop,
    LiveServer,
    count_entries,
    enrol,
    make_activity,
    make_laptop,
    patient_input,
)
from sqlalchemy import Engine, func, select

from app.models import Patient, SyncParked
from app.server import devices
from app.server import models as m
from app.server.apply import DEFAULT_CLOCK_MARGIN_MS, apply_changes, now_ms
from app.services.patients import register_patient
from app.store import Store
from app.store.clock import format_hlc, parse_hlc
from app.sync import inbox, status
from app.sync.client import run_sync_round
from app.sync.protocol import ChangeEntry, FeedItem, FeedPage

YEAR_MS = 365 * 24 * 3600 * 1000


def _sync(lap: Laptop, live: LiveServer) -> Any:
    return run_sync_round(lap.store, lap.ctx, live.url, lap.token)


def _edit(lap: Laptop, patient_id: str, **values: Any) -> None:
    with lap.store.write(lap.ctx.user_id) as s:
        p = s.get(Patient, patient_id)
        assert p is not None
        for k, v in values.items():
            setattr(p, k, v)


def _patient(lap: Laptop, patient_id: str) -> dict[str, Any]:
    with lap.store.read() as s:
        p = s.get(Patient, patient_id)
        assert p is not None
        return {"phone": p.phone, "notes": p.notes, "version": p.version}


def _central_patient(engine: Engine, patient_id: str) -> dict[str, Any]:
    t = m.RECORDS["patient"]
    with engine.connect() as conn:
        r = conn.execute(select(t.c.phone, t.c.notes, t.c.version).where(t.c.id == patient_id)).one()
    return {"phone": r.phone, "notes": r.notes, "version": r.version}


def _reopen(lap: Laptop, **kw: Any) -> Laptop:
    path = lap.store.path
    lap.close()
    store = Store.open(path, LAPTOP_KEY)
    if "wall_ms" in kw:
        from app.store.clock import HybridClock

        store.clock = HybridClock(store.device.device_id, store.clock.last, wall_ms=kw["wall_ms"],
                                  offset_ms=store.clock.offset_ms)
    ctx = type(lap.ctx)(store, lap.ctx.user_id, "clinician", unit_id=store.device.unit_id, lang="en")
    return Laptop(store, ctx, ctx, lap.token)


def test_concurrent_edits_of_different_fields_converge(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    enrol(central, a, live.url), enrol(central, b, live.url)
    pid = register_patient(a.ctx, patient_input(1), override_reason="test").patient_id
    _sync(a, live), _sync(b, live)
    _edit(a, pid, phone="09351234567")
    _edit(b, pid, notes="allergic to penicillin")  # B has not seen A's phone
    for _ in range(2):
        _sync(a, live), _sync(b, live)
    want = _central_patient(central, pid)
    assert want["phone"] == "09351234567" and want["notes"] == "allergic to penicillin"
    assert _patient(a, pid) == want and _patient(b, pid) == want
    a.close(), b.close()


def test_observed_stamps_survive_a_restart(tmp_path: Path) -> None:
    lap = make_laptop(tmp_path, "A1")
    ahead = format_hlc(now_ms() + 3600_000, 0, "OTHER")  # an hour ahead: within the margin, taken in
    page = FeedPage(cursor=0, next_cursor=1, more=False, items=[FeedItem(
        cursor=1, entity="sync_conflict", record_id="c1", version=1, hlc=ahead, payload={
            "id": "c1", "entity": "patient", "record_id": "p1", "field": "phone"})])
    inbox.apply_page(lap.store, page)
    lap = _reopen(lap)
    assert lap.store.clock.tick() > ahead  # the next edit in a new process sorts after what sync brought
    lap.close()


def test_a_stamp_beyond_the_margin_is_refused_and_never_adopted(tmp_path: Path, central: Engine) -> None:
    lap = make_laptop(tmp_path, "A1")
    enrol(central, lap)
    future = format_hlc(now_ms() + 2 * YEAR_MS, 0, "FAST")
    entry = ChangeEntry(seq=1, entity="household", record_id="h1", op="insert", hlc=future,
                        payload={"id": "h1", "code": "X-00001-8", "version": 1, "hlc": future,
                                 "device_id": lap.device_id})
    with central.begin() as conn:
        dev = devices.get_device(conn, lap.device_id)
        assert dev is not None
        result = apply_changes(conn, dev, [entry], epoch=1, batch_id="b1")
    assert [r.code for r in result.rejected] == ["clock_ahead"]
    before = lap.store.clock.last
    page = FeedPage(cursor=0, next_cursor=1, more=False, server_ms=now_ms(), clock_margin_ms=DEFAULT_CLOCK_MARGIN_MS,
                    items=[FeedItem(cursor=1, entity="sync_conflict", record_id="c2", version=1, hlc=future,
                                    payload={"id": "c2", "entity": "patient", "record_id": "p", "field": "phone"})])
    inbox.apply_page(lap.store, page)
    assert lap.store.clock.last == before and lap.store.clock.tick() < future
    lap.close()


def test_laptops_two_years_off_merge_in_causal_order_across_restarts(tmp_path: Path, central: Engine) -> None:
    fast = lambda: now_ms() + 2 * YEAR_MS  # noqa: E731
    slow = lambda: now_ms() - 2 * YEAR_MS  # noqa: E731
    a, b = make_laptop(tmp_path, "A1", wall_ms=fast), make_laptop(tmp_path, "B2", unit=SAME_UNIT, wall_ms=slow)
    enrol(central, a), enrol(central, b)
    pid = register_patient(a.ctx, patient_input(2), override_reason="test").patient_id
    limit = now_ms() + DEFAULT_CLOCK_MARGIN_MS
    with LiveServer(central) as live:
        report = _sync(a, live)
        assert report.quarantined == 0  # A's stamps were two years ahead: corrected and sent again
        _sync(b, live)
        _edit(b, pid, phone="B1")
        _sync(b, live)
    a, b = _reopen(a, wall_ms=fast), _reopen(b, wall_ms=slow)  # every process restarts
    with LiveServer(central) as live:
        _sync(a, live)
        assert _patient(a, pid)["phone"] == "B1"
        _edit(a, pid, phone="A2")  # made after seeing B1: must win
        _sync(a, live), _sync(b, live)
        assert _patient(b, pid)["phone"] == "A2"
    b = _reopen(b, wall_ms=slow)
    with LiveServer(central) as live:
        _sync(b, live)
        _edit(b, pid, phone="B3")
        _sync(b, live), _sync(a, live)
    want = _central_patient(central, pid)
    assert want["phone"] == "B3" and _patient(a, pid) == want and _patient(b, pid) == want
    t = m.RECORDS["patient"]
    with central.connect() as conn:
        top = conn.execute(select(func.max(t.c.hlc))).scalar_one()
    assert parse_hlc(top)[0] <= limit + 600_000  # no stamp from the fast clock reached the server
    a.close(), b.close()


def _codes(engine: Engine) -> list[str]:
    t = m.RECORDS["patient"]
    with engine.connect() as conn:
        return list(conn.execute(select(t.c.code)).scalars())


def _orphans(engine: Engine) -> int:
    v, p = m.RECORDS["visit"], m.RECORDS["patient"]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(v).where(
            v.c.patient_id.not_in(select(p.c.id)))).scalar_one())


def test_a_copied_laptop_recovers_and_nothing_collides(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a, c = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "C3")
    enrol(central, a, live.url), enrol(central, c, live.url)
    make_activity(a, 20)
    _sync(a, live)
    a.close()
    shutil.copy(tmp_path / "A1.db", tmp_path / "copy.db")
    a = _reopen(a)
    store = Store.open(tmp_path / "copy.db", LAPTOP_KEY)
    copy = Laptop(store, type(a.ctx)(store, a.ctx.user_id, "clinician", unit_id=store.device.unit_id, lang="en"),
                  a.coord, a.token)
    copy.coord = copy.ctx
    made_a, made_copy = make_activity(a, 15), make_activity(copy, 15)  # new patients and households on both
    _sync(a, live)
    report = _sync(copy, live)
    assert report.new_epoch > 1
    assert count_entries(copy.store, "quarantined") == 0 and count_entries(copy.store, "queued") == 0
    codes = _codes(central)
    assert len(codes) == len(set(codes))
    with central.connect() as conn:
        held = set(conn.execute(select(m.RECORDS["patient"].c.id)).scalars())
    assert set(made_a["patient"]) | set(made_copy["patient"]) <= held  # everything reached the server once
    assert _orphans(central) == 0
    for lap in (a, copy, c):
        _sync(lap, live)  # no download crashes; nothing is left waiting
        with lap.store.read() as s:
            assert s.scalar(select(func.count()).select_from(SyncParked)) == 0
    a.close(), copy.close(), c.close()


def test_a_restored_laptop_registers_patients(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    for i in range(3):
        register_patient(a.ctx, patient_input(i), override_reason="test")
    _sync(a, live)
    a.close()
    shutil.copy(tmp_path / "A1.db", tmp_path / "backup.db")
    a = _reopen(a)
    for i in range(3):
        register_patient(a.ctx, patient_input(i), override_reason="test")
    _sync(a, live)
    a.close()
    shutil.copy(tmp_path / "backup.db", tmp_path / "A1.db")
    a = _reopen(a)
    _sync(a, live)  # a new epoch; its own later patients come back from the server
    register_patient(a.ctx, patient_input(9), override_reason="after restore")
    register_patient(a.ctx, patient_input(10), override_reason="after restore")
    _sync(a, live)
    codes = _codes(central)
    assert len(codes) == 8 and len(set(codes)) == 8
    assert count_entries(a.store, "quarantined") == 0
    a.close()


def test_two_servers_never_hand_out_the_same_epoch(tmp_path: Path, pg_url: str) -> None:
    from helpers import server_engine

    engines = [server_engine(pg_url), server_engine(pg_url)]  # two server processes' connection pools
    lap = make_laptop(tmp_path, "A1")
    enrol(engines[0], lap)
    got: list[int] = []
    barrier = threading.Barrier(8)

    def ask(engine: Engine) -> None:
        barrier.wait()
        for _ in range(2):
            with engine.begin() as conn:
                got.append(devices.new_epoch(conn, lap.device_id))

    threads = [threading.Thread(target=ask, args=(engines[i % 2],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 16 and len(set(got)) == 16
    lap.close()
    for e in engines:
        e.dispose()


def test_an_unreadable_feed_item_is_kept_shown_and_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lap = make_laptop(tmp_path, "A1")
    rid = "0f1e2d3c-0000-4000-8000-000000000001"
    stamp = format_hlc(now_ms(), 0, "B2")
    payload = {"id": rid, "code": "B2-00001-8", "version": 1, "hlc": stamp, "device_id": "dev-b",
               "created_at": "2026-11-30T08:00:00+00:00", "updated_at": "2026-11-30T08:00:00+00:00",
               "new_field_from_a_newer_server": 1}
    page = FeedPage(cursor=0, next_cursor=5, more=False, items=[FeedItem(
        cursor=5, entity="household", record_id=rid, version=1, hlc=payload["hlc"], payload=payload)])
    result = inbox.apply_page(lap.store, page)
    assert result.invalid == 1
    st = status.sync_status(lap.store)
    assert st.parked == 1 and st.unreadable == 1
    [kept] = status.parked_records(lap.store)
    assert kept.record_id == rid and kept.reason.startswith("unreadable")
    # An upgrade that knows the field: the next page (even an empty one) applies it.
    from app.sync import records

    real = records.payload_to_row
    monkeypatch.setattr(inbox, "payload_to_row", lambda e, r, p: real(e, r, {
        k: v for k, v in p.items() if k != "new_field_from_a_newer_server"}))
    inbox.apply_page(lap.store, FeedPage(cursor=5, next_cursor=5, more=False, items=[]))
    assert status.sync_status(lap.store).parked == 0
    lap.close()


def test_acknowledged_entries_are_compacted_and_edits_still_merge_by_field(tmp_path: Path, central: Engine,
                                                                           live: LiveServer) -> None:
    from app.models import ChangeLog, SyncBase
    from app.sync import outbox

    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    enrol(central, a, live.url), enrol(central, b, live.url)
    pid = register_patient(a.ctx, patient_input(3), override_reason="test").patient_id
    _sync(a, live), _sync(b, live)
    with a.store.read() as s:
        payloads = list(s.execute(select(ChangeLog.payload).where(ChangeLog.state == "acked")).scalars())
        assert s.get(SyncBase, ("patient", pid)) is None  # everything acknowledged: the record is its own base
        acked_hlc = s.get(Patient, pid).hlc  # type: ignore[union-attr]
    assert payloads and all(p == {} for p in payloads)  # the record holds its state; the log keeps the keys
    _edit(a, pid, notes="seen at Dogharoun")
    with a.store.read() as s:
        base = s.get(SyncBase, ("patient", pid))
        assert base is not None and base.hlc == acked_hlc and base.payload["id"] == pid  # taken at the edit
    [entry] = outbox.entries(a.store, ChangeLog.state == "queued")
    assert entry.changed == ["notes"] and entry.base_hlc == acked_hlc  # an edit of one field, on the acked state
    _edit(b, pid, phone="09150000000")
    for _ in range(2):
        _sync(a, live), _sync(b, live)
    want = _central_patient(central, pid)
    assert want["notes"] == "seen at Dogharoun" and want["phone"] == "09150000000"
    assert _patient(a, pid) == want and _patient(b, pid) == want
    with central.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.conflict)).scalar_one() == 0
    for lap in (a, b):
        with lap.store.read() as s:
            assert s.get(SyncBase, ("patient", pid)) is None  # acknowledged again: no copy kept beside the record
    a.close(), b.close()


def test_a_kept_alive_connection_closed_by_the_server_is_retried_once() -> None:
    import httpx

    from app.sync.client import Api

    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return httpx.Response(200, json={"status": "ok", "protocol": 2})

    api = Api("http://server.invalid", "token", transport=httpx.MockTransport(handler))
    assert api._call("GET", "/v1/health").status_code == 200 and len(calls) == 2
    api.close()
