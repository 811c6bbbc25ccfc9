"""The look-ups a typed query turns into, over the local search index (app.store.search_index), best first.

A query becomes an ordered list of steps; each step reads a few ranges of the index (a prefix range on one kind of
token is one cheap index scan) and says how good a match it is (its tier) and why. Steps run in order until enough
patients are found; a step that ran into its limit, or one skipped as too costly for a keystroke, makes the result
"incomplete", and the complete list is read in the background (the search view does that).

A birth year typed after a name (``YearHint``) reads an exact name's rows in widening windows of years instead of
all of them: the index files each name row under the patient's birth year (app.store.search_index), so one field's
rows of one year are one narrow range. The windows go from the year typed out to five years off, then the rows
without a year, then the rest, in the order of the most their rows can score; the step stops once the result page
holds enough patients that nothing still unread could rank above them (the points are the duplicate check's, as the
hint ranking gives them), so the first page is the one a ranking of every namesake would give.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, NamedTuple

from sqlalchemy import Connection

from app.core.identifiers import document_key, phone_query_keys
from app.core.matching import hint_points
from app.core.name_keys import name_keys
from app.core.persian import is_persian, normalize_for_search
from app.store.search_index import (
    CODE,
    COMPOUND,
    CROSS,
    DOCUMENT,
    FATHER,
    GIVEN,
    OTHER,
    PAIR,
    PART_CROSS,
    PART_SKELETON,
    PART_TOLERANT,
    PHONE,
    PLAIN,
    SEP,
    SKELETON,
    TOKEN_SEP,
    TOLERANT,
    YEAR_MARK,
    YEAR_SLOTS,
    compact,
    decode_year,
    slot_code,
    slot_range,
    year_slot,
)

# Tiers: lower is better. Exact and prefix matches come first, then tolerant and cross-script ones (issue 15).
CARD, NUMBER, EXACT, SPACING, PREFIX, SPELLING, SCRIPT, SOUND = range(8)
TIER_REASON: Final = {CARD: "card", NUMBER: "number", EXACT: "exact", SPACING: "spacing", PREFIX: "prefix",
                      SPELLING: "spelling", SCRIPT: "script", SOUND: "sound"}
FIELD_BOOST: Final = {GIVEN: 6.0, FATHER: 3.0, OTHER: 0.0}
FIELD_REASON: Final = {GIVEN: "given", FATHER: "father", OTHER: "other_name"}
PAIR_BOOST: Final = 12.0
# Within a tier, how closely the key met (lower is better), before any boost: the key of the name or of one of its
# words, then of a compound's part (محمدرضا for محمد), then the beginning of either. The tiers of the plain words
# make the same distinctions (EXACT, SPACING, PREFIX); in the tolerant and cross-script tiers this does.
WHOLE, PART, BEGINS = 0, 1, 2
_PART_KINDS: Final = frozenset({COMPOUND, PART_TOLERANT, PART_CROSS, PART_SKELETON})
_TOP: Final = "\U0010ffff"  # sorts after every character: [p, p + _TOP) is the prefix range of p
# Token rows name patients by their index number; the join (driven by the token range: CROSS JOIN keeps that order)
# gives each row's patient id.
_RANGE_SQL: Final = ("SELECT s.token, e.patient_id FROM patient_search s CROSS JOIN patient_search_patient e "
                     "ON e.n = s.n WHERE s.token >= ? AND s.token < ? ORDER BY s.token LIMIT ?")
_PROBE_SQL: Final = "SELECT count(*) FROM (SELECT 1 FROM patient_search WHERE token >= ? AND token < ? LIMIT ?)"
_YEAR: Final = re.compile(r"^\d{4}$")
# A word driving an "all words somewhere" search for one keystroke may have at most this many patients; commoner
# words wait for the background pass (which intersects whole ranges).
DRIVER_LIMIT: Final = 400


@dataclass
class Found:
    tier: int
    boost: float
    reasons: set[str] = field(default_factory=set)
    order: int = 0
    fit: int = WHOLE  # within the tier (WHOLE, PART, + BEGINS): ranks before the boost

    @property
    def rank(self) -> tuple[int, int]:
        return self.tier, self.fit


class YearHint:
    """A birth year sought (with the list's sex filter, if any): the points a name row's year character earns,
    worked out once per character (a page of namesakes shares a few dozen)."""

    def __init__(self, year: int, sex: str | None, estimated: bool) -> None:
        self.year, self.sex, self.estimated = year, sex, estimated
        self.slot = year_slot(year)
        self._points: dict[str, float] = {}

    def points(self, code: str) -> float:
        p = self._points.get(code)
        if p is None:
            # A year filed at an end of the slots is taken as that end's: far from any year windowed (the hint
            # ranking reads such a patient's own year).
            year, sex, est = decode_year(code)
            p = self._points[code] = sum(v for _, _, v in hint_points(self.sex, self.year, self.estimated, None, "",
                                                                      sex, year, est, None, ""))
        return p

    def windows(self, boosts: dict[str, float]) -> list[Window] | None:
        """The windows a name's rows are read in (``boosts``: its fields and what each adds), best first: each field
        and year from the one typed out to five years off, the rows without a year, then the rest (the father's
        name of the same year before the given name two years off, as they rank). None when the year is too near
        an end of the slots to window."""
        s = self.slot
        if s - 6 < 2 or s + 6 > YEAR_SLOTS - 1:
            return None

        near = [s, *(s + sign * d for d in range(1, 6) for sign in (-1, 1)), 0]
        # the most a row of each year can earn (points fall as the years part: the far rows' best is at six off)
        best = {n: max(self.points(slot_code(n, sex, est)) for sex in range(3) for est in range(2))
                for n in (*near, s + 6)}
        out = [Window(f, ((n, n),), boost + best[n]) for f, boost in boosts.items() for n in near]
        out += [Window(f, ((1, s - 6), (s + 6, YEAR_SLOTS)), boost + best[s + 6]) for f, boost in boosts.items()]
        return sorted(out, key=lambda w: -w.best)  # stable: nearer years first among equals


class Window(NamedTuple):
    field: str
    slots: tuple[tuple[int, int], ...]  # ranges of year slots, first..last
    best: float  # the most a row of it can earn: the field's boost and the hints' points


@dataclass
class Collector:
    limit: int | None
    # quick: one keystroke's worth of work (steps too costly for it are skipped, and the result marked incomplete)
    quick: bool = False
    found: dict[str, Found] = field(default_factory=dict)
    complete: bool = True
    # A typed birth year, and the result page it must fill (the pool ``limit`` is wider): windowed steps stop once
    # ``need`` patients are ahead of anything unread (``done``).
    hint: YearHint | None = None
    need: int | None = None
    done: bool = False
    # The year character of the name row each patient was found by, kept when there are hints (``keep_codes``,
    # or a year): the hint ranking reads no patient row for them.
    codes: dict[str, str] = field(default_factory=dict)
    keep_codes: bool = False

    def add(self, pid: str, tier: int, boost: float, reasons: Iterable[str], fit: int = WHOLE) -> None:
        found = self.found
        f = found.get(pid)
        if f is None:
            found[pid] = Found(tier, boost, set(reasons), len(found), fit)
            return
        if (tier, fit) < f.rank or ((tier, fit) == f.rank and boost > f.boost):
            f.tier, f.fit, f.boost = tier, fit, boost
        f.reasons.update(reasons)

    @property
    def full(self) -> bool:
        return self.done or self.limit is not None and len(self.found) >= self.limit

    def room(self) -> int:
        # Read a little beyond what is missing: rows may repeat patients already found (a range that runs into
        # this marks the result incomplete, and the full list is read in the background).
        missing = 0 if self.limit is None else max(self.limit - len(self.found), 0)
        return MAX_ROWS if self.limit is None else missing + missing // 4 + 10


MAX_ROWS: Final = 5000


class Index:
    """Reads of the search index through the session's own connection (the same transaction), by the driver's
    cursor: a keystroke may need thirty small reads, and each costs a few microseconds this way."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]

    def range(self, prefix: str, limit: int) -> list[tuple[str, str]]:
        return self.cur.execute(_RANGE_SQL, (prefix, prefix + _TOP, limit)).fetchall()

    def equal(self, token: str, limit: int) -> list[tuple[str, str]]:
        # The token itself (a code, a phone...) or, for a name, its rows of every birth year.
        return self.cur.execute(_RANGE_SQL, (token, token + YEAR_MARK + _TOP, limit)).fetchall()

    def years(self, token: str, first: int, last: int, limit: int) -> list[tuple[str, str]]:
        """A name token's rows of birth-year slots first..last."""
        lo, hi = slot_range(first, last)
        return self.cur.execute(_RANGE_SQL, (token + YEAR_MARK + lo, token + YEAR_MARK + hi, limit)).fetchall()

    def count(self, lo: str, hi: str, cap: int) -> int:
        return self.cur.execute(_PROBE_SQL, (lo, hi, cap)).fetchone()[0]

    def rows(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return self.cur.execute(sql, params).fetchall()

    def having(self, ids: list[str], prefixes: list[str]) -> set[str]:
        """Which of ``ids`` hold a token starting with one of ``prefixes`` (read from each patient's token list:
        one look-up per patient, however common the prefix)."""
        wanted = tuple(prefixes)
        keep: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            sql = f"SELECT patient_id, tokens FROM patient_search_patient WHERE patient_id IN ({','.join('?' * len(chunk))})"
            for pid, tokens in self.cur.execute(sql, tuple(chunk)):
                if any(t.startswith(wanted) for t in tokens.split(TOKEN_SEP)):
                    keep.add(pid)
        return keep

    def holding(self, ids: list[str], tokens: list[str]) -> set[str]:
        """Which of ``ids`` hold every one of ``tokens`` exactly, of any birth year (from each patient's token
        list: a line that is the token, or the token and its year)."""
        keep: set[str] = set()
        lines = [(TOKEN_SEP + t + YEAR_MARK, TOKEN_SEP + t + TOKEN_SEP) for t in tokens]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            sql = f"SELECT patient_id, tokens FROM patient_search_patient WHERE patient_id IN ({','.join('?' * len(chunk))})"
            for pid, held in self.cur.execute(sql, tuple(chunk)):
                text = TOKEN_SEP + held + TOKEN_SEP
                if all(named in text or plain in text for named, plain in lines):
                    keep.add(pid)
        return keep


@dataclass(frozen=True)
class Query:
    """A typed query, taken apart."""

    text: str
    words: tuple[str, ...]  # name words (anything with a letter), normalised
    numbers: tuple[str, ...]  # words of digits only: phones, document numbers, code parts
    year: int | None  # a birth year typed among the names ("Ahmad 1990", "احمد ۱۳۶۹")
    whole: str  # the whole query as one code, phone or document number ("" if it holds no digit)

    @property
    def persian(self) -> bool:
        return is_persian(" ".join(self.words))


def parse_query(text: str, today: date | None = None) -> Query:
    words = normalize_for_search(text).split()
    names = [w for w in words if not w.isdigit()]
    numbers = [w for w in words if w.isdigit()]
    whole = compact(text) if any(ch.isdigit() for ch in "".join(words)) else ""
    year = None
    if names:
        this_year = (today or date.today()).year
        for w in list(numbers):
            if _YEAR.match(w):
                y = int(w)
                if 1300 <= y <= this_year - 621 + 1:
                    y += 621  # a Solar Hijri year (1369 -> 1990)
                if 1900 <= y <= this_year + 1:
                    year = y
                    numbers.remove(w)
                    break
    return Query(text, tuple(names), tuple(numbers), year, whole)


# --- numbers: codes, phones, documents ---------------------------------------------------------------------------


def number_steps(ix: Index, word: str, out: Collector) -> None:
    """A code, document number or phone (or the start of one). Exact matches first."""
    key = compact(word)
    if not key:
        return
    targets = [(CODE + key, "code"), (DOCUMENT + document_key(word), "document")]
    phones = phone_query_keys(word)
    if phones and len(phones[-1]) >= 3:
        targets += [(PHONE + p, "phone") for p in phones]
    for token, reason in targets:
        for found_token, pid in ix.range(token, out.room()):
            out.add(pid, NUMBER if found_token == token else PREFIX, 0.0, (reason,))
        if len(out.found) >= (out.limit or 1 << 30):
            out.complete = False
            return


def _number_filter(ix: Index, word: str, ids: list[str]) -> set[str]:
    """Which of ``ids`` have a code, document or phone starting with ``word`` (a number typed after names)."""
    key = compact(word)
    prefixes = [CODE + key, DOCUMENT + document_key(word), *(PHONE + p for p in phone_query_keys(word))]
    return ix.having(ids, prefixes)


# --- names ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    tier: int  # of an exact hit; a prefix hit is demoted to max(tier, PREFIX)
    kinds: tuple[str, ...]
    key: str
    prefix: bool
    reason: str


def _word_steps(word: str, *, whole: bool) -> Iterator[_Step]:
    """Steps for one name word (or, ``whole``, the query's words joined: the compound reading)."""
    keys = name_keys(word)
    if not keys:
        return
    w = keys.compact
    if whole:
        yield _Step(SPACING, (PLAIN, COMPOUND), w, False, "spacing")
        yield _Step(PREFIX, (PLAIN, COMPOUND), w, True, "spacing")
    else:
        yield _Step(EXACT, (PLAIN,), w, False, "exact")
        yield _Step(SPACING, (COMPOUND,), w, False, "spacing")
        yield _Step(PREFIX, (PLAIN,), w, True, "prefix")
        yield _Step(PREFIX, (COMPOUND,), w, True, "spacing")
    tolerant = keys.tolerant
    # A compound's parts are read in each key space too, after the names themselves (their own token kinds).
    if keys.script == "fa":
        if tolerant and tolerant != w:
            yield _Step(SPELLING, (PLAIN, COMPOUND), tolerant, True, "spelling")
        if tolerant:
            yield _Step(SPELLING, (TOLERANT, PART_TOLERANT), tolerant, True, "spelling")
        if keys.cross:
            yield _Step(SCRIPT, (TOLERANT, PART_TOLERANT), keys.cross, True, "script")
    elif tolerant:
        yield _Step(SPELLING, (TOLERANT, PART_TOLERANT), tolerant, True, "spelling")
        yield _Step(SCRIPT, (CROSS, PART_CROSS), tolerant, True, "script")
    if len(keys.skeleton) >= 2:
        yield _Step(SOUND, (SKELETON, PART_SKELETON), keys.skeleton, True, "sound")


def _add_rows(out: Collector, rows: list[tuple[str, str]], step: _Step, token: str, kind: str, f: str) -> None:
    # Every row of the range starts with ``token``: it is the key itself if nothing but a year follows. A keystroke
    # may read a few thousand rows, so what each adds is made once.
    part = PART if kind in _PART_KINDS else WHOLE
    boost, field_reason = FIELD_BOOST[f], FIELD_REASON[f]
    tier, longer = step.tier, max(step.tier, PREFIX)
    said, said_longer = (TIER_REASON[tier], step.reason, field_reason), (TIER_REASON[longer], step.reason, field_reason)
    size = len(token)
    codes = out.codes if out.hint is not None or out.keep_codes else None
    for found, pid in rows:
        n = len(found)
        if n == size or n == size + 2 and found[size] == YEAR_MARK:
            out.add(pid, tier, boost, said, part)
        else:
            out.add(pid, longer, boost, said_longer, part + BEGINS)
        if codes is not None and found[-2] == YEAR_MARK:
            codes[pid] = found[-1]


def _run_step(ix: Index, step: _Step, out: Collector, fields: tuple[str, ...] = (GIVEN, FATHER, OTHER)) -> None:
    for f in fields:
        for kind in step.kinds:
            token = kind + f + step.key
            room = out.room()
            rows = ix.range(token, room) if step.prefix else ix.equal(token, room)
            _add_rows(out, rows, step, token, kind, f)
            if len(rows) >= room:
                out.complete = False
        if out.full:
            out.complete = False
            return


Reader = Callable[[str, tuple[tuple[int, int], ...], "int | None"], bool]


def _by_year(ix: Index, out: Collector, rank: tuple[int, int], boosts: dict[str, float], tokens: list[str],
             read: Reader) -> bool:
    """Rows of one rank (tier, fit) — those of ``tokens`` — read window by window of birth years
    (YearHint.windows; ``read`` reads a window's rows, at most ``cap`` a range if given, and says whether a range
    had more). False if the year cannot be windowed or the rows are no more than a page (nothing was read: the
    caller reads them whole, in fewer look-ups). No later look-up may reach the rank: the patients counted as ahead
    of everything unread are those of a better rank, and those of this one whose points reach what an unread row
    could earn; the reading stops when they fill the page."""
    hint, need = out.hint, out.need
    if hint is None or need is None:
        return False
    rows = 0
    for token in tokens:
        rows += ix.count(token + YEAR_MARK, token + YEAR_MARK + _TOP, need + 1 - rows)
        if rows > need:
            break
    else:
        return False
    windows = hint.windows(boosts)
    if windows is None:
        return False
    codes, found = out.codes, out.found
    later = [float("-inf")] * len(windows)  # the most any row of a later window can earn
    for i in range(len(windows) - 2, -1, -1):
        later[i] = max(later[i + 1], windows[i + 1].best)
    better, scores, seen = 0, [], 0

    def ahead(bound: float) -> int:
        # Patients only ever rise in rank, so each is scored once, when first seen (a later rise counts no more).
        nonlocal better, seen
        if len(found) < need:
            return 0  # cannot be enough yet
        for pid in list(found)[seen:]:
            f = found[pid]
            at = (f.tier, f.fit)
            if at < rank:
                better += 1
            elif at == rank and pid in codes:
                scores.append(f.boost + hint.points(codes[pid]))
        seen = len(found)
        return better + sum(1 for x in scores if x >= bound)

    count = 0
    for i, w in enumerate(windows):
        # A window's rows of one field score alike but for the sex: about as many as the page lacks are read first.
        more = read(w.field, w.slots, need - count + 10)
        if out.full:
            out.complete = False
            return True
        count = ahead(max(w.best, later[i]) if more else later[i])
        if count < need and more:
            read(w.field, w.slots, None)
            count = ahead(later[i])
        if out.full:
            out.complete = False
            return True
        if count >= need:
            out.done, out.complete = True, False
            return True
    return True


def _run_by_year(ix: Index, step: _Step, out: Collector) -> bool:
    """An exact step, read by birth years (``_by_year``)."""
    def read(f: str, slots: tuple[tuple[int, int], ...], cap: int | None) -> bool:
        more = False
        for kind in step.kinds:
            token = kind + f + step.key
            for first, last in slots:
                room = out.room()
                limit = room if cap is None else min(room, cap)
                rows = ix.years(token, first, last, limit)
                _add_rows(out, rows, step, token, kind, f)
                if len(rows) >= room:
                    out.complete = False
                elif len(rows) >= limit:
                    more = True
        return more

    fit = min(PART if kind in _PART_KINDS else WHOLE for kind in step.kinds)
    tokens = [kind + f + step.key for f in FIELD_BOOST for kind in step.kinds]
    return _by_year(ix, out, (step.tier, fit), FIELD_BOOST, tokens, read)


def single_word(ix: Index, word: str, out: Collector) -> None:
    steps = list(_word_steps(word, whole=False))
    for i, step in enumerate(steps):
        # A typed year reads an exact step by years when no later step can rank beside its rows (a better tier).
        windowed = not step.prefix and all(later.tier > step.tier for later in steps[i + 1:])
        if not (windowed and _run_by_year(ix, step, out)):
            _run_step(ix, step, out)
        if out.full:
            out.complete = False
            return


def _pair_keys(given: str, father: str, persian: bool) -> Iterator[tuple[int, str, str, bool]]:
    """(tier, token prefix, reason, father complete?) for a given name + father's name (or its beginning)."""
    g, f = name_keys(given), name_keys(father)
    if not g or not f:
        return
    yield EXACT, PAIR + PLAIN + g.compact + SEP + f.compact, "exact", True
    if g.tolerant and f.tolerant:
        yield SPELLING, PAIR + TOLERANT + g.tolerant + SEP + f.tolerant, "spelling", False
        if persian:
            yield SPELLING, PAIR + PLAIN + g.tolerant + SEP + f.tolerant, "spelling", False
    if persian:
        if g.cross and f.cross:
            yield SCRIPT, PAIR + TOLERANT + g.cross + SEP + f.cross, "script", False
    elif g.tolerant and f.tolerant:
        yield SCRIPT, PAIR + CROSS + g.tolerant + SEP + f.tolerant, "script", False
    if len(g.skeleton) >= 2 and f.skeleton:
        yield SOUND, PAIR + SKELETON + g.skeleton + SEP + f.skeleton, "sound", False


def _splits(words: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for k in range(1, len(words)):
        yield " ".join(words[:k]), " ".join(words[k:])


def _intersect(ix: Index, words: tuple[str, ...], out: Collector, *, bounded: bool) -> None:
    """Every word the start of a name word somewhere (any name field, any order)."""
    field_ranges = [(PLAIN + f + w, PLAIN + f + w + _TOP) for w in words for f in (GIVEN, FATHER, OTHER)]
    per_word = [field_ranges[i * 3:(i + 1) * 3] for i in range(len(words))]
    if bounded:
        counts = []
        for ranges in per_word:
            n = sum(ix.count(lo, hi, DRIVER_LIMIT + 1) for lo, hi in ranges)
            counts.append(n)
        if min(counts) > DRIVER_LIMIT:
            out.complete = False  # every word is common: the background pass intersects the whole ranges
            return
        driver = counts.index(min(counts))
        ids: list[str] = []
        for lo, hi in per_word[driver]:
            ids.extend(pid for _, pid in ix.rows(_RANGE_SQL, (lo, hi, DRIVER_LIMIT * 3)))
        keep = list(dict.fromkeys(ids))
        for i, ranges in enumerate(per_word):
            if i == driver or not keep:
                continue
            found = ix.having(keep, [lo for lo, _ in ranges])
            keep = [pid for pid in keep if pid in found]
    else:
        selects = []
        params: list[str] = []
        for ranges in per_word:
            selects.append("SELECT n FROM patient_search WHERE "
                           + " OR ".join("(token >= ? AND token < ?)" for _ in ranges))
            for lo, hi in ranges:
                params += [lo, hi]
        sql = ("SELECT patient_id FROM patient_search_patient WHERE n IN (" + " INTERSECT ".join(selects)
               + ") LIMIT ?")
        keep = [pid for (pid,) in ix.rows(sql, (*params, out.room()))]
    for pid in keep:
        out.add(pid, PREFIX, 0.0, ("prefix",))


def _as_written(ix: Index, words: tuple[str, ...], out: Collector, *, by_year: bool = False) -> None:
    """The words are one name field's words, as typed (محمد رضا for محمد رضا or محمد‌رضا): an exact match. The field
    files its words joined as a compound token, and each word: both must be there (محمدرضا, written as one word,
    files the joined form as a plain word and is a spacing match, found by the next step). ``by_year``: read by
    the typed year's windows (no unread row may rank beside these: see several_words)."""
    joined = "".join(words)
    fields = (GIVEN, FATHER, OTHER)

    def add(rows: list[tuple[str, str]], f: str, room: int) -> None:
        if len(rows) >= room:
            out.complete = False
        codes = out.codes
        for found, pid in rows:
            if found[-2:-1] == YEAR_MARK:
                codes[pid] = found[-1]
        for pid in ix.holding([pid for _, pid in rows], [PLAIN + f + w for w in words]):
            out.add(pid, EXACT, FIELD_BOOST[f], ("exact", FIELD_REASON[f]))

    def read(f: str, slots: tuple[tuple[int, int], ...], cap: int | None) -> bool:
        more = False
        for first, last in slots:
            room = out.room()
            limit = room if cap is None else min(room, cap)
            rows = ix.years(COMPOUND + f + joined, first, last, limit)
            add(rows, f, room)
            more = more or limit < room and len(rows) >= limit
        return more

    if by_year and _by_year(ix, out, (EXACT, WHOLE), FIELD_BOOST, [COMPOUND + f + joined for f in fields], read):
        return
    for f in fields:
        room = out.room()
        add(ix.equal(COMPOUND + f + joined, room), f, room)


def several_words(ix: Index, query: Query, out: Collector) -> None:
    words = query.words
    persian = query.persian
    # 1. given name + father's name, exact given and the father's name as typed so far; the words as one name
    pair_steps = [(tier, token, reason, exact) for g, f in _splits(words)
                  for tier, token, reason, exact in _pair_keys(g, f, persian)]
    all_read = True  # every exact pair read: the exact rows as written may then be read by the typed year
    for tier, token, _reason, _ in sorted(pair_steps, key=lambda s: s[0]):
        if tier > PREFIX:
            continue
        room = out.room()
        rows = ix.range(token, room)
        all_read = all_read and len(rows) < room
        for found, pid in rows:
            hit = tier if found == token else PREFIX
            out.add(pid, hit, PAIR_BOOST, (TIER_REASON[hit], "given", "father"))
    _as_written(ix, words, out, by_year=all_read)
    if out.full:
        out.complete = False
        return
    # 2. the words as one name written apart (گل محمد = گل‌محمد = گلمحمد)
    for step in _word_steps("".join(words), whole=True):
        if step.tier <= PREFIX:
            _run_step(ix, step, out)
    if out.full:
        out.complete = False
        return
    # 3. every word somewhere (Ahmad Rahimi: given + family name)
    _intersect(ix, words, out, bounded=out.quick)
    if out.full:
        out.complete = False
        return
    # 4. tolerant, cross-script and skeleton pairs, then the joined words in those key spaces
    for tier, token, reason, _ in sorted(pair_steps, key=lambda s: s[0]):
        if tier <= PREFIX:
            continue
        for _, pid in ix.range(token, out.room()):
            out.add(pid, tier, PAIR_BOOST, (TIER_REASON[tier], reason, "given", "father"))
        if out.full:
            out.complete = False
            return
    for step in _word_steps("".join(words), whole=True):
        if step.tier > PREFIX:
            _run_step(ix, step, out)
            if out.full:
                out.complete = False
                return


def run_query(conn: Connection, query: Query, out: Collector) -> None:
    """Codes, phones and document numbers first (the whole query read as one: "0912 345 6789", "ZAH1-00002"),
    then names; digits typed after names must match a phone, document or code of the person."""
    ix = Index(conn)
    if query.whole and not (query.words and query.year and not query.numbers):
        number_steps(ix, query.whole, out)
        if out.full:
            out.complete = False
            return
    if not query.words:
        return
    before = set(out.found)
    # Digits typed beside the year filter the names afterwards: the page cannot be counted while reading them.
    names = Collector(out.limit, out.quick, hint=out.hint if not query.numbers else None, need=out.need,
                      codes=out.codes, keep_codes=out.keep_codes or out.hint is not None)
    if len(query.words) == 1:
        single_word(ix, query.words[0], names)
    else:
        several_words(ix, query, names)
    found = names.found
    for number in query.numbers:
        keep = _number_filter(ix, number, [p for p in found if p not in before])
        found = {pid: f for pid, f in found.items() if pid in keep}
    out.complete = out.complete and names.complete
    if not out.found:
        out.found = found  # nothing found by number: the name matches are the result as they stand
        return
    for pid, f in found.items():
        out.add(pid, f.tier, f.boost, f.reasons, f.fit)
