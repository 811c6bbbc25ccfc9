"""Outbreak alert rules (FACTS.md, "Notifiable diseases", EWARS style) and the alert life cycle.

Rules, by the registry's ``alert_rule`` (``app.core.reference.NOTIFIABLE_DISEASES``):
- ``single_case`` (cholera, measles, rubella, polio/AFP): one case in a facility-week raises an alert;
- ``threshold`` (malaria): a facility's weekly cases above the 75th percentile of the same epi week in earlier years
  (linear interpolation between ranks); in elimination mode every case raises an alert;
- ``cluster`` (dengue, chikungunya): N cases in a week (default 3) in one facility or in one district.
A case counts in the week of its onset (its reported date when onset is unknown) unless it is discarded.

Alerts are keyed (rule, disease, facility, district, week): evaluating again only refreshes case counts, so the hook
can run after every sync batch. Evaluation reads grouped counts (a few thousand rows at most), never patient data.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.core.dates import MONDAY
from app.core.diseases import shipped_registry
from app.hq import tables as t
from app.hq.models import hq_alert, hq_alert_event
from app.hq.weeks import Week, week_of

STATUSES = ("raised", "verified", "closed")
_NEXT = {"raised": "verified", "verified": "closed"}


def _diseases(kind: str) -> tuple[str, ...]:
    return shipped_registry().diseases_with(kind)


@dataclass(frozen=True)
class AlertConfig:
    first_weekday: int = MONDAY
    single_case: tuple[str, ...] = field(default_factory=lambda: _diseases("single_case"))
    threshold: tuple[str, ...] = field(default_factory=lambda: _diseases("threshold"))
    malaria_elimination: bool = False
    baseline_years: int = 5  # how many earlier years the 75th percentile looks at
    min_baseline_years: int = 2  # fewer years of history than this: no threshold, no alert (unless elimination)
    cluster: dict[str, int] = field(default_factory=lambda: {
        d: shipped_registry().disease(d).alert.cases for d in _diseases("cluster")})  # type: ignore[union-attr]
    cluster_by_district: bool = True


@dataclass
class Alert:
    id: str
    rule: str
    disease: str
    facility_id: str
    district: str
    week: str
    week_start: date
    unit_id: str
    case_count: int
    threshold: str
    status: str
    raised_at: datetime
    notes: str = ""
    verified_by: str | None = None
    verified_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    new: bool = False  # raised by the evaluation that returned it

    @classmethod
    def from_row(cls, r: Any, new: bool = False) -> Alert:
        return cls(r.id, r.rule, r.disease, r.facility_id, r.district, r.week, date.fromisoformat(r.week_start),
                   r.unit_id, r.case_count, r.threshold, r.status, r.raised_at, r.notes, r.verified_by,
                   r.verified_at, r.closed_by, r.closed_at, new)

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.rule, self.disease, self.facility_id, self.district, self.week)


class AlertTransitionError(ValueError):
    pass


def percentile75(values: list[int]) -> float:
    """75th percentile with linear interpolation between closest ranks (numpy's default, Excel PERCENTILE.INC)."""
    xs = sorted(values)
    pos = 0.75 * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


@dataclass
class _Candidate:
    rule: str
    disease: str
    facility_id: str
    district: str
    week: Week
    unit_id: str
    count: int
    threshold: str


def _case_counts(conn: Connection, diseases: tuple[str, ...], since: date | None,
                 until: date | None = None) -> list[tuple[str, str | None, date, int]]:
    c = t.case_t
    ed = t.epi_date(c)
    q = (select(c.c.disease, c.c.facility_id, ed, func.count())
         .where(t.live(c), c.c.disease.in_(diseases), func.coalesce(c.c.classification, "") != "discarded")
         .group_by(c.c.disease, c.c.facility_id, ed))
    if since is not None:
        q = q.where(ed >= since)
    if until is not None:
        q = q.where(ed < until)
    return [(d, f, t.as_date(day), n) for d, f, day, n in conn.execute(q) if day is not None]


def _history_start(conn: Connection, facility_ids: set[str]) -> dict[str, date]:
    # One indexed lookup per facility (ix_visit_facility_date): when did this facility start sending data?
    v = t.visit
    out: dict[str, date] = {}
    for fid in facility_ids:
        first = conn.execute(select(func.min(v.c.visit_date)).where(v.c.facility_id == fid)).scalar()
        if first is not None:
            out[fid] = t.as_date(first)
    return out


def candidates(conn: Connection, config: AlertConfig, since: date | None) -> list[_Candidate]:
    """What the rules say should be raised for weeks from ``since`` on (all history when None)."""
    fw = config.first_weekday
    start = week_of(since, fw).start if since else None
    facs = t.facilities(conn)
    diseases = config.single_case + config.threshold + tuple(config.cluster)
    weekly: dict[tuple[str, str, Week], int] = defaultdict(int)
    for disease, fid, day, n in _case_counts(conn, diseases, start):
        weekly[(disease, fid or "", week_of(day, fw))] += n
    out: list[_Candidate] = []

    def unit_of(fid: str) -> str:
        return facs[fid].unit_id or "" if fid in facs else ""

    for (disease, fid, wk), n in weekly.items():
        if disease in config.single_case or (disease in config.threshold and config.malaria_elimination):
            rule = "single_case" if disease in config.single_case else "elimination"
            out.append(_Candidate(rule, disease, fid, "", wk, unit_of(fid), n, "1"))
        elif disease in config.cluster and n >= config.cluster[disease]:
            out.append(_Candidate("cluster", disease, fid, "", wk, unit_of(fid), n, str(config.cluster[disease])))
    if config.cluster and config.cluster_by_district:
        by_district: dict[tuple[str, str, Week], int] = defaultdict(int)
        for (disease, fid, wk), n in weekly.items():
            if disease in config.cluster and fid in facs and facs[fid].district_en:
                by_district[(disease, facs[fid].district_en, wk)] += n
        for (disease, district, wk), n in by_district.items():
            if n >= config.cluster[disease]:
                out.append(_Candidate("cluster_district", disease, "", district, wk, "", n,
                                      str(config.cluster[disease])))
    if config.threshold and not config.malaria_elimination:
        out.extend(_threshold_candidates(conn, config, weekly, unit_of))
    return out


def _threshold_candidates(conn: Connection, config: AlertConfig, weekly: dict[tuple[str, str, Week], int],
                          unit_of: Any) -> list[_Candidate]:
    fw = config.first_weekday
    current = {k: n for k, n in weekly.items() if k[0] in config.threshold}
    if not current:
        return []
    earliest = min(k[2].year for k in current) - config.baseline_years
    history: dict[tuple[str, str, int, int], int] = defaultdict(int)
    since = Week(earliest, 1, fw).start if earliest > 1 else None
    for disease, fid, day, n in _case_counts(conn, config.threshold, since):
        wk = week_of(day, fw)
        history[(disease, fid or "", wk.year, wk.number)] += n
    starts = _history_start(conn, {fid for _, fid, _ in current if fid})
    out = []
    for (disease, fid, wk), n in current.items():
        first = starts.get(fid)
        if first is None:
            continue
        # Only years in which the facility was already sending data: a year before it existed is not "zero cases".
        years = [y for y in range(wk.year - config.baseline_years, wk.year)
                 if Week(y, wk.number, fw).start >= week_of(first, fw).start
                 and week_of(Week(y, wk.number, fw).start, fw).number == wk.number]
        if len(years) < max(1, config.min_baseline_years):
            continue
        p75 = percentile75([history.get((disease, fid, y, wk.number), 0) for y in years])
        if n > p75:
            out.append(_Candidate("threshold", disease, fid, "", wk, unit_of(fid), n, f"p75={p75:g}"))
    return out


def evaluate_alerts(conn: Connection, *, cases_since: date | None = None, config: AlertConfig | None = None,
                    now: datetime | None = None) -> list[Alert]:
    """Raise (or refresh) the alerts the rules call for in the weeks from ``cases_since`` on (all weeks when None).

    Returns every alert that fires in those weeks, whatever its status; ``Alert.new`` marks those raised now. Runs in
    the caller's transaction; never duplicates (insert ... on conflict do nothing on the alert key).
    """
    config = config or AlertConfig()
    now = now or datetime.now(timezone.utc)
    found = candidates(conn, config, cases_since)
    if not found:
        return []
    lo = min(c.week.start for c in found).isoformat()
    existing = {(r.rule, r.disease, r.facility_id, r.district, r.week): r
                for r in conn.execute(select(hq_alert).where(hq_alert.c.week_start >= lo))}
    fresh: list[dict[str, Any]] = []
    for c in found:
        key = (c.rule, c.disease, c.facility_id, c.district, c.week.label)
        row = existing.get(key)
        if row is None:
            fresh.append({"id": str(uuid.uuid4()), "rule": c.rule, "disease": c.disease, "facility_id": c.facility_id,
                          "district": c.district, "week": c.week.label, "week_start": c.week.start.isoformat(),
                          "unit_id": c.unit_id, "case_count": c.count, "threshold": c.threshold, "status": "raised",
                          "raised_at": now, "updated_at": now, "notes": ""})
        elif row.case_count != c.count or row.threshold != c.threshold:
            conn.execute(update(hq_alert).where(hq_alert.c.id == row.id)
                         .values(case_count=c.count, threshold=c.threshold, updated_at=now))
    if fresh:
        conn.execute(_insert_ignore(conn), fresh)
    rows = conn.execute(select(hq_alert).where(hq_alert.c.week_start >= lo))
    new_ids = {f["id"] for f in fresh}
    keys = {(c.rule, c.disease, c.facility_id, c.district, c.week.label) for c in found}
    alerts = [Alert.from_row(r, r.id in new_ids) for r in rows]
    return sorted((a for a in alerts if a.key in keys), key=lambda a: (a.week_start, a.disease, a.facility_id))


def _insert_ignore(conn: Connection) -> Any:
    # Two appliers evaluating at once must not fail on the alert key: the second insert is simply skipped.
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert(hq_alert).on_conflict_do_nothing(constraint="uq_hq_alert_key")
    if name == "sqlite":
        return sqlite.insert(hq_alert).on_conflict_do_nothing()
    return insert(hq_alert)


def list_alerts(conn: Connection, *, status: str | None = None, since: date | None = None,
                limit: int = 500) -> list[Alert]:
    q = select(hq_alert).order_by(hq_alert.c.week_start.desc(), hq_alert.c.disease).limit(limit)
    if status:
        q = q.where(hq_alert.c.status == status)
    if since:
        q = q.where(hq_alert.c.week_start >= since.isoformat())
    return [Alert.from_row(r) for r in conn.execute(q)]


def transition(conn: Connection, alert_id: str, to_status: str, *, by: str, note: str = "",
               now: datetime | None = None) -> Alert:
    """raised -> verified -> closed, with who, when and a note (required to close). Anything else is refused."""
    now = now or datetime.now(timezone.utc)
    row = conn.execute(select(hq_alert).where(hq_alert.c.id == alert_id)).first()
    if row is None:
        raise AlertTransitionError("No such alert: it may have been removed or the link is wrong.")
    if to_status not in STATUSES:
        raise AlertTransitionError(f"Unknown status {to_status!r}: an alert is raised, verified or closed.")
    if _NEXT.get(row.status) != to_status:
        allowed = _NEXT.get(row.status)
        hint = f"it can only be {allowed} next" if allowed else "a closed alert stays closed"
        raise AlertTransitionError(f"This alert is {row.status}; it cannot become {to_status} ({hint}).")
    if not by.strip():
        raise AlertTransitionError("Say who you are: every status change records who made it.")
    if to_status == "closed" and not note.strip():
        raise AlertTransitionError("Write a closing note: what the investigation found and what was done.")
    stamp = f"[{now:%Y-%m-%d %H:%M} UTC, {by}, {to_status}] {note.strip()}".rstrip()
    notes = f"{row.notes}\n{stamp}" if row.notes else stamp
    values: dict[str, Any] = {"status": to_status, "updated_at": now, "notes": notes}
    values.update({f"{to_status}_at": now, f"{to_status}_by": by})
    # The status in the WHERE makes a concurrent double-click a no-op instead of a second transition.
    done = conn.execute(update(hq_alert).where(hq_alert.c.id == alert_id, hq_alert.c.status == row.status)
                        .values(**values)).rowcount
    if done != 1:
        raise AlertTransitionError("Someone else changed this alert a moment ago; reload and try again.")
    conn.execute(insert(hq_alert_event).values(alert_id=alert_id, at=now, by=by, from_status=row.status,
                                               to_status=to_status, note=note.strip()))
    updated = conn.execute(select(hq_alert).where(hq_alert.c.id == alert_id)).one()
    return Alert.from_row(updated)
