"""Alert evaluation inside a bundle import: what it adds to the import of a 100,000-change bundle.

Run:  .venv/bin/python bench/bench_hq_alerts.py [--changes 100000] [--history 12000] [--rounds 5] [--no-postgres]
Target (issue 16): the alert rules, run in the import's own transaction, add <= 10% to the import time.

The bundle is a laptop's year: 20% patients, 80% visits, 1% of the visits notifiable (cases spread over 52 weeks,
several diseases, malaria in elimination mode, dengue in clusters). Headquarters is not empty when it arrives: a
second laptop of the unit has sent three years of cases from every facility of the unit (``--history``), alerts
raised as they came. Every run starts from a copy of that same database (a file copy on SQLite, CREATE DATABASE …
TEMPLATE on PostgreSQL), after one warm-up import of each kind.

Two figures per database, both over the same runs:
- the one checked: the time spent inside the alert hook during each import with alerts, against the rest of that
  same import (the ratio of each run, median of the runs). Paired in one run, it does not move with the machine's
  load the way two separate imports do;
- the imports with the hook against imports with the hook replaced by a no-op, alternately (medians, and the median
  of each round's pair), with the spread of the imports without it: on a shared machine that spread is often wider
  than the figure itself.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
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

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_ADMIN = f"{PG_SERVER}/postgres"
TARGET = 0.10
DISEASES = [("malaria", "B54", 40), ("dengue", "A90", 25), ("cholera", "A00.9", 5), ("measles", "B05.9", 10),
            ("tuberculosis", "A15.0", 10), ("leishmaniasis_cl", "B55.1", 10)]


def add_cases(store, share: float = 0.01, seed: int = 16, *, days: int = 364,  # type: ignore[no-untyped-def]
              spread: bool = False) -> int:
    """Turn ``share`` of the laptop's visits into notifiable ones: a surveillance case each (through the store's
    bulk writer: stamped and logged like any case), onset spread over the last ``days`` days; at the visit's
    facility, or (``spread``) at any facility of the laptop's unit."""
    from app.models import Facility, Visit

    rng = random.Random(seed)
    with store.read() as s:
        visits = s.execute(select(Visit.id, Visit.patient_id, Visit.facility_id, Visit.unit_id)).all()
        facilities = list(s.scalars(select(Facility.id).where(Facility.unit_id == store.device.unit_id)
                                    .order_by(Facility.code)))
    picked = rng.sample(visits, int(len(visits) * share))
    weights = [w for *_, w in DISEASES]
    now = datetime.now(timezone.utc)
    with store.bulk(None) as w:
        for vid, pid, fid, uid in picked:
            disease, code, _ = rng.choices(DISEASES, weights)[0]
            onset = date.today() - timedelta(days=rng.randint(0, days))
            w.add("surveillance_case", dict(
                id=str(uuid.uuid4()), visit_id=vid, patient_id=pid, disease=disease, icd10=code,
                classification="suspected", onset_date=onset, reported_date=onset,
                facility_id=rng.choice(facilities) if spread else fid, unit_id=uid,
                immediate=disease in ("malaria", "cholera", "measles"), classified_at=now,
                classification_reason="bench", registry_version=1, created_at=now))
    return len(picked)


@dataclass
class Laptop:
    store: object
    bundle: bytes
    changes: int
    cases: int


def make_laptop(folder: Path, central, changes: int, cases: int, *, code: str, days: int,  # type: ignore[no-untyped-def]
                spread: bool) -> Laptop:
    folder.mkdir()
    records = changes - cases  # 20% patients, 80% visits
    store = make_laptop_with_changes(folder, records, code=code)
    made = add_cases(store, share=cases / (records * 0.8), days=days, spread=spread)
    identity.load_enrolment(store, enrol(central, store), actor=Coordinator())
    summary = export_bundle(store, Coordinator(), folder / "bench.bundle")
    return Laptop(store, summary.path.read_bytes(), summary.count, made)


@dataclass
class Runs:
    with_alerts: list[float] = field(default_factory=list)
    without: list[float] = field(default_factory=list)
    hook: list[float] = field(default_factory=list)  # seconds inside the alert hook, per import with alerts
    alerts: int = 0


def import_once(url: str, data: bytes, *, alerts: bool, runs: Runs | None) -> None:
    engine = open_database(url)
    real = hooks.after_changes_applied
    spent: list[float] = []

    def timed(conn, touched, **kw):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return real(conn, touched, **kw)
        finally:
            spent.append(time.perf_counter() - start)

    hooks.after_changes_applied = timed if alerts else (lambda conn, touched, **kw: [])  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        out = import_bundle_bytes(engine, data)
        took = time.perf_counter() - start
    finally:
        hooks.after_changes_applied = real  # type: ignore[assignment]
    assert out.result is not None and not out.result.rejected, out.result and out.result.rejected[:3]
    if runs is not None:
        if alerts:
            runs.with_alerts.append(took)
            runs.hook.append(sum(spent))
            with engine.connect() as conn:
                runs.alerts = int(conn.execute(select(func.count()).select_from(hq_alert)).scalar() or 0)
        else:
            runs.without.append(took)
    engine.dispose()


def run(label: str, copy: Callable[[], str], drop: Callable[[str], None], data: bytes, rounds: int) -> bool:
    runs = Runs()
    for flag in (True, False):  # warm-up: caches, the planner, the interpreter's own
        url = copy()
        import_once(url, data, alerts=flag, runs=None)
        drop(url)
    for i in range(rounds):
        for flag in ((True, False) if i % 2 == 0 else (False, True)):
            url = copy()
            import_once(url, data, alerts=flag, runs=runs)
            drop(url)
    own = statistics.median(h / (t - h) for h, t in zip(runs.hook, runs.with_alerts, strict=True))
    a, b = statistics.median(runs.with_alerts), statistics.median(runs.without)
    ok = own <= TARGET
    print(f"HQ import with alert evaluation ({label}): alert hook {1000 * statistics.median(runs.hook):.0f} ms "
          f"in an import of {a:.2f} s: +{100 * own:.1f}% (target <= {100 * TARGET:.0f}%), {runs.alerts} alerts "
          f"after it; median of {rounds}  {'OK' if ok else 'SLOW'}")
    paired = statistics.median(w / n - 1 for w, n in zip(runs.with_alerts, runs.without, strict=True))
    print(f"    imports with the hook / with a no-op: {a:.2f} s / {b:.2f} s ({100 * (a / b - 1):+.1f}%; "
          f"{100 * paired:+.1f}% the median of each round's pair); without the hook the imports took "
          f"{min(runs.without):.2f}–{max(runs.without):.2f} s")
    return ok


def prepare(url: str, central, laptops: list[Laptop]) -> None:  # type: ignore[no-untyped-def]
    """Headquarters before the bundle: keys, both laptops enrolled, the history laptop's bundle imported (its
    alerts raised by the same hook)."""
    engine = open_database(url)
    copy_hq_keys(central, engine)
    for lap in laptops:
        enrol(engine, lap.store)
    engine.dispose()
    if len(laptops) > 1:
        import_once(url, laptops[0].bundle, alerts=True, runs=None)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=12_000, help="cases at headquarters before the bundle")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        central = open_database(str(folder / "keys.db"))
        laptops = []
        if args.history:
            laptops.append(make_laptop(folder / "history", central, args.history * 9 // 4, args.history,
                                       code="BNC9", days=3 * 365, spread=True))
        lap = make_laptop(folder / "laptop", central, args.changes, args.changes // 100, code="BNC1", days=364,
                          spread=False)
        laptops.append(lap)
        print(f"bundle of {lap.changes:,} changes ({lap.cases:,} notifiable cases), {len(lap.bundle) / 1e6:.1f} MB; "
              f"headquarters holds {laptops[0].cases if args.history else 0:,} cases of 3 years before it")

        base = folder / "base.db"
        prepare(str(base), central, laptops)
        counter = iter(range(10**6))

        def sqlite_copy() -> str:
            path = folder / f"hq{next(counter)}.db"
            for suffix in ("", "-wal"):
                if Path(f"{base}{suffix}").exists():
                    shutil.copyfile(f"{base}{suffix}", f"{path}{suffix}")
            return str(path)

        def sqlite_drop(url: str) -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(url + suffix).unlink(missing_ok=True)

        ok &= run("SQLite", sqlite_copy, sqlite_drop, lap.bundle, args.rounds)
        if not args.no_postgres:
            template = f"sayyar_alertbench_{uuid.uuid4().hex[:10]}"
            admin = None
            try:
                admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{template}"'))
                prepare(f"{PG_SERVER}/{template}", central, laptops)

                def pg_copy() -> str:
                    name = f"{template}_{next(counter)}"
                    with admin.connect() as conn:  # type: ignore[union-attr]
                        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
                    return f"{PG_SERVER}/{name}"

                def pg_drop(url: str) -> None:
                    with admin.connect() as conn:  # type: ignore[union-attr]
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))

                ok &= run("PostgreSQL", pg_copy, pg_drop, lap.bundle, args.rounds)
            except Exception as err:  # noqa: BLE001 - PostgreSQL is optional here
                print(f"HQ import with alert evaluation (PostgreSQL): skipped ({type(err).__name__}: {err})")
            finally:
                if admin is not None:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
        for lp in laptops:
            lp.store.close()  # type: ignore[attr-defined]
    print("ALL TARGETS MET" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
