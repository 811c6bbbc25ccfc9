"""The statements behind the duplicate check, the review list and the patient list read patients by their id (or
in one pass), never through the index on merged_into_id: "merged_into_id IS NULL" holds for nearly every patient,
and a plan through that index reads the whole table row by row (at 250,000 patients a duplicate check took 600 ms
instead of a few). Checked by SQLite's own query plans, not by timing."""

from __future__ import annotations

from services.conftest import make_ctx, person
from sqlalchemy import event

from app.services.duplicates import duplicate_review, find_duplicates
from app.services.patient_search import search_patient_ids
from app.services.patients import register_patient


def _plans(store, work):  # type: ignore[no-untyped-def]
    seen: list[tuple[str, tuple]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not executemany and "FROM patient " in statement + " " and "patient_search" not in statement:
            seen.append((statement, parameters))

    engine = store.read_engine
    event.listen(engine, "before_cursor_execute", grab)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    plans = []
    with engine.connect() as conn:
        for statement, parameters in seen:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            plans.append((statement, " / ".join(r[-1] for r in rows)))
    return plans


def test_patients_are_never_read_through_the_merged_index(store):  # type: ignore[no-untyped-def]
    clin = make_ctx(store, "clinician")
    register_patient(clin, person())
    data = person(given_name_latin="Fatima", given_name_fa="")

    def work() -> None:
        with store.read() as s:
            find_duplicates(s, data)
            search_patient_ids(s, "Fatemeh", order="name")
            search_patient_ids(s, "")
        duplicate_review(make_ctx(store, "unit_admin"))

    plans = _plans(store, work)
    assert len(plans) >= 4
    for statement, plan in plans:
        assert "merged_into_id" not in plan, (statement, plan)


def test_registration_never_reads_patients_through_the_merged_index(store):  # type: ignore[no-untyped-def]
    # The registration's write also brings the immunisation due list up to date for the patient (refresh_due); at
    # 1,000,000 patients a plan through the merged index made each registration take 1.8 s there.
    clin = make_ctx(store, "clinician")
    seen: list[tuple[str, tuple]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not executemany and "FROM patient " in statement + " " and statement.lstrip().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = store.write_engine
    event.listen(engine, "before_cursor_execute", grab)
    try:
        register_patient(clin, person(birth_year=2022))  # a child: the due list has rows to make
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    assert seen
    with store.read_engine.connect() as conn:
        for statement, parameters in seen:
            plan = " / ".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            assert "merged_into_id" not in plan, (statement, plan)
