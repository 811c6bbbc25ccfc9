"""Demo data: ``sayyar demo-data --patients N``."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from app.services.demo.generator import DemoGenerator, DemoReport
from app.store import Store


def make_demo_data(store: Store, *, patients: int, visits_per_patient: float = 4.0, seed: int = 1405,
                   today: date | None = None, progress: Callable[[int], None] | None = None) -> DemoReport:
    started = time.perf_counter()
    gen = DemoGenerator(store, seed=seed, visits_per_patient=visits_per_patient, today=today or date.today())
    counts = gen.run(patients, progress)
    return DemoReport(counts, time.perf_counter() - started)


__all__ = ["DemoReport", "make_demo_data"]
