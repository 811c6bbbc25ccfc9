"""Headquarters pages benchmark (issue 17): every /hq page rendered over a central database of 3,000,000 visits,
p95 of repeated requests, in English and Persian.

Run:  .venv/bin/python bench/bench_hq_pages.py [--visits 3000000] [--backend sqlite|postgres] [--keep] [--runs 20]
Target: every page <= 300 ms p95. Small sizes check that it works (``--visits 3000 --runs 3``); the real figure needs a
quiet machine. The dataset is the weekly-report benchmark's (bench/bench_hq_report.py,
app.hq.synthetic), reused with --keep. Pages are requested through FastAPI's TestClient (the router, its
dependencies and HTML rendering; no network), one warm-up request each first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.hq.access import Actor  # noqa: E402
from app.hq.alerts import OPEN_STATUSES, evaluate_alerts  # noqa: E402
from app.hq.models import ensure_hq_schema, hq_alert  # noqa: E402
from app.hq.web import get_actor, get_connection, router  # noqa: E402
from app.hq.workspace_web import router as workspace_router  # noqa: E402

TARGET_MS = 300.0


def main() -> int:
    from bench_hq_report import pg_engine, sqlite_engine

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--visits", type=int, default=3_000_000)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    engine = sqlite_engine(args.visits, args.keep)[0] if args.backend == "sqlite" else pg_engine(args.visits, True)
    ensure_hq_schema(engine)  # as the server does on opening: indexes of later versions on a kept database too
    with engine.begin() as conn:
        evaluate_alerts(conn)
        alert_id = conn.execute(select(hq_alert.c.id).limit(1)).scalar()
        n_open = conn.execute(select(func.count()).select_from(hq_alert)
                              .where(hq_alert.c.status.in_(OPEN_STATUSES))).scalar()
    print(f"  {n_open:,} unresolved alerts on the desk")
    app = FastAPI()
    app.include_router(router, prefix="/hq")
    app.include_router(workspace_router, prefix="/hq")  # bundle upload and conflict review pages
    app.state.engine = engine

    def connection():  # type: ignore[no-untyped-def]
        with engine.begin() as conn:
            yield conn

    who = {"actor": Actor("l.karimi", "headquarters")}
    app.dependency_overrides[get_connection] = connection
    app.dependency_overrides[get_actor] = lambda: who["actor"]
    pages = ["/hq/", "/hq/alerts", "/hq/alerts?page=999", "/hq/board", "/hq/surveillance", "/hq/report",
             "/hq/exports", "/hq/insurance", "/hq/conflicts", "/hq/import"]  # page=999: the desk's last page
    if alert_id:
        pages.append(f"/hq/alerts/{alert_id}")
    ok = True
    print(f"  load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with TestClient(app) as client:
        for lang in ("en", "fa"):
            who["actor"] = Actor("l.karimi", "headquarters", lang=lang)
            for path in pages:
                assert client.get(path).status_code == 200, path
                times = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    client.get(path)
                    times.append((time.perf_counter() - t0) * 1000)
                p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
                good = p95 <= TARGET_MS
                ok &= good
                print(f"  {args.backend} {lang} {path[:40]:<40} p95 {p95:7.1f} ms  median {statistics.median(times):7.1f}"
                      f" ms  {'OK' if good else 'TOO SLOW'}")
    print(f"  load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
