"""The change feed under concurrent pushes (issue 11): a laptop following the cursor while other units push
receives every committed record, checked against an independent count of the central database, on PostgreSQL with
two server worker processes (`sayyar server --workers 2`) and on SQLite."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from helpers import SAME_UNIT, Laptop, LiveServer, enrol, make_activity, make_laptop, server_engine, server_process
from sqlalchemy import Engine, func, select

from app.models import SyncParked
from app.models.registry import REGISTRY, Feed
from app.server import models as m
from app.sync import client
from app.sync.client import SyncError, run_sync_round


def _ids(engine: Engine, entity: str) -> set[str]:
    t = m.RECORDS[entity]
    with engine.connect() as conn:
        return set(conn.execute(select(t.c.id)).scalars())


def _local_ids(lap: Laptop, entity: str) -> set[str]:
    t = REGISTRY[entity].table
    with lap.store.read() as s:
        return set(s.execute(select(t.c.id)).scalars())


def _race(url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # One unit: the reader receives everything the pushers send (what its feed may miss is the question here).
    pushers = [make_laptop(tmp_path, code, unit=SAME_UNIT) for code in ("A1", "B2")]
    reader = make_laptop(tmp_path, "C3", unit=SAME_UNIT)
    for lap in (*pushers, reader):
        enrol(engine, lap, url)
    for lap in pushers:
        make_activity(lap, 60)
    monkeypatch.setattr(client, "BATCH_SIZE", 20)  # many small commits, interleaved
    monkeypatch.setattr(client, "FAST_ANSWER_S", 0.0)
    monkeypatch.setattr(client, "PAGE_SIZE", 25)
    done = threading.Event()
    errors: list[BaseException] = []

    def push(lap: Laptop) -> None:
        try:
            for _ in range(20):
                try:
                    run_sync_round(lap.store, lap.ctx, url, lap.token)
                    return
                except SyncError as err:  # a busy server answers 503: try again, as the engine does
                    if not err.transient:
                        raise
                    time.sleep(0.2)
        except BaseException as err:  # noqa: BLE001 - reported by the test below
            errors.append(err)

    def follow() -> None:
        while not done.is_set():
            try:
                run_sync_round(reader.store, reader.ctx, url, reader.token)
            except SyncError:
                time.sleep(0.1)

    threads = [threading.Thread(target=push, args=(lap,)) for lap in pushers]
    follower = threading.Thread(target=follow)
    follower.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    done.set()
    follower.join(300)
    assert not errors, errors
    run_sync_round(reader.store, reader.ctx, url, reader.token)  # the last page after everyone finished
    for entity in [e.name for e in REGISTRY.values() if e.feed is Feed.UNIT]:
        central = _ids(engine, entity)
        assert central or entity != "patient", entity
        assert _local_ids(reader, entity) >= central, f"{entity}: the reader missed records"
    with reader.store.read() as s:
        assert s.scalar(select(func.count()).select_from(SyncParked)) == 0
    for lap in (*pushers, reader):
        lap.close()


def test_feed_misses_nothing_with_two_server_processes_on_postgresql(tmp_path: Path, pg_url: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    engine = server_engine(pg_url)  # creates the schema once, before the workers start
    try:
        with server_process(pg_url, tmp_path / "server-data") as url:
            _race(url, engine, tmp_path, monkeypatch)
    finally:
        engine.dispose()


def test_feed_misses_nothing_on_sqlite(tmp_path: Path, central: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with LiveServer(central) as live:
        _race(live.url, central, tmp_path, monkeypatch)
