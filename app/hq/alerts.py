"""Outbreak alert rules (EWARS style) from the notifiable-disease registry, and their evaluation.

Rules, by each disease's ``alert.rule`` in the registry (``app.core.diseases``):
- ``single_case`` (cholera, measles, AFP/polio, diphtheria, CCHF …): one case in a facility-week raises an alert;
- ``threshold`` (malaria): a facility's weekly cases above the percentile (75th) of the same epi week in earlier
  years; in elimination mode (the site's setting, on by default in Iran) every case raises an alert (``elimination``);
- ``cluster`` (dengue, chikungunya, COVID-19): N cases in a week in one facility, or in one district;
- ``none``: line list only.
A case counts in the week of its onset (its reported date when onset is unknown), in the site's week convention,
unless it is discarded.

Each alert remembers its cases (``hq_alert_case``). That is what keeps re-evaluation honest: the same key only
refreshes counts; a candidate whose cases all belong to alerts already (evaluated in another week convention, or a
district cluster made of facility alerts) raises nothing; once every case of an open alert is discarded it is closed
with that reason. A closed alert is never reopened (later cases join it and are counted).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from app.core.dates import SATURDAY
from app.core.diseases import DiseaseRegistry, shipped_registry
from app.hq import tables as t
from app.hq.models import hq_alert, hq_alert_case, hq_alert_event
from app.hq.weeks import Week, week_of
from app.models.bulk_sql import one_of

OPEN_STATUSES = ("raised", "verified", "assessed", "responding")
DONE_STATUSES = ("discarded", "closed")
STATUSES = OPEN_STATUSES + DONE_STATUSES
SYSTEM = "system"
_CHUNK = 20_000  # ids per lookup: one array parameter on PostgreSQL, one JSON text on SQLite (app.models.bulk_sql)


def _shipped(rule: str) -> tuple[str, ...]:
    return shipped_registry().diseases_with(rule)


@dataclass(frozen=True)
class AlertConfig:
    """Which disease follows which rule, and the site's settings. The defaults are the shipped registry's rules in
    the Iranian convention (Saturday weeks, malaria elimination); ``site_config`` reads the site's own."""

    first_weekday: int = SATURDAY
    single_case: tuple[str, ...] = field(default_factory=lambda: _shipped("single_case"))
    threshold: tuple[str, ...] = field(default_factory=lambda: _shipped("threshold"))
    malaria_elimination: bool = True
    # Threshold diseases that alert on every case in elimination mode.
    elimination: tuple[str, ...] = field(default_factory=lambda: tuple(
        d.key for d in shipped_registry().diseases if d.alert.rule == "threshold" and d.alert.elimination))
    baseline_years: int = 5  # how many earlier years the percentile looks at
    min_baseline_years: int = 2  # fewer years of history than this: no threshold, no alert
    percentile: float = 75.0
    cluster: dict[str, int] = field(default_factory=lambda: {
        d.key: d.alert.cases for d in shipped_registry().diseases if d.alert.rule == "cluster"})
    cluster_by_district: bool = True

    @classmethod
    def from_registry(cls, registry: DiseaseRegistry | None = None, *, first_weekday: int = SATURDAY,
                      malaria_elimination: bool = True, **over: Any) -> AlertConfig:
        reg = registry or shipped_registry()
        threshold = [d for d in reg.diseases if d.alert.rule == "threshold"]
        values: dict[str, Any] = dict(
            first_weekday=first_weekday, malaria_elimination=malaria_elimination,
            single_case=reg.diseases_with("single_case"), threshold=tuple(d.key for d in threshold),
            elimination=tuple(d.key for d in threshold if d.alert.elimination),
            cluster={d.key: d.alert.cases for d in reg.diseases if d.alert.rule == "cluster"},
            cluster_by_district=all(d.alert.by_district for d in reg.diseases if d.alert.rule == "cluster"),
        )
        if threshold:
            values.update(baseline_years=threshold[0].alert.baseline_years,
                          min_baseline_years=threshold[0].alert.min_baseline_years,
                          percentile=threshold[0].alert.percentile)
        values.update(over)
        return cls(**values)

    def every_case(self, disease: str) -> bool:
        return disease in self.single_case or (self.malaria_elimination and disease in self.elimination)


def site_config(conn: Connection) -> AlertConfig:
    """The configuration the site's settings and its registry call for (what the server and the pages use)."""
    from app.hq.registry import active_registry
    from app.hq.settings import load_settings

    settings = load_settings(conn)
    return AlertConfig.from_registry(active_registry(conn), first_weekday=settings.first_weekday,
                                     malaria_elimination=settings.malaria_elimination)


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
    risk_level: str = ""
    assessed_by: str | None = None
    assessed_at: datetime | None = None
    response: str = ""
    responded_by: str | None = None
    responded_at: datetime | None = None
    outcome: str = ""
    first_case_at: datetime | None = None
    new: bool = False  # raised by the evaluation that returned it

    @classmethod
    def from_row(cls, r: Any, new: bool = False) -> Alert:
        m = r._mapping
        return cls(m["id"], m["rule"], m["disease"], m["facility_id"], m["district"], m["week"],
                   date.fromisoformat(m["week_start"]), m["unit_id"], m["case_count"], m["threshold"], m["status"],
                   m["raised_at"], m["notes"], m["verified_by"], m["verified_at"], m["closed_by"], m["closed_at"],
                   m["risk_level"] or "", m["assessed_by"], m["assessed_at"], m["response"] or "",
                   m["responded_by"], m["responded_at"], m["outcome"] or "", m["first_case_at"], new)

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.rule, self.disease, self.facility_id, self.district, self.week)

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    def weeks_late(self, first_weekday: int) -> int:
        """How many weeks after its own week the alert was raised (cases that came late, by bundle)."""
        raised = week_of(self.raised_at.astimezone(timezone.utc).date(), first_weekday)
        own = week_of(self.week_start, first_weekday)
        return max(0, (raised.start - own.start).days // 7)

    def case_to_alert(self) -> float | None:
        """Hours from the first case being recorded to the alert (None when unknown)."""
        if self.first_case_at is None:
            return None
        return max(0.0, (self.raised_at - self.first_case_at).total_seconds() / 3600)

    def alert_to_verification(self) -> float | None:
        """Hours from the alert to its verification (or discarding)."""
        done = self.verified_at or (self.closed_at if self.status == "discarded" else None)
        if done is None:
            return None
        return max(0.0, (done - self.raised_at).total_seconds() / 3600)


class AlertTransitionError(ValueError):
    pass


def percentile(values: list[int], pct: float = 75.0) -> float:
    """Percentile with linear interpolation between closest ranks (numpy's default, Excel PERCENTILE.INC)."""
    xs = sorted(values)
    pos = pct / 100 * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def percentile75(values: list[int]) -> float:
    return percentile(values, 75.0)


@dataclass
class _Candidate:
    rule: str
    disease: str
    facility_id: str
    district: str
    week: Week
    unit_id: str
    cases: dict[str, datetime | None]  # case id -> when it was recorded
    threshold: str

    @property
    def count(self) -> int:
        return len(self.cases)

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.rule, self.disease, self.facility_id, self.district, self.week.label)


@dataclass
class _Scope:
    """The groups of cases a batch can have changed, from the cases it brought as they now are
    (``evaluate_alerts(only_touched=True)``, the hook's way): each case's (disease, facility, week), the same week of
    later years for a threshold disease (it is their baseline), and its district's week for a cluster disease.
    Everything else was settled by the evaluation that followed its own last change. A case moved to another
    facility or week leaves a smaller group behind, which can only lose an alert (its alert is re-counted through
    the case's links) — except a threshold baseline, lowered; a new registry version, week convention or district of
    a facility reaches a group when its cases next arrive. ``sayyar hq alerts`` evaluates everything."""

    keys: set[tuple[str, str, Week]] = field(default_factory=set)  # (disease, facility, week)
    districts: set[tuple[str, str, Week]] = field(default_factory=set)  # (disease, district, week)
    facilities: set[str] = field(default_factory=set)  # whose cases are read (a district's every facility)

    @property
    def diseases(self) -> set[str]:
        return {d for d, _, _ in self.keys | self.districts}

    @property
    def weeks(self) -> set[Week]:
        return {w for _, _, w in self.keys | self.districts}


def _scope(conn: Connection, config: AlertConfig, facs: dict[str, t.FacilityInfo], case_ids: list[str]) -> _Scope:
    c = t.case_t
    fw = config.first_weekday
    alerting = set(config.single_case + config.threshold + tuple(config.cluster))
    members: dict[str, set[str]] = defaultdict(set)
    for f in facs.values():
        if f.district_en:
            members[f.district_en].add(f.id)
    out = _Scope()
    for i in range(0, len(case_ids), _CHUNK):
        q = (select(c.c.disease, c.c.facility_id, t.epi_date(c)).distinct()
             .where(one_of(conn, c.c.id, case_ids[i:i + _CHUNK])))
        for disease, fid, day in conn.execute(q):
            if disease not in alerting or day is None:
                continue
            fid = fid or ""
            wk = week_of(t.as_date(day), fw)
            out.keys.add((disease, fid, wk))
            out.facilities.add(fid)
            if disease in config.threshold and not config.every_case(disease):
                for later in range(wk.year + 1, wk.year + config.baseline_years + 1):
                    same = Week(later, wk.number, fw)
                    if week_of(same.start, fw) == same:
                        out.keys.add((disease, fid, same))
            if (disease in config.cluster and config.cluster_by_district and fid in facs
                    and facs[fid].district_en):
                out.districts.add((disease, facs[fid].district_en, wk))
                out.facilities |= members[facs[fid].district_en]
    return out


def _case_rows(conn: Connection, diseases: tuple[str, ...], since: date | None, scope: _Scope | None = None
               ) -> list[tuple[str, str, str, date, datetime | None]]:
    """(id, disease, facility, epi date, recorded at) of the live, not discarded cases from ``since`` on (within
    the scope's diseases, facilities and weeks when given)."""
    c = t.case_t
    ed = t.epi_date(c)
    if scope is not None:
        diseases = tuple(d for d in diseases if d in scope.diseases)
    q = (select(c.c.id, c.c.disease, c.c.facility_id, ed, c.c.created_at)
         .where(t.live(c), c.c.disease.in_(diseases), func.coalesce(c.c.classification, "") != "discarded"))
    if since is not None:
        q = q.where(ed >= since)
    if scope is not None:
        q = q.where(or_(*(and_(ed >= lo, ed < hi) for lo, hi in _spans(scope.weeks))),
                    _facility_in(conn, c.c.facility_id, scope.facilities))
    return [(i, d, f or "", t.as_date(day), at) for i, d, f, day, at in conn.execute(q) if day is not None]


def _spans(weeks: set[Week]) -> list[tuple[date, date]]:
    """The weeks as few half-open date ranges (runs of consecutive weeks joined)."""
    out: list[tuple[date, date]] = []
    for w in sorted(weeks, key=lambda w: w.start):
        if out and out[-1][1] >= w.start:
            out[-1] = (out[-1][0], max(out[-1][1], w.end))
        else:
            out.append((w.start, w.end))
    return out


def _facility_in(conn: Connection, column: Any, facilities: set[str]) -> Any:
    """``column`` is one of ``facilities``; the empty string stands for a case without a facility."""
    named = one_of(conn, column, sorted(f for f in facilities if f))
    return or_(named, column.is_(None), column == "") if "" in facilities else named


def _history_counts(conn: Connection, diseases: tuple[str, ...], since: date | None, facilities: set[str]
                    ) -> list[tuple[str, str, date, int]]:
    c = t.case_t
    ed = t.epi_date(c)
    q = (select(c.c.disease, c.c.facility_id, ed, func.count())
         .where(t.live(c), c.c.disease.in_(diseases), func.coalesce(c.c.classification, "") != "discarded",
                one_of(conn, c.c.facility_id, sorted(facilities)))
         .group_by(c.c.disease, c.c.facility_id, ed))
    if since is not None:
        q = q.where(ed >= since)
    return [(d, f or "", t.as_date(day), n) for d, f, day, n in conn.execute(q) if day is not None]


def _history_start(conn: Connection, facility_ids: set[str]) -> dict[str, date]:
    # One indexed lookup per facility (ix_visit_facility_date): when did this facility start sending data?
    v = t.visit
    out: dict[str, date] = {}
    for fid in facility_ids:
        first = conn.execute(select(func.min(v.c.visit_date)).where(v.c.facility_id == fid)).scalar()
        if first is not None:
            out[fid] = t.as_date(first)
    return out


def candidates(conn: Connection, config: AlertConfig, since: date | None,
               touched_cases: Iterable[str] | None = None) -> list[_Candidate]:
    """What the rules say should be raised for weeks from ``since`` on (all history when None); with
    ``touched_cases``, only for the groups those cases fall in (``_Scope``)."""
    fw = config.first_weekday
    start = week_of(since, fw).start if since else None
    facs = t.facilities(conn)
    diseases = config.single_case + config.threshold + tuple(config.cluster)
    scope = None if touched_cases is None else _scope(conn, config, facs, sorted(set(touched_cases)))
    if scope is not None and not scope.keys:
        return []
    weekly: dict[tuple[str, str, Week], dict[str, datetime | None]] = defaultdict(dict)
    for cid, disease, fid, day, at in _case_rows(conn, diseases, start, scope):
        weekly[(disease, fid, week_of(day, fw))][cid] = at
    # A district's other facilities are read for its clusters; their own groups were settled before.
    own = weekly if scope is None else {k: v for k, v in weekly.items() if k in scope.keys}
    out: list[_Candidate] = []

    def unit_of(fid: str) -> str:
        return facs[fid].unit_id or "" if fid in facs else ""

    for (disease, fid, wk), cases in own.items():
        if config.every_case(disease):
            rule = "single_case" if disease in config.single_case else "elimination"
            out.append(_Candidate(rule, disease, fid, "", wk, unit_of(fid), cases, "1"))
        elif disease in config.cluster and len(cases) >= config.cluster[disease]:
            out.append(_Candidate("cluster", disease, fid, "", wk, unit_of(fid), cases, str(config.cluster[disease])))
    if config.cluster and config.cluster_by_district:
        by_district: dict[tuple[str, str, Week], dict[str, datetime | None]] = defaultdict(dict)
        for (disease, fid, wk), cases in weekly.items():
            if disease in config.cluster and fid in facs and facs[fid].district_en:
                by_district[(disease, facs[fid].district_en, wk)].update(cases)
        for (disease, district, wk), cases in by_district.items():
            if len(cases) >= config.cluster[disease] and (scope is None or (disease, district, wk) in scope.districts):
                out.append(_Candidate("cluster_district", disease, "", district, wk, "", cases,
                                      str(config.cluster[disease])))
    thresholds = tuple(d for d in config.threshold if not config.every_case(d))
    if thresholds:
        out.extend(_threshold_candidates(conn, config, thresholds, own, unit_of))
    return out


def _threshold_candidates(conn: Connection, config: AlertConfig, diseases: tuple[str, ...],
                          weekly: dict[tuple[str, str, Week], dict[str, datetime | None]],
                          unit_of: Any) -> list[_Candidate]:
    fw = config.first_weekday
    current = {k: v for k, v in weekly.items() if k[0] in diseases}
    if not current:
        return []
    earliest = min(k[2].year for k in current) - config.baseline_years
    history: dict[tuple[str, str, int, int], int] = defaultdict(int)
    since = Week(earliest, 1, fw).start if earliest > 1 else None
    places = {fid for _, fid, _ in current if fid}  # a case without a facility has no history to compare with
    for disease, fid, day, n in _history_counts(conn, diseases, since, places):
        wk = week_of(day, fw)
        history[(disease, fid, wk.year, wk.number)] += n
    starts = _history_start(conn, places)
    out = []
    for (disease, fid, wk), cases in current.items():
        first = starts.get(fid)
        if first is None:
            continue
        # Only years in which the facility was already sending data: a year before it existed is not "zero cases".
        years = [y for y in range(wk.year - config.baseline_years, wk.year)
                 if Week(y, wk.number, fw).start >= week_of(first, fw).start
                 and week_of(Week(y, wk.number, fw).start, fw).number == wk.number]
        if len(years) < max(1, config.min_baseline_years):
            continue
        cut = percentile([history.get((disease, fid, y, wk.number), 0) for y in years], config.percentile)
        if len(cases) > cut:
            out.append(_Candidate("threshold", disease, fid, "", wk, unit_of(fid), cases,
                                  f"p{config.percentile:g}={cut:g}"))
    return out


def _links(conn: Connection, case_ids: Iterable[str]) -> dict[str, set[str]]:
    """case id -> ids of the alerts it belongs to."""
    ids = sorted(set(case_ids))
    out: dict[str, set[str]] = defaultdict(set)
    for i in range(0, len(ids), _CHUNK):
        for aid, cid in conn.execute(select(hq_alert_case.c.alert_id, hq_alert_case.c.case_id)
                                     .where(one_of(conn, hq_alert_case.c.case_id, ids[i:i + _CHUNK]))):
            out[cid].add(aid)
    return out


def _alert_rows(conn: Connection, ids: Iterable[str]) -> dict[str, Any]:
    listed = sorted(set(ids))
    out: dict[str, Any] = {}
    for i in range(0, len(listed), _CHUNK):
        for r in conn.execute(select(hq_alert).where(one_of(conn, hq_alert.c.id, listed[i:i + _CHUNK]))):
            out[r.id] = r
    return out


def _rows_by_key(conn: Connection, found: list[_Candidate]) -> dict[tuple[str, str, str, str, str], Any]:
    """The alerts already held under the candidates' keys (their diseases, weeks and places, read together)."""
    if not found:
        return {}
    places = one_of(conn, hq_alert.c.facility_id, sorted({c.facility_id for c in found}))
    districts = sorted({c.district for c in found if c.district})
    q = select(hq_alert).where(hq_alert.c.disease.in_(sorted({c.disease for c in found})),
                               one_of(conn, hq_alert.c.week_start, sorted({c.week.start.isoformat() for c in found})),
                               or_(places, hq_alert.c.district.in_(districts)) if districts else places)
    keys = {c.key for c in found}
    return {k: r for r in conn.execute(q) if (k := (r.rule, r.disease, r.facility_id, r.district, r.week)) in keys}


def evaluate_alerts(conn: Connection, *, cases_since: date | None = None, config: AlertConfig | None = None,
                    now: datetime | None = None, touched_cases: Iterable[str] = (),
                    only_touched: bool = False) -> list[Alert]:
    """Raise (or refresh) the alerts the rules call for in the weeks from ``cases_since`` on (all weeks when None),
    and re-count the alerts of ``touched_cases`` (a discarded case leaves its alert; an alert left with no case is
    closed). With ``only_touched`` the rules look only at the groups the touched cases fall in (their disease,
    facility and week, district clusters and threshold baselines included: ``_Scope``); what the last evaluation
    settled elsewhere stays as it is, so this raises what evaluating everything would (the sync hook's way).
    Returns every alert concerned, whatever its status; ``Alert.new`` marks those raised now. Runs in the
    caller's transaction; never duplicates (insert … on conflict do nothing on the alert key)."""
    config = config or site_config(conn)
    now = now or datetime.now(timezone.utc)
    touched = set(touched_cases)
    found = candidates(conn, config, cases_since, touched if only_touched else None)
    all_cases = {cid for c in found for cid in c.cases}
    links = _links(conn, all_cases | touched)
    by_key = _rows_by_key(conn, found)
    linked_rows = _alert_rows(conn, {a for ids in links.values() for a in ids} - {r.id for r in by_key.values()})
    rows = {r.id: r for r in by_key.values()} | linked_rows
    fresh: list[dict[str, Any]] = []
    attach: list[tuple[str, str]] = []
    thresholds: list[dict[str, Any]] = []
    concerned: set[str] = {a for cid in touched for a in links.get(cid, ())}
    # Facility alerts first: a district cluster made only of cases already in facility alerts is the same signal.
    for c in sorted(found, key=lambda c: (c.rule == "cluster_district", c.week.start, c.disease)):
        row = by_key.get(c.key)
        if row is None:
            row = _home_for(c, links, rows)
            if row is None and _all_alerted(c, links, rows):
                continue  # these very cases are in alerts already (another convention, a facility alert …)
        if row is None:
            aid = str(uuid.uuid4())
            fresh.append({"id": aid, "rule": c.rule, "disease": c.disease, "facility_id": c.facility_id,
                          "district": c.district, "week": c.week.label, "week_start": c.week.start.isoformat(),
                          "unit_id": c.unit_id, "case_count": c.count, "threshold": c.threshold, "status": "raised",
                          "raised_at": now, "updated_at": now, "notes": "", "first_case_at": _first(c.cases, now)})
            attach.extend((aid, cid) for cid in c.cases)
            rows[aid] = SimpleNamespace(**fresh[-1])
            for cid in c.cases:
                links[cid].add(aid)
        else:
            concerned.add(row.id)
            attach.extend((row.id, cid) for cid in c.cases if row.id not in links.get(cid, ()))
            if row.threshold != c.threshold:
                thresholds.append({"aid": row.id, "threshold": c.threshold})
    _update_each(conn, thresholds)
    if fresh:
        remap = _insert_alerts(conn, fresh)
        attach = [(remap.get(aid, aid), cid) for aid, cid in attach]
        concerned.update(remap.values())
    _insert_links(conn, attach)
    concerned.update(aid for aid, _ in attach)
    closed = recount(conn, concerned, now=now)
    new_ids = {f["id"] for f in fresh}  # one that lost its key to a concurrent applier is not in the table
    result = _alert_rows(conn, concerned | new_ids)
    keys = {c.key for c in found}
    out = [Alert.from_row(r, r.id in new_ids) for r in result.values()
           if (r.rule, r.disease, r.facility_id, r.district, r.week) in keys or r.id in concerned or r.id in closed]
    return sorted(out, key=lambda a: (a.week_start, a.disease, a.facility_id, a.district))


def _insert_alerts(conn: Connection, fresh: list[dict[str, Any]]) -> dict[str, str]:
    """Insert new alerts; returns each one's id as stored. A concurrent applier may have inserted
    the same key first: then that row is the alert, and these cases join it."""
    conn.execute(_insert_ignore(conn, hq_alert, "uq_hq_alert_key"), fresh)
    stored = set(conn.execute(select(hq_alert.c.id).where(one_of(conn, hq_alert.c.id, [f["id"] for f in fresh])))
                 .scalars())
    remap = {f["id"]: f["id"] for f in fresh if f["id"] in stored}
    lost = [f for f in fresh if f["id"] not in stored]
    if lost:
        q = select(hq_alert).where(hq_alert.c.disease.in_(sorted({f["disease"] for f in lost})),
                                   hq_alert.c.week_start.in_(sorted({f["week_start"] for f in lost})))
        won = {(r.rule, r.disease, r.facility_id, r.district, r.week): r.id for r in conn.execute(q)}
        for f in lost:
            remap[f["id"]] = won.get((f["rule"], f["disease"], f["facility_id"], f["district"], f["week"]), f["id"])
    return remap


def _insert_links(conn: Connection, pairs: list[tuple[str, str]]) -> None:
    """(alert id, case id) rows, each once; one statement with two array parameters on PostgreSQL."""
    pairs = sorted(set(pairs))
    if not pairs:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(text("INSERT INTO hq_alert_case (alert_id, case_id) "
                          "SELECT * FROM unnest(CAST(:a AS varchar[]), CAST(:c AS varchar[])) "
                          "ON CONFLICT ON CONSTRAINT pk_hq_alert_case DO NOTHING"),
                     {"a": [a for a, _ in pairs], "c": [c for _, c in pairs]})
        return
    conn.execute(_insert_ignore(conn, hq_alert_case, "pk_hq_alert_case"),
                 [{"alert_id": a, "case_id": c} for a, c in pairs])


def _update_each(conn: Connection, changes: list[dict[str, Any]]) -> None:
    """``UPDATE hq_alert`` for each ``{"aid": id, column: value, …}``: one executemany per set of columns."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for ch in changes:
        by_columns[tuple(sorted(k for k in ch if k != "aid"))].append(ch)
    for columns, params in by_columns.items():
        stmt = (update(hq_alert).where(hq_alert.c.id == bindparam("aid"))
                .values({c: bindparam(f"v_{c}") for c in columns}))
        conn.execute(stmt, [{"aid": p["aid"], **{f"v_{c}": p[c] for c in columns}} for p in params])


def _first(cases: dict[str, datetime | None], now: datetime) -> datetime:
    times = [at if at.tzinfo else at.replace(tzinfo=timezone.utc) for at in cases.values() if at is not None]
    # A laptop clock ahead of ours cannot make a case younger than the alert it raised.
    return min([*times, now]) if times else now


def _home_for(c: _Candidate, links: dict[str, set[str]], rows: dict[str, Any]) -> Any:
    """An existing alert of the same rule, disease and place that already holds some of these cases (it was made
    under another week label): the new cases join it instead of starting a second alert."""
    for cid in c.cases:
        for aid in sorted(links.get(cid, ())):
            r = rows.get(aid)
            if r is not None and (r.rule, r.disease, r.facility_id, r.district) == (
                    c.rule, c.disease, c.facility_id, c.district):
                return r
    return None


def _all_alerted(c: _Candidate, links: dict[str, set[str]], rows: dict[str, Any]) -> bool:
    return all(any(rows.get(a) is not None and rows[a].disease == c.disease for a in links.get(cid, ()))
               for cid in c.cases)


def recount(conn: Connection, alert_ids: Iterable[str], *, now: datetime | None = None) -> set[str]:
    """Set each alert's case count to its live, not discarded cases; close an open alert left with none (its cases
    were all discarded). Returns the ids closed now."""
    now = now or datetime.now(timezone.utc)
    ids = sorted(set(alert_ids))
    if not ids:
        return set()
    c = t.case_t
    counts: dict[str, int] = defaultdict(int)
    first: dict[str, datetime] = {}
    for i in range(0, len(ids), _CHUNK):
        q = (select(hq_alert_case.c.alert_id, func.count(), func.min(c.c.created_at))
             .select_from(hq_alert_case.join(c, c.c.id == hq_alert_case.c.case_id))
             .where(one_of(conn, hq_alert_case.c.alert_id, ids[i:i + _CHUNK]), t.live(c),
                    func.coalesce(c.c.classification, "") != "discarded")
             .group_by(hq_alert_case.c.alert_id))
        for aid, n, at in conn.execute(q):
            counts[aid] = n
            if at is not None:
                first[aid] = at if getattr(at, "tzinfo", None) else t.as_datetime(at)
    rows = _alert_rows(conn, ids)
    closed: set[str] = set()
    changes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for aid, row in rows.items():
        n = counts.get(aid, 0)
        values: dict[str, Any] = {}
        if n != row.case_count:
            values.update(case_count=n, updated_at=now)
        if n == 0 and row.status in OPEN_STATUSES:
            stamp = f"[{now:%Y-%m-%d %H:%M} UTC, {SYSTEM}, closed] all cases of this alert were discarded"
            values.update(status="closed", outcome="all_cases_discarded", closed_at=now, closed_by=SYSTEM,
                          updated_at=now, notes=f"{row.notes}\n{stamp}" if row.notes else stamp)
            closed.add(aid)
        if aid in first and row.first_case_at is None:
            values["first_case_at"] = first[aid]
        if values:
            changes.append({"aid": aid, **values})
        if aid in closed:
            events.append(dict(alert_id=aid, at=now, by=SYSTEM, from_status=row.status, to_status="closed",
                               note="all cases were discarded"))
    _update_each(conn, changes)
    if events:
        conn.execute(insert(hq_alert_event), events)
    return closed


def _insert_ignore(conn: Connection, table: Any, constraint: str) -> Any:
    # Two appliers evaluating at once must not fail on the key: the second insert is simply skipped.
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(constraint=constraint)
    if name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    return insert(table)


def list_alerts(conn: Connection, *, status: str | tuple[str, ...] | None = None, since: date | None = None,
                limit: int = 500, unit_id: str | None = None,
                raised: tuple[datetime, datetime] | None = None) -> list[Alert]:
    """Alerts, newest week first. ``since`` limits by week; open alerts are never hidden by it when
    ``status`` asks for them (pass the open statuses and no ``since``)."""
    q = select(hq_alert).order_by(hq_alert.c.week_start.desc(), hq_alert.c.disease).limit(limit)
    if isinstance(status, str):
        q = q.where(hq_alert.c.status == status)
    elif status:
        q = q.where(hq_alert.c.status.in_(status))
    if since:
        q = q.where(hq_alert.c.week_start >= since.isoformat())
    if unit_id:
        q = q.where(hq_alert.c.unit_id == unit_id)
    if raised:
        q = q.where(hq_alert.c.raised_at >= raised[0], hq_alert.c.raised_at < raised[1])
    return [Alert.from_row(r) for r in conn.execute(q)]


def alert_case_ids(conn: Connection, alert_id: str) -> list[str]:
    return list(conn.execute(select(hq_alert_case.c.case_id).where(hq_alert_case.c.alert_id == alert_id)
                             .order_by(hq_alert_case.c.case_id)).scalars())


__all__ = ["DONE_STATUSES", "OPEN_STATUSES", "STATUSES", "Alert", "AlertConfig", "AlertTransitionError",
           "alert_case_ids", "candidates", "evaluate_alerts", "list_alerts", "percentile", "percentile75", "recount",
           "site_config"]
