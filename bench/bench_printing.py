"""Printing benchmark: one referral slip and a 500-patient daily roster, English and Persian.

Run:  .venv/bin/python bench/bench_printing.py
Targets: slip median <= 50 ms, 500-patient roster median <= 1.5 s, after warm-up (font loading happens once per process).
Each slip gets a new referral id and slightly different text, so the QR code and the shaping caches are not simply
reused from the previous run. Timing lives here, not in the test suite, because CI machines are noisy.
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(ROOT / "tests" / "printing"))  # fictitious sample data shared with the tests

from app.printing import render_referral_slip, render_roster  # noqa: E402
from print_samples import options, roster, slip_en, slip_fa  # noqa: E402

SLIP_TARGET = 0.050
ROSTER_TARGET = 1.5
SLIP_RUNS, ROSTER_RUNS, WARMUP = 60, 5, 3


def _time(fn, runs: int) -> list[float]:
    for i in range(WARMUP):
        fn(-1 - i)
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return times


def _report(name: str, times: list[float], target: float) -> bool:
    median = statistics.median(times)
    ok = median <= target
    print(f"{name:<28} median {median * 1000:8.1f} ms   min {min(times) * 1000:8.1f} ms   "
          f"max {max(times) * 1000:8.1f} ms   target <= {target * 1000:.0f} ms   {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    # First render in this process, font registration included: what the first Print click of the day costs.
    start = time.perf_counter()
    render_referral_slip(slip_fa(), options("fa", "persian"))
    print(f"{'first slip (cold, fonts)':<28} {(time.perf_counter() - start) * 1000:8.1f} ms   (information only)")

    def slip(maker, lang, digits):
        def run(i: int) -> None:
            data = maker(referral_id=str(uuid.uuid4()), patient_name=f"{maker().patient_name} {i}",
                         complaint=f"{maker().complaint} ({i})")
            render_referral_slip(data, options(lang, digits))
        return run

    def rost(lang, digits):
        data = roster(500, lang)
        return lambda i: render_roster(data, options(lang, digits))

    results = [
        _report("referral slip (en)", _time(slip(slip_en, "en", "latin"), SLIP_RUNS), SLIP_TARGET),
        _report("referral slip (fa)", _time(slip(slip_fa, "fa", "persian"), SLIP_RUNS), SLIP_TARGET),
        _report("roster 500 patients (en)", _time(rost("en", "latin"), ROSTER_RUNS), ROSTER_TARGET),
        _report("roster 500 patients (fa)", _time(rost("fa", "persian"), ROSTER_RUNS), ROSTER_TARGET),
    ]
    print("PASS" if all(results) else "FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
