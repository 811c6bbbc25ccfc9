"""Keeps the local table ``immunisation_due`` in step with children, their visits and their doses: for every child
under 15, the next open dose of each series, when it is due and until when it is given, and the facility where the
child was last seen (the latest dose given at a facility, else the latest visit). Due and overdue lists by facility
read this table with one indexed query instead of running the schedule engine over every child.

Like the search index it is local and never synced, and it is kept current by the same three writers: the store's
flush hook, sync apply and the bulk loader (registry: ``schedules_patient``). Each row is computed on the day of the
write; a reader takes the day it asks about into account (``until_date``), and ``refresh_due`` rebuilds rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timezone

from sqlalchemy import Connection, delete, insert, select

from app.core.immunisation import Age, GivenDose, assess
from app.models import ImmunisationChild, ImmunisationDose, ImmunisationDue, Patient, Visit
from app.models.lookup import in_json

CHILD_YEARS = 15
_CHUNK = 500
NAMES = ("code", "given_name_fa", "given_name_latin", "father_name_fa", "father_name_latin")
_CHILDHOOD = Age(CHILD_YEARS, "y")


def birth_date(dob: date | None, birth_year: int | None) -> date | None:
    """The date the schedule counts from: the date of birth, else the middle of an (estimated) birth year."""
    if dob is not None:
        return dob
    return date(birth_year, 7, 1) if birth_year else None


def due_rows(pid: str, born: date, sex: str, doses: list[GivenDose], facility: str, today: date,
             names: dict[str, object] | None = None) -> list[dict[str, object]]:
    status = assess(born, sex, doses, today)
    shown = {"born": born, "sex": sex, **(names or {})}
    rows = []
    for st in status.series:
        nxt = st.next
        if nxt is None or nxt.due is None or nxt.until is None or nxt.state == "aged_out":
            continue
        rows.append({"patient_id": pid, "series": st.series, "slot": nxt.slot, "due_date": nxt.due,
                     "until_date": nxt.until, "facility_id": facility, **shown})
    return rows


def refresh_due(conn: Connection, patient_ids: Iterable[str], today: date | None = None) -> None:
    """Recompute the rows of these patients (deleted, merged-away and adult patients get none)."""
    ids = sorted({i for i in patient_ids if i})
    today = today or datetime.now(timezone.utc).date()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        conn.execute(delete(ImmunisationDue.__table__).where(in_json(ImmunisationDue.patient_id, chunk)))
        conn.execute(delete(ImmunisationChild.__table__).where(in_json(ImmunisationChild.patient_id, chunk)))
        p = Patient.__table__.c
        # Merged-away patients are left out here, not in SQL: "merged_into_id IS NULL" holds for nearly everyone,
        # and SQLite then read the whole patient table through that index (1.8 s a registration at 1,000,000).
        people = [r for r in conn.execute(select(
            p.id, p.date_of_birth, p.birth_year, p.sex, p.merged_into_id, *(p[n] for n in NAMES)).where(
            in_json(p.id, chunk), p.deleted.is_(False), p.birth_year > today.year - CHILD_YEARS - 1))
            if r.merged_into_id is None]
        if not people:
            continue
        kids = [r.id for r in people]
        doses: dict[str, list[GivenDose]] = defaultdict(list)
        facility: dict[str, str] = {}
        d = ImmunisationDose.__table__.c
        for r in conn.execute(select(d.patient_id, d.vaccine, d.given_on, d.source, d.facility_id).where(
                in_json(d.patient_id, kids), d.deleted.is_(False)).order_by(d.given_on)):
            doses[r.patient_id].append(GivenDose(r.vaccine, r.given_on, r.source))
            if r.facility_id:
                facility[r.patient_id] = r.facility_id
        v = Visit.__table__.c
        for r in conn.execute(select(v.patient_id, v.facility_id).where(
                in_json(v.patient_id, [k for k in kids if k not in facility]), v.deleted.is_(False),
                v.facility_id.is_not(None)).order_by(v.visit_at)):
            facility[r.patient_id] = r.facility_id
        rows: list[dict[str, object]] = []
        for r in people:
            born = birth_date(r.date_of_birth, r.birth_year)
            if born is None or _CHILDHOOD.after(born) <= today:
                continue
            rows += due_rows(r.id, born, r.sex, doses.get(r.id, []), facility.get(r.id, ""), today,
                             {n: getattr(r, n) or "" for n in NAMES})
        if rows:
            conn.execute(insert(ImmunisationDue.__table__), rows)
            children: dict[object, tuple[object, date, date]] = {}
            for row in rows:
                due, until = row["due_date"], row["until_date"]
                assert isinstance(due, date) and isinstance(until, date)
                seen = children.get(row["patient_id"])
                children[row["patient_id"]] = (row["facility_id"], min(due, seen[1]) if seen else due,
                                               max(until, seen[2]) if seen else until)
            conn.execute(insert(ImmunisationChild.__table__), [
                {"patient_id": pid, "facility_id": f, "next_due": nd, "last_until": lu}
                for pid, (f, nd, lu) in children.items()])


def refresh_expired(conn: Connection, today: date | None = None) -> int:
    """The children whose rows the calendar has overtaken (a dose no longer given from today: the next dose of the
    series takes its place; a child turning 15 leaves): recomputed as of ``today``. Run when the laptop opens and
    when the date changes, so due and defaulter lists move with the calendar. Returns how many children."""
    today = today or datetime.now(timezone.utc).date()
    stale = list(conn.execute(select(ImmunisationDue.patient_id).where(ImmunisationDue.until_date <= today)
                              .distinct()).scalars())
    refresh_due(conn, stale, today)
    return len(stale)


def rebuild_due(conn: Connection) -> None:
    """Every child's rows from scratch (the migration that adds the table; a new schedule)."""
    conn.execute(delete(ImmunisationDue.__table__))
    conn.execute(delete(ImmunisationChild.__table__))
    p = Patient.__table__.c
    ids = conn.execute(select(p.id).where(p.deleted.is_(False))).scalars().all()
    refresh_due(conn, ids)
