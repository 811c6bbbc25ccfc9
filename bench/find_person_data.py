"""The data set of bench/bench_find_person.py, built in steps so that a large one (1,000,000 patients) survives an
interruption: each step of ``STEP`` patients is one committed transaction, and a new run counts the patients
already there and goes on from the next step (the demo generator continues the laptop's patient numbers).

Unlike the demo site, some patients are written in one script only (a clerk on a Persian screen types no Latin
name, and the reverse), so that a query in the other script can reach them only through the cross-script keys; and
one in 400 is given a name of the curated table that the demo's lists do not use (a rare name: few namesakes, so a
query runs through every step of the search).

Run alone:  nice -n 10 .venv/bin/python bench/find_person_data.py --patients 1000000 --dir /work/bench-data/find-1000000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.name_table import name_entries  # noqa: E402
from app.services.demo import immunisation as demo_immunisation  # noqa: E402
from app.services.demo.generator import DemoGenerator  # noqa: E402
from app.services.demo.names import FEMALE, MALE  # noqa: E402
from app.services.reference import seed_reference  # noqa: E402
from app.store import Store  # noqa: E402
from app.store.bulk import BulkWriter  # noqa: E402
from app.store.search_index import patient_key_columns  # noqa: E402

STEP = 50_000
PERSIAN_ONLY, LATIN_ONLY, RARE = 0.08, 0.08, 1 / 400
SCRIPTS = ("given_name", "father_name", "family_name", "grandfather_name")


def rare_names() -> list[tuple[str, str]]:
    """Names of the curated table that the demo's lists do not use: (Persian, Latin), usual spellings."""
    used = {fa for fa, _ in MALE + FEMALE}
    return [
        (e.persian[0], e.latin[0])
        for e in name_entries()
        if e.kind == "n" and e.persian[0] not in used and " " not in e.latin[0]
    ]


class _Writer:
    """Passes rows on to the bulk writer, rewriting patient rows as the data set wants them."""

    def __init__(self, w: BulkWriter, rng: random.Random, rare: list[tuple[str, str]]) -> None:
        self.w, self.rng, self.rare = w, rng, rare

    def add(self, table: str, values: dict[str, Any]) -> dict[str, Any]:
        if table == "patient":
            values = self._patient(values)
        return self.w.add(table, values)

    def _patient(self, v: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        v = dict(v)
        if rng.random() < RARE:
            v["given_name_fa"], v["given_name_latin"] = rng.choice(self.rare)
        draw = rng.random()
        drop = "_latin" if draw < PERSIAN_ONLY else "_fa" if draw < PERSIAN_ONLY + LATIN_ONLY else ""
        if drop:
            for name in SCRIPTS:
                if name + drop in v:
                    v[name + drop] = ""
        # The key columns are the registration's, made from the names as they now stand.
        v.update(patient_key_columns(cast("Mapping[str, str]", v)))
        return v

    def __getattr__(self, name: str) -> Any:
        return getattr(self.w, name)


class _NoVaccinations:
    """The search index reads no vaccination: the data set leaves them out (they were half of the rows written)."""

    def __init__(self, gen: Any, seed: int) -> None:
        pass

    def child(self, w: BulkWriter, patient: dict[str, Any]) -> None:
        pass

    def campaign(self, w: BulkWriter) -> None:
        pass


class ScaleGenerator(DemoGenerator):
    def __init__(self, store: Store, *, seed: int) -> None:
        super().__init__(store, seed=seed, visits_per_patient=0.0, today=date.today())
        self._names_rng = random.Random(seed * 7 + 1)  # apart from the generator's own: its records stay the same
        self._rare = rare_names()

    def household(self, w: BulkWriter, remaining: int) -> list[dict]:
        return super().household(cast(BulkWriter, _Writer(w, self._names_rng, self._rare)), remaining)


def count_patients(store: Store) -> int:
    with store.read() as s:
        return int(s.connection().exec_driver_sql("SELECT count(*) FROM patient").scalar() or 0)


def build(folder: Path, patients: int) -> Path:
    """The data set in ``folder`` (bench.db), made or completed up to ``patients``."""
    db = folder / "bench.db"
    folder.mkdir(parents=True, exist_ok=True)
    fresh = not db.exists()
    t, c = time.perf_counter(), time.process_time()
    store = Store.open(db, None, device_code="BEN1")
    if store.schema_status == "upgraded":  # made by an earlier version: copied aside, its search index rebuilt
        print(
            f"  upgraded to this version's schema in {time.perf_counter() - t:.0f} s "
            f"(CPU {time.process_time() - c:.0f} s)",
            flush=True,
        )
    try:
        if fresh:
            seed_reference(store, unit_code="MHU-ZAH")
        have = count_patients(store)
        started = time.perf_counter()
        while have < patients:
            step = min(STEP, patients - have)
            t = time.perf_counter()
            real = demo_immunisation.DemoImmunisation
            demo_immunisation.DemoImmunisation = _NoVaccinations  # type: ignore[misc]  # read by run() when called
            try:
                ScaleGenerator(store, seed=1405 + have // STEP).run(step)
            finally:
                demo_immunisation.DemoImmunisation = real  # type: ignore[misc]
            have = count_patients(store)
            print(f"  {have:,} patients ({time.perf_counter() - t:.0f} s for the last {step:,})", flush=True)
        if time.perf_counter() - started > 1:
            print(f"data set: {have:,} patients, {time.perf_counter() - started:.0f} s this run", flush=True)
    finally:
        store.close()
    return db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=250_000)
    ap.add_argument("--dir", type=Path, required=True)
    args = ap.parse_args()
    build(args.dir, args.patients)


if __name__ == "__main__":
    main()
