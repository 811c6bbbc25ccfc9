"""Headquarters' immunisation figures over the central database (issue 18): coverage by vaccine, dose and birth
cohort per unit and facility (the schedule engine decides which doses count, as on the laptops), zero-dose
children (no DTP-containing dose, pentavalent 1), campaign totals, adverse events, and the monthly immunisation
data set for DHIS2 (``resources/hq/dhis2_immunisation_mapping.json``, a SAMPLE like the weekly mapping)."""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, and_, case, delete, false, func, insert, or_, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.core.immunisation import Age, GivenDose, assess, assess_series, is_zero_dose
from app.hq import tables as t
from app.hq.access import Actor
from app.hq.models import hq_child_coverage
from app.models.bulk_sql import among, by_ids
from app.resources import resource_path
from app.server.extensions import PATIENT_REFS

# (indicator, series, dose slot): what coverage is reported for, in the programme's usual names.
INDICATORS: tuple[tuple[str, str, int], ...] = (
    ("BCG", "bcg", 1), ("HepB birth dose", "hepb", 1), ("Penta1", "dtp", 1), ("Penta3", "dtp", 3),
    ("OPV3", "opv", 4), ("IPV1", "ipv", 1), ("MCV1", "mmr", 1), ("MCV2", "mmr", 2), ("DTP booster 1", "dtp", 4),
)
assert all(f"i{n}" in hq_child_coverage.c for n in range(len(INDICATORS)))  # one column per indicator
_SERIES = frozenset(series for _, series, _ in INDICATORS)  # the series coverage is reported for
dose = t.T["immunisation_dose"]
tally = t.T["campaign_tally"]
campaign = t.T["campaign"]
adverse = t.T["adverse_event"]
log = logging.getLogger("sayyar.hq.immunisation")
# The per-child table keeps children born in the last COVERAGE_YEARS calendar years (coverage is reported for young
# cohorts; an adult's visits cost a sync batch nothing). An older cohort is counted from the record rows (recount).
COVERAGE_YEARS = 10


def first_kept_cohort(today: date | None = None) -> int:
    return (today or date.today()).year - COVERAGE_YEARS


def _born(dob: date | None, year: int | None) -> date | None:
    return dob if dob is not None else (date(year, 7, 1) if year else None)


@dataclass
class Coverage:
    cohort: int
    # (unit code, facility code or "") -> children in the cohort, and indicator -> children with that dose
    children: Counter[tuple[str, str]] = field(default_factory=Counter)
    given: dict[tuple[str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    zero_dose: Counter[tuple[str, str]] = field(default_factory=Counter)


def coverage(conn: Connection, actor: Actor, *, cohort: int, on: date) -> Coverage:
    """Children born in ``cohort`` (date of birth, else the estimated year), by their unit and the facility where
    they were last vaccinated (else first seen); each indicator counts a child whose dose counts in the engine.

    One grouped count over ``hq_child_coverage`` (kept by the sync apply hook); the parts that depend on ``on`` are
    compared here: born by then, two months old by then (zero-dose), and a child with a dose dated after ``on`` is
    assessed by the engine as of ``on`` (what ``recount`` does for every child)."""
    if cohort < first_kept_cohort():
        return recount(conn, actor, cohort=cohort, on=on)
    if coverage_table_empty(conn):
        rebuild_coverage(conn)
    c = hq_child_coverage
    scope = [c.c.cohort == cohort, c.c.born <= on]
    if not actor.is_hq and actor.unit_id:
        scope.append(c.c.unit_id == actor.unit_id)
    settled = or_(c.c.last_dose_on.is_(None), c.c.last_dose_on <= on)
    zero = and_(c.c.has_dtp == false(), c.c.two_months <= on)
    flags = [func.sum(case((c.c[f"i{n}"] == true(), 1), else_=0)) for n in range(len(INDICATORS))]
    stmt = (select(c.c.unit_id, c.c.facility_id, func.count(), func.sum(case((zero, 1), else_=0)), *flags)
            .where(*scope, settled).group_by(c.c.unit_id, c.c.facility_id))
    units = {r.id: r.code for r in conn.execute(select(t.unit.c.id, t.unit.c.code))}
    facilities = {r.id: r.code for r in conn.execute(select(t.facility.c.id, t.facility.c.code))}
    out = Coverage(cohort)
    for r in conn.execute(stmt):
        key = (units.get(r[0] or "", "?"), facilities.get(r[1] or "", ""))
        out.children[key] += r[2]
        if r[3]:
            out.zero_dose[key] += r[3]
        for (name, _, _), n in zip(INDICATORS, r[4:], strict=True):
            if n:
                out.given[key][name] += n
    later = [pid for (pid,) in conn.execute(select(c.c.patient_id).where(*scope, ~settled))]
    if later:  # a dose dated after ``on`` (a laptop's clock, a typing slip): the engine decides as of ``on``
        _tally(conn, _people(conn, ids=later), on, out, units, facilities)
    return out


def recount(conn: Connection, actor: Actor, *, cohort: int, on: date) -> Coverage:
    """``coverage`` worked out from the record rows alone, child by child through the engine (what the page did
    before ``hq_child_coverage``): the reference the table is checked against (tests/hq/test_coverage_table.py)."""
    p = t.patient
    stmt = select(p.c.id, p.c.date_of_birth, p.c.birth_year, p.c.sex, p.c.registered_unit_id).where(
        t.live(p), p.c.merged_into_id.is_(None), p.c.birth_year == cohort)
    if not actor.is_hq and actor.unit_id:
        stmt = stmt.where(p.c.registered_unit_id == actor.unit_id)
    units = {r.id: r.code for r in conn.execute(select(t.unit.c.id, t.unit.c.code))}
    facilities = {r.id: r.code for r in conn.execute(select(t.facility.c.id, t.facility.c.code))}
    out = Coverage(cohort)
    _tally(conn, conn.execute(stmt).all(), on, out, units, facilities)
    return out


def _people_query(conn: Connection, ids: list[str]) -> Select[Any]:
    p = t.patient
    return by_ids(conn, p.c.id, ids, p.c.id, p.c.date_of_birth, p.c.birth_year, p.c.sex, p.c.registered_unit_id,
                  where=(t.live(p), p.c.merged_into_id.is_(None), p.c.birth_year >= first_kept_cohort()))


def _merged_query(conn: Connection, ids: list[str]) -> Select[Any]:
    p = t.patient
    return by_ids(conn, p.c.id, ids, p.c.merged_into_id, where=(p.c.merged_into_id.is_not(None),))


def _young_query(conn: Connection, ids: list[str]) -> Select[Any]:
    p = t.patient
    return by_ids(conn, p.c.id, ids, p.c.id, where=(p.c.birth_year >= first_kept_cohort(),))


def _held_query(conn: Connection, ids: list[str]) -> Select[Any]:
    c = hq_child_coverage.c
    return by_ids(conn, c.patient_id, ids, c.patient_id)


def lookups_by_id(conn: Connection, ids: list[str]) -> list[Select[Any]]:
    """The statements the sync hook runs over a batch's patient ids (tests/hq/test_coverage_table.py checks their
    plans on PostgreSQL)."""
    return [q(conn, ids) for q in (_people_query, _merged_query, _young_query, _held_query)]


def _people(conn: Connection, *, ids: list[str]) -> list[Any]:
    """These patients if live, unmerged and of a kept cohort (``COVERAGE_YEARS``)."""
    if not ids:
        return []
    return list(conn.execute(_people_query(conn, ids)).all())


def _histories(conn: Connection, ids: list[str]) -> tuple[dict[str, list[GivenDose]], dict[str, str]]:
    """Each child's live doses in date order, and where it was last vaccinated (the latest dose naming a facility),
    else first seen (the earliest visit naming one); ties broken by record id."""
    v = t.visit
    doses: dict[str, list[GivenDose]] = defaultdict(list)
    place: dict[str, str] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for r in conn.execute(select(dose.c.patient_id, dose.c.vaccine, dose.c.given_on, dose.c.source,
                                     dose.c.facility_id).where(dose.c.patient_id.in_(chunk), t.live(dose))
                              .order_by(dose.c.given_on, dose.c.id)):
            doses[r.patient_id].append(GivenDose(r.vaccine, r.given_on, r.source))
            if r.facility_id:
                place[r.patient_id] = r.facility_id
        rest = [c for c in chunk if c not in place]
        if rest:
            for r in conn.execute(select(v.c.patient_id, v.c.facility_id).where(
                    v.c.patient_id.in_(rest), t.live(v), v.c.facility_id.is_not(None))
                    .order_by(v.c.visit_at, v.c.id)):
                place.setdefault(r.patient_id, r.facility_id)
    return doses, place


def _tally(conn: Connection, people: Any, on: date, out: Coverage, units: dict[str, str],
           facilities: dict[str, str]) -> None:
    people = list(people)
    doses, place = _histories(conn, [r.id for r in people])
    for r in people:
        born = _born(r.date_of_birth, r.birth_year)
        if born is None or born > on:
            continue
        key = (units.get(r.registered_unit_id or "", "?"), facilities.get(place.get(r.id, ""), ""))
        out.children[key] += 1
        status = assess_series(born, r.sex, doses.get(r.id, []), on, _SERIES)
        for name, series, slot in INDICATORS:
            if status[series].slots[slot - 1].state == "given":
                out.given[key][name] += 1
        if is_zero_dose(doses.get(r.id, [])) and Age(2, "m").after(born) <= on:
            out.zero_dose[key] += 1


# -- the per-child table (app.hq.models.hq_child_coverage) ---------------------------------------------------------

def _rows(conn: Connection, people: list[Any]) -> list[dict[str, Any]]:
    """The table's rows for these patients: the engine's verdict once every recorded dose counts (the day of the
    latest dated dose; before it, ``coverage`` asks the engine again)."""
    doses, place = _histories(conn, [r.id for r in people])
    rows = []
    for r in people:
        born = _born(r.date_of_birth, r.birth_year)
        if born is None:
            continue
        mine = doses.get(r.id, [])
        dated = [d.given_on for d in mine if d.given_on is not None]
        last = max(dated) if dated else None
        row: dict[str, Any] = {"patient_id": r.id, "cohort": r.birth_year, "born": born,
                               "two_months": Age(2, "m").after(born), "unit_id": r.registered_unit_id or "",
                               "facility_id": place.get(r.id, ""), "last_dose_on": last,
                               "has_dtp": not is_zero_dose(mine)}
        if mine:
            status = assess_series(born, r.sex, mine, max(last or born, born), _SERIES)
            for n, (_, series, slot) in enumerate(INDICATORS):
                row[f"i{n}"] = status[series].slots[slot - 1].state == "given"
        else:
            row.update({f"i{n}": False for n in range(len(INDICATORS))})
        rows.append(row)
    return rows


def coverage_table_empty(conn: Connection) -> bool:
    return conn.execute(select(hq_child_coverage.c.patient_id).limit(1)).first() is None


def rebuild_coverage(conn: Connection) -> int:
    """Every child's row from the record rows (a new or emptied table, ``sayyar hq immunisation --rebuild``)."""
    p = t.patient
    conn.execute(delete(hq_child_coverage))
    ids = list(conn.execute(select(p.c.id).where(t.live(p), p.c.merged_into_id.is_(None),
                                                 p.c.birth_year >= first_kept_cohort())).scalars())
    n = 0
    for i in range(0, len(ids), 5000):
        rows = _rows(conn, _people(conn, ids=ids[i:i + 5000]))
        if rows:
            conn.execute(insert(hq_child_coverage), rows)
            n += len(rows)
    return n


def refresh_coverage(conn: Connection, patient_ids: Iterable[str]) -> int:
    """Re-assess these patients (and the patients they were merged into): a row for each live, unmerged one with a
    birth year, none for the others."""
    wanted = set(patient_ids)
    frontier = set(wanted)
    while frontier:  # a merged-away patient's doses now belong to the patient kept
        listed = list(frontier)
        frontier = set()
        for (into,) in conn.execute(_merged_query(conn, listed)):
            if into not in wanted:
                wanted.add(into)
                frontier.add(into)
    ids = sorted(wanted)
    rows = _rows(conn, _people(conn, ids=ids))
    kept = {r["patient_id"] for r in rows}
    c = hq_child_coverage.c
    held = [pid for (pid,) in conn.execute(_held_query(conn, ids))] if ids else []
    gone = [i for i in held if i not in kept]  # deleted, merged away, or corrected out of a kept cohort
    if gone:
        conn.execute(delete(hq_child_coverage).where(among(conn, c.patient_id, gone)))
    if rows:
        ins = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(hq_child_coverage)
        conn.execute(ins.on_conflict_do_update(index_elements=["patient_id"], set_={
            k: ins.excluded[k] for k in rows[0] if k != "patient_id"}), rows)
    return len(rows)


def touched_patients(conn: Connection, touched: Mapping[str, Iterable[str]]) -> set[str]:
    """The patients whose coverage a batch may have changed: its own patients (a deletion, a correction out of a
    kept cohort included), and the children of a kept cohort its records point at (a dose, or a visit naming where
    a child without a dose at a facility was first seen); the server names those (``PATIENT_REFS``)."""
    out = {str(i) for i in touched.get("patient", ())}
    refs = [str(i) for i in touched.get(PATIENT_REFS, ())]
    if refs:  # an adult's visits concern no kept cohort
        out.update(conn.execute(_young_query(conn, refs)).scalars())
    return out


def after_changes_applied(conn: Connection, touched: Mapping[str, Iterable[str]]) -> int:
    """The sync apply hook: re-assess the children the batch touched, in its transaction. A failure is rolled back
    alone (savepoint) and logged without data; the batch is kept, and ``sayyar hq immunisation --rebuild`` mends."""
    if not any(e in touched for e in ("patient", "immunisation_dose", "visit")):
        return 0
    try:
        with conn.begin_nested():
            return refresh_coverage(conn, touched_patients(conn, touched))
    except Exception as err:  # noqa: BLE001 - the batch must survive any failure here
        log.error("immunisation coverage update failed after applying changes (%s); batch kept, run "
                  "`sayyar hq immunisation --rebuild`", type(err).__name__)
        return 0


@dataclass(frozen=True)
class CampaignTotal:
    code: str
    name: str
    vaccine: str
    first_day: date | None
    last_day: date | None
    vaccinated: int
    zero_dose: int
    refused: int
    absent: int
    by_band: dict[str, int]


def campaign_totals(conn: Connection, actor: Actor) -> list[CampaignTotal]:
    """Every campaign round (units running the same round code are added together), newest first."""
    c, k = campaign, tally
    stmt = select(c.c.code, c.c.name, c.c.vaccine, c.c.unit_id, k.c.day, k.c.age_band, k.c.outcome, k.c.zero_dose,
                  k.c.count).join(k, k.c.campaign_id == c.c.id).where(t.live(c), t.live(k))
    if not actor.is_hq and actor.unit_id:
        stmt = stmt.where(c.c.unit_id == actor.unit_id)
    rounds: dict[str, dict[str, Any]] = {}
    for r in conn.execute(stmt):
        x = rounds.setdefault(r.code, {"name": r.name, "vaccine": r.vaccine, "days": set(), "out": Counter(),
                                       "band": Counter(), "zero": 0})
        x["days"].add(r.day)
        x["out"][r.outcome] += r.count
        if r.outcome == "vaccinated":
            x["band"][r.age_band] += r.count
            if r.zero_dose:
                x["zero"] += r.count
    out = [CampaignTotal(code, x["name"], x["vaccine"], min(x["days"]), max(x["days"]), x["out"]["vaccinated"],
                         x["zero"], x["out"]["refused"], x["out"]["absent"], dict(x["band"]))
           for code, x in rounds.items()]
    return sorted(out, key=lambda r: (r.last_day or date.min), reverse=True)


def adverse_events(conn: Connection, actor: Actor, *, since: date) -> list[dict[str, Any]]:
    a = adverse
    stmt = select(a.c.id, a.c.vaccine, a.c.onset_date, a.c.reported_on, a.c.reaction, a.c.serious, a.c.outcome,
                  a.c.unit_id, a.c.facility_id).where(t.live(a), a.c.reported_on >= since).order_by(a.c.onset_date)
    if not actor.is_hq and actor.unit_id:
        stmt = stmt.where(a.c.unit_id == actor.unit_id)
    return [dict(r._mapping) for r in conn.execute(stmt)]


@lru_cache(maxsize=1)
def load_mapping() -> dict[str, Any]:
    return json.loads(resource_path("hq", "dhis2_immunisation_mapping.json").read_text(encoding="utf-8"))


def monthly_datavalueset(conn: Connection, actor: Actor, *, year: int, month: int) -> dict[str, Any]:
    """Doses given in the month by vaccine, dose (as the engine places it) and age (under 1 / 1 year and over) per
    facility; campaign children vaccinated and adverse events reported. Facilities with nothing are left out. A
    coordinator's or unit administrator's set holds their unit's doses, campaigns and adverse events only."""
    mapping = load_mapping()
    weekly = json.loads(resource_path("hq", "dhis2_mapping.json").read_text(encoding="utf-8"))
    org_units: dict[str, str] = weekly["orgUnits"]
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    period = f"{year:04d}{month:02d}"
    p = t.patient
    facilities = {r.id: r.code for r in conn.execute(select(t.facility.c.id, t.facility.c.code))}
    stmt = select(dose.c.patient_id, dose.c.facility_id, dose.c.given_on).where(
        t.live(dose), dose.c.source == "given", dose.c.given_on >= first, dose.c.given_on < nxt)
    if not actor.is_hq and actor.unit_id:
        stmt = stmt.where(dose.c.unit_id == actor.unit_id)
    month_doses = conn.execute(stmt).all()
    kids = sorted({r.patient_id for r in month_doses})
    where = {(r.patient_id, r.given_on): r.facility_id for r in month_doses}
    history: dict[str, list[GivenDose]] = defaultdict(list)
    born: dict[str, tuple[date | None, str]] = {}
    for i in range(0, len(kids), 900):
        chunk = kids[i:i + 900]
        for r in conn.execute(select(dose.c.patient_id, dose.c.vaccine, dose.c.given_on, dose.c.source, dose.c.id)
                              .where(dose.c.patient_id.in_(chunk), t.live(dose))):
            history[r.patient_id].append(GivenDose(r.vaccine, r.given_on, r.source, r.id))
        for r in conn.execute(select(p.c.id, p.c.date_of_birth, p.c.birth_year, p.c.sex).where(p.c.id.in_(chunk))):
            born[r.id] = (_born(r.date_of_birth, r.birth_year), r.sex)
    cells: Counter[tuple[str, str, str]] = Counter()  # (facility code, indicator, age key)
    wanted = {(s, n): name for name, s, n in INDICATORS}
    for pid in kids:
        b, sex = born.get(pid, (None, ""))
        if b is None:
            continue
        status = assess(b, sex, history[pid], nxt)
        for st in status.series:
            for slot in st.slots:
                d = slot.dose
                name = wanted.get((st.series, slot.slot))
                if name is None or d is None or d.given_on is None or not first <= d.given_on < nxt:
                    continue
                fid = where.get((pid, d.given_on))
                age = "under_1" if d.given_on < Age(1, "y").after(b) else "1_and_over"
                cells[(facilities.get(fid or "", ""), name, age)] += 1
    k = tally
    sia = select(k.c.facility_id, k.c.count).where(t.live(k), k.c.outcome == "vaccinated", k.c.day >= first,
                                                   k.c.day < nxt)
    aefi = select(adverse.c.facility_id).where(t.live(adverse), adverse.c.reported_on >= first,
                                               adverse.c.reported_on < nxt)
    if not actor.is_hq and actor.unit_id:  # their unit's campaigns (tallies carry no unit) and adverse events only
        sia = sia.join(campaign, campaign.c.id == k.c.campaign_id).where(campaign.c.unit_id == actor.unit_id)
        aefi = aefi.where(adverse.c.unit_id == actor.unit_id)
    for r in conn.execute(sia):
        cells[(facilities.get(r.facility_id or "", ""), "Campaign vaccinated", "")] += r.count
    for r in conn.execute(aefi):
        cells[(facilities.get(r.facility_id or "", ""), "AEFI reported", "")] += 1
    values = []
    for (code, name, age), n in sorted(cells.items()):
        ind = mapping["indicators"].get(name)
        if not code or code not in org_units or ind is None:
            continue
        coc = ind.get("categoryOptionCombos", {}).get(age, mapping["defaultCategoryOptionCombo"])
        values.append({"dataElement": ind["dataElement"], "period": period, "orgUnit": org_units[code],
                       "categoryOptionCombo": coc, "attributeOptionCombo": mapping["attributeOptionCombo"],
                       "value": str(n)})
    return {"dataSet": mapping["dataSet"], "period": period, "attributeOptionCombo": mapping["attributeOptionCombo"],
            "dataValues": values}
