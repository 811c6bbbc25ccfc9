"""Finding the person already registered (issue 15): index size, search as you type, duplicate check, review list.

Run:  .venv/bin/python bench/bench_find_person.py [--patients 250000] [--fresh] [--skip-pairs | --pairs-only]
      nice .venv/bin/python bench/bench_find_person.py --patients 1000000 --dir /work/bench-data/find-1000000 \
          --copies-from 400000 --skip-pairs
With --dir the data set is bench/find_person_data.py's, built in steps (resumable) and kept there: some patients
written in one script only and some with rare names, so that the cross-script and rare-name query kinds mean what
they say; --copies-from makes the patients beyond that number of the generated ones (quicker; see replicate()).
It also times registration: a new patient saved through the service, duplicate check, search index and change log
included.
A plain (unencrypted) data folder bench/out/find-<N>/ is made once with the demo-data generator (patients and
households only: the visits do not touch the index) and reused; plain, so that SQLite's dbstat can say how many
bytes each table and index takes (SQLCipher pages are the same size). Prints PASS/FAIL against the targets:
search p95 <= 10 ms for every query kind, duplicate check p95 <= 30 ms, likely pairs across all patients <= 60 s
(scaled to the data set: 4.8 s at 20,000), for the computation itself and for the review list's first opening; the
review list opened again after 1% of the patients were written compares only those.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from app.models import IdentityDocument, Patient  # noqa: E402
from app.services.demo import make_demo_data  # noqa: E402
from app.services.demo.names import FEMALE, MALE, VARIANTS  # noqa: E402
from app.services.duplicates import dismissed_pairs, find_duplicates, find_pairs, read_people  # noqa: E402
from app.services.patient_search import load_rows, search  # noqa: E402
from app.services.reference import seed_reference  # noqa: E402
from app.store import Store  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
SEARCH_TARGET_MS, DUPLICATE_TARGET_MS, PAIRS_TARGET_S = 10.0, 30.0, 60.0
# Latin spellings a clerk may type for the demo's names (each is another spelling of a name the generator uses).
RESPELL = {**{k: v[-1] for k, v in VARIANTS.items()}, "Ali": "Aly", "Reza": "Rezza", "Hassan": "Hasan",
           "Ghulam": "Gholam", "Karim": "Kareem", "Rahim": "Raheem", "Nabi": "Nabee", "Zainab": "Zeinab"}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(name: str, times: list[float], cpu: list[float], target: float) -> None:
    # Wall-clock time is the target; the process's CPU time beside it shows what a busy machine added.
    p95 = pct(times, 95)
    print(f"{verdict(p95 <= target)}  {name:<64} p50 {pct(times, 50):5.1f} ms, p95 {p95:5.1f} ms "
          f"(CPU p50 {pct(cpu, 50):4.1f}, p95 {pct(cpu, 95):4.1f}) (target p95 <= {target:g} ms)")


def build(folder: Path, patients: int) -> Path:
    db = folder / "bench.db"
    if db.exists():
        return db
    folder.mkdir(parents=True, exist_ok=True)
    store = Store.open(db, None, device_code="BEN1")
    seed_reference(store, unit_code="MHU-ZAH")
    started = time.perf_counter()
    make_demo_data(store, patients=patients, visits_per_patient=0.0,
                   progress=lambda n: print(f"  {n:,} patients", end="\r", flush=True))
    store.close()
    print(f"demo data: {patients:,} patients in {time.perf_counter() - started:.0f} s")
    return db


def sizes(db: Path, patients: int) -> None:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    tokens = conn.execute("SELECT count(*) FROM patient_search").fetchone()[0]
    conn.close()
    total = db.stat().st_size
    index = sum(b for name, b in rows if "patient_search" in name)
    print(f"file {total / 1e6:.0f} MB ({total / patients:.0f} bytes per patient); search index {index / 1e6:.1f} MB "
          f"= {index / patients:.0f} bytes per patient, {tokens / patients:.1f} tokens per patient")
    for name, b in rows[:8]:
        print(f"  {name:<40} {b / 1e6:8.1f} MB")


def _swap(word: str) -> str:
    return RESPELL.get(word, word)


def _misspelt(word: str, rng: random.Random) -> str:
    """One slip of the keyboard in a Latin name: a vowel doubled or dropped, or a letter doubled."""
    vowels = [i for i, ch in enumerate(word) if ch in "aeiou" and i > 0]
    if not vowels or len(word) < 4:
        return word + word[-1]
    i = rng.choice(vowels)
    return [word[:i] + word[i] + word[i:], word[:i] + word[i + 1:], word[:i + 1] + word[i + 1] + word[i + 1:]
            if i + 1 < len(word) else word + word[-1]][rng.randrange(3)]


def _spread_sample(s, n: int, rng: random.Random, where=None) -> list[Patient]:  # type: ignore[no-untyped-def]
    # Across the whole data set (not the first codes only: at 1,000,000 most patients are far from them).
    stmt = select(Patient.id).where(Patient.merged_into_id.is_(None))
    if where is not None:
        stmt = stmt.where(where)
    ids = list(s.scalars(stmt))
    picked = rng.sample(ids, min(n, len(ids)))
    return list(s.scalars(select(Patient).where(Patient.id.in_(picked)))) if picked else []


def bench_search(store: Store) -> None:
    from bench.find_person_data import rare_names

    rng = random.Random(15)
    latin_of = {fa: lat for fa, lat in MALE + FEMALE}
    persian_of = {lat: fa for fa, lat in MALE + FEMALE}
    rare = rare_names()
    with store.read() as s:
        sample = _spread_sample(s, 600, rng)
        docs = s.scalars(select(IdentityDocument.number).limit(2000)).all()
        # Written in one script only (the data sets of bench/find_person_data.py have them; the demo's have none).
        fa_only = _spread_sample(s, 400, rng, (Patient.given_name_latin == "") & (Patient.given_name_fa != ""))
        latin_only = _spread_sample(s, 400, rng, (Patient.given_name_fa == "") & (Patient.given_name_latin != ""))
        rare_people = _spread_sample(s, 400, rng, Patient.given_name_fa.in_([fa for fa, _ in rare])
                                     | Patient.given_name_latin.in_([lat for _, lat in rare]))
    cases: dict[str, list[str]] = {
        "Persian given name prefix": [p.given_name_fa[: rng.randint(2, 4)] for p in sample],
        "Latin given name prefix": [p.given_name_latin[: rng.randint(2, 5)] for p in sample],
        "Persian given name": [p.given_name_fa for p in sample],
        "Latin given name, another spelling": [_swap(p.given_name_latin) for p in sample],
        "Persian given + father's name (typing it)": [f"{p.given_name_fa} {p.father_name_fa[:3]}" for p in sample],
        "Persian given + father's name": [f"{p.given_name_fa} {p.father_name_fa}" for p in sample],
        "Latin given + father's name, other spellings": [f"{_swap(p.given_name_latin)} {_swap(p.father_name_latin)}"
                                                         for p in sample],
        "Persian given + family name": [f"{p.given_name_fa} {p.family_name_fa}" for p in sample],
        "compound written apart / joined": [p.father_name_fa.replace("\u200c", " ") if "\u200c" in p.father_name_fa
                                            else p.given_name_latin + p.father_name_latin for p in sample],
        "phone (+98 form)": ["+98" + p.phone[1:] for p in sample if p.phone],
        "document number prefix": [d[: rng.randint(5, 9)] for d in docs],
        # The other script: a Latin query for a patient written in Persian only, and the reverse.
        "cross-script: Latin query, Persian-only patient": [latin_of[p.given_name_fa] for p in fa_only
                                                            if p.given_name_fa in latin_of],
        "cross-script: Latin given + father's, Persian-only": [
            f"{latin_of[p.given_name_fa]} {latin_of[p.father_name_fa]}" for p in fa_only
            if p.given_name_fa in latin_of and p.father_name_fa in latin_of],
        "cross-script: Persian query, Latin-only patient": [persian_of[p.given_name_latin] for p in latin_only
                                                            if p.given_name_latin in persian_of],
        "rare name (few namesakes), as registered": [p.given_name_fa or p.given_name_latin for p in rare_people],
        "rare name in the other script": [next((lat for fa, lat in rare if fa == p.given_name_fa), "")
                                          or next((fa for fa, lat in rare if lat == p.given_name_latin), "")
                                          for p in rare_people],
        "misspelt Latin given name": [_misspelt(p.given_name_latin, rng) for p in sample if p.given_name_latin],
        "misspelt Latin given + father's name": [
            f"{_misspelt(p.given_name_latin, rng)} {p.father_name_latin}" for p in sample
            if p.given_name_latin and p.father_name_latin],
        "Latin given name + birth year": [f"{p.given_name_latin} {p.birth_year}" for p in sample
                                          if p.given_name_latin],
        "Persian given + father's name + birth year (Solar Hijri)": [
            f"{p.given_name_fa} {p.father_name_fa} {p.birth_year - 621}" for p in sample
            if p.given_name_fa and p.father_name_fa],
    }
    for name, queries in cases.items():
        queries = [q for q in queries if q.strip()]
        if not queries:
            print(f"----  search as you type: {name}: no such patients in this data set")
            continue
        queries = rng.sample(queries, min(250, len(queries)))
        times, cpu = [], []
        for q in queries:
            # One keystroke: the ranked ids (quick, as the search box asks) and the first screenful of rows.
            t, c = time.perf_counter(), time.process_time()
            with store.read() as s:
                ids = search(s, q, limit=200, quick=True).ids
                load_rows(s, ids[:40], "fa")
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        report(f"search as you type: {name}", times, cpu, SEARCH_TARGET_MS)


def bench_duplicates(store: Store) -> None:
    rng = random.Random(16)
    with store.read() as s:
        sample = s.scalars(select(Patient).order_by(Patient.code).limit(4000)).all()
    sample = rng.sample(list(sample), 300)
    times, cpu = [], []
    for p in sample:
        # A second registration of the person: Latin only, other spellings, birth year 3 years off.
        data = {"given_name_latin": _swap(p.given_name_latin), "father_name_latin": _swap(p.father_name_latin),
                "sex": p.sex, "birth_year": p.birth_year + 3, "birth_estimated": True, "phone": p.phone}
        t, c = time.perf_counter(), time.process_time()
        with store.read() as s:
            find_duplicates(s, data)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    report("duplicate check at registration", times, cpu, DUPLICATE_TARGET_MS)


def bench_register(store: Store, runs: int = 60) -> None:
    """A new patient saved through the service (register_patient): validation, the duplicate check, the record, its
    household and document, the search index and the change log, durably committed. Issue 15 asks that
    registration stay within its target and names none (the only save figure it names is the visit's, p95 <= 5 ms),
    so this prints the figures without a verdict. The patients stay in the data set (new codes each run)."""
    from app.models import User
    from app.services.context import Ctx
    from app.services.patients import register_patient

    rng = random.Random(18)
    with store.read() as s:
        uid = s.scalars(select(User.id).where(User.role == "clinician")).first()
    ctx = Ctx(store, uid, "clinician", unit_id=store.device.unit_id, lang="en")
    times, cpu = [], []
    for _ in range(runs):
        given, father = rng.choice(MALE), rng.choice(MALE)
        data = {"given_name_fa": given[0], "given_name_latin": given[1], "father_name_fa": father[0],
                "father_name_latin": father[1], "sex": "male", "birth_year": rng.randint(1960, 2020),
                "birth_estimated": True, "nationality": "afghan", "legal_status": "headcount",
                "phone": f"09{rng.randrange(10**9):09d}", "consent_date": date.today(), "new_household": True,
                "documents": [{"doc_type": "headcount_slip", "number": f"HC{rng.randrange(10**8):08d}"}]}
        t, c = time.perf_counter(), time.process_time()
        # Namesakes are common (the generator's names): the reason is what the clinician gives to register anyway.
        register_patient(ctx, data, override_reason="benchmark")
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    print(f"----  register a patient (new household, a document; duplicate check, index, change log, fsync) "
          f"p50 {pct(times, 50):5.1f} ms, p95 {pct(times, 95):5.1f} ms (CPU p50 {pct(cpu, 50):4.1f}, "
          f"p95 {pct(cpu, 95):4.1f}) over {runs} (no target named)")


def bench_pairs(store: Store, patients: int) -> None:
    t, c = time.perf_counter(), time.process_time()
    with store.read() as s:
        conn = s.connection()
        people = read_people(conn)
        read = time.perf_counter() - t
        pairs = find_pairs(people, dismissed=dismissed_pairs(conn))
    took, cpu = time.perf_counter() - t, time.process_time() - c
    # The target is for 250,000 patients; a smaller data set is held to its share of it (the work grows about
    # linearly with the patients, through the blocks).
    target = PAIRS_TARGET_S * patients / 250_000
    print(f"{verdict(took <= target)}  likely duplicate pairs across {len(people):,} "
          f"patients: {len(pairs):,} pairs in {took:.1f} s ({read:.1f} s reading; CPU {cpu:.1f} s) "
          f"(target <= {PAIRS_TARGET_S:g} s at 250,000, so <= {target:.1f} s here)")


def bench_review(store: Store, patients: int) -> None:
    """The review list as the unit administrator opens it: the first time every patient is compared; after 1% of
    the patients were written, only they are (the pairs are kept between reviews)."""
    from app.models import User
    from app.services.context import Ctx
    from app.services.duplicates import duplicate_review, refresh_review

    with store.read() as s:
        admin = s.scalars(select(User).where(User.role == "unit_admin")).first()
    assert admin is not None
    ctx = Ctx(store, admin.id, "unit_admin", unit_id=store.device.unit_id, lang="en")
    with store.write(None) as s:  # start from no review at all
        s.connection().exec_driver_sql("DELETE FROM duplicate_review_state")
    t, c = time.perf_counter(), time.process_time()
    rows = duplicate_review(ctx, limit=500)
    took, cpu = time.perf_counter() - t, time.process_time() - c
    target = PAIRS_TARGET_S * patients / 250_000
    print(f"{verdict(took <= target)}  review list, first time (everyone compared, pairs stored): {took:.1f} s "
          f"(CPU {cpu:.1f} s), {len(rows)} rows shown (target <= {PAIRS_TARGET_S:g} s at 250,000, so <= "
          f"{target:.1f} s here)")
    rng = random.Random(17)
    with store.read() as s:
        ids = s.scalars(select(Patient.id).where(Patient.merged_into_id.is_(None))).all()
    changed = rng.sample(list(ids), max(1, len(ids) // 100))
    with store.write(admin.id) as s:  # 1% of the patients written since (a birth year corrected)
        for p in s.scalars(select(Patient).where(Patient.id.in_(changed))):
            p.birth_year = (p.birth_year or 1990) + 1
    t, c = time.perf_counter(), time.process_time()
    how = refresh_review(ctx)
    duplicate_review(ctx, limit=500)
    took, cpu = time.perf_counter() - t, time.process_time() - c
    print(f"{verdict(took <= target)}  review list again after {len(changed):,} patients were written "
          f"({how}): {took:.2f} s (CPU {cpu:.2f} s) (target <= {target:.1f} s)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=250_000)
    ap.add_argument("--fresh", action="store_true", help="rebuild the data set")
    ap.add_argument("--skip-pairs", action="store_true", help="leave out the review list (it reads every patient)")
    ap.add_argument("--pairs-only", action="store_true", help="only the review list (no search, no sizes)")
    ap.add_argument("--dir", type=Path, help="the data folder of bench/find_person_data.py (made or completed)")
    ap.add_argument("--copies-from", type=int, help="with --dir: generate this many, make the rest (replicate)")
    ap.add_argument("--skip-sizes", action="store_true", help="leave out the index size (it reads every page)")
    args = ap.parse_args()
    folder = args.dir or OUT / f"find-{args.patients}"
    if args.fresh and folder.exists():
        shutil.rmtree(folder)
    if args.dir:
        from bench.find_person_data import build as build_in_steps
        from bench.find_person_data import replicate

        db = build_in_steps(folder, min(args.patients, args.copies_from or args.patients))
        if args.copies_from:
            replicate(db, args.patients)
    else:
        db = build(folder, args.patients)
    t = time.perf_counter()
    store = Store.open(db, None)
    print(f"opened {db} ({store.schema_status}) in {(time.perf_counter() - t) * 1000:.0f} ms")
    with store.read() as s:
        patients = s.query(Patient).count()
    print(f"{patients:,} patients")
    if not args.pairs_only:
        if not args.skip_sizes:
            sizes(db, patients)
        bench_search(store)
        bench_duplicates(store)
        bench_register(store)
    if not args.skip_pairs:
        bench_pairs(store, patients)
        bench_review(store, patients)
    store.close()


if __name__ == "__main__":
    main()
