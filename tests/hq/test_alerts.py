"""Alert rules fire exactly when the registry says, in the site's week convention; re-evaluating never duplicates;
discarded cases leave their alert and close it when none is left; the EWARS life cycle (issue 16)."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from app.core.dates import MONDAY, SATURDAY
from app.hq.alerts import AlertConfig, AlertTransitionError, alert_case_ids, evaluate_alerts, list_alerts
from app.hq.hooks import after_changes_applied
from app.hq.lifecycle import timeliness, transition
from app.hq.models import hq_alert, hq_alert_event
from app.hq.weeks import Week, week_of
from hq_helpers import add_case, add_patient, add_site, add_visit, central_sqlite

WEEK = Week(2026, 48, SATURDAY)
DAY = WEEK.start + timedelta(days=2)
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fresh():
    engine = central_sqlite()
    conn = engine.connect()
    conn.begin()
    return engine, conn, add_site(conn)


@FAST
@given(n_threshold=st.integers(2, 5), in_f02=st.integers(0, 6), in_f05=st.integers(0, 6),
       disease=st.sampled_from(["dengue", "chikungunya"]))
def test_cluster_rule_fires_at_n_not_n_minus_1(n_threshold: int, in_f02: int, in_f05: int, disease: str) -> None:
    engine, conn, site = fresh()
    for _ in range(in_f02):
        add_case(conn, disease, site["F02"], DAY)
    for _ in range(in_f05):
        add_case(conn, disease, site["F05"], WEEK.start)
    add_case(conn, disease, site["F02"], DAY, classification="discarded")  # never counts
    add_case(conn, disease, site["F02"], WEEK.end)  # next week: does not count for this week
    config = AlertConfig(cluster={disease: n_threshold})
    alerts = [a for a in evaluate_alerts(conn, config=config) if a.week == WEEK.label]
    by_facility = {a.facility_id for a in alerts if a.rule == "cluster"}
    expected = {f["id"] for f, n in ((site["F02"], in_f02), (site["F05"], in_f05)) if n >= n_threshold}
    assert by_facility == expected
    district = [a for a in alerts if a.rule == "cluster_district"]
    # A district cluster made only of cases already in facility alerts is not a second alert for the same cases.
    uncovered = sum(n for n in (in_f02, in_f05) if n < n_threshold)
    assert bool(district) == (in_f02 + in_f05 >= n_threshold and uncovered > 0)
    if district:
        assert district[0].district == "Zahedan" and district[0].case_count == in_f02 + in_f05
    conn.close()
    engine.dispose()


@FAST
@given(disease=st.sampled_from(["cholera", "measles", "rubella", "polio"]),
       classes=st.lists(st.sampled_from(["suspected", "probable", "confirmed", "discarded"]), max_size=3))
def test_single_case_rules(disease: str, classes: list[str]) -> None:
    engine, conn, site = fresh()
    for cls in classes:
        add_case(conn, disease, site["F17"], DAY, classification=cls)
    alerts = evaluate_alerts(conn)
    live = sum(1 for c in classes if c != "discarded")
    assert len(alerts) == (1 if live else 0)
    if alerts:
        assert (alerts[0].rule, alerts[0].disease, alerts[0].case_count, alerts[0].week) == (
            "single_case", disease, live, WEEK.label)
    conn.close()
    engine.dispose()


def independent_p75(values: list[int]) -> float:
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=4, method="inclusive")[2]


@FAST
@given(history=st.lists(st.integers(0, 6), min_size=2, max_size=5), current=st.integers(0, 9))
def test_malaria_threshold_is_the_75th_percentile_of_the_same_week(history: list[int], current: int) -> None:
    engine, conn, site = fresh()
    f = site["F02"]
    years = len(history)
    p = add_patient(conn)
    # The facility has sent data since the first baseline year: those years count even with zero cases.
    add_visit(conn, p, f, Week(WEEK.year - years, 1, SATURDAY).start)
    for back, n in enumerate(reversed(history), start=1):
        same_week = Week(WEEK.year - back, WEEK.number, SATURDAY)
        for _ in range(n):
            add_case(conn, "malaria", f, same_week.start + timedelta(days=1))
        add_case(conn, "malaria", f, same_week.start - timedelta(days=1))  # neighbouring week: not baseline
    for _ in range(current):
        add_case(conn, "malaria", f, DAY)
    config = AlertConfig(baseline_years=5, min_baseline_years=2, malaria_elimination=False)
    fired = [a for a in evaluate_alerts(conn, config=config) if a.week == WEEK.label and a.rule == "threshold"]
    assert bool(fired) == (current > independent_p75(history))
    elim = [a for a in evaluate_alerts(conn, config=AlertConfig(malaria_elimination=True))
            if a.week == WEEK.label and a.rule == "elimination"]
    # Elimination mode: every case is an alert, unless a threshold alert holds these very cases already.
    assert bool(elim) == (current > 0 and not fired)
    conn.close()
    engine.dispose()


def test_malaria_without_enough_history_raises_nothing(conn, site) -> None:
    add_visit(conn, add_patient(conn), site["F02"], WEEK.start - timedelta(days=400))
    for _ in range(20):
        add_case(conn, "malaria", site["F02"], DAY)
    assert evaluate_alerts(conn, config=AlertConfig(min_baseline_years=2, malaria_elimination=False)) == []
    assert len(evaluate_alerts(conn, config=AlertConfig(min_baseline_years=1, malaria_elimination=False))) == 1


def test_malaria_elimination_is_the_default_every_case_an_alert(conn, site) -> None:
    """A facility with no history at all: elimination mode (the site's default) still alerts on one case."""
    add_case(conn, "malaria", site["F17"], DAY)
    (a,) = evaluate_alerts(conn)
    assert (a.rule, a.disease, a.case_count, a.week) == ("elimination", "malaria", 1, WEEK.label)


@FAST
@given(st.lists(st.tuples(st.sampled_from(["cholera", "dengue", "measles"]), st.sampled_from(["F02", "F05", "F17"]),
                          st.integers(0, 20)), max_size=15))
def test_re_evaluation_is_idempotent(cases: list[tuple[str, str, int]]) -> None:
    engine, conn, site = fresh()
    for disease, fcode, offset in cases:
        add_case(conn, disease, site[fcode], WEEK.start - timedelta(days=offset))
    first = evaluate_alerts(conn)
    rows1 = conn.execute(select(hq_alert.c.id, hq_alert.c.case_count)).all()
    second = evaluate_alerts(conn)
    rows2 = conn.execute(select(hq_alert.c.id, hq_alert.c.case_count)).all()
    assert sorted(rows1) == sorted(rows2)
    assert [a.id for a in first] == [a.id for a in second]
    assert all(a.new for a in first) and not any(a.new for a in second)
    keys = [a.key for a in second]
    assert len(keys) == len(set(keys))
    conn.close()
    engine.dispose()


def test_more_cases_refresh_the_count_not_a_new_alert(conn, site) -> None:
    add_case(conn, "cholera", site["F02"], DAY)
    (a,) = evaluate_alerts(conn)
    add_case(conn, "cholera", site["F02"], DAY)
    (b,) = evaluate_alerts(conn)
    assert a.id == b.id and b.case_count == 2 and not b.new


def test_ewars_life_cycle_and_refusals(conn, site) -> None:
    add_case(conn, "measles", site["F02"], DAY)
    (a,) = evaluate_alerts(conn)
    with pytest.raises(AlertTransitionError, match="raised; it cannot be closed now .next it can be: verify, discard"):
        transition(conn, a.id, "close", by="l.karimi", note="x", outcome="no_outbreak")
    v = transition(conn, a.id, "verify", by="l.karimi", note="called the clinic, rash and fever seen")
    assert v.status == "verified" and v.verified_by == "l.karimi" and v.verified_at is not None
    with pytest.raises(AlertTransitionError, match="risk"):
        transition(conn, a.id, "assess", by="l.karimi", risk_level="enormous")
    r = transition(conn, a.id, "assess", by="l.karimi", risk_level="high", note="unvaccinated children nearby")
    assert (r.status, r.risk_level, r.assessed_by) == ("assessed", "high", "l.karimi")
    with pytest.raises(AlertTransitionError, match="what is being done"):
        transition(conn, a.id, "respond", by="l.karimi")
    transition(conn, a.id, "respond", by="m.ahmadi", note="ring vaccination of 120 children")
    with pytest.raises(AlertTransitionError, match="outcome"):
        transition(conn, a.id, "close", by="m.ahmadi", note="done")
    with pytest.raises(AlertTransitionError, match="closing note"):
        transition(conn, a.id, "close", by="m.ahmadi", outcome="outbreak")
    c = transition(conn, a.id, "close", by="m.ahmadi", outcome="outbreak", note="no new case for 2 incubation periods")
    assert (c.status, c.outcome, c.closed_by) == ("closed", "outbreak", "m.ahmadi")
    assert "ring vaccination" in c.response and "2 incubation periods" in c.notes
    with pytest.raises(AlertTransitionError, match="a closed alert stays closed"):
        transition(conn, a.id, "verify", by="l.karimi")
    with pytest.raises(AlertTransitionError, match="Unknown step"):
        transition(conn, a.id, "open", by="l.karimi")
    events = conn.execute(select(hq_alert_event.c.from_status, hq_alert_event.c.to_status)
                          .order_by(hq_alert_event.c.id)).all()
    assert [tuple(e) for e in events] == [("raised", "verified"), ("verified", "assessed"),
                                          ("assessed", "responding"), ("responding", "closed")]
    add_case(conn, "measles", site["F02"], DAY)
    (again,) = evaluate_alerts(conn)
    assert again.status == "closed" and again.case_count == 2  # a closed alert is not reopened for its week


def test_a_false_alarm_is_discarded_without_being_verified(conn, site) -> None:
    add_case(conn, "cholera", site["F02"], DAY)
    (a,) = evaluate_alerts(conn)
    with pytest.raises(AlertTransitionError, match="false alarm"):
        transition(conn, a.id, "discard", by="l.karimi")
    d = transition(conn, a.id, "discard", by="l.karimi", note="entered by mistake: the child had rotavirus")
    assert (d.status, d.outcome, d.open) == ("discarded", "discarded", False)
    assert list_alerts(conn, status=("raised", "verified", "assessed", "responding")) == []


def test_discarded_cases_leave_their_alert_and_an_empty_alert_closes(conn, site) -> None:
    from sqlalchemy import update

    from app.hq.tables import case_t

    cases = [add_case(conn, "dengue", site["F02"], DAY) for _ in range(3)]
    (facility, ) = [a for a in evaluate_alerts(conn) if a.rule == "cluster"]
    assert facility.case_count == 3 and sorted(alert_case_ids(conn, facility.id)) == sorted(c["id"] for c in cases)
    conn.execute(update(case_t).where(case_t.c.id == cases[0]["id"]).values(classification="discarded"))
    (after,) = [a for a in after_changes_applied(conn, {"surveillance_case": [cases[0]["id"]]}) if a.new] or [None]
    assert after is None  # nothing new: the same alert, one case fewer
    row = conn.execute(select(hq_alert).where(hq_alert.c.id == facility.id)).mappings().one()
    assert (row["case_count"], row["status"]) == (2, "raised")
    ids = [c["id"] for c in cases[1:]]
    conn.execute(update(case_t).where(case_t.c.id.in_(ids)).values(classification="discarded"))
    after_changes_applied(conn, {"surveillance_case": ids})
    row = conn.execute(select(hq_alert).where(hq_alert.c.id == facility.id)).mappings().one()
    assert (row["case_count"], row["status"], row["outcome"], row["closed_by"]) == (
        0, "closed", "all_cases_discarded", "system")
    assert "all cases" in row["notes"]
    assert evaluate_alerts(conn) == [] or all(not a.new for a in evaluate_alerts(conn))


def test_dengue_on_28_to_30_november_is_one_saturday_week_cluster(conn, site) -> None:
    days = [date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)]
    for d in days:
        add_case(conn, "dengue", site["F17"], d)
    iso = [a for a in evaluate_alerts(conn, config=AlertConfig(first_weekday=MONDAY)) if a.rule == "cluster"]
    assert iso == []  # ISO weeks split them 2 / 1: no week has 3
    (sat,) = [a for a in evaluate_alerts(conn) if a.rule == "cluster"]
    assert (sat.week, sat.case_count) == ("2026SatW48", 3)


def test_another_week_convention_never_makes_a_second_alert_nor_reopens(conn, site) -> None:
    add_case(conn, "cholera", site["F02"], date(2026, 11, 29))  # a Sunday: ISO week 48, Saturday week 48
    (iso,) = evaluate_alerts(conn, config=AlertConfig(first_weekday=MONDAY))
    transition(conn, iso.id, "discard", by="l.karimi", note="duplicate report")
    again = evaluate_alerts(conn, config=AlertConfig(first_weekday=SATURDAY))
    assert [a.id for a in again] == [iso.id] and again[0].status == "discarded" and not again[0].new
    assert len(conn.execute(select(hq_alert.c.id)).all()) == 1


def test_times_case_to_alert_and_alert_to_verification(conn, site) -> None:
    from datetime import datetime, timezone

    case = add_case(conn, "cholera", site["F02"], DAY)
    raised_at = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)
    (a,) = evaluate_alerts(conn, now=raised_at)
    assert a.first_case_at == case["created_at"]
    assert a.case_to_alert() == pytest.approx((raised_at - case["created_at"]).total_seconds() / 3600)
    v = transition(conn, a.id, "verify", by="l.karimi", now=raised_at + timedelta(hours=30))
    assert v.alert_to_verification() == pytest.approx(30)
    t = timeliness([v], now=raised_at + timedelta(hours=31))
    assert (t.verified, t.verified_within_target, t.awaiting) == (1, 0, 0)
    add_case(conn, "measles", site["F05"], DAY)
    (m,) = [x for x in evaluate_alerts(conn, now=raised_at) if x.disease == "measles"]
    t = timeliness([v, m], now=raised_at + timedelta(hours=25))
    assert (t.awaiting, t.overdue) == (1, 1)


def test_an_alert_raised_late_says_how_late(conn, site) -> None:
    from datetime import datetime, timezone

    add_case(conn, "measles", site["F02"], DAY - timedelta(weeks=3))
    (a,) = evaluate_alerts(conn, now=datetime.combine(DAY, datetime.min.time(), timezone.utc))
    assert a.weeks_late(SATURDAY) == 3


def test_hook_raises_in_the_same_batch(conn, site) -> None:
    assert after_changes_applied(conn, {"visit": ["x"]}) == []
    case = add_case(conn, "cholera", site["F05"], DAY - timedelta(weeks=30))  # a late, old case: ids find it
    raised = after_changes_applied(conn, {"surveillance_case": [case["id"]]}, today=DAY)
    assert [(a.disease, a.week) for a in raised] == [("cholera", week_of(DAY - timedelta(weeks=30), SATURDAY).label)]
    assert after_changes_applied(conn, {"surveillance_case": [case["id"]]}, today=DAY) == []
    add_case(conn, "measles", site["F05"], DAY)
    assert [a.disease for a in after_changes_applied(conn, ["surveillance_case"], today=DAY)] == ["measles"]


def test_cases_since_limits_the_weeks(conn, site) -> None:
    add_case(conn, "cholera", site["F02"], date(2026, 1, 5))
    add_case(conn, "cholera", site["F02"], DAY)
    assert [a.week for a in evaluate_alerts(conn, cases_since=WEEK.start)] == [WEEK.label]


def test_hook_failure_never_costs_the_batch(conn, site, monkeypatch, caplog) -> None:
    import app.hq.hooks as hooks

    kept = add_case(conn, "measles", site["F02"], DAY)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(hooks, "evaluate_alerts", broken)
    assert after_changes_applied(conn, {"surveillance_case": [kept["id"]]}) == []
    assert "alert evaluation failed" in caplog.text and "RuntimeError" in caplog.text
    assert conn.execute(select(hq_alert)).all() == []
    monkeypatch.undo()
    assert [a.disease for a in after_changes_applied(conn, {"surveillance_case": [kept["id"]]})] == ["measles"]


def test_touched_keeps_accepted_entries_only() -> None:
    from types import SimpleNamespace as E

    from app.hq.hooks import touched

    entries = [E(seq=1, entity="visit", record_id="v1"), E(seq=2, entity="surveillance_case", record_id="c1"),
               E(seq=3, entity="surveillance_case", record_id="c2")]
    assert touched(entries, [1, 2]) == {"visit": ["v1"], "surveillance_case": ["c1"]}
    assert touched(entries) == {"visit": ["v1"], "surveillance_case": ["c1", "c2"]}
