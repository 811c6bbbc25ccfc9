"""The immunisation page's per-child coverage table (``hq_child_coverage``), kept by the sync apply hook, gives the
figures the engine gives child by child from the record rows (``recount``, what the page did before): after real
sync batches through ``apply_changes`` — children registered, doses given, a dose deleted, a date of birth and a
unit corrected, two duplicate patients merged, a late dose for the merged-away one, a dose dated ahead of today —
on SQLite and on PostgreSQL (own database per run), for headquarters and a coordinator, several cohorts and days.
A failing hook costs the batch nothing; ``rebuild_coverage`` gives the same rows as the hook kept."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hq_helpers import add_patient, add_site, row
from postgres_required import fresh_database
from sqlalchemy import select

from app.hq import immunisation
from app.hq.access import Actor
from app.hq.immunisation import Coverage, coverage, coverage_table_empty, rebuild_coverage, recount
from app.hq.models import hq_child_coverage
from app.models.payload import encode as compact_payload
from app.server import models as m
from app.server.apply import apply_changes
from app.server.db import open_database
from app.server.devices import Device
from app.sync.protocol import ChangeEntry

TODAY = date.today()
COHORT = TODAY.year - 1
DEVICE = str(uuid.uuid4())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    if request.param == "sqlite":
        eng = open_database(str(tmp_path / "central.db"))
        yield eng
        eng.dispose()
        return
    with fresh_database("sayyar_hq_cov") as url:
        eng = open_database(url)
        try:
            yield eng
        finally:
            eng.dispose()


class Laptop:
    """Sends batches of change entries through the server's one apply function, as a push does."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.seq, self.clock = engine, 0, 1795000000000
        self.held: dict[str, dict[str, Any]] = {}

    def entry(self, entity: str, values: dict[str, Any], op: str = "insert") -> ChangeEntry:
        self.seq += 1
        self.clock += 1
        hlc = f"{self.clock:013d}:00000:ZAH1"
        values.update(hlc=hlc, device_id=DEVICE)
        self.held[values["id"]] = values
        table = m.RECORDS[entity]
        payload = compact_payload(table, {k: v for k, v in values.items() if k not in ("srv_seq", "field_hlc")})
        return ChangeEntry(seq=self.seq, entity=entity, record_id=values["id"], op=op,  # type: ignore[arg-type]
                           payload=payload, hlc=hlc)

    def new(self, entity: str, **values: Any) -> ChangeEntry:
        return self.entry(entity, row(entity, id=str(uuid.uuid4()), **values))

    def edit(self, entity: str, rid: str, **values: Any) -> ChangeEntry:
        cur = dict(self.held[rid])
        cur.update(values, version=cur["version"] + 1, updated_at=datetime.now(timezone.utc))
        return self.entry(entity, cur, op="delete" if values.get("deleted") else "update")

    def push(self, *entries: ChangeEntry) -> None:
        with self.engine.begin() as conn:
            result = apply_changes(conn, Device(DEVICE, "ZAH1", b"k" * 32), list(entries), epoch=1,
                                   batch_id=str(uuid.uuid4()))
        assert not result.rejected, result.rejected
        assert result.applied == len(entries)


def patient(lap: Laptop, unit: str, **values: Any) -> ChangeEntry:
    base = dict(code=f"ZAH1-{lap.seq + 1:05d}-1", sex="female", nationality="afghan", legal_status="amayesh",
                consent_date=date(2026, 1, 1), given_name_latin="Child", father_name_latin="Ghulam",
                registered_unit_id=unit)
    base.update(values)
    return lap.new("patient", **base)


def dose(lap: Laptop, pid: str, vaccine: str, on: date | None, fac: dict[str, Any], source: str = "given") -> ChangeEntry:
    return lap.new("immunisation_dose", patient_id=pid, vaccine=vaccine, source=source, given_on=on,
                   unit_id=fac["unit_id"], facility_id=fac["id"], place="unit")


def visit(lap: Laptop, pid: str, fac: dict[str, Any], day: date) -> ChangeEntry:
    return lap.new("visit", patient_id=pid, unit_id=fac["unit_id"], facility_id=fac["id"],
                   visit_at=datetime.combine(day, datetime.min.time(), timezone.utc), visit_date=day)


def plain(c: Coverage) -> tuple[Any, ...]:
    return (+c.children, {k: +v for k, v in c.given.items() if +v}, +c.zero_dose)


def same_as_recount(engine: Any, units: list[str]) -> None:
    actors = [Actor("l.karimi", "headquarters"), *(Actor("h.rigi", "coordinator", unit) for unit in units)]
    days = [TODAY, TODAY - timedelta(days=45), TODAY + timedelta(days=400), date(COHORT, 3, 1)]
    with engine.connect() as conn:
        for actor in actors:
            for cohort in (COHORT, TODAY.year, COHORT - 1, 1990):
                for on in days:
                    got, want = coverage(conn, actor, cohort=cohort, on=on), recount(conn, actor, cohort=cohort, on=on)
                    assert plain(got) == plain(want), (actor.role, cohort, on)


def table_rows(engine: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(hq_child_coverage).order_by(hq_child_coverage.c.patient_id))]


def test_the_table_kept_by_sync_gives_the_recount_after_every_kind_of_batch(engine) -> None:
    with engine.begin() as conn:
        site = add_site(conn)
        # Held before the table was filled: a rebuild takes a child, not an adult (COVERAGE_YEARS; an adult
        # cohort is counted from the record rows).
        add_patient(conn, code="ADULT-1", birth_year=1990, sex="male", registered_unit_id=site["F02"]["unit_id"])
        add_patient(conn, code="CHILD-0", birth_year=COHORT - 1, sex="male", registered_unit_id=site["F02"]["unit_id"])
    with engine.begin() as conn:
        assert rebuild_coverage(conn) == 1
    f02, f05, f17 = site["F02"], site["F05"], site["F17"]
    own, other = f02["unit_id"], f17["unit_id"]
    lap = Laptop(engine)
    born = date(COHORT, 5, 10)
    kids = [patient(lap, own, date_of_birth=born, birth_year=COHORT),
            patient(lap, own, date_of_birth=date(COHORT, 11, 2), birth_year=COHORT, sex="male"),
            patient(lap, other, birth_year=COHORT),  # an estimated age: born 1 July counts
            patient(lap, own, date_of_birth=TODAY - timedelta(days=30), birth_year=TODAY.year),  # not 2 months yet
            patient(lap, other, date_of_birth=date(COHORT, 2, 1), birth_year=COHORT),  # the duplicate of kids[0]
            patient(lap, own, date_of_birth=date(COHORT, 1, 20), birth_year=COHORT)]  # seen, never vaccinated
    a, b, c, d, e, f = (k.record_id for k in kids)
    lap.push(*kids, visit(lap, f, f05, date(COHORT, 3, 1)), visit(lap, f, f02, date(COHORT, 4, 1)),
             visit(lap, c, f17, date(COHORT, 8, 1)))
    same_as_recount(engine, [own, other])

    # Doses: a birth dose, the pentavalent series (one too soon: not counted), an undated reported dose, a dose
    # dated ahead of today (not counted before its day), doses at another facility than the visits.
    penta = [dose(lap, a, "penta", born + timedelta(days=n), f02) for n in (61, 75, 130, 190)]
    lap.push(dose(lap, a, "bcg", born, f02), dose(lap, a, "hepb", born, f02), *penta,
             dose(lap, a, "opv", born + timedelta(days=61), f02), dose(lap, b, "bcg", None, f05, "reported"),
             dose(lap, b, "penta", date(COHORT + 1, 1, 5), f05), dose(lap, c, "mmr", TODAY + timedelta(days=10), f17),
             dose(lap, c, "bcg", date(COHORT, 7, 2), f17), dose(lap, e, "penta", date(COHORT, 4, 5), f17),
             dose(lap, e, "mmr", date(COHORT + 1, 2, 5), f17), dose(lap, d, "bcg", TODAY - timedelta(days=29), f02))
    same_as_recount(engine, [own, other])
    with engine.connect() as conn:
        all_now = recount(conn, Actor("l.karimi", "headquarters"), cohort=COHORT, on=TODAY)
        assert sum(all_now.children.values()) == 5 and sum(all_now.zero_dose.values()) == 2  # c (no DTP), f (none)
        assert sum(g["Penta1"] for g in all_now.given.values()) == 3

    # A dose deleted on the laptop (a tombstone), a date of birth corrected (another cohort), a unit changed.
    lap.push(lap.edit("immunisation_dose", penta[0].record_id, deleted=True))
    same_as_recount(engine, [own, other])
    lap.push(lap.edit("patient", b, date_of_birth=date(COHORT - 1, 12, 20), birth_year=COHORT - 1),
             lap.edit("patient", c, registered_unit_id=own))
    same_as_recount(engine, [own, other])

    # Two records of one child merged: e goes into a, its doses follow; then a late dose of e arrives.
    lap.push(lap.edit("patient", e, merged_into_id=a))
    same_as_recount(engine, [own, other])
    with engine.connect() as conn:
        held = {r.patient_id for r in conn.execute(select(hq_child_coverage.c.patient_id))}
        assert e not in held and a in held
    lap.push(dose(lap, e, "mmr", date(COHORT + 1, 6, 5), f17))
    same_as_recount(engine, [own, other])
    # A visit earlier than the others of a child never vaccinated at a facility: first seen elsewhere.
    lap.push(visit(lap, f, f17, date(COHORT, 2, 1)), visit(lap, d, f17, TODAY - timedelta(days=1)))
    same_as_recount(engine, [own, other])
    lap.push(lap.edit("patient", f, deleted=True))
    same_as_recount(engine, [own, other])

    # What the hook kept is what a rebuild from the records makes.
    kept = table_rows(engine)
    with engine.begin() as conn:
        rebuild_coverage(conn)
    assert table_rows(engine) == kept


def test_a_failing_coverage_update_costs_the_batch_nothing(engine, monkeypatch, caplog) -> None:
    with engine.begin() as conn:
        site = add_site(conn)
    lap = Laptop(engine)

    def broken(conn: Any, ids: Any) -> int:
        conn.execute(hq_child_coverage.insert(), [{"patient_id": "x", "cohort": 1, "born": TODAY,
                                                   "two_months": TODAY}])  # written, then rolled back alone
        raise RuntimeError("boom")

    monkeypatch.setattr(immunisation, "refresh_coverage", broken)
    kid = patient(lap, site["F02"]["unit_id"], date_of_birth=date(COHORT, 5, 1), birth_year=COHORT)
    with caplog.at_level(logging.ERROR, logger="sayyar.hq.immunisation"):
        lap.push(kid, dose(lap, kid.record_id, "bcg", date(COHORT, 5, 1), site["F02"]))
    assert "RuntimeError" in caplog.text and "batch kept" in caplog.text
    with engine.connect() as conn:
        assert conn.execute(select(m.RECORDS["immunisation_dose"].c.id)).all()  # the batch is there
    assert table_rows(engine) == []  # the hook's own writes were rolled back with it
    monkeypatch.undo()
    with engine.begin() as conn:
        assert rebuild_coverage(conn) == 1  # `sayyar hq immunisation --rebuild` mends it
    with engine.connect() as conn:
        got = coverage(conn, Actor("l.karimi", "headquarters"), cohort=COHORT, on=TODAY)
        assert sum(g["BCG"] for g in got.given.values()) == 1 and got.children == Counter({("MHU-ZAH", "F02"): 1})


def test_the_rebuild_command(tmp_path, capsys, monkeypatch) -> None:
    from app.cli import main
    from app.hq.staff import set_staff

    db = tmp_path / "central.db"
    engine = open_database(str(db))
    with engine.begin() as conn:
        site = add_site(conn)
        add_patient(conn, date_of_birth=date(COHORT, 5, 1), birth_year=COHORT,
                    registered_unit_id=site["F02"]["unit_id"])  # written straight in: no hook saw it
        assert coverage_table_empty(conn)
    set_staff(engine, username="l.karimi", role="headquarters", password="hq-staff-2026")
    engine.dispose()
    monkeypatch.setenv("SAYYAR_PASSWORD", "hq-staff-2026")
    assert main(["--user", "l.karimi", "hq", "immunisation", "--rebuild", "--db", str(db)]) == 0
    assert "1 children assessed" in capsys.readouterr().out
    assert main(["hq", "immunisation", "--db", str(db)]) == 2  # nothing asked: a sentence, no work
    said = capsys.readouterr()
    assert "--rebuild" in said.out + said.err


def _function_scan_loops(plan: dict[str, Any]) -> list[int]:
    loops = [plan["Actual Loops"]] if plan.get("Node Type") == "Function Scan" else []
    for sub in plan.get("Plans", []):
        loops += _function_scan_loops(sub)
    return loops


@pytest.mark.postgres
def test_the_hook_reads_a_big_batch_s_patients_by_their_ids_once() -> None:
    """A unit's first big bundle lands in tables the planner still believes empty (no statistics until autovacuum
    runs, after the commit). The hook's look-ups by the batch's patient ids must then still probe each id once: a
    plan that re-reads the whole id list for every patient row costs 20,000 patients minutes (issue 11)."""
    with fresh_database("sayyar_hq_cov") as url:
        engine = open_database(url)
        try:
            with engine.begin() as conn:
                unit = add_site(conn)["F02"]["unit_id"]
            lap = Laptop(engine)
            kids = [patient(lap, unit, birth_year=COHORT if n % 10 == 0 else 1980) for n in range(3000)]
            ids = sorted(k.record_id for k in kids)
            with engine.begin() as conn:
                apply_changes(conn, Device(DEVICE, "ZAH1", b"k" * 32), kids, epoch=1, batch_id=str(uuid.uuid4()))
                for stmt in immunisation.lookups_by_id(conn, ids):
                    compiled = stmt.compile(conn)
                    plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled),
                                                compiled.params).scalar_one()[0]["Plan"]
                    assert _function_scan_loops(plan) == [1], plan
        finally:
            engine.dispose()
