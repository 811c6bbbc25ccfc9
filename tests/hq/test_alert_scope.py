"""The sync hook evaluates only the groups a batch's cases fall in (disease, facility, week; the district's week of
a cluster disease; later years' same week of a threshold disease), and that raises exactly what evaluating
everything would: twin databases with the same rows, one evaluated the hook's way, the other all of it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import Connection, insert, select, update

import app.hq.alerts as alerts_module
from app.core.dates import SATURDAY
from app.hq import tables as t
from app.hq.alerts import AlertConfig, evaluate_alerts
from app.hq.hooks import after_changes_applied
from app.hq.models import hq_alert, hq_alert_case
from app.hq.weeks import Week, week_of
from hq_helpers import add_site, central_sqlite, row

WEEK = Week(2026, 48, SATURDAY)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FACILITIES = ("F02", "F05", "F17")  # F02 and F05 in district Zahedan, F17 in Taybad


class Twins:
    """Two central databases holding the same rows, kept the same by every write below."""

    def __init__(self) -> None:
        self.engines = [central_sqlite(), central_sqlite()]
        self.conns = [e.connect() for e in self.engines]
        for c in self.conns:
            c.begin()
        self.site = add_site(self.conns[0])
        for name in ("unit", "facility", "user_account"):
            rows = [dict(r._mapping) for r in self.conns[0].execute(select(t.T[name]))]
            self.conns[1].execute(insert(t.T[name]), rows)
        self.cases: list[dict[str, Any]] = []

    def add_case(self, disease: str, fcode: str, day: Any, classification: str = "suspected") -> str:
        f = self.site[fcode]
        r = row("surveillance_case", visit_id="v-none", patient_id="no-patient", disease=disease, icd10="X",
                classification=classification, onset_date=day, reported_date=day, facility_id=f["id"],
                unit_id=f["unit_id"])
        for c in self.conns:
            c.execute(insert(t.case_t), [r])
        self.cases.append(r)
        return str(r["id"])

    def add_visit(self, fcode: str, day: Any) -> None:
        f = self.site[fcode]
        r = row("visit", patient_id="no-patient", unit_id=f["unit_id"], facility_id=f["id"], visit_date=day,
                visit_at=datetime.combine(day, datetime.min.time(), timezone.utc))
        for c in self.conns:
            c.execute(insert(t.visit), [r])

    def change(self, case_id: str, **values: Any) -> None:
        for c in self.conns:
            c.execute(update(t.case_t).where(t.case_t.c.id == case_id).values(**values))

    def close(self) -> None:
        for c, e in zip(self.conns, self.engines, strict=True):
            c.close()
            e.dispose()


def state(conn: Connection) -> list[tuple[Any, ...]]:
    """Every alert by its key, count, status and threshold, with its cases (ids differ between the twins)."""
    cases: dict[str, list[str]] = {}
    for aid, cid in conn.execute(select(hq_alert_case.c.alert_id, hq_alert_case.c.case_id)):
        cases.setdefault(aid, []).append(cid)
    return sorted((r.rule, r.disease, r.facility_id, r.district, r.week, r.case_count, r.status, r.threshold,
                   tuple(sorted(cases.get(r.id, [])))) for r in conn.execute(select(hq_alert)))


# Few weeks and mostly cluster diseases, so that facility and district clusters form, grow and lose cases.
CASE = st.tuples(st.sampled_from(["dengue", "dengue", "chikungunya", "cholera", "malaria", "tuberculosis"]),
                 st.sampled_from(FACILITIES), st.integers(0, 3))
CHANGE = st.tuples(st.integers(0, 10**6), st.sampled_from(["discard", "move"]), st.sampled_from(FACILITIES),
                   st.integers(0, 3))


@FAST
@given(history=st.lists(CASE, max_size=25), batch=st.lists(CASE, max_size=12),
       changes=st.lists(CHANGE, max_size=4))
def test_the_hook_raises_what_evaluating_everything_raises(history, batch, changes) -> None:
    twins = Twins()
    for disease, fcode, back in history:
        twins.add_case(disease, fcode, WEEK.start - timedelta(weeks=back, days=-1))
    for c in twins.conns:  # headquarters as the earlier batches left it: everything evaluated
        evaluate_alerts(c)
    touched = [twins.add_case(d, f, WEEK.start - timedelta(weeks=back, days=-2)) for d, f, back in batch]
    for pick, kind, fcode, back in changes:
        if not twins.cases:
            break
        case = twins.cases[pick % len(twins.cases)]
        if kind == "discard":
            twins.change(case["id"], classification="discarded")
        else:  # corrected on the laptop: another facility, another onset
            day = WEEK.start - timedelta(weeks=back)
            twins.change(case["id"], facility_id=twins.site[fcode]["id"], onset_date=day, reported_date=day)
        touched.append(case["id"])
    hook, full = twins.conns
    raised = after_changes_applied(hook, {"surveillance_case": touched})
    everything = [a for a in evaluate_alerts(full, touched_cases=touched) if a.new]
    assert sorted(a.key for a in raised) == sorted(a.key for a in everything)
    assert state(hook) == state(full)
    assert not any(a.new for a in evaluate_alerts(hook))  # nothing was left for a full evaluation to raise
    assert state(hook) == state(full)
    twins.close()


@FAST
@given(history=st.lists(st.tuples(st.sampled_from(FACILITIES), st.integers(1, 3), st.integers(0, 3)), max_size=20),
       batch=st.lists(st.tuples(st.sampled_from(FACILITIES), st.integers(0, 3), st.integers(0, 3)), max_size=10),
       discard=st.lists(st.integers(0, 10**6), max_size=3))
def test_threshold_baselines_of_later_years_are_evaluated_too(history, batch, discard) -> None:
    """Malaria outside elimination mode: a case of an earlier year is part of later years' baselines, so the same
    week of the later years is evaluated with it (a discarded case lowers a baseline: an alert may follow)."""
    config = AlertConfig(malaria_elimination=False, min_baseline_years=1, baseline_years=3)
    twins = Twins()
    for fcode in FACILITIES:
        twins.add_visit(fcode, Week(WEEK.year - 4, 1, SATURDAY).start)
    for fcode, years_back, weeks_back in history:
        twins.add_case("malaria", fcode, Week(WEEK.year - years_back, WEEK.number - weeks_back, SATURDAY).start)
    for c in twins.conns:
        evaluate_alerts(c, config=config)
    touched = [twins.add_case("malaria", f, Week(WEEK.year - yb, WEEK.number - wb, SATURDAY).start)
               for f, yb, wb in batch]
    for pick in discard:
        if twins.cases:
            case = twins.cases[pick % len(twins.cases)]
            twins.change(case["id"], classification="discarded")
            touched.append(case["id"])
    hook, full = twins.conns
    raised = evaluate_alerts(hook, config=config, touched_cases=touched, only_touched=True)
    everything = evaluate_alerts(full, config=config, touched_cases=touched)
    assert sorted(a.key for a in raised if a.new) == sorted(a.key for a in everything if a.new)
    assert state(hook) == state(full)
    twins.close()


def test_an_import_touching_three_weeks_evaluates_exactly_those(conn, site, monkeypatch) -> None:
    """Headquarters holds cases of ten weeks at three facilities; a batch brings cases of three weeks at two of
    them. The rules look at those groups only (and the district's week for dengue), and raise the same alerts."""
    from hq_helpers import add_case

    weeks = [WEEK.shift(-i) for i in range(10)]
    for wk in weeks:
        for fcode in FACILITIES:
            add_case(conn, "cholera", site[fcode], wk.start)
            add_case(conn, "dengue", site[fcode], wk.start)
    before = {a.key for a in evaluate_alerts(conn)}
    assert len(before) == 30  # one cholera alert per facility-week; dengue: 2 of 3 cases in Zahedan, no cluster
    new = [add_case(conn, "cholera", site["F02"], weeks[1].start)["id"],
           add_case(conn, "measles", site["F17"], weeks[4].start)["id"],
           add_case(conn, "dengue", site["F05"], weeks[7].start + timedelta(days=1))["id"]]
    seen: list[tuple[str, str, str]] = []
    read: list[Any] = []
    real_candidates, real_rows = alerts_module.candidates, alerts_module._case_rows

    def spy_candidates(*args: Any, **kw: Any) -> Any:
        found = real_candidates(*args, **kw)
        seen.extend((c.disease, c.facility_id or c.district, c.week.label) for c in found)
        return found

    def spy_rows(*args: Any, **kw: Any) -> Any:
        rows = real_rows(*args, **kw)
        read.extend(rows)
        return rows

    monkeypatch.setattr(alerts_module, "candidates", spy_candidates)
    monkeypatch.setattr(alerts_module, "_case_rows", spy_rows)
    raised = after_changes_applied(conn, {"surveillance_case": new})
    f02, f05, f17 = (site[c]["id"] for c in FACILITIES)
    assert sorted(seen) == sorted([
        ("cholera", f02, weeks[1].label),  # joins the alert of its week
        ("measles", f17, weeks[4].label),  # a new single-case alert
        ("dengue", "Zahedan", weeks[7].label),  # 3 dengue cases in the district that week
    ])
    assert {week_of(day, SATURDAY) for _, _, _, day, _ in read} <= {weeks[1], weeks[4], weeks[7]}
    assert sorted((a.rule, a.disease, a.week) for a in raised) == [
        ("cluster_district", "dengue", weeks[7].label), ("single_case", "measles", weeks[4].label)]
    monkeypatch.undo()
    assert not any(a.new for a in evaluate_alerts(conn))  # evaluating everything finds nothing more to raise
    cholera = [a for a in evaluate_alerts(conn) if a.key == ("single_case", "cholera", f02, "", weeks[1].label)]
    assert cholera[0].case_count == 2 and {a.key for a in evaluate_alerts(conn)} - before == {a.key for a in raised}


def test_a_key_another_applier_inserted_first_takes_the_cases(conn, site) -> None:
    """Two appliers evaluating at once: the second insert of the same key is skipped, and its cases join the row
    that won (the one already stored), on the alert key's unique constraint."""
    from datetime import datetime, timezone

    from hq_helpers import add_case

    from app.hq.alerts import _insert_alerts, _insert_links

    case = add_case(conn, "cholera", site["F02"], WEEK.start)
    (first,) = evaluate_alerts(conn)
    now = datetime.now(timezone.utc)
    mine = {"id": "mine", "rule": first.rule, "disease": first.disease, "facility_id": first.facility_id,
            "district": "", "week": first.week, "week_start": first.week_start.isoformat(), "unit_id": "",
            "case_count": 1, "threshold": "1", "status": "raised", "raised_at": now, "updated_at": now, "notes": ""}
    other = dict(mine, id="other", disease="measles")
    assert _insert_alerts(conn, [mine, other]) == {"mine": first.id, "other": "other"}
    _insert_links(conn, [(first.id, case["id"]), (first.id, case["id"]), ("other", case["id"])])
    assert sorted(conn.execute(select(hq_alert_case.c.alert_id).where(hq_alert_case.c.case_id == case["id"]))
                  .scalars()) == sorted([first.id, "other"])
