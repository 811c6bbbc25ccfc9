"""Alert evaluation inside a bundle import: what it adds to the import of a 100,000-change bundle.

Run:  .venv/bin/python bench/bench_hq_alerts.py [--changes 100000] [--rounds 3] [--no-postgres]
Target (issue 16): the alert rules, run in the import's own transaction, add <= 10% to the import time.

The bundle is a laptop's year: 20% patients, 80% visits, 1% of the visits notifiable (cases spread over 52 weeks,
several diseases, malaria in elimination mode, dengue in clusters). The same bundle is imported into fresh central
databases with the alert hook and without it (the hook replaced by a no-op), alternately; medians are compared.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from app.hq import hooks  # noqa: E402
from app.hq.models import hq_alert  # noqa: E402
from app.server.db import open_database  # noqa: E402
from app.server.hq_import import import_bundle_bytes  # noqa: E402
from app.sync import identity  # noqa: E402
from app.sync.bundle import export_bundle  # noqa: E402
from bench_sync import Coordinator, copy_hq_keys, enrol  # noqa: E402
from bench_sync_data import make_laptop_with_changes  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET = 0.10
DISEASES = [("malaria", "B54", 40), ("dengue", "A90", 25), ("cholera", "A00.9", 5), ("measles", "B05.9", 10),
            ("tuberculosis", "A15.0", 10), ("leishmaniasis_cl", "B55.1", 10)]


def add_cases(store, share: float = 0.01, seed: int = 16) -> int:  # type: ignore[no-untyped-def]
    """Turn ``share`` of the laptop's visits into notifiable ones: a surveillance case each (through the store's
    bulk writer: stamped and logged like any case), onset spread over the last 52 weeks."""
    from app.models import Visit

    rng = random.Random(seed)
    with store.read() as s:
        visits = s.execute(select(Visit.id, Visit.patient_id, Visit.facility_id, Visit.unit_id)).all()
    picked = rng.sample(visits, int(len(visits) * share))
    weights = [w for *_, w in DISEASES]
    now = datetime.now(timezone.utc)
    with store.bulk(None) as w:
        for vid, pid, fid, uid in picked:
            disease, code, _ = rng.choices(DISEASES, weights)[0]
            onset = date.today() - timedelta(days=rng.randint(0, 364))
            w.add("surveillance_case", dict(
                id=str(uuid.uuid4()), visit_id=vid, patient_id=pid, disease=disease, icd10=code,
                classification="suspected", onset_date=onset, reported_date=onset, facility_id=fid, unit_id=uid,
                immediate=disease in ("malaria", "cholera", "measles"), classified_at=now,
                classification_reason="bench", registry_version=1, created_at=now))
    return len(picked)


def import_once(url: str, data: bytes, keys_from, store, *, alerts: bool) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    engine = open_database(url)
    copy_hq_keys(keys_from, engine)
    enrol(engine, store)
    real = hooks.after_changes_applied
    if not alerts:
        hooks.after_changes_applied = lambda conn, touched, **kw: []  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        out = import_bundle_bytes(engine, data)
        took = time.perf_counter() - start
    finally:
        hooks.after_changes_applied = real  # type: ignore[assignment]
    assert out.result is not None and not out.result.rejected
    with engine.connect() as conn:
        n = int(conn.execute(select(func.count()).select_from(hq_alert)).scalar() or 0)
    engine.dispose()
    return took, n


def run(label: str, make_url, data: bytes, keys_from, store, rounds: int) -> bool:  # type: ignore[no-untyped-def]
    with_alerts, without = [], []
    alerts_made = 0
    for i in range(rounds):
        for flag in ((True, False) if i % 2 == 0 else (False, True)):
            took, n = import_once(make_url(), data, keys_from, store, alerts=flag)
            (with_alerts if flag else without).append(took)
            if flag:
                alerts_made = n
    a, b = statistics.median(with_alerts), statistics.median(without)
    ratio = a / b - 1
    ok = ratio <= TARGET
    print(f"HQ import with alert evaluation ({label}): {a:6.2f} s vs {b:6.2f} s without, +{100 * ratio:4.1f}% "
          f"(target <= {100 * TARGET:.0f}%), {alerts_made} alerts raised; medians of {rounds}  "
          f"{'OK' if ok else 'SLOW'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = make_laptop_with_changes(folder, args.changes - args.changes // 100)
        cases = add_cases(store, share=(args.changes // 100) / (args.changes * 0.8))
        central = open_database(str(folder / "keys.db"))
        identity.load_enrolment(store, enrol(central, store), actor=Coordinator())
        summary = export_bundle(store, Coordinator(), folder / "bench.bundle")
        data = summary.path.read_bytes()
        print(f"bundle of {summary.count:,} changes ({cases:,} notifiable cases), {summary.size / 1e6:.1f} MB")
        counter = iter(range(10**6))
        ok &= run("SQLite", lambda: str(folder / f"hq{next(counter)}.db"), data, central, store, args.rounds)
        if not args.no_postgres:
            made: list[str] = []
            try:
                admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})

                def pg_url() -> str:
                    name = f"sayyar_alertbench_{uuid.uuid4().hex[:10]}"
                    with admin.connect() as conn:
                        conn.execute(text(f'CREATE DATABASE "{name}"'))
                    made.append(name)
                    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

                ok &= run("PostgreSQL", pg_url, data, central, store, args.rounds)
            except Exception as err:  # noqa: BLE001 - PostgreSQL is optional here
                print(f"HQ import with alert evaluation (PostgreSQL): skipped ({type(err).__name__})")
            finally:
                for name in made:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        store.close()
    print("ALL TARGETS MET" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
