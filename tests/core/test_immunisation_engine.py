"""The schedule engine against a table of children (many ages; full, partial, unordered, undated and unknown
histories): what is given today, with the rule each case exercises; and properties that hold for any history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core.immunisation import Age, GivenDose, assess, assess_series, load_schedule

TODAY = date(2026, 11, 28)
D = date.fromisoformat

# (case, rule exercised, birth date, sex, history, what to give today, overall)
CASES = [
    ("newborn, 2 days", "birth doses: BCG, HepB within 7 days, OPV0 within 14 days",
     "2026-11-26", "male", [], {"bcg", "hepb", "opv"}, "due"),
    ("10 days old, nothing given", "HepB birth dose is not given after 7 days; OPV0 still within 14",
     "2026-11-18", "female", [], {"bcg", "opv"}, "due"),
    ("3 weeks old, birth doses given", "nothing due before 6 weeks",
     "2026-11-07", "female", [("bcg", "2026-11-07"), ("hepb", "2026-11-07"), ("opv", "2026-11-07")], set(),
     "up_to_date"),
    ("2 months, birth doses given", "pentavalent 1 + OPV1 at 2 months; penta covers DTP, HepB and Hib",
     "2026-09-28", "male", [("bcg", "2026-09-28"), ("hepb", "2026-09-28"), ("opv", "2026-09-28")],
     {"penta", "opv"}, "due"),
    ("4 months, on schedule", "second doses at 4 months, with IPV",
     "2026-07-28", "male", [("bcg", "2026-07-28"), ("hepb", "2026-07-28"), ("opv", "2026-07-28"),
                            ("penta", "2026-09-28"), ("opv", "2026-09-28")], {"penta", "opv", "ipv"}, "due"),
    ("4 months, penta 1 only 3 weeks ago", "minimum interval of 4 weeks: not yet",
     "2026-07-20", "female", [("bcg", "2026-07-20"), ("hepb", "2026-07-20"), ("opv", "2026-07-20"),
                              ("penta", "2026-11-07"), ("opv", "2026-11-07"), ("ipv", "2026-11-07")],
     set(), "up_to_date"),
    ("penta given at 5 weeks", "a dose before the minimum age (6 weeks) is not counted and is repeated",
     "2026-09-01", "male", [("bcg", "2026-09-01"), ("hepb", "2026-09-01"), ("opv", "2026-09-01"),
                            ("penta", "2026-10-06")], {"penta", "opv"}, "due"),
    ("12 months, fully vaccinated to 6 months", "MMR1 at 12 months",
     "2025-11-28", "female", [("bcg", "2025-11-28"), ("hepb", "2025-11-28"), ("opv", "2025-11-28"),
                              ("penta", "2026-01-28"), ("opv", "2026-01-28"), ("penta", "2026-03-28"),
                              ("opv", "2026-03-28"), ("ipv", "2026-03-28"), ("penta", "2026-05-28"),
                              ("opv", "2026-05-28")], {"mmr"}, "due"),
    ("same history typed out of order", "records are placed in date order whatever order they were entered",
     "2025-11-28", "female", [("penta", "2026-05-28"), ("opv", "2026-03-28"), ("bcg", "2025-11-28"),
                              ("opv", "2026-05-28"), ("penta", "2026-01-28"), ("ipv", "2026-03-28"),
                              ("hepb", "2025-11-28"), ("penta", "2026-03-28"), ("opv", "2026-01-28"),
                              ("opv", "2025-11-28")], {"mmr"}, "due"),
    ("3 years, no card, nothing known", "catch-up: every first dose today; birth doses dropped",
     "2023-11-28", "male", [], {"bcg", "penta", "opv", "ipv", "mmr"}, "overdue"),
    ("3 years, caregiver reports 3 pentavalent and OPV, no dates", "undated reported doses count",
     "2023-11-28", "male", [("penta", None), ("penta", None), ("penta", None), ("opv", None), ("opv", None),
                            ("opv", None)], {"bcg", "ipv", "mmr", "dtp", "opv"}, "overdue"),
    ("2 years, penta x3 and MMR1 on card", "booster at 18 months 6 months after dose 3; MMR2 4 weeks after MMR1",
     "2024-11-01", "female", [("bcg", "2024-11-01"), ("penta", "2025-01-01"), ("penta", "2025-03-01"),
                              ("penta", "2025-05-01"), ("opv", "2025-01-01"), ("opv", "2025-03-01"),
                              ("opv", "2025-05-01"), ("ipv", "2025-03-01"), ("mmr", "2025-11-01")],
     {"dtp", "opv", "mmr"}, "overdue"),
    ("16 months, first dose of anything today", "Hib: a child starting after 12 months needs one dose",
     "2025-07-28", "male", [("penta", "2026-11-01"), ("opv", "2026-11-01"), ("bcg", "2026-11-01"),
                            ("ipv", "2026-11-01"), ("mmr", "2026-11-01")], set(), "up_to_date"),
    ("5 years 10 months, never vaccinated", "Hib, IPV not given from 5 years; DTP instead of penta; BCG until 6",
     "2021-01-01", "female", [], {"bcg", "dtp", "hepb", "opv", "mmr"}, "overdue"),
    ("8 years, never vaccinated", "Td instead of DTP from 7 years; BCG not given from 6 years",
     "2018-06-01", "male", [], {"td", "hepb", "opv", "mmr"}, "overdue"),
    ("16 years, girl, no record", "childhood series close at 15; Td for women of child-bearing age",
     "2010-06-01", "female", [], {"td"}, "overdue"),
    ("16 years, boy, no record", "no women's Td for males; childhood series closed",
     "2010-06-01", "male", [], set(), "complete"),
    ("woman 30, Td1 five weeks ago", "Td2 at least 4 weeks after Td1",
     "1996-03-01", "female", [("td", "2026-10-20")], {"td"}, "due"),
    ("woman 30, Td1 two weeks ago", "Td2 not before 4 weeks",
     "1996-03-01", "female", [("td", "2026-11-14")], set(), "up_to_date"),
    ("7 years, complete card", "every dose given: nothing due",
     "2019-01-01", "male", [("bcg", "2019-01-01"), ("hepb", "2019-01-01"), ("opv", "2019-01-01"),
                            ("penta", "2019-03-01"), ("opv", "2019-03-01"), ("penta", "2019-05-01"),
                            ("opv", "2019-05-01"), ("ipv", "2019-05-01"), ("penta", "2019-07-01"),
                            ("opv", "2019-07-01"), ("mmr", "2020-01-01"), ("mmr", "2020-07-01"),
                            ("dtp", "2020-07-01"), ("opv", "2020-07-01"), ("dtp", "2025-01-01"),
                            ("opv", "2025-01-01")], set(), "complete"),
    ("doses from a campaign", "bOPV and MR from campaigns count for polio and measles",
     "2024-01-01", "male", [("bopv", "2025-06-01"), ("mr", "2025-06-01")],
     {"bcg", "penta", "opv", "ipv", "mmr"}, "overdue"),
    ("a dose dated in the future", "a date after today is not a dose yet",
     "2023-11-28", "male", [("mmr", "2026-12-15")], {"bcg", "penta", "opv", "ipv", "mmr"}, "overdue"),
    ("1 year, birth doses on the card, one pentavalent reported without a date",
     "an undated dose fills the next open dose after the dated ones: it never pushes a dated birth dose or "
     "pentavalent 1 into a later dose with a higher minimum age, where they would not count",
     "2025-07-28", "female", [("bcg", "2025-07-29"), ("hepb", "2025-07-29"), ("opv", "2025-07-29"),
                              ("penta", "2025-09-28"), ("opv", "2025-09-28"), ("penta", None), ("opv", None),
                              ("penta", "2026-10-01"), ("opv", "2026-10-01")], {"ipv", "mmr"}, "overdue"),
    ("7 months, pentavalent 2 given late, four weeks ago", "HepB doses with pentavalent are 4 weeks apart, as "
     "DTP's and Hib's (WHO catch-up table: birth dose plus 2-3 doses with DTP, 4 weeks): pentavalent 3 does not "
     "wait 8 weeks for HepB",
     "2026-05-01", "male", [("bcg", "2026-05-01"), ("hepb", "2026-05-01"), ("opv", "2026-05-01"),
                            ("penta", "2026-07-01"), ("opv", "2026-07-01"), ("penta", "2026-10-31"),
                            ("opv", "2026-10-31"), ("ipv", "2026-10-31")], {"penta", "opv"}, "due"),
    ("5 months, monovalent HepB two weeks ago", "penta counts for HepB too: not before HepB's minimum interval; "
     "Hib has no vaccine of its own, so DTP and Hib wait together for the day penta is valid",
     "2026-07-01", "female", [("bcg", "2026-07-01"), ("opv", "2026-07-01"), ("hepb", "2026-11-14")],
     {"opv", "ipv"}, "overdue"),
]


@pytest.mark.parametrize("case,rule,dob,sex,history,expected,overall", CASES, ids=[c[0] for c in CASES])
def test_what_to_give_today(case, rule, dob, sex, history, expected, overall):
    doses = [GivenDose(v, D(d) if d else None, "given" if d else "reported") for v, d in history]
    status = assess(D(dob), sex, doses, TODAY)
    assert {g.vaccine for g in status.give_today} == expected, rule
    assert status.overall == overall, rule


def test_a_combination_is_not_given_before_the_minimum_interval_of_any_series_it_counts_for():
    # Born 2026-07-01, monovalent HepB on 2026-11-14: DTP and Hib are due, but pentavalent today would be a HepB
    # dose two weeks after the last (minimum 4 weeks), so it is not counted and must not be planned.
    status = assess(D("2026-07-01"), "female", [GivenDose("hepb", D("2026-11-14"))], TODAY)
    # Hib has no vaccine of its own, so DTP is not given apart either (that would put the next penta off again):
    # DTP 1 and Hib 1 wait for HepB's minimum interval, 4 weeks after 2026-11-14, and penta then covers all three.
    assert {g.vaccine for g in status.give_today} == {"bcg", "opv", "ipv"}
    assert [(w.vaccine, w.doses, w.valid_from) for w in status.waiting] == [
        ("penta", (("dtp", 1), ("hib", 1)), D("2026-12-12"))]
    assert status.next_due == D("2026-12-12")
    later = assess(D("2026-07-01"), "female", [GivenDose("hepb", D("2026-11-14"))], D("2026-12-12"))
    assert [(g.vaccine, set(g.doses)) for g in later.give_today if g.vaccine == "penta"] == [
        ("penta", {("dtp", 1), ("hib", 1), ("hepb", 3)})]
    # The antigens on their own when every dose due can be: penta 1 at 18 months (Hib done with one dose), monovalent
    # DTP 2 last week; HepB 3 is due, penta would be DTP 3 too soon, so monovalent HepB today.
    status = assess(D("2021-12-01"), "male", [GivenDose("penta", D("2023-06-01")), GivenDose("dtp", D("2026-11-21"))],
                    TODAY)
    assert ("hepb", (("hepb", 3),)) in [(g.vaccine, g.doses) for g in status.give_today]
    assert "penta" not in {g.vaccine for g in status.give_today} and not status.waiting


def test_too_early_doses_are_reported_not_counted():
    status = assess(D("2026-09-01"), "male", [GivenDose("penta", D("2026-10-06"))], TODAY)
    assert {(n.series, n.reason) for n in status.not_counted} == {("dtp", "too_young"), ("hepb", "too_young"),
                                                                  ("hib", "too_young")}
    status = assess(D("2026-01-01"), "male", [GivenDose("opv", D("2026-03-01")), GivenDose("opv", D("2026-03-15"))],
                    TODAY)
    assert [(n.series, n.slot, n.reason) for n in status.not_counted] == [("opv", 3, "too_soon")]


def test_hib_started_late_needs_one_dose():
    status = assess(D("2025-07-28"), "male", [GivenDose("penta", D("2026-11-01"))], TODAY)
    assert [s.state for s in status.of("hib").slots] == ["given", "skipped", "skipped"]
    assert status.of("hib").complete


def test_catch_up_dates_follow_minimum_intervals():
    # A 3-year-old given penta 1 today: penta 2 is due 4 weeks later, then 4 weeks again, the booster 6 months on.
    status = assess(D("2023-11-28"), "male", [GivenDose("penta", TODAY)], TODAY)
    dtp = status.of("dtp").next
    assert dtp is not None and (dtp.slot, dtp.due, dtp.state) == (2, TODAY + timedelta(weeks=4), "not_yet")
    assert status.next_due == TODAY + timedelta(weeks=4)


def test_shipped_schedule_is_consistent():
    s = load_schedule()
    assert {x.id for x in s.series} >= {"bcg", "hepb", "opv", "ipv", "dtp", "hib", "mmr", "td"}
    assert s.vaccines["penta"].counts_for == ("dtp", "hepb", "hib")
    assert all(v.fa for v in s.vaccines.values())


VACCINES = sorted(load_schedule().vaccines)


@st.composite
def histories(draw):
    # Half of them young children, whose series overlap most (combination vaccines, catch-up).
    young = st.dates(min_value=TODAY - timedelta(days=6 * 366), max_value=TODAY)
    dob = draw(young | st.dates(min_value=date(1980, 1, 1), max_value=TODAY))
    n = draw(st.integers(0, 12))
    doses = []
    for _ in range(n):
        known = draw(st.booleans()) or draw(st.booleans())
        on = draw(st.dates(min_value=dob, max_value=TODAY)) if known else None
        doses.append(GivenDose(draw(st.sampled_from(VACCINES)), on, "given" if known else "reported"))
    return dob, draw(st.sampled_from(["female", "male"])), doses


@settings(max_examples=300)
@given(histories())
@example((D("2026-07-01"), "female", [GivenDose("hepb", D("2026-11-14"))]))  # penta would be HepB too soon
def test_no_recommendation_breaks_an_age_limit_or_a_minimum_interval(h):
    dob, sex, doses = h
    _check_recommendations(dob, sex, doses, TODAY)


@settings(max_examples=300)
@given(histories(), st.integers(-3 * 365, 3 * 365))
def test_the_rules_hold_on_any_day_not_only_today(h, shift):
    """The same properties assessed on another day (before or after the doses, on birthdays, before birth):
    nothing is recommended before its minimum age or interval, or from its upper age limit on."""
    dob, sex, doses = h
    _check_recommendations(dob, sex, doses, TODAY + timedelta(days=shift))


def _named(sched, sid, n, dob, today):
    return [code for limit, code in sched.series_by_id(sid).slots[n - 1].vaccines
            if limit is None or today < limit.after(dob)]


def _check_recommendations(dob, sex, doses, today):
    sched = load_schedule()
    status = assess(dob, sex, doses, today)
    if today < dob:
        assert status.give_today == []
    for give in status.give_today:
        # Every series the vaccine counts for, not only the doses it was recommended for: a combination given today
        # must be valid for each of them (a series with no open dose - complete, closed or not eligible - does not
        # count it).
        for sid in sched.vaccines[give.vaccine].counts_for:
            nxt = status.of(sid).next
            if nxt is None or nxt.state == "aged_out":
                continue
            assert (sid, nxt.slot) in give.doses, (give.vaccine, sid, "an open dose it counts for is left out")
        # The vaccine is one a dose it gives names at this age (pentavalent under 5, DTP under 7, then Td), never
        # one past its own age limit.
        assert any(give.vaccine in _named(sched, sid, n, dob, today) for sid, n in give.doses), (
            give.vaccine, give.doses, "a vaccine past its age limit")
        for sid, slot_no in give.doses:
            series = sched.series_by_id(sid)
            slot = series.slots[slot_no - 1]
            open_ = status.of(sid).next
            assert open_ is not None and open_.slot == slot_no, (sid, slot_no)
            assert today >= slot.min_age.after(dob), (sid, slot_no, "minimum age")
            assert today < series.max_age.after(dob), (sid, slot_no, "upper age limit")
            if slot.skip_after:
                assert today <= slot.skip_after.after(dob)
            assert sid in sched.vaccines[give.vaccine].counts_for
            counted = [s for s in status.of(sid).slots if s.state == "given"]
            dated = [s.dose.given_on for s in counted if s.dose and s.dose.given_on]
            if slot.min_interval and dated:  # from the last dated dose, even when an undated one came after it
                assert today >= slot.min_interval.after(max(dated)), (sid, slot_no, "minimum interval")
    # Counted doses themselves respect minimum ages and intervals.
    for st_ in status.series:
        prev = None
        for s in st_.slots:
            if s.state == "given" and s.dose and s.dose.given_on:
                slot = sched.series_by_id(st_.series).slots[s.slot - 1]
                assert s.dose.given_on >= slot.min_age.after(dob)
                if prev and slot.min_interval:
                    assert s.dose.given_on >= slot.min_interval.after(prev)
                prev = s.dose.given_on


def test_calendar_ages():
    assert Age.parse("1m").after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert Age.parse("6y").after(date(2020, 2, 29)) == date(2026, 2, 28)
    with pytest.raises(ValueError):
        Age.parse("six months")


@settings(max_examples=300)
@given(histories(), st.sets(st.sampled_from([s.id for s in load_schedule().series]), min_size=1))
def test_some_series_alone_are_assessed_exactly_as_with_all_of_them(h, wanted):
    """Headquarters' coverage assesses only the series it reports (assess_series): each the same as in assess."""
    dob, sex, doses = h
    alone = assess_series(dob, sex, doses, TODAY, wanted)
    full = assess(dob, sex, doses, TODAY)
    assert set(alone) == wanted
    for sid in wanted:
        assert alone[sid] == full.of(sid)


def test_an_undated_dose_counts_without_displacing_the_dated_ones():
    # Birth HepB at 1 day and pentavalent 1 at 2 months on the card, one more pentavalent by the caregiver's word.
    # Placed first, the undated dose took pentavalent 1's place and pushed the birth HepB and the dated pentavalent
    # into later doses (minimum ages 10 and 14 weeks), where they were "too young" and not counted.
    doses = [GivenDose("hepb", D("2025-07-29")), GivenDose("penta", D("2025-09-28")),
             GivenDose("penta", None, "reported"), GivenDose("penta", D("2026-11-20"))]
    status = assess(D("2025-07-28"), "female", doses, TODAY)
    assert status.not_counted == []
    assert [s.state for s in status.of("hepb").slots] == ["given"] * 4
    assert [s.dose.given_on for s in status.of("dtp").slots[:3]] == [D("2025-09-28"), D("2026-11-20"), None]
    # The booster's interval is measured from the last dated dose, not from the undated one.
    booster = status.of("dtp").next
    assert booster is not None and booster.slot == 4 and booster.earliest == D("2027-05-20")
    # One pentavalent reported, one given a week ago: the next one waits 4 weeks from the dated dose.
    status = assess(D("2025-07-28"), "female", [GivenDose("penta", None, "reported"),
                                                 GivenDose("penta", D("2026-11-21"))], TODAY)
    assert "penta" not in {g.vaccine for g in status.give_today}
    assert status.of("dtp").next.earliest == D("2026-12-19")
