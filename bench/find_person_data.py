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
import sqlite3
import sys
import time
import uuid
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


COPY_PREFIX = "CPY1"
_FAMILY = (
    "father_name_fa",
    "father_name_latin",
    "father_key_fa",
    "father_key_latin",
    "grandfather_name_fa",
    "grandfather_name_latin",
    "family_name_fa",
    "family_name_latin",
)


def replicate(db: Path, patients: int, *, seed: int = 1405) -> None:
    """Fill the data set up to ``patients`` with new people made of the generated ones, quicker than the generator
    (for 1,000,000 on a shared machine): each takes the given name, sex and birth year of one generated patient and
    the father's, grandfather's and family name of another, a new id, code and phone, and no document; its search
    index rows are made by the index's own writer (app.store.search_index.reindex_patients). These rows are written
    straight into the file, without change-log entries: a benchmark's data, never synced. Resumable: copies
    already there are counted, and a copy without index rows gets them."""
    from app.core.codes import numbered_code
    from app.store.search_index import reindex_patients

    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    try:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(patient)")]
        have = conn.execute("SELECT count(*) FROM patient").fetchone()[0]
        copies = conn.execute("SELECT count(*) FROM patient WHERE code LIKE ?", (COPY_PREFIX + "-%",)).fetchone()[0]
        generated = have - copies
        started = time.perf_counter()
        while have < patients:
            step = min(STEP, patients - have)
            picks = []
            for k in range(copies + 1, copies + step + 1):
                a, b = rng.randint(1, generated), rng.randint(1, generated)
                phone = f"09{rng.randrange(10**9):09d}" if rng.random() < 0.45 else ""
                picks.append(
                    (
                        k,
                        a,
                        b,
                        str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        numbered_code(COPY_PREFIX, k, 7),
                        phone,
                    )
                )
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS pick (k, a, b, id, code, phone)")
            conn.execute("DELETE FROM pick")
            conn.executemany("INSERT INTO pick VALUES (?, ?, ?, ?, ?, ?)", picks)
            # rowid order of the generated patients: the first ``generated`` rows (copies are added after them).
            values = ", ".join(
                "pick.id"
                if c == "id"
                else "pick.code"
                if c == "code"
                else "pick.phone"
                if c == "phone"
                else f"pb.{c}"
                if c in _FAMILY
                else f"pa.{c}"
                for c in cols
            )
            conn.execute(
                f"INSERT INTO patient ({', '.join(cols)}) SELECT {values} FROM pick "
                "JOIN patient pa ON pa.rowid = pick.a JOIN patient pb ON pb.rowid = pick.b"
            )
            conn.commit()
            copies += step
            have += step
            print(f"  {have:,} patients, {copies:,} of them made of others", flush=True)
    finally:
        conn.close()
    store = Store.open(db, None)
    try:
        with store.read() as s:
            missing = [
                pid
                for (pid,) in s.connection().exec_driver_sql(
                    "SELECT id FROM patient WHERE code LIKE ? AND id NOT IN (SELECT patient_id FROM patient_search_patient)",
                    (COPY_PREFIX + "-%",),
                )
            ]
        for start in range(0, len(missing), STEP):
            with store.write_engine.begin() as wconn:
                for at in range(start, min(start + STEP, len(missing)), 2000):
                    reindex_patients(wconn, missing[at : min(at + 2000, start + STEP)], review=False)
            print(
                f"  index: {min(start + STEP, len(missing)):,} of {len(missing):,} copies "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    finally:
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=250_000)
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument(
        "--copies-from",
        type=int,
        default=None,
        help="generate only this many patients, then make the rest of them (see replicate)",
    )
    args = ap.parse_args()
    db = build(args.dir, min(args.patients, args.copies_from or args.patients))
    if args.copies_from:
        replicate(db, args.patients)


if __name__ == "__main__":
    main()
