"""Faults, each followed by recovery and the exactly-once check (docs/architecture.md, guarantees 3, 4 and 8): server killed
mid-batch, connection cut mid-response, client killed mid-apply and mid-upload, server disk full, a batch sent
twice."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from faults import CuttingProxy, DiskFull
from helpers import (
    SAME_UNIT,
    LiveServer,
    assert_exactly_once,
    count_entries,
    enrol,
    free_port,
    make_activity,
    make_laptop,
)
from sqlalchemy import Engine, func, select

from app.models import DeviceState, Patient
from app.server import models as m
from app.sync import client, outbox
from app.sync.client import SyncError, run_sync_round

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE)])
    env.update(extra)
    return env


class ServerProcess:
    def __init__(self, db: Path, hook: str | None = None, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # With a fault hook, the test's own launcher; without, the server as shipped.
        command = ([str(HERE / "fault_server.py"), "--hook", hook] if hook else ["-m", "app.server"])
        self.proc = subprocess.Popen([sys.executable, *command, "--db", str(db), "--port", str(self.port)],
                                     env=_env(**env), cwd=ROOT)
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server process did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "BATCH_SIZE", 100)
    monkeypatch.setattr(client, "FAST_ANSWER_S", 0.0)  # batches of 100 throughout


def test_server_killed_mid_batch(tmp_path: Path, central: Engine, small_batches: None) -> None:
    lap = make_laptop(tmp_path, "A1")
    enrol(central, lap)
    make_activity(lap, 300)
    server = ServerProcess(tmp_path / "central.db", "faults:kill_in_second_batch",
                           SAYYAR_FAULT_DIR=str(tmp_path))
    try:
        with pytest.raises(SyncError) as err:
            run_sync_round(lap.store, lap.ctx, server.url, lap.token)
        assert err.value.transient
        server.proc.wait(10)
        assert server.proc.returncode != 0  # it really died inside the transaction
        assert count_entries(lap.store, "sent") == 100  # the batch in flight waits, marked sent
    finally:
        server.stop()
    with central.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.received)).scalar_one() == 100  # first batch only
    server = ServerProcess(tmp_path / "central.db")
    try:
        run_sync_round(lap.store, lap.ctx, server.url, lap.token)
    finally:
        server.stop()
    assert_exactly_once(central, [lap])
    lap.close()


def test_connection_cut_mid_response(tmp_path: Path, central: Engine, live: LiveServer, small_batches: None) -> None:
    lap = make_laptop(tmp_path, "A1")
    enrol(central, lap)
    make_activity(lap, 300)
    # Response 1 is the hello, 2 the laptop's status; 4 is the answer to the second batch, cut after the status line.
    proxy = CuttingProxy(live.port, cut_response=4)
    try:
        # The client sends the cut request once more on a new connection (pushes are keyed by sequence), so the
        # round completes; the batch arrives twice and is recognised the second time.
        run_sync_round(lap.store, lap.ctx, proxy.url, lap.token)
        assert proxy.cuts == 1
    finally:
        proxy.close()
    with central.connect() as conn:
        dup = conn.execute(select(func.sum(m.batch.c.duplicates))).scalar_one()
    assert dup == 100  # the batch whose answer was lost came again and was recognised
    assert_exactly_once(central, [lap])
    lap.close()


def _client_process(lap_db: Path, url: str, token: str, mode: str) -> int:
    lap_db_proc = subprocess.run([sys.executable, str(HERE / "faults.py"), str(lap_db), url, token, mode],
                                 env=_env(), cwd=ROOT, timeout=120)
    return lap_db_proc.returncode


def test_client_killed_mid_apply_and_mid_upload(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    for lap in (a, b):
        enrol(central, lap)
    make_activity(a, 300)
    run_sync_round(a.store, a.ctx, live.url, a.token)
    make_activity(b, 200)
    b_db, b_token = b.store.path, b.token
    b.close()
    # Killed after the server applied a batch but before the laptop recorded the answer.
    assert _client_process(b_db, live.url, b_token, "after-push") == 9
    b = make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    assert count_entries(b.store, "sent") == 100
    b.close()
    # Killed while a feed page was half applied (records written, cursor not, transaction open).
    assert _client_process(b_db, live.url, b_token, "mid-apply") == 9
    b = make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    b.token = b_token
    with b.store.read() as s:
        assert s.scalar(select(func.count()).select_from(Patient).where(Patient.device_id == a.device_id)) == 0
        assert s.scalar(select(DeviceState.feed_cursor)) in ("", "0")  # rolled back with the page's records
    run_sync_round(b.store, b.ctx, live.url, b.token)
    assert_exactly_once(central, [a, b])
    with b.store.read() as s:
        got = s.scalar(select(func.count()).select_from(Patient).where(Patient.device_id == a.device_id))
    with central.connect() as conn:
        want = conn.execute(select(func.count()).select_from(m.RECORDS["patient"]).where(
            m.RECORDS["patient"].c.device_id == a.device_id)).scalar_one()
    assert got == want > 0
    for lap in (a, b):
        lap.close()


def _disk_full(tmp_path: Path, central: Engine) -> None:
    hook = DiskFull(on_batch=2)
    with LiveServer(central, apply_hook=hook) as srv:
        lap = make_laptop(tmp_path, "A1")
        enrol(central, lap)
        make_activity(lap, 300)
        with pytest.raises(SyncError) as err:
            run_sync_round(lap.store, lap.ctx, srv.url, lap.token)
        assert err.value.transient and "503" in str(err.value)
        with central.connect() as conn:
            assert conn.execute(select(func.count()).select_from(m.received)).scalar_one() == 100
        hook.armed = False
        run_sync_round(lap.store, lap.ctx, srv.url, lap.token)
    assert_exactly_once(central, [lap])
    lap.close()


def test_server_disk_full_mid_transaction(tmp_path: Path, central: Engine, small_batches: None) -> None:
    _disk_full(tmp_path, central)


@pytest.mark.postgres
def test_server_disk_full_mid_transaction_postgres(tmp_path: Path, pg_url: str, small_batches: None) -> None:
    from helpers import server_engine

    engine = server_engine(pg_url)
    try:
        _disk_full(tmp_path, engine)
    finally:
        engine.dispose()


def test_same_batch_sent_twice(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    lap = make_laptop(tmp_path, "A1")
    enrol(central, lap)
    make_activity(lap, 50)
    seqs = outbox.upload_order(lap.store)
    body, sent = outbox.batch_json(lap.store, seqs, str(uuid.uuid4()))
    headers = {"Authorization": f"Bearer {lap.token}", "Content-Type": "application/json"}
    first = httpx.post(live.url + "/v1/changes", content=body, headers=headers).json()
    second = httpx.post(live.url + "/v1/changes", content=body, headers=headers).json()
    assert first["applied"] == len(sent) and first["duplicates"] == 0
    assert second["applied"] == 0 and second["duplicates"] == len(sent)
    assert second["held_through"] == first["held_through"] == max(sent)
    outbox.mark(lap.store, sent, "acked")
    assert_exactly_once(central, [lap])
    lap.close()


def test_unforeseen_server_error_isolates_one_record(tmp_path: Path, central: Engine, live: LiveServer,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from app.server import apply as apply_mod

    lap = make_laptop(tmp_path, "A1")
    enrol(central, lap)
    made = make_activity(lap, 40)
    target = made["visit"][3]
    real = apply_mod.payload_to_row

    def breaks_on_one(entity, record_id, payload):  # type: ignore[no-untyped-def]
        if record_id == target:
            raise KeyError("a bug nobody foresaw")
        return real(entity, record_id, payload)

    monkeypatch.setattr(apply_mod, "payload_to_row", breaks_on_one)
    report = run_sync_round(lap.store, lap.ctx, live.url, lap.token)
    assert report.quarantined == 1 and report.acked == report.uploaded - 1
    from app.sync import status

    (q,) = status.quarantined_entries(lap.store)
    assert q.record_id == target and "KeyError" in q.reason
    lap.close()
