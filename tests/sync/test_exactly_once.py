"""Three laptops × 1,000 changes, online and by bundle in mixed order: the central database ends with exactly the
records created, once each (docs/architecture.md, guarantees 2–5), on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import (
    LiveServer,
    assert_exactly_once,
    enrol,
    hq_import,
    make_activity,
    make_laptop,
    server_engine,
    write_receipt,
)
from sqlalchemy import Engine

from app.sync.bundle import export_bundle, load_receipt
from app.sync.client import run_sync_round


def _scenario(tmp_path: Path, engine: Engine) -> None:
    a, b, c = (make_laptop(tmp_path, code) for code in ("A1", "B2", "C3"))
    laptops = [a, b, c]
    try:
        with LiveServer(engine) as srv:
            for lap in laptops:
                enrol(engine, lap, srv.url)
            # A: half online, half by bundle, then online again (the bundle's entries come back as duplicates).
            make_activity(a, 500)
            run_sync_round(a.store, a.ctx, srv.url, a.token)
            make_activity(a, 500)
            out = hq_import(engine, export_bundle(a.store, a.coord, tmp_path / "a.bundle").path)
            assert out.result is not None and out.result.applied > 0
            run_sync_round(a.store, a.ctx, srv.url, a.token)
            assert load_receipt(a.store, write_receipt(out, tmp_path / "a.receipt"))[0] == 0  # already acknowledged
            # B: everything by bundle; the receipt acknowledges it; later work goes online.
            make_activity(b, 1000)
            out = hq_import(engine, export_bundle(b.store, b.coord, tmp_path / "b.bundle").path)
            acked, quarantined = load_receipt(b.store, write_receipt(out, tmp_path / "b.receipt"))
            assert acked > 1000 and quarantined == 0
            make_activity(b, 20)
            run_sync_round(b.store, b.ctx, srv.url, b.token)
            # C: online halfway; two overlapping bundles, each imported twice; then online.
            make_activity(c, 400)
            run_sync_round(c.store, c.ctx, srv.url, c.token)
            make_activity(c, 300)
            first = export_bundle(c.store, c.coord, tmp_path / "c1.bundle").path
            make_activity(c, 300)
            second = export_bundle(c.store, c.coord, tmp_path / "c2.bundle").path
            r2 = hq_import(engine, second)
            r1 = hq_import(engine, first)
            assert r1.result is not None and r1.result.applied == 0 and r1.result.duplicates > 0  # overlap: no-op
            again = hq_import(engine, second)
            assert again.replayed and again.receipt == r2.receipt  # replay: no-op, same receipt
            load_receipt(c.store, write_receipt(r2, tmp_path / "c2.receipt"))
            for lap in laptops:
                run_sync_round(lap.store, lap.ctx, srv.url, lap.token)
            assert_exactly_once(engine, laptops)
    finally:
        for lap in laptops:
            lap.close()


def test_three_laptops_exactly_once_sqlite(tmp_path: Path, central: Engine) -> None:
    _scenario(tmp_path, central)


@pytest.mark.postgres
def test_three_laptops_exactly_once_postgres(tmp_path: Path, pg_url: str) -> None:
    engine = server_engine(pg_url)
    try:
        _scenario(tmp_path, engine)
    finally:
        engine.dispose()
