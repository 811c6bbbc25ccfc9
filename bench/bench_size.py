"""Laptop database size over years (issue 11): the bench data set once acknowledged by the server (entries compacted
and packed, freed pages given back by incremental auto-vacuum), then after a full VACUUM (`sayyar compact`). Prints the file size, bytes per record and the change log's share, against the 2 GB target for
250,000 patients / 1,000,000 visits (a smaller run is scaled to that size and says so).

    .venv/bin/python bench/bench_size.py                     # 250,000 patients, 4 visits each (long: builds it)
    .venv/bin/python bench/bench_size.py --patients 5000     # quick; projected to 250,000
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

from app.models import ChangeLog, ChangeLogArchive  # noqa: E402
from app.models.registry import REGISTRY  # noqa: E402
from app.services.demo import make_demo_data  # noqa: E402
from app.services.reference import seed_reference  # noqa: E402
from app.store import Store  # noqa: E402
from app.sync import outbox  # noqa: E402

TARGET_BYTES = 2 * 1024**3
TARGET_PATIENTS = 250_000


def table_bytes(store: Store) -> dict[str, int]:
    with store.read() as s:
        try:
            rows = s.execute(text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")).all()
        except Exception:  # noqa: BLE001 - dbstat is not compiled into every SQLite
            return {}
    return {name: int(size) for name, size in rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=TARGET_PATIENTS)
    parser.add_argument("--plain", action="store_true", help="without SQLCipher")
    parser.add_argument("--keep", action="store_true", help="keep the database file and say where")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sayyar-size-"))
    db = folder / "laptop.db"
    key = None if args.plain else secrets.token_bytes(32)
    store = Store.open(db, key, device_code="BEN1")
    seed_reference(store, unit_code="MHU-ZAH")
    started = time.perf_counter()
    make_demo_data(store, patients=args.patients, visits_per_patient=4.0)
    print(f"built {args.patients:,} patients in {time.perf_counter() - started:.0f} s")
    with store.read() as s:
        records = sum(int(s.scalar(select(func.count()).select_from(e.table)) or 0) for e in REGISTRY.values())
        seqs = list(s.execute(select(ChangeLog.seq)).scalars())
    before = db.stat().st_size
    print(f"before acknowledgement: {before / 1024**2:,.1f} MB, {before / records:,.0f} bytes per record "
          f"({records:,} records)")
    started = time.perf_counter()
    outbox.mark(store, seqs, "acked")  # what the server's acknowledgement does: compact, pack, give pages back
    store.close()
    reclaimed = db.stat().st_size
    print(f"acknowledged (compacted, packed, incremental vacuum) in {time.perf_counter() - started:.1f} s: "
          f"{reclaimed / 1024**2:,.1f} MB, {reclaimed / records:,.0f} bytes per record")
    store = Store.open(db, key)
    started = time.perf_counter()
    store.vacuum()  # sayyar compact: the whole file rewritten, as a maintenance step
    parts = table_bytes(store)
    with store.read() as s:
        packed = int(s.scalar(select(func.coalesce(func.sum(ChangeLogArchive.entries), 0))) or 0)
        live = int(s.scalar(select(func.count()).select_from(ChangeLog)) or 0)
    store.close()
    after = db.stat().st_size
    if args.keep:
        print(f"kept: {db}")
    print(f"then VACUUM in {time.perf_counter() - started:.1f} s: {after / 1024**2:,.1f} MB, "
          f"{after / records:,.0f} bytes per record ({packed:,} entries packed, {live:,} still in the change log)")
    if parts:
        cl = sum(v for k, v in parts.items() if "change_log" in k)
        base = sum(v for k, v in parts.items() if "sync_base" in k)
        print(f"change log and its archive now {cl / 1024**2:,.1f} MB ({cl / after:.0%} of the file), "
              f"merge bases {base / 1024**2:,.1f} MB")
    projected = after * TARGET_PATIENTS / args.patients
    scaled = "" if args.patients == TARGET_PATIENTS else f" (projected from {args.patients:,} patients)"
    verdict = "PASS" if projected <= TARGET_BYTES else "FAIL"
    print(f"{TARGET_PATIENTS:,} patients / 1,000,000 visits: {projected / 1024**3:.2f} GB{scaled}; "
          f"target <= 2 GB: {verdict}")


if __name__ == "__main__":
    main()
