"""Figures of the weekly epidemiological report, computed in SQL (grouped) and shaped in Python.

Visits are selected by ``visit_date`` in the epi week (half-open range, indexed), joined to their patient for sex,
age band and legal status; a visit whose patient has not arrived yet counts as "unknown" rather than disappearing.
Referrals are those issued at the week's visits; cases are those whose onset (else report) date is in the week.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, func, select

from app.core.dates import AGE_BANDS
from app.core.diseases import shipped_registry
from app.core.reference import diagnosis_by_code
from app.hq import tables as t
from app.hq.alerts import OPEN_STATUSES, Alert, list_alerts
from app.hq.lifecycle import Timeliness, timeliness
from app.hq.overview import Completeness, completeness
from app.hq.settings import SiteSettings
from app.hq.weeks import Week, last_weeks, week_of

SEXES = ("female", "male")
LEGAL_STATUSES = ("iranian_national", "amayesh", "headcount", "passport_visa", "residence_permit", "undocumented")
REFERRAL_STATUSES = ("issued", "arrived", "seen", "feedback_received", "lost")
CURVE_WEEKS = 12

# cube key: (facility id, sex, age band, legal status, nationality, visit type)
CubeKey = tuple[str, str, str, str, str, str]


@dataclass
class WeeklyReport:
    week: Week
    generated_at: datetime
    facilities: dict[str, t.FacilityInfo]
    units: dict[str, dict[str, str]]
    cube: dict[CubeKey, int]
    top_diagnoses: list[tuple[str, str, int]]  # code, label, visits
    referrals: dict[str, dict[str, int]]  # from facility id -> status -> count
    referral_outcomes: dict[str, int]  # feedback outcome -> count
    cases: dict[tuple[str, str, str], int]  # (disease, facility id, classification) -> count
    curves: dict[str, list[int]]  # disease -> cases per week over ``curve_weeks``
    curve_weeks: list[Week]
    alerts: list[Alert] = field(default_factory=list)  # alerts of this week, any status
    # Earlier weeks' alerts still open (any open stage, however old), counted by (disease, status): the report
    # stays short while the alert desk lists them one by one.
    open_earlier: dict[tuple[str, str], int] = field(default_factory=dict)
    completeness: Completeness | None = None
    settings: SiteSettings = field(default_factory=SiteSettings)
    # Case → alert and alert → verification times of this week's alerts and those raised during the week.
    timeliness: Timeliness | None = None
    late: list[Alert] = field(default_factory=list)  # alerts raised this week for an earlier week (late data)

    # --- views on the cube used by the PDF, the web page and DHIS2 ---------------------------------------------
    def total(self) -> int:
        return sum(self.cube.values())

    def by(self, *fields: int) -> dict[tuple[str, ...], int]:
        """Sum the cube over all but the given key positions (0 facility, 1 sex, 2 band, 3 legal, 4 nat., 5 type)."""
        out: Counter[tuple[str, ...]] = Counter()
        for key, n in self.cube.items():
            out[tuple(key[i] for i in fields)] += n
        return dict(out)

    def counted_cases(self) -> int:
        """Notifiable cases of the week, discarded ones left out."""
        return sum(n for (_, _, cls), n in self.cases.items() if cls != "discarded")

    def facility_ids(self) -> list[str]:
        seen = {k[0] for k in self.cube}
        ordered = [fid for fid, f in self.facilities.items() if f.kind != "hospital" or fid in seen]
        return ordered + sorted(seen - set(ordered))


def _only(q: Any, column: Any, facility_ids: list[str] | None) -> Any:
    """The statement narrowed to some facilities (a coordinator's unit), or as it is."""
    return q if facility_ids is None else q.where(column.in_(facility_ids))


def consultation_cube(conn: Connection, start: date, end: date,
                      facility_ids: list[str] | None = None) -> dict[CubeKey, int]:
    v, p = t.visit, t.patient
    band = t.age_band_expr(t.age_expr(v.c.visit_date, p.c.date_of_birth, p.c.birth_year)).label("band")
    sex = func.coalesce(p.c.sex, "unknown").label("sex")
    legal = func.coalesce(p.c.legal_status, "unknown").label("legal")
    nat = func.coalesce(p.c.nationality, "unknown").label("nat")
    vtype = func.coalesce(v.c.visit_type, "new").label("vtype")
    fac = func.coalesce(v.c.facility_id, "").label("fac")
    q = (select(fac, sex, band, legal, nat, vtype, func.count())
         .select_from(v.outerjoin(p, p.c.id == v.c.patient_id))
         .where(t.in_range(v.c.visit_date, start, end), t.live(v))
         .group_by(fac, sex, band, legal, nat, vtype))
    q = _only(q, v.c.facility_id, facility_ids)
    return {tuple(r[:6]): r[6] for r in conn.execute(q)}  # type: ignore[misc]


def top_diagnoses(conn: Connection, start: date, end: date, n: int = 10,
                  facility_ids: list[str] | None = None) -> list[tuple[str, str, int]]:
    v, d = t.visit, t.diagnosis_row
    # Visits, not diagnosis rows: a code entered twice on one visit is still one consultation for it.
    visits = func.count(func.distinct(d.c.visit_id))
    q = (select(d.c.code, visits).select_from(d.join(v, v.c.id == d.c.visit_id))
         .where(t.in_range(v.c.visit_date, start, end), t.live(v), t.live(d))
         .group_by(d.c.code).order_by(visits.desc(), d.c.code).limit(n))
    q = _only(q, v.c.facility_id, facility_ids)
    out = []
    for code, count in conn.execute(q):
        known = diagnosis_by_code(code)
        out.append((code, known.label_en if known else "", count))
    return out


def referrals(conn: Connection, start: date, end: date,
              facility_ids: list[str] | None = None) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    r, v = t.referral, t.visit
    q = (select(func.coalesce(r.c.from_facility_id, ""), r.c.status, r.c.feedback_outcome, func.count())
         .select_from(r.join(v, v.c.id == r.c.visit_id))
         .where(t.in_range(v.c.visit_date, start, end), t.live(r))
         .group_by(r.c.from_facility_id, r.c.status, r.c.feedback_outcome))
    q = _only(q, r.c.from_facility_id, facility_ids)
    by_fac: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    outcomes: Counter[str] = Counter()
    for fid, status, outcome, n in conn.execute(q):
        by_fac[fid][status or "issued"] += n
        if outcome:
            outcomes[outcome] += n
    return {k: dict(v) for k, v in by_fac.items()}, dict(outcomes)


def case_counts(conn: Connection, start: date, end: date,
                facility_ids: list[str] | None = None) -> list[tuple[str, str, str, date, int]]:
    c = t.case_t
    ed = t.epi_date(c)
    q = (select(c.c.disease, func.coalesce(c.c.facility_id, ""), func.coalesce(c.c.classification, "suspected"),
                ed, func.count())
         .where(t.live(c), ed >= start, ed < end)
         .group_by(c.c.disease, c.c.facility_id, c.c.classification, ed))
    q = _only(q, c.c.facility_id, facility_ids)
    return [(d, f, cl, t.as_date(day), n) for d, f, cl, day, n in conn.execute(q)]


def build_weekly_report(conn: Connection, week: Week, *, now: datetime | None = None,
                        with_completeness: bool = True, settings: SiteSettings | None = None,
                        unit_id: str | None = None) -> WeeklyReport:
    """The week's report; ``unit_id`` narrows it to one unit's facilities and alerts (a coordinator's report)."""
    from app.hq.settings import load_settings

    settings = settings or load_settings(conn)
    facilities = t.facilities(conn)
    only: list[str] | None = None
    if unit_id is not None:
        facilities = {k: f for k, f in facilities.items() if f.unit_id == unit_id}
        only = sorted(facilities)
    start, end = week.start, week.end
    curve_weeks = last_weeks(week, CURVE_WEEKS)
    cases: Counter[tuple[str, str, str]] = Counter()
    curves: dict[str, list[int]] = {}
    index = {w: i for i, w in enumerate(curve_weeks)}
    for disease, fid, cls, day, n in case_counts(conn, curve_weeks[0].start, end, only):
        wk = week_of(day, week.first_weekday)
        if wk == week:
            cases[(disease, fid, cls)] += n
        if cls == "discarded":
            continue  # a discarded case is not part of the epidemic
        curves.setdefault(disease, [0] * len(curve_weeks))[index[wk]] += n
    ordered_curves = {d: curves[d] for d in shipped_registry().keys() if d in curves}
    refs, outcomes = referrals(conn, start, end, only)
    alerts = list_alerts(conn, since=start, limit=100_000, unit_id=unit_id)
    alerts = [a for a in alerts if a.week_start == start]
    still_open = list_alerts(conn, status=OPEN_STATUSES, limit=100_000, unit_id=unit_id)
    open_earlier = Counter((a.disease, a.status) for a in still_open if a.week_start < start)
    lo, hi = datetime.combine(start, datetime.min.time(), timezone.utc), \
        datetime.combine(end, datetime.min.time(), timezone.utc)
    raised_in_week = list_alerts(conn, raised=(lo, hi), limit=100_000, unit_id=unit_id)
    handled = {a.id: a for a in alerts + raised_in_week}
    comp = completeness(conn, week, CURVE_WEEKS) if with_completeness else None
    if comp is not None and only is not None:
        comp = Completeness(comp.weeks, [f for f in comp.facilities if f.id in facilities],
                            {k: v for k, v in comp.counts.items() if k in facilities})
    return WeeklyReport(
        week=week, generated_at=now or datetime.now(timezone.utc), facilities=facilities, units=t.units(conn),
        cube=consultation_cube(conn, start, end, only), top_diagnoses=top_diagnoses(conn, start, end, 10, only),
        referrals=refs, referral_outcomes=outcomes, cases=dict(cases), curves=ordered_curves,
        curve_weeks=curve_weeks, alerts=alerts, open_earlier=dict(open_earlier),
        completeness=comp, settings=settings,
        timeliness=timeliness(list(handled.values()), now), late=[a for a in raised_in_week if a.week_start < start],
    )


__all__ = ["AGE_BANDS", "LEGAL_STATUSES", "REFERRAL_STATUSES", "SEXES", "WeeklyReport", "build_weekly_report"]
