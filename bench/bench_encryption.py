"""What encryption at rest costs (issue 6): the same workloads on a SQLCipher store and on a plain SQLite store.

    .venv/bin/python bench/bench_encryption.py                      # 50,000 patients each (data kept for reruns)
    .venv/bin/python bench/bench_encryption.py --patients 5000 --fresh

Both stores are filled by ``make_demo_data`` with the same seed and the same "today", so they hold the same people,
visits and referrals. Each workload alternates between the two stores query by query (plain, encrypted, plain, ...),
so drift in the machine's load hits both alike. Prints p50/p95 per store and the overhead ratio (encrypted / plain)
with PASS/FAIL against "encryption adds at most 25 %". Run by hand, not in the tests: timing on CI is noise.
Sign-in time (argon2id) is measured separately by bench/bench_signin.py.
"""

from __future__ import annotations

import argparse
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from sqlalchemy import select  # noqa: E402

from app.models import Facility, IdentityDocument, Patient, User  # noqa: E402
from app.services.context import Ctx  # noqa: E402
from app.services.demo import make_demo_data  # noqa: E402
from app.services.patient_search import find_patients  # noqa: E402
from app.services.reference import seed_reference  # noqa: E402
from app.services.visits import record_visit  # noqa: E402
from app.store import Store  # noqa: E402

MAX_OVERHEAD = 0.25
SEED = 1405
TODAY = date(2026, 11, 28)  # fixed so both stores get identical visit dates


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build(folder: Path, patients: int, encrypted: bool) -> tuple[Path, bytes | None]:
    """One store in ``folder``, reused if it is already there. The bench key is a throwaway kept beside the data."""
    db, key_file = folder / "bench.db", folder / "key.bin"
    if db.exists():
        return db, key_file.read_bytes() if encrypted else None
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32) if encrypted else None
    if key is not None:
        key_file.write_bytes(key)
    store = Store.open(db, key, device_code="BEN1")
    try:
        seed_reference(store, unit_code="MHU-ZAH")
        started = time.perf_counter()
        done = make_demo_data(store, patients=patients, seed=SEED, today=TODAY,
                              progress=lambda n: print(f"  {n:,} patients", end="\r", flush=True))
        print(f"{'encrypted' if encrypted else 'plain    '} store: {done.counts.get('patient', 0):,} patients, "
              f"{done.counts.get('visit', 0):,} visits in {time.perf_counter() - started:.0f} s, "
              f"{db.stat().st_size / 1e6:.0f} MB")
    finally:
        store.close()
    return db, key


def clinician_ctx(store: Store) -> Ctx:
    with store.read() as s:
        user = s.scalars(select(User.id).where(User.role == "clinician")).first()
        facility = s.scalars(select(Facility.id).where(Facility.unit_id == store.device.unit_id)).first()
    assert user is not None
    return Ctx(store, user, "clinician", unit_id=store.device.unit_id, facility_id=facility, lang="fa")


def keystrokes(store: Store, count: int) -> list[str]:
    """What a clinician types, one entry per keystroke: growing prefixes of names and document numbers."""
    rng = random.Random(7)
    with store.read() as s:
        people = s.scalars(select(Patient).order_by(Patient.code).limit(3000)).all()
        docs = s.scalars(select(IdentityDocument.number).order_by(IdentityDocument.number).limit(1000)).all()
    typed: list[str] = []
    while len(typed) < count:
        kind = rng.random()
        if kind < 0.4:
            word = rng.choice(people).given_name_fa
        elif kind < 0.7:
            word = rng.choice(people).given_name_latin
        elif kind < 0.85:
            p = rng.choice(people)
            word = f"{p.given_name_fa} {p.father_name_fa}"
        else:
            word = rng.choice(docs) if docs else rng.choice(people).code
        typed.extend(word[:n] for n in range(2, len(word) + 1))
    return typed[:count]


def alternate(work: list[Callable[[Ctx], object]], plain: Ctx, enc: Ctx) -> tuple[list[float], list[float]]:
    """Runs each piece of work on both stores, alternating which goes first; returns milliseconds per store."""
    times: dict[int, list[float]] = {0: [], 1: []}
    ctxs = (plain, enc)
    for i, job in enumerate(work):
        order = (0, 1) if i % 2 == 0 else (1, 0)
        for which in order:
            t = time.perf_counter()
            job(ctxs[which])
            times[which].append((time.perf_counter() - t) * 1000)
    return times[0], times[1]


def cold_search(plain_db: Path, enc_db: Path, key: bytes | None, typed: list[str],
                runs: int) -> tuple[list[float], list[float]]:
    """Right after sign-in SQLCipher's page cache is empty, so the first searches decrypt every page they touch.
    Times the first three keystrokes after each fresh open (the open itself is not timed)."""
    times: dict[bool, list[float]] = {False: [], True: []}
    for i in range(runs):
        for encrypted in ((False, True) if i % 2 == 0 else (True, False)):
            store = Store.open(enc_db, key) if encrypted else Store.open(plain_db)
            try:
                ctx = clinician_ctx(store)
                word = typed[(i * 7) % len(typed)]
                t = time.perf_counter()
                for n in range(2, 5):
                    find_patients(ctx, word[:n])
                times[encrypted].append((time.perf_counter() - t) * 1000)
            finally:
                store.close()
    return times[False], times[True]


def verdict(name: str, plain: list[float], enc: list[float]) -> bool:
    p50p, p95p, p50e, p95e = pct(plain, 50), pct(plain, 95), pct(enc, 50), pct(enc, 95)
    r50, r95 = p50e / p50p - 1, p95e / p95p - 1
    ok = r50 <= MAX_OVERHEAD and r95 <= MAX_OVERHEAD
    print(f"{name} ({len(plain)} runs each)")
    print(f"  plain      p50 {p50p:7.2f} ms   p95 {p95p:7.2f} ms   mean {statistics.fmean(plain):7.2f} ms")
    print(f"  encrypted  p50 {p50e:7.2f} ms   p95 {p95e:7.2f} ms   mean {statistics.fmean(enc):7.2f} ms")
    print(f"  {'PASS' if ok else 'FAIL'}  overhead p50 {r50:+.1%}, p95 {r95:+.1%} (target <= +{MAX_OVERHEAD:.0%})")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, default=50_000)
    ap.add_argument("--keystrokes", type=int, default=600)
    ap.add_argument("--visits", type=int, default=200)
    ap.add_argument("--cold", type=int, default=40, help="fresh opens for the cold-cache search")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "sayyar-bench-encryption")
    ap.add_argument("--fresh", action="store_true", help="rebuild both data sets")
    args = ap.parse_args()
    root = args.workdir / f"{args.patients}"
    if args.fresh and root.exists():
        shutil.rmtree(root)
    plain_db, _ = build(root / "plain", args.patients, encrypted=False)
    enc_db, key = build(root / "encrypted", args.patients, encrypted=True)
    plain_store, enc_store = Store.open(plain_db), Store.open(enc_db, key)
    try:
        plain, enc = clinician_ctx(plain_store), clinician_ctx(enc_store)
        typed = keystrokes(plain_store, args.keystrokes)
        warm = [lambda c, q=q: find_patients(c, q) for q in typed[:50]]
        alternate(warm, plain, enc)  # fill both page caches before anything is timed
        search = [lambda c, q=q: find_patients(c, q) for q in typed]
        ok = verdict("search as you type (find_patients, one call per keystroke)", *alternate(search, plain, enc))

        with plain_store.read() as s:
            # Same seed, same ids: a patient picked on one store exists on the other.
            ids = s.scalars(select(Patient.id).order_by(Patient.code).limit(500)).all()

        def visit(i: int) -> Callable[[Ctx], object]:
            return lambda c: record_visit(c, {
                "patient_id": ids[i % len(ids)], "complaint": "cough and fever", "temperature_c": 38.1,
                "pulse": 92, "systolic": 118, "diastolic": 76, "diagnoses": [{"code": "J06.9"}, {"code": "A09"}]})

        ok &= verdict("record a visit (2 diagnoses, change log, fsync)",
                      *alternate([visit(i) for i in range(args.visits)], plain, enc))
        ok &= verdict("first keystrokes after opening the store (cold page cache: every page decrypted)",
                      *cold_search(plain_db, enc_db, key, typed, args.cold))
    finally:
        plain_store.close()
        enc_store.close()
    print("PASS" if ok else "FAIL", "encryption overhead")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
