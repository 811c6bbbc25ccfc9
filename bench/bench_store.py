"""Record-store benchmarks (issue 2). Prints each figure against its target; run by hand, not in the tests.

    .venv/bin/python bench/bench_store.py                 # 250,000 patients / 1,000,000 visits (reuses bench/out)
    .venv/bin/python bench/bench_store.py --patients 20000 --fresh
    .venv/bin/python bench/bench_store.py --plain         # the same without SQLCipher (encryption overhead)
"""

from __future__ import annotations

import argparse
import random
import secrets
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from app.models import Facility, IdentityDocument, Patient, User  # noqa: E402
from app.services.context import Ctx  # noqa: E402
from app.services.demo import make_demo_data  # noqa: E402
from app.services.patient_search import load_rows, search_patient_ids  # noqa: E402
from app.services.reference import seed_reference  # noqa: E402
from app.services.visits import record_visit  # noqa: E402
from app.store import Store  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(name: str, value_ms: float, target_ms: float, unit: str = "ms") -> None:
    verdict = "PASS" if value_ms <= target_ms else "FAIL"
    print(f"{verdict}  {name:<58} {value_ms:9.1f} {unit}  (target <= {target_ms:g} {unit})")


def build(folder: Path, patients: int, plain: bool) -> tuple[Path, bytes | None]:
    key = None if plain else (folder / "key.bin").read_bytes() if (folder / "key.bin").exists() else None
    db = folder / "bench.db"
    if db.exists():
        return db, key
    folder.mkdir(parents=True, exist_ok=True)
    if not plain:
        key = secrets.token_bytes(32)
        (folder / "key.bin").write_bytes(key)
    store = Store.open(db, key, device_code="BEN1")
    seed_reference(store, unit_code="MHU-ZAH")
    started = time.perf_counter()
    done = make_demo_data(store, patients=patients, visits_per_patient=4.0,
                          progress=lambda n: print(f"  {n:,} patients", end="\r", flush=True))
    elapsed = time.perf_counter() - started
    store.close()
    print(f"demo data: {done.counts.get('patient', 0):,} patients, {done.counts.get('visit', 0):,} visits, "
          f"{sum(done.counts.values()):,} rows in {elapsed:.0f} s; file {db.stat().st_size / 1e9:.2f} GB")
    report(f"demo-data {patients:,} patients (scaled to 250k / 5 min)", elapsed * 250_000 / patients, 300, "s")
    return db, key


def bench_open(db: Path, key: bytes | None) -> None:
    times = []
    for _ in range(7):
        t = time.perf_counter()
        Store.open(db, key).close()
        times.append((time.perf_counter() - t) * 1000)
    report("open existing database (incl. schema check), median", statistics.median(times), 300)


def bench_search(store: Store) -> None:
    rng = random.Random(7)
    with store.read() as s:
        sample = s.scalars(select(Patient).order_by(Patient.code).limit(4000)).all()
        docs = s.scalars(select(IdentityDocument.number).limit(2000)).all()
    cases = {
        "Persian name prefix": [p.given_name_fa[: rng.randint(2, 4)] for p in sample],
        "Latin name prefix": [p.given_name_latin[: rng.randint(2, 5)] for p in sample],
        "father's name prefix (Latin)": [p.father_name_latin[: rng.randint(3, 5)] for p in sample],
        "given + father's name (2 words)": [f"{p.given_name_fa} {p.father_name_fa[:3]}" for p in sample],
        "document number prefix": [d[: rng.randint(5, 9)] for d in docs],
    }
    for name, queries in cases.items():
        queries = rng.sample(queries, min(300, len(queries)))
        times = []
        for q in queries:
            # What one keystroke costs the UI: the ids of the matches plus the first screenful of rows.
            t = time.perf_counter()
            with store.read() as s:
                ids = search_patient_ids(s, q, limit=200)
                load_rows(s, ids[:40], "fa")
            times.append((time.perf_counter() - t) * 1000)
        report(f"search as you type: {name}, p95", pct(times, 95), 30)


def bench_visits(store: Store) -> None:
    with store.read() as s:
        user = s.scalars(select(User.id).where(User.role == "clinician")).first()
        facility = s.scalars(select(Facility.id).where(Facility.unit_id == store.device.unit_id)).first()
        patients = s.scalars(select(Patient.id).limit(500)).all()
    ctx = Ctx(store, user, "clinician", facility_id=facility)
    times = []
    for i in range(300):
        t = time.perf_counter()
        record_visit(ctx, {"patient_id": patients[i % len(patients)], "complaint": "cough", "temperature_c": 37.4,
                           "pulse": 88, "systolic": 118, "diastolic": 76,
                           "diagnoses": [{"code": "J06.9"}, {"code": "A09"}]})
        times.append((time.perf_counter() - t) * 1000)
    report("record a visit (2 diagnoses, change log, fsync), p95", pct(times, 95), 15)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=250_000)
    ap.add_argument("--fresh", action="store_true", help="rebuild the data set")
    ap.add_argument("--plain", action="store_true", help="no SQLCipher encryption")
    args = ap.parse_args()
    folder = OUT / f"store-{args.patients}-{'plain' if args.plain else 'enc'}"
    if args.fresh and folder.exists():
        shutil.rmtree(folder)
    db, key = build(folder, args.patients, args.plain)
    bench_open(db, key)
    store = Store.open(db, key)
    bench_search(store)
    bench_visits(store)
    store.close()


if __name__ == "__main__":
    main()
