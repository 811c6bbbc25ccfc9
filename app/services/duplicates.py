"""People registered twice: the check at registration (and on demand from a chart), and the review list of likely
pairs already in a database, for a unit (laptop) or across units (headquarters, app.hq.duplicates).

Candidates come from the search index (given + father's name in every key space, the same document, the same phone,
the same household) and are scored by app.core.matching; a pair someone has marked "not the same person" (or a
registration done anyway, with its reason) is not offered again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import Connection, String, cast, false, func, or_, select
from sqlalchemy.orm import Session

from app.core.identifiers import document_key, phone_search_keys
from app.core.matching import YEAR_WINDOW_ESTIMATED, Evidence, Person, could_be_likely, score
from app.core.name_keys import name_keys
from app.models import AuditEntry, IdentityDocument, Patient
from app.security.roles import Action
from app.services.context import Ctx
from app.services.errors import DuplicateCandidate, NotFound, ValidationFailed, field_error
from app.store.duplicate_review import DIRTY, PAIRS, STATE
from app.store.search_index import DOCUMENT, MAX_TOKEN, PAIR, PHONE, TOKEN_SEP, pair_tokens

NOT_DUPLICATE: Final = "not_duplicate"
_PAIR_KINDS: Final = "abcde"
_CANDIDATE_ROWS: Final = 400


# --- people as matching sees them --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRecord:
    """A patient record for the review list: who, and what matching compares."""

    id: str
    code: str
    person: Person
    unit_id: str | None = None
    names: dict[str, str] = field(default_factory=dict)

    def display(self, lang: str) -> tuple[str, str]:
        """(name, father's name) in the reader's script first."""
        def pick(base: str) -> str:
            fa, latin = self.names.get(base + "_fa", ""), self.names.get(base + "_latin", "")
            first, second = (fa, latin) if lang == "fa" else (latin, fa)
            return f"{first} ({second})" if first and second else first or second

        given, family = pick("given_name"), pick("family_name")
        return (" ".join(x for x in (given, family) if x), pick("father_name"))


_NAME_COLS: Final = ("given_name_fa", "given_name_latin", "father_name_fa", "father_name_latin", "family_name_fa",
                     "family_name_latin")


def not_merged(column: Any) -> Any:
    """"Not merged away", written so that no database plans it through the index on merged_into_id: that holds for
    nearly every patient, and reading the table through it costs a lookup per row (a duplicate check at 250,000
    patients took 600 ms that way; tests/services/test_search_query_plans.py)."""
    return func.coalesce(column, "") == ""


def person_of(values: Any, documents: Iterable[tuple[str, str]] = ()) -> Person:
    """A Person from anything with the patient's attributes (a record, a row, a registration input)."""
    def get(name: str) -> Any:
        return values.get(name) if isinstance(values, dict) else getattr(values, name, None)

    year = get("birth_year")
    dob = get("date_of_birth")
    if dob is not None and not year:
        year = dob.year
    return Person(
        given=tuple(x for x in (get("given_name_fa"), get("given_name_latin")) if x),
        father=tuple(x for x in (get("father_name_fa"), get("father_name_latin")) if x),
        family=tuple(x for x in (get("family_name_fa"), get("family_name_latin")) if x),
        sex=get("sex"), birth_year=int(year) if year else None, birth_estimated=bool(get("birth_estimated")),
        phone=get("phone") or "", household_id=get("household_id"),
        documents=tuple((t, document_key(n)) for t, n in documents if document_key(n)),
    )


def _lookup_tokens(person: Person) -> list[str]:
    """Index tokens under which someone like ``person`` would be filed: their given + father's name in every key
    space (a cross-script key is filed as c or d depending on the record's script: both are looked up)."""
    given = [name_keys(g) for g in person.given]
    father = [name_keys(f) for f in person.father]
    rests = {t[2:] for t in pair_tokens(given, father)}
    tokens = [PAIR + kind + rest for rest in rests for kind in _PAIR_KINDS]
    tokens += [DOCUMENT + key for _, key in person.documents]
    if person.phone_key:
        tokens.append(PHONE + person.phone_key)
    return tokens


def _load_people(session: Session, ids: list[str]) -> list[PersonRecord]:
    if not ids:
        return []
    p, d = Patient.__table__, IdentityDocument.__table__
    docs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pid, doc_type, number in session.execute(
            select(d.c.patient_id, d.c.doc_type, d.c.number).where(d.c.patient_id.in_(ids), d.c.deleted.is_(False))):
        docs[pid].append((doc_type, number))
    cols = [p.c[c] for c in (*_NAME_COLS, "sex", "birth_year", "birth_estimated", "phone", "household_id")]
    out = []
    for row in session.execute(select(p.c.id, p.c.code, p.c.registered_unit_id, *cols).where(
            p.c.id.in_(ids), p.c.deleted.is_(False), not_merged(p.c.merged_into_id))):
        values = row._asdict()
        out.append(PersonRecord(row.id, row.code, person_of(values, docs.get(row.id, ())), row.registered_unit_id,
                                {c: values[c] or "" for c in _NAME_COLS}))
    return out


def candidate_records(session: Session, person: Person, *, exclude_id: str | None = None) -> list[PersonRecord]:
    """Patients the index files next to ``person`` (not yet scored)."""
    tokens = _lookup_tokens(person)
    if not tokens:
        return []
    sql = (f"SELECT DISTINCT e.patient_id FROM patient_search s CROSS JOIN patient_search_patient e ON e.n = s.n "
           f"WHERE s.token IN ({','.join('?' * len(tokens))}) LIMIT {_CANDIDATE_ROWS}")
    ids = [pid for (pid,) in session.connection().exec_driver_sql(sql, tuple(tokens)) if pid != exclude_id]
    if person.household_id:
        ids += [i for i in session.scalars(select(Patient.id).where(Patient.household_id == person.household_id)
                                           .limit(50)) if i != exclude_id]
    return _load_people(session, list(dict.fromkeys(ids)))


def _candidate(rec: PersonRecord, ev: Evidence, lang: str = "en") -> DuplicateCandidate:
    name, father = rec.display(lang)
    return DuplicateCandidate(
        patient_id=rec.id, code=rec.code, display_name=name, father_name=father, sex=rec.person.sex or "",
        birth_year=rec.person.birth_year or 0, reasons=[f"{what}:{how}" for what, how in ev.reasons], strong=ev.strong,
        score=round(ev.points, 1),
    )


def rank_candidates(person: Person, records: Iterable[PersonRecord], *, limit: int = 10,
                    lang: str = "en") -> list[DuplicateCandidate]:
    scored = [(score(person, r.person), r) for r in records]
    likely = [(ev, r) for ev, r in scored if ev.likely]
    likely.sort(key=lambda er: (not er[0].strong, -er[0].points, er[1].code))
    return [_candidate(r, ev, lang) for ev, r in likely[:limit]]


def find_duplicates(session: Session, data: Any, *, exclude_id: str | None = None, lang: str = "en",
                    limit: int = 10) -> list[DuplicateCandidate]:
    """Likely earlier registrations of the person in ``data`` (a registration input or a record), best first."""
    person = person_of(data, [(d.doc_type, d.number) for d in getattr(data, "documents", None) or []])
    records = candidate_records(session, person, exclude_id=exclude_id)
    if exclude_id and records:
        dismissed = dismissed_pairs(session.connection(), [exclude_id, *(r.id for r in records)])
        records = [r for r in records if frozenset((exclude_id, r.id)) not in dismissed]
    return rank_candidates(person, records, limit=limit, lang=lang)


def check_patient(ctx: Ctx, patient_id: str) -> list[DuplicateCandidate]:
    """On demand, from a chart: who else might this person be?"""
    ctx.require(Action.VIEW_PATIENT)
    with ctx.read() as session:
        patient = session.get(Patient, patient_id)
        if patient is None or patient.deleted:
            raise NotFound("patient", "بیمار", patient_id)
        return find_duplicates(session, patient, exclude_id=patient_id, lang=ctx.lang)


# --- dismissals ---------------------------------------------------------------------------------------------------


def _dismissal_rows(conn: Connection, record_ids: list[str] | None = None) -> Iterator[tuple[str, str]]:
    a = AuditEntry.__table__
    decided = or_(a.c.action == NOT_DUPLICATE,
                  (a.c.action == "created") & cast(a.c.detail, String).like("%duplicate_override%"))
    stmt = select(a.c.action, a.c.record_id, a.c.detail).where(
        a.c.entity == "patient", decided, or_(a.c.deleted == false(), a.c.deleted.is_(None)))
    chunks = [record_ids[i:i + 500] for i in range(0, len(record_ids), 500)] if record_ids is not None else [None]
    for chunk in chunks:
        for action, rid, detail in conn.execute(stmt if chunk is None else stmt.where(a.c.record_id.in_(chunk))):
            detail = detail or {}
            if action == NOT_DUPLICATE and detail.get("other"):
                yield rid, detail["other"]
            elif action == "created" and detail.get("duplicate_override"):
                # Registered anyway, with a reason: a person looked at these candidates and said "someone else".
                for other in detail.get("candidates") or []:
                    yield rid, other


def dismissed_pairs(conn: Connection, record_ids: list[str] | None = None) -> set[frozenset[str]]:
    """Pairs a person has said are different people (all of them, or those recorded on ``record_ids``)."""
    return {frozenset(p) for p in _dismissal_rows(conn, record_ids) if p[0] != p[1]}


def mark_not_duplicate(ctx: Ctx, patient_id: str, other_id: str, note: str = "") -> None:
    """Record that two records are different people: the pair is not offered again (here, and at headquarters
    once the audit entry has travelled)."""
    ctx.require(Action.REVIEW_DUPLICATES)
    if patient_id == other_id:
        raise ValidationFailed([field_error("patient_id", "value_error", detail="choose two different records")])
    with ctx.write() as session:
        for pid in (patient_id, other_id):
            if session.get(Patient, pid) is None:
                raise NotFound("patient", "بیمار", pid)
        session.add(AuditEntry(user_id=ctx.user_id, action=NOT_DUPLICATE, entity="patient", record_id=patient_id,
                               detail={"other": other_id, "note": note.strip()[:300]}))


# --- the review list ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicatePair:
    a: PersonRecord
    b: PersonRecord
    points: float
    reasons: tuple[str, ...]
    strong: bool


def read_people(conn: Connection, *, unit_id: str | None = None) -> list[PersonRecord]:
    """Every live, unmerged patient (of one unit, if given) with their documents: a laptop's database or the
    central one (Core statements on the shared table definitions)."""
    p, d = Patient.__table__, IdentityDocument.__table__
    docs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pid, doc_type, number in conn.execute(select(d.c.patient_id, d.c.doc_type, d.c.number).where(
            or_(d.c.deleted == false(), d.c.deleted.is_(None)))):
        docs[pid].append((doc_type, number))
    cols = [p.c[c] for c in (*_NAME_COLS, "sex", "birth_year", "birth_estimated", "phone", "household_id")]
    stmt = select(p.c.id, p.c.code, p.c.registered_unit_id, *cols).where(
        or_(p.c.deleted == false(), p.c.deleted.is_(None)), not_merged(p.c.merged_into_id))
    if unit_id:
        stmt = stmt.where(p.c.registered_unit_id == unit_id)
    out = []
    for row in conn.execute(stmt):
        values = row._asdict()
        out.append(PersonRecord(row.id, row.code, person_of(values, docs.get(row.id, ())), row.registered_unit_id,
                                {c: values[c] or "" for c in _NAME_COLS}))
    return out


@lru_cache(maxsize=131072)
def _pair_blocks(given: tuple[str, ...], father: tuple[str, ...]) -> frozenset[str]:
    # Given + father's name pairs repeat a great deal (Mohammad son of Karim): each is worked out once.
    return frozenset(t[2:] for t in pair_tokens([name_keys(g) for g in given], [name_keys(f) for f in father]))


def _block_keys(person: Person) -> set[str]:
    """The blocks a person is compared in: given + father's name in one key space, a document, a phone. The same
    keys the search index files them under (the incremental review finds a block's members there)."""
    keys = set(_pair_blocks(person.given, person.father))
    keys.update(DOCUMENT + key for _, key in person.documents)
    if person.phone:
        keys.update(PHONE + key for key in phone_search_keys(person.phone))
    return keys


_KNOWN_SEX: Final = frozenset({"male", "female"})


def compatible(a: Person, b: Person) -> bool:
    """Outside a document or phone block, only people who may be of one sex and born within the widest window
    are compared: any other pair lacks the points to be likely without a shared phone or document number (-40 for
    the sex, -25 for the years against at most 70 more), and a shared one puts them in that block."""
    if a.sex in _KNOWN_SEX and b.sex in _KNOWN_SEX and a.sex != b.sex:
        return False
    return not (a.birth_year and b.birth_year and abs(a.birth_year - b.birth_year) > YEAR_WINDOW_ESTIMATED)


def find_pairs(people: list[PersonRecord], *, dismissed: set[frozenset[str]] | None = None,
               limit: int | None = None, across_units_only: bool = False) -> list[DuplicatePair]:
    """Likely duplicate pairs among ``people``, best first. People are compared only within blocks that share a
    key (given + father's name in one key space, a document, a phone) and, inside a block, only with those of the
    same sex born within the widest year window: the work grows with the pairs that could match, not with n²."""
    dismissed = dismissed or set()
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, rec in enumerate(people):
        for key in _block_keys(rec.person):
            blocks[key].append(i)
    seen: set[tuple[int, int]] = set()
    found: list[DuplicatePair] = []
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        strong_key = key.startswith((DOCUMENT, PHONE))
        for i, j in _block_pairs(people, members, strong_key):
            if (i, j) in seen:
                continue
            a, b = people[i], people[j]
            if not strong_key and not compatible(a.person, b.person):
                continue  # a document or phone block they share compares them
            seen.add((i, j))
            if across_units_only and a.unit_id == b.unit_id:
                continue
            if not could_be_likely(a.person, b.person):
                continue  # exact: no names could lift it to a likely pair
            ev = score(a.person, b.person)
            if ev.likely and not (dismissed and frozenset((a.id, b.id)) in dismissed):
                found.append(DuplicatePair(a, b, round(ev.points, 1), tuple(f"{w}:{h}" for w, h in ev.reasons),
                                           ev.strong))
    found.sort(key=lambda p: (not p.strong, -p.points, p.a.code, p.b.code))
    return found[:limit] if limit else found


def _block_pairs(people: list[PersonRecord], members: list[int], strong_key: bool) -> Iterator[tuple[int, int]]:
    if strong_key or len(members) <= 12:
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                yield (i, j) if i < j else (j, i)
        return
    # A big block (a very common name pair): only people born within the year window can be compatible; someone
    # whose year is not known is paired with everyone (``compatible`` then looks at the sex).
    dated = sorted((m for m in members if people[m].person.birth_year),
                   key=lambda m: people[m].person.birth_year or 0)
    for x, i in enumerate(dated):
        yi = people[i].person.birth_year or 0
        for j in dated[x + 1:]:
            if (people[j].person.birth_year or 0) - yi > YEAR_WINDOW_ESTIMATED:
                break
            yield (i, j) if i < j else (j, i)
    undated = [m for m in members if not people[m].person.birth_year]
    for x, i in enumerate(undated):
        for j in dated + undated[x + 1:]:
            yield (i, j) if i < j else (j, i)


@dataclass(frozen=True)
class ReviewRow:
    """One likely pair, ready to show: who, why, and which record to keep by default (the older one)."""

    keep_id: str
    merge_id: str
    keep_code: str
    merge_code: str
    keep_name: str
    merge_name: str
    keep_father: str
    merge_father: str
    keep_year: int
    merge_year: int
    sex: str
    points: float
    reasons: tuple[str, ...]
    strong: bool


def review_rows(pairs: list[DuplicatePair], lang: str) -> list[ReviewRow]:
    rows = []
    for pair in pairs:
        keep, gone = sorted((pair.a, pair.b), key=lambda r: r.code)
        kn, kf = keep.display(lang)
        gn, gf = gone.display(lang)
        rows.append(ReviewRow(keep.id, gone.id, keep.code, gone.code, kn, gn, kf, gf, keep.person.birth_year or 0,
                              gone.person.birth_year or 0, keep.person.sex or "", pair.points, pair.reasons,
                              pair.strong))
    return rows


def duplicate_review(ctx: Ctx, *, limit: int = 500) -> list[ReviewRow]:
    """The unit's likely duplicate pairs (the patients this laptop holds), best first, for the unit administrator
    (or a clinician) to merge or mark as different people."""
    ctx.require(Action.REVIEW_DUPLICATES)
    refresh_review(ctx)  # kept between reviews: only the patients written since are compared
    with ctx.read() as session:
        pairs = stored_pairs(session, limit=limit)
    return review_rows(pairs, ctx.lang)



# --- the review list kept between reviews ------------------------------------------------------------------
# The laptop's duplicates review list, kept between reviews (issue 15): the first review compares everyone (blocks,
# ``duplicates.find_pairs``) and stores every likely pair; later ones compare only the patients written since
# (``app.store.duplicate_review`` records them) with the members of their blocks, found through the search index,
# and keep the other pairs. Both ways compare exactly the same pairs: a pair shares a block, and outside a document
# or phone block is ``compatible`` — nothing depends on a block's size or on anyone else. Dismissals are applied when
# the list is read. The work runs on a read snapshot; only storing the result takes the write lock, and a patient
# written meanwhile stays marked for the next review.

_INDEX_PAIR_KINDS: Final = "acde"  # the kinds search_index.pair_tokens files given + father's name under
_FULL_SHARE: Final = 5  # more than a fifth of the patients changed: comparing everyone is quicker


def _chunk(items: list[Any], size: int = 400) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _index_tokens(keys: set[str]) -> list[str]:
    """The index rows a block's members are filed under (as search_index stores them, cut to MAX_TOKEN)."""
    out = []
    for key in keys:
        if key.startswith((DOCUMENT, PHONE)):
            out.append(key)
        else:
            out.extend(PAIR + kind + key for kind in _INDEX_PAIR_KINDS)
    return list({t[:MAX_TOKEN].replace(TOKEN_SEP, " ") for t in out})


def _block_members(conn: Connection, tokens: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunk(tokens):
        sql = ("SELECT DISTINCT e.patient_id FROM patient_search s CROSS JOIN patient_search_patient e ON e.n = s.n "
               f"WHERE s.token IN ({','.join('?' * len(chunk))})")
        found.update(pid for (pid,) in conn.exec_driver_sql(sql, tuple(chunk)))
    return found


def pairs_of(session: Session, patient_ids: list[str]) -> list[DuplicatePair]:
    """Every likely pair one of ``patient_ids`` makes with anyone, compared exactly as ``find_pairs`` compares."""
    conn = session.connection()
    changed = {r.id: r for chunk in _chunk(patient_ids) for r in _load_people(session, chunk)}
    keys = {pid: _block_keys(r.person) for pid, r in changed.items()}
    members = {pid: _block_members(conn, _index_tokens(k)) - {pid} for pid, k in keys.items()}
    wanted = sorted({m for ms in members.values() for m in ms} - set(changed))
    others: dict[str, PersonRecord] = {r.id: r for chunk in _chunk(wanted) for r in _load_people(session, chunk)}
    people = {**others, **changed}
    found: list[DuplicatePair] = []
    done: set[tuple[str, str]] = set()
    for pid, rec in changed.items():
        for other_id in members[pid]:
            other = people.get(other_id)
            pair = (pid, other_id) if pid < other_id else (other_id, pid)
            if other is None or pair in done:
                continue
            done.add(pair)
            shared = keys[pid] & (keys.get(other_id) or _block_keys(other.person))
            if not shared:
                continue  # the index keys are cut to 100 characters: filed alike, not the same block
            if not any(k.startswith((DOCUMENT, PHONE)) for k in shared) and not compatible(rec.person, other.person):
                continue
            if not could_be_likely(rec.person, other.person):
                continue
            ev = score(rec.person, other.person)
            if ev.likely:
                a, b = (rec, other) if rec.id < other.id else (other, rec)
                found.append(DuplicatePair(a, b, round(ev.points, 1), tuple(f"{w}:{h}" for w, h in ev.reasons),
                                           ev.strong))
    return found


def _rows(pairs: list[DuplicatePair]) -> list[tuple[str, str, float, str, bool]]:
    out = []
    for p in pairs:
        a, b = sorted((p.a.id, p.b.id))
        out.append((a, b, p.points, ",".join(p.reasons)[:300], p.strong))
    return out


def _store_pairs(conn: Connection, pairs: list[DuplicatePair]) -> None:
    rows = _rows(pairs)
    if rows:
        conn.exec_driver_sql(f"INSERT OR REPLACE INTO {PAIRS} (a_id, b_id, points, reasons, strong) "
                             "VALUES (?, ?, ?, ?, ?)", rows)


def _now() -> str:
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")


def refresh_review(ctx: Ctx) -> str:
    """Bring the stored pairs up to date. Returns "full", "changed" or "current" (what it had to do)."""
    with ctx.read() as session:
        conn = session.connection()
        state = conn.exec_driver_sql(f"SELECT complete FROM {STATE} WHERE id = 1").first()
        dirty = dict(conn.exec_driver_sql(f"SELECT patient_id, stamp FROM {DIRTY}").all())
        total = conn.exec_driver_sql("SELECT count(*) FROM patient_search_patient").scalar() or 0
    if state is None or not state[0] or len(dirty) > max(500, total // _FULL_SHARE):
        _full(ctx)
        return "full"
    if not dirty:
        return "current"
    with ctx.read() as session:
        found = pairs_of(session, list(dirty))
    with ctx.write() as session:
        conn = session.connection()
        for chunk in _chunk(list(dirty)):
            marks = ",".join("?" * len(chunk))
            conn.exec_driver_sql(f"DELETE FROM {PAIRS} WHERE a_id IN ({marks}) OR b_id IN ({marks})",
                                 tuple(chunk) * 2)
        _store_pairs(conn, found)
        # Only what was compared: a patient written again meanwhile has a newer stamp and stays for next time.
        conn.exec_driver_sql(f"DELETE FROM {DIRTY} WHERE patient_id = ? AND stamp <= ?", list(dirty.items()))
        conn.exec_driver_sql(f"UPDATE {STATE} SET reviewed_at = ? WHERE id = 1", (_now(),))
    return "changed"


def _full(ctx: Ctx) -> None:
    # From here on every write is recorded, so what changes while everyone is compared is compared again next time.
    with ctx.write() as session:
        conn = session.connection()
        conn.exec_driver_sql(f"INSERT INTO {STATE} (id, reviewed_at, complete, dirty_seq) VALUES (1, ?, 0, 0) "
                             "ON CONFLICT (id) DO UPDATE SET complete = 0", (_now(),))
        conn.exec_driver_sql(f"DELETE FROM {DIRTY}")
        conn.exec_driver_sql(f"DELETE FROM {PAIRS}")
    with ctx.read() as session:
        pairs = find_pairs(read_people(session.connection()))
    with ctx.write() as session:
        conn = session.connection()
        _store_pairs(conn, pairs)
        conn.exec_driver_sql(f"UPDATE {STATE} SET complete = 1, reviewed_at = ? WHERE id = 1", (_now(),))


def stored_pairs(session: Session, *, limit: int | None = None) -> list[DuplicatePair]:
    """The stored pairs (dismissed ones left out), best first, with the two records as they are now."""
    conn = session.connection()
    dismissed = dismissed_pairs(conn)
    rows = [r for r in conn.exec_driver_sql(f"SELECT a_id, b_id, points, reasons, strong FROM {PAIRS}")
            if frozenset((r[0], r[1])) not in dismissed]
    ids = sorted({i for r in rows for i in r[:2]})
    people = {p.id: p for chunk in _chunk(ids) for p in _load_people(session, chunk)}
    out = [DuplicatePair(people[a], people[b], points, tuple(reasons.split(",")) if reasons else (), bool(strong))
           for a, b, points, reasons, strong in rows if a in people and b in people]
    out.sort(key=lambda p: (not p.strong, -p.points, p.a.code, p.b.code))
    return out[:limit] if limit else out


# --- saying why ---------------------------------------------------------------------------------------------------

_WHAT: Final = {
    "given": ("given name", "نام"), "father": ("father's name", "نام پدر"), "family": ("family name", "نام خانوادگی"),
    "sex": ("sex", "جنس"), "birth_year": ("birth year", "سال تولد"), "phone": ("phone", "تلفن"),
    "household": ("household", "خانوار"), "document": ("document", "مدرک"),
}
_HOW: Final = {
    "exact": ("same", "یکسان"), "spacing": ("same, spaced differently", "یکسان با فاصله‌گذاری دیگر"),
    "spelling": ("another spelling", "املای دیگر"), "script": ("same in the other script", "یکسان به خط دیگر"),
    "sound": ("sounds alike", "هم‌آوا"), "same": ("same", "یکسان"), "different": ("different", "متفاوت"),
    "close": ("within 2 years", "با فاصلهٔ حداکثر ۲ سال"),
    "estimated": ("within 5 years (estimated)", "با فاصلهٔ حداکثر ۵ سال (تقریبی)"),
    "far": ("far apart", "با فاصلهٔ زیاد"), "number": ("same number, other type", "همان شماره، نوع دیگر"),
}


def reason_text(reason: str, lang: str = "en") -> str:
    """One "what:how" code of a candidate or pair in words ("given:script" -> "given name: same in the other
    script")."""
    what, _, how = reason.partition(":")
    i = 1 if lang == "fa" else 0
    w = _WHAT.get(what, (what, what))[i]
    h = _HOW.get(how, (how, how))[i]
    return f"{w}: {h}" if how else w


def reasons_text(reasons: Iterable[str], lang: str = "en") -> str:
    return ("، " if lang == "fa" else "; ").join(reason_text(r, lang) for r in reasons)
