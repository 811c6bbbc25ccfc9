"""The immunisation schedule and the engine that says, from a person's birth date and recorded doses, what is given,
what is due, what is overdue and what to give today (docs/architecture.md, "Immunisation").

The schedule is data (``resources/reference/immunisation_schedule.json``): series of doses, each dose with the age
it is recommended at, its minimum age, the minimum interval after the previous dose, an upper age limit, and the
catch-up rules that drop a dose (a birth dose not given in time; a booster not needed when the previous dose came
late). A vaccine counts for one or more series (pentavalent: DTP, HepB and Hib).

The engine places recorded doses in date order into the dose slots of each series, the undated ones after the dated
ones. A dated dose that is too early (before the minimum age, or sooner than the minimum interval after the previous
counted dose) is not counted and is reported as such; a dose reported by the caregiver without a date counts, and no
interval is measured from it.
The next open slot is due at ``max(birth + recommended age, earliest)``, where earliest is
``max(birth + minimum age, previous counted dose + minimum interval)``: a child behind schedule is caught up at the
minimum intervals, which is WHO's catch-up rule. A slot is overdue after the schedule's grace period, and is no
longer given from its upper age limit on.

A vaccine is recommended today only if a dose of it today counts for every series it counts for that still has a
dose open (pentavalent after a monovalent HepB two weeks ago would be a HepB dose too soon): otherwise the doses
due are given as separate vaccines if each can be, or wait (``ChildStatus.waiting``) for the day it is valid.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Final, Literal

from app.resources import resource_path

Source = Literal["given", "card", "reported"]
SOURCES: Final = ("given", "card", "reported")
SlotState = Literal["given", "skipped", "due", "overdue", "not_yet", "aged_out", "not_eligible"]
Overall = Literal["complete", "up_to_date", "due", "overdue"]

_AGE = re.compile(r"^(\d+)([dwmy])$")


@dataclass(frozen=True)
class Age:
    """A calendar age: days, weeks, months or years after birth."""

    n: int
    unit: str

    @staticmethod
    def parse(text: str) -> Age:
        m = _AGE.match(text.strip())
        if not m:
            raise ValueError(f"{text!r} is not an age written like 0d, 6w, 18m or 6y")
        return Age(int(m.group(1)), m.group(2))

    def after(self, d: date) -> date:
        return _after(self.n, self.unit, d)

    def __str__(self) -> str:
        return f"{self.n}{self.unit}"


@lru_cache(maxsize=65536)
def _after(n: int, unit: str, d: date) -> date:
    """Memoised: a chart or a due-table refresh asks for the same few ages of the same birth date many times."""
    if unit == "d":
        return d + timedelta(days=n)
    if unit == "w":
        return d + timedelta(weeks=n)
    months = n * (12 if unit == "y" else 1)
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    day = min(d.day, _days_in_month(year, month))
    return date(year, month, day)


def _days_in_month(year: int, month: int) -> int:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


@dataclass(frozen=True)
class Vaccine:
    code: str
    en: str
    fa: str
    counts_for: tuple[str, ...]
    route: str

    def name(self, lang: str) -> str:
        return self.fa if lang == "fa" else self.en


@dataclass(frozen=True)
class Slot:
    """One dose of a series."""

    number: int
    age: Age
    min_age: Age
    min_interval: Age | None
    # (upper age limit or None, vaccine): the first pair whose limit the person is under names the vaccine to give.
    vaccines: tuple[tuple[Age | None, str], ...]
    skip_after: Age | None = None
    skip_if_previous_after: Age | None = None
    label: str = ""

    def vaccine_at(self, dob: date, on: date) -> str:
        if len(self.vaccines) == 1:
            return self.vaccines[0][1]
        for limit, code in self.vaccines:
            if limit is None or on < limit.after(dob):
                return code
        return self.vaccines[-1][1]


@dataclass(frozen=True)
class Series:
    id: str
    en: str
    fa: str
    slots: tuple[Slot, ...]
    max_age: Age
    rule: str
    sex: str | None = None
    from_age: Age | None = None

    def name(self, lang: str) -> str:
        return self.fa if lang == "fa" else self.en


@dataclass(frozen=True)
class Schedule:
    version: int
    vaccines: dict[str, Vaccine]
    series: tuple[Series, ...]
    overdue_after: Age
    title_en: str = ""
    title_fa: str = ""
    counts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # vaccine -> the series it counts for

    def __post_init__(self) -> None:
        self.counts.update({c: v.counts_for for c, v in self.vaccines.items()})

    def vaccine(self, code: str) -> Vaccine:
        return self.vaccines[code]

    def series_by_id(self, sid: str) -> Series:
        for s in self.series:
            if s.id == sid:
                return s
        raise KeyError(sid)


def _vaccines(spec: Any, known: dict[str, Any]) -> tuple[tuple[Age | None, str], ...]:
    pairs = [("", spec)] if isinstance(spec, str) else [(a, v) for a, v in spec]
    out = []
    for limit, code in pairs:
        if code not in known:
            raise ValueError(f"schedule: unknown vaccine {code!r}")
        out.append((Age.parse(limit) if limit else None, code))
    return tuple(out)


def schedule_from_data(data: dict[str, Any]) -> Schedule:
    """Build and check a schedule from its JSON form; a contradiction is a ValueError naming it."""
    vaccines = {code: Vaccine(code, v["en"], v["fa"], tuple(v["counts_for"]), v.get("route", ""))
                for code, v in data["vaccines"].items()}
    series = []
    for s in data["series"]:
        slots = []
        for i, d in enumerate(s["doses"], start=1):
            opt = d.get
            slots.append(Slot(
                number=i, age=Age.parse(d["age"]), min_age=Age.parse(d["min_age"]),
                min_interval=Age.parse(d["min_interval"]) if opt("min_interval") else None,
                vaccines=_vaccines(d["vaccine"], data["vaccines"]),
                skip_after=Age.parse(d["skip_after"]) if opt("skip_after") else None,
                skip_if_previous_after=Age.parse(d["skip_if_started_after"]) if opt("skip_if_started_after") else None,
                label=d.get("label", ""),
            ))
        series.append(Series(s["id"], s["en"], s["fa"], tuple(slots), Age.parse(s["max_age"]), s.get("rule", ""),
                             s.get("sex"), Age.parse(s["from_age"]) if s.get("from_age") else None))
    ids = {s.id for s in series}
    for v in vaccines.values():
        for sid in v.counts_for:
            if sid not in ids:
                raise ValueError(f"schedule: vaccine {v.code} counts for unknown series {sid!r}")
    probe = date(2000, 1, 1)
    for s in series:
        for slot in s.slots:
            if slot.min_age.after(probe) > slot.age.after(probe):
                raise ValueError(f"schedule: {s.id} dose {slot.number} is recommended before its minimum age")
            for _, code in slot.vaccines:
                if s.id not in vaccines[code].counts_for:
                    raise ValueError(f"schedule: {s.id} dose {slot.number} names {code}, which does not count for it")
    return Schedule(int(data["version"]), vaccines, tuple(series), Age.parse(data.get("overdue_after", "4w")),
                    data.get("title_en", ""), data.get("title_fa", ""))


@lru_cache(maxsize=1)
def load_schedule() -> Schedule:
    """The shipped schedule (cached; the objects are frozen)."""
    with open(resource_path("reference", "immunisation_schedule.json"), encoding="utf-8") as fh:
        return schedule_from_data(json.load(fh))


# -- the engine ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GivenDose:
    """A recorded dose as the engine sees it: vaccine, date given (None when reported without a date)."""

    vaccine: str
    given_on: date | None
    source: Source = "given"
    record_id: str = ""


@dataclass(frozen=True)
class NotCounted:
    dose: GivenDose
    series: str
    slot: int
    reason: Literal["too_young", "too_soon"]


@dataclass(frozen=True)
class SlotStatus:
    series: str
    slot: int
    state: SlotState
    vaccine: str = ""
    dose: GivenDose | None = None
    earliest: date | None = None
    due: date | None = None
    until: date | None = None  # the first day this dose is no longer given (upper age limit)


@dataclass(frozen=True)
class SeriesStatus:
    series: str
    slots: tuple[SlotStatus, ...]

    @property
    def next(self) -> SlotStatus | None:
        for s in self.slots:
            if s.state in ("due", "overdue", "not_yet", "aged_out"):
                return s
        return None

    @property
    def complete(self) -> bool:
        return all(s.state in ("given", "skipped") for s in self.slots)

    @property
    def eligible(self) -> bool:
        return not any(s.state == "not_eligible" for s in self.slots)


@dataclass(frozen=True)
class GiveToday:
    vaccine: str
    doses: tuple[tuple[str, int], ...]  # (series, slot number) this one injection or drop covers


@dataclass(frozen=True)
class Waiting:
    """Doses due whose vaccine is not valid today for every series it counts for, and that no other vaccine can
    give today: they wait for ``valid_from``, the first day the vaccine is (None when it never will be)."""

    vaccine: str
    doses: tuple[tuple[str, int], ...]
    valid_from: date | None


@dataclass
class ChildStatus:
    overall: Overall
    series: list[SeriesStatus]
    give_today: list[GiveToday]
    next_due: date | None
    not_counted: list[NotCounted] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)

    def of(self, series_id: str) -> SeriesStatus:
        for s in self.series:
            if s.series == series_id:
                return s
        raise KeyError(series_id)


def _sort_key(d: GivenDose) -> tuple[int, date]:
    # Dated doses by date, then the undated ones. An undated dose is probably older than the dated ones, but placed
    # first it would take the first open dose and push each dated dose into a later one, with a higher minimum age
    # (a birth HepB given at one day then counts as dose 3 and is "too young"). After them it counts as the next
    # dose and no dated dose loses its place; as before, no interval is measured from it.
    return (1, date.max) if d.given_on is None else (0, d.given_on)


def _assess_series(s: Series, dob: date, sex: str, doses: Sequence[GivenDose], today: date, grace: Age,
                   counts: dict[str, tuple[str, ...]], not_counted: list[NotCounted]) -> SeriesStatus:
    if s.sex is not None and sex != s.sex or s.from_age is not None and today < s.from_age.after(dob):
        return SeriesStatus(s.id, tuple(SlotStatus(s.id, sl.number, "not_eligible") for sl in s.slots))
    start = s.from_age.after(dob) if s.from_age else None
    mine = sorted((d for d in doses if s.id in counts.get(d.vaccine, ())
                   and not (start and d.given_on is not None and d.given_on < start)), key=_sort_key)
    slots = s.slots
    out: list[SlotStatus] = []
    prev: date | None = None  # date of the last counted dated dose (intervals and late-start rules need one)
    i = 0

    def skippable(slot: Slot, on: date | None) -> bool:
        if slot.skip_after is not None and (on is None or on > slot.skip_after.after(dob)):
            return True
        return (slot.skip_if_previous_after is not None and prev is not None
                and prev > slot.skip_if_previous_after.after(dob))

    for d in mine:
        while i < len(slots) and skippable(slots[i], d.given_on):
            out.append(SlotStatus(s.id, slots[i].number, "skipped"))
            i += 1
        if i >= len(slots):
            break  # more doses than the series needs: nothing to place them in
        slot = slots[i]
        if d.given_on is not None:
            if d.given_on < slot.min_age.after(dob):
                not_counted.append(NotCounted(d, s.id, slot.number, "too_young"))
                continue
            if prev is not None and slot.min_interval is not None and d.given_on < slot.min_interval.after(prev):
                not_counted.append(NotCounted(d, s.id, slot.number, "too_soon"))
                continue
            prev = d.given_on
        # An undated dose (placed after the dated ones) leaves ``prev`` alone: the next dose keeps its interval
        # from the last dated one, which the undated dose most likely came before.
        out.append(SlotStatus(s.id, slot.number, "given", vaccine=d.vaccine, dose=d))
        i += 1
    series_until = s.max_age.after(dob)
    first_open = True
    while i < len(slots):
        slot = slots[i]
        if skippable(slot, today):
            out.append(SlotStatus(s.id, slot.number, "skipped"))
            i += 1
            continue
        if not first_open:
            out.append(SlotStatus(s.id, slot.number, "not_yet"))
            i += 1
            continue
        first_open = False
        earliest = slot.min_age.after(dob)
        if prev is not None and slot.min_interval is not None:
            earliest = max(earliest, slot.min_interval.after(prev))
        due = max(slot.age.after(dob), earliest)
        until = series_until
        if slot.skip_after is not None:
            until = min(until, slot.skip_after.after(dob) + timedelta(days=1))
        state: SlotState
        if today >= until or earliest >= until:
            state = "aged_out"
        elif today >= due:
            state = "overdue" if today > grace.after(due) else "due"
        else:
            state = "not_yet"
        out.append(SlotStatus(s.id, slot.number, state, vaccine=slot.vaccine_at(dob, max(today, earliest)),
                              earliest=earliest, due=due, until=until))
        i += 1
    return SeriesStatus(s.id, tuple(out))


def assess(dob: date, sex: str, doses: Iterable[GivenDose], today: date,
           schedule: Schedule | None = None) -> ChildStatus:
    """What a person born on ``dob`` with these recorded doses has, and needs, on ``today``."""
    sched = schedule or load_schedule()
    doses = [d for d in doses if d.given_on is None or d.given_on <= today]
    counts = sched.counts
    not_counted: list[NotCounted] = []
    result = [_assess_series(s, dob, sex, doses, today, sched.overdue_after, counts, not_counted)
              for s in sched.series]
    give: dict[str, list[tuple[str, int]]] = {}
    next_due: date | None = None
    worst = 0
    for st in result:
        nxt = st.next
        if nxt is None:
            continue
        if nxt.state in ("due", "overdue") and nxt.earliest is not None and nxt.earliest <= today:
            give.setdefault(nxt.vaccine, []).append((st.series, nxt.slot))
            worst = max(worst, 2 if nxt.state == "overdue" else 1)
        elif nxt.state == "not_yet" and nxt.due is not None and (next_due is None or nxt.due < next_due):
            next_due = nxt.due
    by_id = {st.series: st for st in result}

    def today_counts(code: str) -> tuple[list[tuple[str, int]], date | None]:
        """The open doses a dose of ``code`` given today counts for, and None when it is valid today for every
        series it counts for; otherwise the first day it is (date.max: never). A series with no open dose
        (complete, closed by its upper age limit, or one the person is not eligible for) does not count the dose
        and is not harmed by it: an extra dose of an antigen given in a combination is not counted, as WHO says."""
        covers: list[tuple[str, int]] = []
        wait: date | None = None
        for sid in sched.vaccines[code].counts_for:
            nxt = by_id[sid].next
            if nxt is None or nxt.state == "aged_out" or nxt.earliest is None:
                continue
            if nxt.earliest > today:  # too young or too soon for this series: the dose would not count
                later = nxt.earliest if nxt.until is None or nxt.earliest < nxt.until else date.max
                wait = later if wait is None else max(wait, later)
            else:
                covers.append((sid, nxt.slot))
        return covers, wait

    # A vaccine is given today only if it is valid today for every series it counts for (WHO: a dose sooner than a
    # minimum interval, or before a minimum age, is not counted, so it is not planned). A combination given for one
    # series covers the other series it counts for. When it is not valid for one of them, the doses due are given
    # today in other vaccines their doses name (the antigens on their own) if every one of them can be; otherwise
    # they all wait for the day the combination is valid, which keeps the series together (giving some antigens
    # apart would move their next doses on and put the combination off again).
    plan: dict[str, list[tuple[str, int]]] = {}
    waiting: list[Waiting] = []
    covered: set[tuple[str, int]] = set()

    def take(code: str, doses_: Iterable[tuple[str, int]]) -> None:
        new = [d for d in dict.fromkeys(doses_) if d not in covered]
        covered.update(new)
        plan.setdefault(code, []).extend(new)

    def alone(code: str, sid: str, sl: int) -> tuple[str, list[tuple[str, int]]] | None:
        """Another vaccine the dose names (at any age) that is valid today and gives it, and the doses it gives."""
        for _, other in sched.series_by_id(sid).slots[sl - 1].vaccines:
            if other != code:
                covers, wait = today_counts(other)
                if wait is None and (sid, sl) in covers:
                    return other, covers
        return None

    for code in sorted(give, key=lambda c: -len(sched.vaccines[c].counts_for)):
        mine = [d for d in give[code] if d not in covered]
        if not mine:
            continue
        covers, wait = today_counts(code)
        if wait is None:
            take(code, [*mine, *covers])
            continue
        apart: list[tuple[str, list[tuple[str, int]]]] = []
        for sid, sl in mine:
            alt = alone(code, sid, sl)
            if alt is None:
                break
            apart.append(alt)
        else:
            for alt_code, alt_covers in apart:
                take(alt_code, alt_covers)
            continue
        valid_from = None if wait == date.max else wait
        waiting.append(Waiting(code, tuple(mine), valid_from))
        if valid_from is not None and (next_due is None or valid_from < next_due):
            next_due = valid_from
    merged = [GiveToday(code, tuple(doses_)) for code, doses_ in plan.items() if doses_]
    pending = any(st.next is not None and st.next.state == "not_yet" for st in result)
    overall: Overall = ("overdue" if worst == 2 else "due" if worst == 1 else "up_to_date" if pending else "complete")
    return ChildStatus(overall, result, merged, next_due, not_counted, waiting)


def assess_series(dob: date, sex: str, doses: Iterable[GivenDose], today: date, series: Iterable[str],
                  schedule: Schedule | None = None) -> dict[str, SeriesStatus]:
    """The status of some series only, each exactly as ``assess(...).of(series)`` gives it (a series' doses are
    placed independently of the other series): for counting coverage of many children, where only a few series
    are reported."""
    sched = schedule or load_schedule()
    doses = [d for d in doses if d.given_on is None or d.given_on <= today]
    wanted = set(series)
    not_counted: list[NotCounted] = []
    return {s.id: _assess_series(s, dob, sex, doses, today, sched.overdue_after, sched.counts, not_counted)
            for s in sched.series if s.id in wanted}


def is_zero_dose(doses: Iterable[GivenDose], schedule: Schedule | None = None) -> bool:
    """No dose of a DTP-containing vaccine (pentavalent 1): the programme's 'zero-dose child'."""
    counts = (schedule or load_schedule()).counts
    return not any("dtp" in counts.get(d.vaccine, ()) for d in doses)
