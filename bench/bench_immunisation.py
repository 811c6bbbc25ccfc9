"""Immunisation benchmarks (issue 18). Prints each figure against its target; run by hand, not in the tests.

    .venv/bin/python bench/bench_immunisation.py                    # 250,000 patients (reuses bench/out/immunisation)
    .venv/bin/python bench/bench_immunisation.py --patients 20000 --fresh
    .venv/bin/python bench/bench_immunisation.py --children 60000   # 60,000 children seen at ONE facility
    nice .venv/bin/python bench/bench_immunisation.py --store-data /work/bench-data --crowd 60000

``--store-data DIR`` uses the record-store benchmark's 250,000-patient database (bench/bench_store.py's builder, in
``DIR/store-250000-enc``, built there if missing and reused after): the due list is measured for the unit's next
planned visit to its busiest facility (the next day plan there, as the coordinator's roster asks for it), and with
``--crowd N`` again with N of the database's children made that facility's (their rows of the derived
``immunisation_child`` table pointed at it for the measurement, then put back): the issue's 60,000 children at one
facility among 250,000 patients.

``--children`` loads only children (bulk loader, demo vaccination histories), all last seen at one facility: the
worst case for that facility's due list, which reads the facility's rows of the due table through its index (adult
patients never enter that query, so they are not loaded).

Targets: the due / overdue list of a facility <= 1 s; a child's status on the chart <= 20 ms (p95); campaign tally
entry <= 3 keystrokes per child (by construction: band + sex, with an optional prefix for refused / absent /
never vaccinated; checked on the real widget by tests/ui/test_vaccinations_ui.py).
"""

from __future__ import annotations

import argparse
import random
import secrets
import shutil
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_store's database builder

from sqlalchemy import func, select  # noqa: E402

from app.models import (  # noqa: E402
    Facility,
    ImmunisationChild,
    ImmunisationDose,
    ImmunisationDue,
    Patient,
    RosterDay,
    User,
)
from app.services.context import Ctx  # noqa: E402
from app.services.demo import make_demo_data  # noqa: E402
from app.services.immunisation import due_count, due_list, immunisation_status  # noqa: E402
from app.services.reference import seed_reference  # noqa: E402
from app.store import Store  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "immunisation"


def report(name: str, value: float, target: float, unit: str = "ms") -> None:
    verdict = "PASS" if value <= target else "FAIL"
    print(f"{verdict}  {name:<62} {value:9.1f} {unit}  (target <= {target:g} {unit})")


def load_children(store: Store, n: int) -> None:
    """``n`` children 0-14 years old, with the demo's vaccination histories, every dose at one facility."""
    from app.services.demo.generator import DemoGenerator
    from app.services.demo.immunisation import DemoImmunisation
    from app.store.search_index import patient_key_columns

    gen = DemoGenerator(store, seed=18, visits_per_patient=0, today=date.today())
    gen.facilities = gen.facilities[:1]
    vacc = DemoImmunisation(gen, 18)
    rng = random.Random(18)
    with store.bulk() as w:
        for i in range(n):
            year = gen.today.year - rng.randint(0, 14)
            values = {"id": gen._uid(), "code": f"BEN1-{i:07d}", "given_name_latin": f"Child{i}",
                      "father_name_latin": f"Father{i % 5000}", "sex": rng.choice(["female", "male"]),
                      "date_of_birth": date(year, rng.randint(1, 12), rng.randint(1, 28)), "birth_year": year,
                      "birth_estimated": False, "nationality": "iranian", "legal_status": "iranian_national",
                      "consent_date": gen.today, "registered_unit_id": gen.unit_id}
            row = w.add("patient", {**values, **patient_key_columns(values)})  # type: ignore[arg-type]
            vacc.child(w, row)
            if len(w.rows["patient"]) >= 5000:
                w.flush()
                print(f"  {i + 1:,} children", end="\r", flush=True)
        w.flush()


def next_visit(store: Store, facility_id: str, today: date) -> date:
    """The unit's next planned day at the facility (its day plans), else a week from today."""
    with store.read() as s:
        day = s.scalar(select(func.min(RosterDay.day)).where(RosterDay.facility_id == facility_id,
                                                             RosterDay.day > today, RosterDay.deleted.is_(False)))
    return day or today + timedelta(days=7)


def time_due_list(ctx: Ctx, facility: str, day: date) -> tuple[float, int, int]:
    """Worst of 5 (due for the day, defaulters today, alternating): count + the first page, as the planner asks."""
    times, sizes = [], []
    for defaulters in (False, True, False, True, False):
        t = time.perf_counter()
        total = due_count(ctx, facility_id=facility, on=day, defaulters_only=defaulters)
        due_list(ctx, facility_id=facility, on=day, defaulters_only=defaulters)  # the first page (1,000 children)
        times.append((time.perf_counter() - t) * 1000)
        sizes.append(total)
    return max(times), sizes[0], sizes[1]


def crowd(store: Store, facility: str, n: int) -> int:
    """Point ``n`` children's derived rows at ``facility`` (kept aside in bench_crowd to be put back)."""
    with store.write(None) as s:
        c = s.connection()
        c.exec_driver_sql("DROP TABLE IF EXISTS bench_crowd")
        c.exec_driver_sql("CREATE TABLE bench_crowd AS SELECT patient_id, facility_id FROM immunisation_child "
                          "WHERE facility_id NOT IN (?, '') ORDER BY patient_id LIMIT ?",
                          (facility, max(0, n - in_facility(store, facility))))
        c.exec_driver_sql("UPDATE immunisation_child SET facility_id = ? WHERE patient_id IN "
                          "(SELECT patient_id FROM bench_crowd)", (facility,))
    return in_facility(store, facility)


def uncrowd(store: Store) -> None:
    with store.write(None) as s:
        c = s.connection()
        c.exec_driver_sql("UPDATE immunisation_child SET facility_id = (SELECT b.facility_id FROM bench_crowd b "
                          "WHERE b.patient_id = immunisation_child.patient_id) WHERE patient_id IN "
                          "(SELECT patient_id FROM bench_crowd)")
        c.exec_driver_sql("DROP TABLE bench_crowd")


def in_facility(store: Store, facility: str) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(ImmunisationChild)
                            .where(ImmunisationChild.facility_id == facility)) or 0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=250_000)
    ap.add_argument("--fresh", action="store_true")
    ap.add_argument("--children", type=int, default=0)
    ap.add_argument("--store-data", type=Path, help="folder of bench_store.py's database (built there if missing)")
    ap.add_argument("--crowd", type=int, default=0, help="with --store-data: this many children at one facility")
    args = ap.parse_args()
    global OUT
    if args.store_data:
        from bench_store import build

        started = time.perf_counter()
        db, key = build(args.store_data / f"store-{args.patients}-enc", args.patients, False)
        store = Store.open(db, key)  # an older file is upgraded here (its due table recomputed, once)
        print(f"database ready in {time.perf_counter() - started:.0f} s ({store.schema_status})")
        try:
            bench_store_data(store, args.crowd)
        finally:
            store.close()
        return
    if args.children:
        OUT = OUT.with_name(f"immunisation-children-{args.children}")
    if args.fresh and OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True, exist_ok=True)
    db, keyfile = OUT / "bench.db", OUT / "key.bin"
    if not db.exists():
        keyfile.write_bytes(secrets.token_bytes(32))
        store = Store.open(db, keyfile.read_bytes(), device_code="BEN1")
        seed_reference(store, unit_code="MHU-ZAH")
        started = time.perf_counter()
        if args.children:
            load_children(store, args.children)
            print(f"children loaded in {time.perf_counter() - started:.0f} s")
        else:
            done = make_demo_data(store, patients=args.patients, visits_per_patient=4.0,
                                  progress=lambda n: print(f"  {n:,} patients", end="\r", flush=True))
            print(f"demo data: {done.counts.get('patient', 0):,} patients, "
                  f"{done.counts.get('immunisation_dose', 0):,} doses in {time.perf_counter() - started:.0f} s")
        store.close()
    store = Store.open(db, keyfile.read_bytes())
    with store.read() as s:
        user = s.scalars(select(User).where(User.role == "coordinator")).first()
        assert user is not None
        patients = s.scalar(select(func.count()).select_from(Patient))
        children = s.scalar(select(func.count(func.distinct(ImmunisationDue.patient_id))))
        doses = s.scalar(select(func.count()).select_from(ImmunisationDose))
        busiest, in_busiest = s.execute(
            select(ImmunisationDue.facility_id, func.count(func.distinct(ImmunisationDue.patient_id)))
            .group_by(ImmunisationDue.facility_id).order_by(func.count().desc()).limit(1)).one()
        name = s.get(Facility, busiest).name_en if busiest else "(none)"
        kids = list(s.scalars(select(ImmunisationDue.patient_id).distinct().limit(5000)))
    print(f"{patients:,} patients, {children:,} children under 15, {doses:,} doses; "
          f"busiest facility {name}: {in_busiest:,} children")
    ctx = Ctx(store, user.id, "coordinator", unit_id=store.device.unit_id, facility_id=busiest)
    clin = Ctx(store, user.id, "clinician", unit_id=store.device.unit_id, facility_id=busiest)
    today = date.today()
    times, sizes = [], []
    for defaulters in (False, True, False, True, False):
        t = time.perf_counter()
        total = due_count(ctx, facility_id=busiest, on=today, defaulters_only=defaulters)
        due_list(ctx, facility_id=busiest, on=today, defaulters_only=defaulters)  # the first page (1,000 children)
        times.append((time.perf_counter() - t) * 1000)
        sizes.append(total)
    print(f"due list: {sizes[0]:,} children due, {sizes[1]:,} defaulters (count + first page of 1,000)")
    report("due / overdue list of the busiest facility, count + first page (worst of 5)", max(times), 1000)
    rng = random.Random(18)
    sample = rng.sample(kids, min(200, len(kids)))
    chart = []
    for pid in sample:
        t = time.perf_counter()
        immunisation_status(clin, pid)
        chart.append((time.perf_counter() - t) * 1000)
    chart.sort()
    report("a child's immunisation status on the chart (p95 of 200)", chart[int(0.95 * (len(chart) - 1))], 20)
    print(f"      median {statistics.median(chart):.1f} ms")
    report("campaign tally keystrokes per vaccinated child", 2, 3, "keys")
    report("campaign tally keystrokes per refused / absent / zero-dose child", 3, 3, "keys")
    store.close()


def bench_store_data(store: Store, crowd_to: int) -> None:
    with store.read() as s:
        user = s.scalars(select(User).where(User.role == "coordinator")).first()
        assert user is not None
        patients = s.scalar(select(func.count()).select_from(Patient))
        children = s.scalar(select(func.count()).select_from(ImmunisationChild))
        busiest, in_busiest = s.execute(
            select(ImmunisationChild.facility_id, func.count()).where(ImmunisationChild.facility_id != "")
            .group_by(ImmunisationChild.facility_id).order_by(func.count().desc()).limit(1)).one()
        name = s.get(Facility, busiest).name_en
    today = date.today()
    day = next_visit(store, busiest, today)
    print(f"{patients:,} patients, {children:,} children with a dose to come; busiest facility {name}: "
          f"{in_busiest:,} children; the unit's next visit there {day.isoformat()}")
    ctx = Ctx(store, user.id, "coordinator", unit_id=store.device.unit_id, facility_id=busiest)
    due_list(ctx, facility_id=busiest, on=day)  # the first read warms the page cache, as a running app has it
    worst, due, late = time_due_list(ctx, busiest, day)
    print(f"due list: {due:,} children due by the visit, {late:,} defaulters today (count + first page of 1,000)")
    report(f"due / overdue list for the next visit, {in_busiest:,} children there (worst of 5)", worst, 1000)
    if crowd_to:
        now_there = crowd(store, busiest, crowd_to)
        try:
            due_list(ctx, facility_id=busiest, on=day)
            worst, due, late = time_due_list(ctx, busiest, day)
            print(f"due list: {due:,} children due by the visit, {late:,} defaulters today")
            report(f"due / overdue list for the next visit, {now_there:,} children there (worst of 5)", worst, 1000)
        finally:
            uncrowd(store)


if __name__ == "__main__":
    main()
