"""Alert rules fire exactly when FACTS.md says, and re-evaluating never duplicates."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from app.hq.alerts import AlertConfig, AlertTransitionError, evaluate_alerts, transition
from app.hq.hooks import after_changes_applied
from app.hq.models import hq_alert, hq_alert_event
from app.hq.weeks import Week, week_of
from hq_helpers import add_case, add_patient, add_site, add_visit, central_sqlite

WEEK = Week(2026, 48)
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
    assert bool(district) == (in_f02 + in_f05 >= n_threshold)
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
    add_visit(conn, p, f, Week(WEEK.year - years, 1).start)
    for back, n in enumerate(reversed(history), start=1):
        same_week = Week(WEEK.year - back, WEEK.number)
        for _ in range(n):
            add_case(conn, "malaria", f, same_week.start + timedelta(days=1))
        add_case(conn, "malaria", f, same_week.start - timedelta(days=1))  # neighbouring week: not baseline
    for _ in range(current):
        add_case(conn, "malaria", f, DAY)
    config = AlertConfig(baseline_years=5, min_baseline_years=2)
    fired = [a for a in evaluate_alerts(conn, config=config) if a.week == WEEK.label and a.rule == "threshold"]
    assert bool(fired) == (current > independent_p75(history))
    elim = [a for a in evaluate_alerts(conn, config=AlertConfig(malaria_elimination=True))
            if a.week == WEEK.label and a.rule == "elimination"]
    assert bool(elim) == (current > 0)
    conn.close()
    engine.dispose()


def test_malaria_without_enough_history_raises_nothing(conn, site) -> None:
    add_visit(conn, add_patient(conn), site["F02"], WEEK.start - timedelta(days=400))
    for _ in range(20):
        add_case(conn, "malaria", site["F02"], DAY)
    assert evaluate_alerts(conn, config=AlertConfig(min_baseline_years=2)) == []
    assert len(evaluate_alerts(conn, config=AlertConfig(min_baseline_years=1))) == 1


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


def test_status_life_cycle_and_refusals(conn, site) -> None:
    add_case(conn, "measles", site["F02"], DAY)
    (a,) = evaluate_alerts(conn)
    with pytest.raises(AlertTransitionError, match="raised; it cannot become closed"):
        transition(conn, a.id, "closed", by="l.karimi", note="x")
    v = transition(conn, a.id, "verified", by="l.karimi", note="called the clinic, case confirmed by RDT")
    assert v.status == "verified" and v.verified_by == "l.karimi" and v.verified_at is not None
    with pytest.raises(AlertTransitionError, match="closing note"):
        transition(conn, a.id, "closed", by="l.karimi")
    with pytest.raises(AlertTransitionError, match="only be closed"):
        transition(conn, a.id, "verified", by="l.karimi")
    c = transition(conn, a.id, "closed", by="m.ahmadi", note="investigated; contacts vaccinated")
    assert c.status == "closed" and c.closed_by == "m.ahmadi" and "contacts vaccinated" in c.notes
    with pytest.raises(AlertTransitionError, match="stays closed"):
        transition(conn, a.id, "verified", by="l.karimi")
    with pytest.raises(AlertTransitionError, match="Unknown status"):
        transition(conn, a.id, "open", by="l.karimi")
    events = conn.execute(select(hq_alert_event.c.from_status, hq_alert_event.c.to_status)
                          .order_by(hq_alert_event.c.id)).all()
    assert [tuple(e) for e in events] == [("raised", "verified"), ("verified", "closed")]
    add_case(conn, "measles", site["F02"], DAY)
    (again,) = evaluate_alerts(conn)
    assert again.status == "closed" and again.case_count == 2  # a closed alert is not re-raised for its week


def test_hook_raises_in_the_same_batch(conn, site) -> None:
    assert after_changes_applied(conn, {"visit": ["x"]}) == []
    case = add_case(conn, "cholera", site["F05"], DAY - timedelta(weeks=30))  # a late, old case: ids find it
    raised = after_changes_applied(conn, {"surveillance_case": [case["id"]]}, today=DAY)
    assert [(a.disease, a.week) for a in raised] == [("cholera", week_of(DAY - timedelta(weeks=30)).label)]
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
