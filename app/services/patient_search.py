"""Finding patients as you type: ranked, each match saying why it matched.

Exact and prefix matches come first, then names written with or without spaces, spelling variants, the other script
and, last, names that only sound alike (app.services.search_steps). Within a tier, a match on the given name beats
one on the father's name, given + father's name beats either, and what else is known about the person sought (the
list's sex filter, a birth year typed in the query: ``SearchHints``) raises or lowers the rank, scored as the
duplicate check scores it (app.core.matching). Household and phone are not hints here: the search box never has
them, and the registration form's duplicate check (app.services.duplicates) scores them itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.card_code import read_card
from app.core.matching import hint_points
from app.models import Patient
from app.security.roles import Action
from app.services.context import Ctx
from app.services.duplicates import not_merged
from app.services.search_steps import CARD, TIER_REASON, Collector, Found, YearHint, parse_query, run_query
from app.store.search_index import decode_year, year_clipped

# The complete list of a broad query is capped: nobody reads past a few thousand rows of "m".
MAX_RESULTS: Final = 5000
HINT_POOL: Final = 600
SORT_KEYS = ("code", "name", "father", "sex", "age", "phone")


@dataclass(frozen=True)
class SearchHints:
    """What is known of the person sought besides the typed words; each raises the rank of patients who fit."""

    sex: str | None = None
    birth_year: int | None = None
    birth_estimated: bool = True  # a year typed in the search box is taken as an estimate: the wide window

    def __bool__(self) -> bool:
        return bool(self.sex or self.birth_year)


@dataclass(frozen=True)
class SearchHit:
    patient_id: str
    tier: int
    reasons: tuple[str, ...]  # codes: exact, prefix, spacing, spelling, script, sound, given, father, birth_year …


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    complete: bool  # False: more (lower-ranked) matches exist; ask again with limit=None for all of them

    @property
    def ids(self) -> list[str]:
        return [h.patient_id for h in self.hits]


@dataclass(frozen=True)
class PatientRow:
    id: str
    code: str
    given_name: str
    father_name: str
    family_name: str
    sex: str
    birth_year: int
    birth_estimated: bool
    phone: str
    other_name: str = ""  # the name in the other script (shown after the reader's own)

    def age(self, on: date) -> int:
        return on.year - self.birth_year


def _sort_columns(key: str, lang: str) -> list[Any]:
    def names(fa: Any, latin: Any) -> list[Any]:
        return [fa, latin] if lang == "fa" else [latin, fa]

    return {
        "code": [Patient.code],
        "name": names(Patient.given_name_fa, Patient.given_name_latin),
        "father": names(Patient.father_name_fa, Patient.father_name_latin),
        "sex": [Patient.sex],
        "age": [-Patient.birth_year],  # ascending age = most recent birth year first
        "phone": [Patient.phone],
    }[key]


def _hint_rank(session: Session, found: dict[str, Found], hints: SearchHints, codes: dict[str, str]) -> None:
    """Add the hint evidence (sex, birth year) to each match's boost, with its reasons."""
    # A patient found by a name row has its sex, year and estimated flag in the row's year character (``codes``);
    # the others' three columns are read in one statement (on SQLite the ids go as one JSON parameter, not hundreds
    # of bound ones compiled each time). The evidence is worked out once per distinct (sex, year, estimated).
    points_of: dict[tuple[Any, Any, Any], list[tuple[str, str, float]]] = {}
    people: list[Any] = []
    unread: list[str] = []
    for pid in found:
        code = codes.get(pid)
        if code is None or year_clipped(code):
            unread.append(pid)
        else:
            year, sex, est = decode_year(code)
            people.append((pid, sex, year, est))
    if unread:
        people += _hint_columns(session, unread)
    for pid, sex, year, est in people:
        key = (sex, year, est)
        points = points_of.get(key)
        if points is None:
            points = points_of[key] = hint_points(hints.sex, hints.birth_year, hints.birth_estimated, None, "",
                                                  sex, year, est, None, "")
        f = found[pid]
        for what, _how, value in points:
            f.boost += value
            if value > 0:
                f.reasons.add(what)


def _hint_columns(session: Session, ids: list[str]) -> Sequence[Any]:
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        import json

        return conn.exec_driver_sql(
            "SELECT id, sex, birth_year, birth_estimated FROM patient WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),)).all()
    p = Patient.__table__
    rows: list[Any] = []
    for start in range(0, len(ids), 500):
        rows += session.execute(select(p.c.id, p.c.sex, p.c.birth_year, p.c.birth_estimated)
                                .where(p.c.id.in_(ids[start:start + 500]))).all()
    return rows


def search(session: Session, query: str, *, limit: int | None = 200, hints: SearchHints | None = None,
           today: date | None = None, quick: bool = False) -> SearchResult:
    """Ranked matches for ``query``: at most ``limit`` of the best (``complete`` says whether that was all), or
    with ``limit=None`` all of them (up to MAX_RESULTS). ``quick`` (a keystroke in the search box) skips look-ups
    too costly to repeat on every key; the result then says it is incomplete, and the rest is read separately."""
    q = parse_query(query, today)
    if q.year and not (hints and hints.birth_year):
        hints = SearchHints(sex=hints.sex if hints else None, birth_year=q.year, birth_estimated=True)
    # With hints, a wider pool is ranked: the best-fitting of many namesakes should make the first page.
    out = Collector(max(limit, HINT_POOL) if limit is not None and hints else limit, quick=quick,
                    keep_codes=bool(hints))
    if hints and hints.birth_year and limit is not None:
        # The pool is ranked wide, but a year's windows need only fill the page (app.services.search_steps).
        out.hint, out.need = YearHint(hints.birth_year, hints.sex, hints.birth_estimated), limit
    conn = session.connection()
    card_id = _card_patient(session, query)
    if card_id:
        return SearchResult([SearchHit(card_id, CARD, ("card",))], True)
    run_query(conn, q, out)
    if hints and out.found:
        _hint_rank(session, out.found, hints, out.codes)
    ranked = sorted(out.found.items(), key=lambda kv: (kv[1].tier, kv[1].fit, -kv[1].boost, kv[1].order))
    if limit is not None and len(ranked) > limit:
        ranked, complete = ranked[:limit], False
    else:
        complete = out.complete
        ranked = ranked[:MAX_RESULTS]
    hits = [SearchHit(pid, f.tier, _reasons(f)) for pid, f in ranked]
    return SearchResult(hits, complete)


_REASON_ORDER: Final = ("card", "number", "code", "document", "phone", "exact", "spacing", "prefix", "spelling",
                        "script", "sound", "given", "father", "other_name", "birth_year", "sex")
_NAME_KINDS: Final = frozenset({"exact", "spacing", "prefix", "spelling", "script", "sound"})
_RANK: Final = {r: i for i, r in enumerate(_REASON_ORDER)}


def _reasons(f: Found) -> tuple[str, ...]:
    # Of the kinds of name match, only the tier's own is named ("prefix" beside "exact" says nothing), and
    # "spacing" with a prefix (the start of a compound written apart).
    best = TIER_REASON[f.tier]
    keep = {best, "spacing"} if best == "prefix" else {best}
    shown = [r for r in f.reasons if r in _RANK and (r not in _NAME_KINDS or r in keep)]
    shown.sort(key=_RANK.__getitem__)
    return tuple(shown)


def _card_patient(session: Session, text: str) -> str | None:
    """A scanned patient card (code + check value) finds its patient directly; a merged-away record, the kept one."""
    found = read_card(text) if text.strip().lower()[:3] in ("sy.", "سغ.") else None
    if not found or not found[1]:
        return None
    row = session.execute(select(Patient.id, Patient.merged_into_id, Patient.deleted)
                          .where(Patient.code == found[0])).first()
    for _ in range(5):
        if row is None or row.deleted:
            return None
        if not row.merged_into_id:
            return row.id
        row = session.execute(select(Patient.id, Patient.merged_into_id, Patient.deleted)
                              .where(Patient.id == row.merged_into_id)).first()
    return None


def search_patient_ids(session: Session, query: str, *, limit: int | None = 200, order: str | None = None,
                       descending: bool = False, lang: str = "en", hints: SearchHints | None = None,
                       quick: bool = False) -> list[str]:
    """Ids of the patients matching ``query``, best first; with ``order`` (one of SORT_KEYS), every match sorted in
    SQL by that column instead, as a click on a list header asks. An empty query lists recent patients."""
    if order:
        cols = [c.desc() if descending else c for c in _sort_columns(order, lang)]
        stmt = select(Patient.id).where(Patient.deleted.is_(False), not_merged(Patient.merged_into_id))
        if query.strip():
            ids = search(session, query, limit=None, hints=hints).ids
            if not ids:
                return []
            stmt = stmt.where(Patient.id.in_(ids))
        stmt = stmt.order_by(*cols, Patient.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(session.execute(stmt).scalars())
    if not query.strip():
        stmt = (select(Patient.id).where(Patient.deleted.is_(False), not_merged(Patient.merged_into_id))
                .order_by(Patient.updated_at.desc()))
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(session.execute(stmt).scalars())
    return search(session, query, limit=limit, hints=hints, quick=quick).ids


def _row(p: Any, lang: str) -> PatientRow:
    def pick(fa: str, latin: str) -> str:
        return (fa or latin) if lang == "fa" else (latin or fa)

    def other(fa: str, latin: str) -> str:
        return (latin if fa else "") if lang == "fa" else (fa if latin else "")

    given = pick(p.given_name_fa, p.given_name_latin)
    family = pick(p.family_name_fa, p.family_name_latin)
    other_name = " ".join(x for x in (other(p.given_name_fa, p.given_name_latin),
                                      other(p.family_name_fa, p.family_name_latin)) if x)
    return PatientRow(
        id=p.id, code=p.code, given_name=given, father_name=pick(p.father_name_fa, p.father_name_latin),
        family_name=family, sex=p.sex, birth_year=p.birth_year, birth_estimated=p.birth_estimated, phone=p.phone,
        other_name=other_name,
    )


class _Values(NamedTuple):
    """The patient columns a list row shows, as read by load_rows."""

    id: str
    code: str
    given_name_fa: str
    given_name_latin: str
    father_name_fa: str
    father_name_latin: str
    family_name_fa: str
    family_name_latin: str
    sex: str
    birth_year: int
    birth_estimated: bool
    phone: str


_ROWS_SQL: Final = f"SELECT {', '.join(_Values._fields)} FROM patient WHERE id IN "


def load_rows(session: Session, ids: list[str], lang: str) -> list[PatientRow]:
    """The list rows of ``ids``, in that order (plain columns through the driver's cursor: a screenful is one small
    read, a fraction of a millisecond, on every keystroke)."""
    if not ids:
        return []
    cur = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    rows: dict[str, _Values] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for values in cur.execute(_ROWS_SQL + f"({','.join('?' * len(chunk))})", tuple(chunk)):
            v = _Values._make(values)
            rows[v.id] = v._replace(birth_estimated=bool(v.birth_estimated))
    return [_row(rows[i], lang) for i in ids if i in rows]


def find_patients(ctx: Ctx, query: str, *, limit: int = 50, hints: SearchHints | None = None) -> list[PatientRow]:
    """Any part of a name (Persian or Latin, any spelling), father's name, document number, phone or patient code."""
    ctx.require(Action.VIEW_PATIENT)
    with ctx.read() as session:
        return load_rows(session, search_patient_ids(session, query, limit=limit, hints=hints), ctx.lang)


@dataclass(frozen=True)
class RankedRows:
    rows: list[PatientRow]
    reasons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    complete: bool = True


def find_ranked(ctx: Ctx, query: str, *, limit: int = 50, hints: SearchHints | None = None) -> RankedRows:
    """Like find_patients, with why each row matched."""
    ctx.require(Action.VIEW_PATIENT)
    with ctx.read() as session:
        result = search(session, query, limit=limit, hints=hints, today=ctx.today())
        return RankedRows(load_rows(session, result.ids, ctx.lang), {h.patient_id: h.reasons for h in result.hits},
                          result.complete)


def search_list(ctx: Ctx, query: str, *, limit: int | None = 200, quick: bool = False, order: str | None = None,
                descending: bool = False, sex: str | None = None) -> SearchResult:
    """What the patient list shows for ``query``: ranked hits with their reasons, or (``order``, a column header
    clicked) every match sorted by that column. ``sex`` (the list's filter) ranks patients of that sex first."""
    ctx.require(Action.VIEW_PATIENT)
    hints = SearchHints(sex=sex) if sex else None
    with ctx.read() as session:
        if order or not query.strip():
            ids = search_patient_ids(session, query, limit=limit, order=order, descending=descending, lang=ctx.lang,
                                     hints=hints)
            return SearchResult([SearchHit(i, 0, ()) for i in ids], limit is None or len(ids) < limit)
        return search(session, query, limit=limit, hints=hints, today=ctx.today(), quick=quick)
