"""Precision and recall of person matching on the curated name pairs (issue 15, "Proof"): tests/matching/name_pairs.tsv.

Run:  .venv/bin/python bench/bench_matching.py [--background 5000]
Each pair's first person is registered among ``--background`` demo patients (the same names, other fathers and
years), then the second is checked as a new registration would be and searched for by given + father's name.
Targets: recall of same-person pairs >= 95 %; different-person pairs shown as the top candidate <= 2 %.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from matching.pair_eval import evaluate, load_pairs  # noqa: E402
from services.conftest import make_ctx  # noqa: E402

from app.services.demo import make_demo_data  # noqa: E402
from app.services.reference import seed_reference  # noqa: E402
from app.store import Store  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--background", type=int, default=5000, help="demo patients registered first")
    ap.add_argument("--show", action="store_true", help="list the misses and the false top candidates")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "sayyar.db", secrets.token_bytes(32), device_code="ZAH1")
        seed_reference(store, unit_code="MHU-ZAH")
        if args.background:
            make_demo_data(store, patients=args.background, visits_per_patient=0.0)
        pairs = load_pairs()
        started = time.perf_counter()
        report = evaluate(make_ctx(store, "clinician"), pairs)
        took = time.perf_counter() - started
        store.close()
    print(f"{len(pairs)} curated pairs among {args.background:,} other patients, {took:.1f} s")
    for line in report.lines():
        print("  " + line)
    if args.show:
        for label in report.misses:
            print("  missed:     " + label)
        for label in report.false_tops:
            print("  false top:  " + label)
    ok = report.recall >= 0.95 and report.false_top_rate <= 0.02 and report.search_recall >= 0.95
    print(f"{'PASS' if ok else 'FAIL'} (targets: recall >= 95 %, different people as the top candidate <= 2 %, "
          f"search recall >= 95 %)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
