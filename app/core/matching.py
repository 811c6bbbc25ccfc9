"""How alike two person records are: the one scoring that search ranking, the registration check and the
duplicates review all use (docs/architecture.md, "Domain facts").

Evidence, in points: given name and father's name (how well each matches, in any pair of scripts), sex, birth year
within a window that widens when either year is estimated, family name, phone, household, and a document (same type
and number wins outright). A pair is a likely duplicate at ``LIKELY`` points, given names matching at least across
scripts; names that only sound alike (Hassan/Hossein: often twins) need far more (``LIKELY_SOUND``). Two spellings
the curated table lists as different names (Hamid حمید / Hamed حامد, Javad / Javid) only sound alike, even where
the tolerant key cannot tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

from app.core.identifiers import phone_match_key
from app.core.name_keys import NameKeys, distinct_listed_names, name_keys

EXACT, SPACING, SPELLING, SCRIPT, SOUND = "exact", "spacing", "spelling", "script", "sound"
NAME_KINDS: Final = (EXACT, SPACING, SPELLING, SCRIPT, SOUND)
_STRENGTH: Final = {EXACT: 1.0, SPACING: 0.97, SPELLING: 0.9, SCRIPT: 0.88, SOUND: 0.2}

GIVEN_POINTS, FATHER_POINTS, FAMILY_POINTS = 30.0, 25.0, 5.0
SEX_SAME, SEX_DIFFERENT = 8.0, -40.0
YEAR_SAME, YEAR_CLOSE, YEAR_WINDOW, YEAR_OUTSIDE = 15.0, 10.0, 6.0, -25.0
PHONE_SAME, HOUSEHOLD_SAME, DOCUMENT_SAME, DOCUMENT_NUMBER_ONLY = 20.0, 10.0, 70.0, 35.0
LIKELY: Final = 60.0
LIKELY_SOUND: Final = 85.0
YEAR_WINDOW_EXACT, YEAR_WINDOW_ESTIMATED = 2, 5


def compare_names(a: NameKeys, b: NameKeys) -> str | None:
    """How two names match (EXACT … SOUND), in any scripts; None if they do not."""
    if not a or not b:
        return None
    if a.script == b.script:
        if a.words == b.words:
            return EXACT
        if a.compact == b.compact:
            return SPACING
        if a.tolerant == b.tolerant and not distinct_listed_names(a, b):
            return SPELLING
    else:
        latin, persian = (a, b) if a.script == "latin" else (b, a)
        # A compound's part still counts as the name (محمدرضا meets Mohammad): only the search ranks a part lower.
        if persian.cross and (persian.cross == latin.tolerant or latin.tolerant in persian.cross_words
                              or latin.tolerant in persian.cross_parts) \
                and not distinct_listed_names(a, b):
            return SCRIPT
    if a.skeleton and a.skeleton == b.skeleton:
        return SOUND
    return None


def best_match(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    """The best match between any spelling of one name field (Persian, Latin) and any of the other's."""
    return best_key_match(tuple(map(name_keys, a)), tuple(map(name_keys, b)))


def best_key_match(a: tuple[NameKeys, ...], b: tuple[NameKeys, ...]) -> str | None:
    """best_match on names already turned into their keys (the review list compares each person many times)."""
    best: str | None = None
    for kx in a:
        if not kx:
            continue
        for ky in b:
            kind = compare_names(kx, ky)
            if kind is not None and (best is None or NAME_KINDS.index(kind) < NAME_KINDS.index(best)):
                best = kind
                if best == EXACT:
                    return best
    return best


def year_window(a_estimated: bool, b_estimated: bool) -> int:
    return YEAR_WINDOW_ESTIMATED if a_estimated or b_estimated else YEAR_WINDOW_EXACT


@dataclass(frozen=True)
class Person:
    """What matching needs to know of one person (a record, or a registration being typed)."""

    given: tuple[str, ...] = ()  # every spelling: Persian, Latin
    father: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    sex: str | None = None
    birth_year: int | None = None
    birth_estimated: bool = False
    phone: str = ""
    household_id: str | None = None
    documents: tuple[tuple[str, str], ...] = ()  # (type, document_key)

    # Worked out once per person: the review list compares each person with many others.
    @cached_property
    def phone_key(self) -> str:
        return phone_match_key(self.phone) if self.phone else ""

    @cached_property
    def given_keys(self) -> tuple[NameKeys, ...]:
        return tuple(map(name_keys, self.given))

    @cached_property
    def father_keys(self) -> tuple[NameKeys, ...]:
        return tuple(map(name_keys, self.father))

    @cached_property
    def family_keys(self) -> tuple[NameKeys, ...]:
        return tuple(map(name_keys, self.family))


@dataclass
class Evidence:
    points: float = 0.0
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (what, how): ("given", "script"), ("phone", "same")
    given: str | None = None
    strong: bool = False  # the same document

    @property
    def likely(self) -> bool:
        if self.strong:
            return True
        if self.given is None:
            return False
        return self.points >= (LIKELY_SOUND if self.given == SOUND else LIKELY)

    def add(self, what: str, how: str, points: float) -> None:
        self.points += points
        self.reasons.append((what, how))


def hint_evidence(a: Person, b: Person, ev: Evidence | None = None) -> Evidence:
    """Sex, birth year, phone and household: what raises (or lowers) a match beyond the names."""
    ev = ev or Evidence()
    for what, how, points in hint_points(a.sex, a.birth_year, a.birth_estimated, a.household_id, a.phone_key,
                                         b.sex, b.birth_year, b.birth_estimated, b.household_id, b.phone_key):
        ev.add(what, how, points)
    return ev


_KNOWN_SEX: Final = frozenset({"male", "female"})


def hint_points(sex_a: str | None, year_a: int | None, est_a: bool, household_a: str | None, phone_a: str,
                sex_b: str | None, year_b: int | None, est_b: bool, household_b: str | None,
                phone_b: str) -> list[tuple[str, str, float]]:
    """The hint evidence as (what, how, points); phones as phone_match_key. Plain arguments: search ranks a few
    hundred rows per keystroke with this."""
    out = []
    if sex_a in _KNOWN_SEX and sex_b in _KNOWN_SEX:
        out.append(("sex", "same", SEX_SAME) if sex_a == sex_b else ("sex", "different", SEX_DIFFERENT))
    if year_a and year_b:
        diff = abs(year_a - year_b)
        if diff == 0:
            out.append(("birth_year", "same", YEAR_SAME))
        elif diff <= YEAR_WINDOW_EXACT:
            out.append(("birth_year", "close", YEAR_CLOSE))
        elif diff <= year_window(est_a, est_b):
            out.append(("birth_year", "estimated", YEAR_WINDOW))
        else:
            out.append(("birth_year", "far", YEAR_OUTSIDE))
    if phone_a and phone_a == phone_b:
        out.append(("phone", "same", PHONE_SAME))
    if household_a and household_a == household_b:
        out.append(("household", "same", HOUSEHOLD_SAME))
    return out


_NAMES_MOST: Final = GIVEN_POINTS + FATHER_POINTS


def could_be_likely(a: Person, b: Person) -> bool:
    """False only when ``score(a, b)`` cannot be likely, whatever the names: the same document, or the evidence
    beyond the names plus the most the names can add (given, father's, family name all exact) reaching ``LIKELY``.
    Cheap (no name is compared); the review list asks it before scoring each pair of a block."""
    docs_b = set(b.documents)
    points = 0.0
    if docs_b:
        numbers_b = {key for _, key in b.documents}
        for doc in a.documents:
            if doc in docs_b:
                return True
            if doc[1] in numbers_b:
                points += DOCUMENT_NUMBER_ONLY
                break
    points += _NAMES_MOST + (FAMILY_POINTS if any(a.family) and any(b.family) else 0.0)
    for _what, _how, p in hint_points(a.sex, a.birth_year, a.birth_estimated, a.household_id, a.phone_key,
                                      b.sex, b.birth_year, b.birth_estimated, b.household_id, b.phone_key):
        points += p
    return points >= LIKELY


def score(a: Person, b: Person) -> Evidence:
    """All the evidence that ``a`` and ``b`` are one person."""
    ev = Evidence()
    docs_b = set(b.documents)
    numbers_b = {key for _, key in b.documents}
    for doc in a.documents:
        if doc in docs_b:
            ev.add("document", "same", DOCUMENT_SAME)
            ev.strong = True
            break
        if doc[1] in numbers_b:
            ev.add("document", "number", DOCUMENT_NUMBER_ONLY)
            break
    ev.given = best_key_match(a.given_keys, b.given_keys)
    if ev.given:
        ev.add("given", ev.given, GIVEN_POINTS * _STRENGTH[ev.given])
    father = best_key_match(a.father_keys, b.father_keys)
    if father:
        ev.add("father", father, FATHER_POINTS * _STRENGTH[father])
    if any(a.family) and any(b.family):
        family = best_key_match(a.family_keys, b.family_keys)
        if family and family != SOUND:
            ev.add("family", family, FAMILY_POINTS)
        elif family is None:
            ev.add("family", "different", -FAMILY_POINTS)
    return hint_evidence(a, b, ev)
