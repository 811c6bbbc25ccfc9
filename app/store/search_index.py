"""Keeps the local patient search index (table ``patient_search``) in step with patients and their documents.

One row per (token, patient). A token is a two-character kind, then a key: which kinds exist, and what each key is
made from, is defined here and nowhere else (the ORM write path, sync apply and the bulk loader all call
``patient_tokens``). Kinds, by what they find:

    a1 a2 a3   a word of the given name / father's name / other names (grandfather, family), search-normalised
    b1 b2 b3   the same names with spaces removed, and the parts of names written as one word (عبدالله: عبد, الله)
    c1 c2 c3   tolerant keys: Latin phonetic keys; usual Persian spellings where they differ from what was written
    d1 d2 d3   Persian-script names as the Latin phonetic key of their usual romanisation (the curated table)
    e1 e2 e3   consonant skeletons, the same for both scripts
    f1 … h3    the c, d and e keys of the parts of a compound (محمدرضا: those of محمد and رضا), kept apart so that
               the search ranks such a part below a name that is the part itself (محمد before محمدرضا for Mohammad)
    Pa Pc Pd Pe   given name + "|" + father's name, both without spaces, as plain / tolerant / cross / skeleton keys
    #          patient code (whole, without separators, and its serial number);  n  phone;  x  document

A cross-script key equal to the record's own tolerant key of the same field is not stored twice (every look-up of
a cross key reads the tolerant rows first), and a phone is stored once, in its national form: a typed phone is
brought to that form instead (app.core.identifiers.phone_query_keys).

Each name row (kinds a to h: one name field's keys) ends in YEAR_MARK and one character that encodes the patient's
birth year, sex and estimated flag (``year_code``), year-major: a key's rows are ordered by birth year, so that a
typed year reads the namesakes born in it, then those within two and five years, as a few narrow ranges instead of
every namesake (app.services.search_steps), and the search scores a row from its token without reading the patient.
The pairs (P), codes, phones and documents carry no year: the duplicate check's blocks read those, on the laptop and
at headquarters alike (app.services.duplicates), and stay one row per key.

Tables: ``patient_search`` (token, n), clustered by token, and ``patient_search_patient`` (n, patient id, the
patient's tokens). The small local number n instead of the 36-character id in every token row, and the token list
kept once per patient instead of a second index ordered by patient, make the index about a quarter of its first
size (bench/bench_find_person.py prints it). The index is local and never synced: it is rebuilt from the records it
describes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import Connection, select

from app.core.identifiers import document_key, phone_search_keys
from app.core.name_keys import NameKeys, name_keys
from app.core.persian import normalize_for_search, search_tokens
from app.models import IdentityDocument, Patient
from app.models.lookup import in_json
from app.store.duplicate_review import mark_changed

GIVEN, FATHER, OTHER = "1", "2", "3"
FIELDS: Final = {
    "given_name_fa": GIVEN, "given_name_latin": GIVEN, "father_name_fa": FATHER, "father_name_latin": FATHER,
    "grandfather_name_fa": OTHER, "grandfather_name_latin": OTHER, "family_name_fa": OTHER, "family_name_latin": OTHER,
}
NAME_FIELDS: Final = tuple(FIELDS)
YEAR_FIELDS: Final = ("sex", "birth_year", "birth_estimated")
PLAIN, COMPOUND, TOLERANT, CROSS, SKELETON = "a", "b", "c", "d", "e"
PART_TOLERANT, PART_CROSS, PART_SKELETON = "f", "g", "h"
PART_OF: Final = {TOLERANT: PART_TOLERANT, CROSS: PART_CROSS, SKELETON: PART_SKELETON}
PAIR: Final = "P"
SEP: Final = "|"
CODE, PHONE, DOCUMENT = "#", "n", "x"
MAX_TOKEN: Final = 100
# Bump when what the tokens are made from changes, with a migration that rebuilds the index of older files
# (app/store/migrations/versions: 0008 made version 3, 0015 version 4, the compound parts' own kinds, 0018 version 5,
# the birth year at the end of the name rows).
INDEX_VERSION: Final = 5
TOKENS: Final = "patient_search"
ENTRIES: Final = "patient_search_patient"
TOKEN_SEP: Final = "\n"
NAME_KINDS: Final = frozenset({PLAIN, COMPOUND, TOLERANT, CROSS, SKELETON, PART_TOLERANT, PART_CROSS, PART_SKELETON})
# Sorts before every character a key holds, so a key's year rows come before any longer key's ([k, k + _TOP) is still
# the prefix range of k, and the rows of k itself are [k + YEAR_MARK, k + YEAR_MARK + _TOP)).
YEAR_MARK: Final = "\x1f"
# Birth years are filed as slots 1..YEAR_SLOTS from YEAR_FIRST (0: no year); a year beyond either end is filed at
# that end, where it is "far" from any year a query can type (1900 ..), as it was. Each slot holds 3 sexes x
# estimated or not: one character between U+0100 and U+05FF, two bytes in UTF-8, whose order is the slots' order.
YEAR_FIRST, YEAR_SLOTS = 1880, 200
_CODE_BASE: Final = 0x100
_SEXES: Final = ("female", "male")  # index 2: any other (unknown): no sex points


def year_slot(year: int | None) -> int:
    if not year:
        return 0
    return min(max(year - YEAR_FIRST + 1, 1), YEAR_SLOTS)


def slot_code(slot: int, sex: int = 0, estimated: int = 0) -> str:
    return chr(_CODE_BASE + (slot * 3 + sex) * 2 + estimated)


def year_code(year: int | None, sex: str | None, estimated: bool | None) -> str:
    """The character a name row ends with (after YEAR_MARK): birth year, then sex, then estimated or not."""
    return slot_code(year_slot(year), _SEXES.index(sex) if sex in _SEXES else 2, 1 if estimated else 0)


def slot_range(first: int, last: int) -> tuple[str, str]:
    """The [lo, hi) code characters of year slots first..last (every sex, estimated or not)."""
    return slot_code(first), slot_code(last + 1)


def decode_year(code: str) -> tuple[int | None, str | None, bool]:
    """(birth year, sex, estimated) from a name row's year character; a year filed at an end of the slots (see
    ``year_clipped``) comes back as that end's."""
    slot, rest = divmod(ord(code) - _CODE_BASE, 6)
    sex, estimated = divmod(rest, 2)
    return (slot + YEAR_FIRST - 1 if slot else None), (_SEXES[sex] if sex < 2 else None), bool(estimated)


def year_clipped(code: str) -> bool:
    """Whether the year character may stand for a year beyond the slots (the record's own year says which)."""
    return (ord(code) - _CODE_BASE) // 6 in (1, YEAR_SLOTS)


def compact(text: str) -> str:
    """Letters and digits only: how codes, phones and document numbers are typed in many ways."""
    # The normal form holds letters, digits and single spaces only; the character walk is for anything else.
    joined = normalize_for_search(text).replace(" ", "")
    return joined if joined.isalnum() or not joined else "".join(ch for ch in joined if ch.isalnum())


def _name_rows(keys: NameKeys, field: str) -> set[str]:
    out = {PLAIN + field + w for w in keys.words}
    if len(keys.words) > 1:
        out.add(COMPOUND + field + keys.compact)
    words = set(keys.words)
    # A part is filed as written only where it is written so (reza in Alireza); one the segmentation respelled
    # (mohamad in Mohammadreza, اسماعیل in محمداسمعیل) is filed among the part's spelling keys below, so that
    # Mohamad finds Mohammadreza as a spelling, not as the very letters typed.
    written = [p for p in keys.parts if p in keys.compact]
    out.update(COMPOUND + field + p for p in written if p not in words)
    # Tolerant keys equal to a plain word or a part are not repeated: a tolerant look-up reads those rows as well.
    plain = words | {keys.compact, *written}
    whole = {TOLERANT: (keys.tolerant, *keys.tolerant_words), CROSS: (keys.cross, *keys.cross_words),
             SKELETON: (keys.skeleton, *keys.skeleton_words)}
    parts = {TOLERANT: keys.tolerant_parts, CROSS: keys.cross_parts, SKELETON: keys.skeleton_parts}
    for kind in (TOLERANT, CROSS, SKELETON):
        own = {k for k in whole[kind] if k and not (kind == TOLERANT and k in words | {keys.compact})}
        out.update(kind + field + k for k in own)
        # A part's key that is also the whole name's or a word's is filed once, as the better of the two.
        out.update(PART_OF[kind] + field + k for k in parts[kind]
                   if k and k not in own and not (kind == TOLERANT and k in plain))
    return out


def _latin_space(keys: NameKeys) -> str:
    return keys.tolerant if keys.script == "latin" else keys.cross


def pair_tokens(given: list[NameKeys], father: list[NameKeys]) -> set[str]:
    """Given name + father's name in each key space (every script combination the record offers)."""
    out: set[str] = set()
    for g in given:
        for f in father:
            if not (g and f):
                continue
            if g.script == f.script:
                out.add(PAIR + PLAIN + g.compact + SEP + f.compact)
                if g.tolerant + SEP + f.tolerant != g.compact + SEP + f.compact:
                    out.add(PAIR + TOLERANT + g.tolerant + SEP + f.tolerant)
            gl, fl = _latin_space(g), _latin_space(f)
            if gl and fl and (g.script == "fa" or f.script == "fa"):
                out.add(PAIR + CROSS + gl + SEP + fl)
            if g.skeleton and f.skeleton:
                out.add(PAIR + SKELETON + g.skeleton + SEP + f.skeleton)
    # A cross pair that equals the record's own Latin pair finds nothing new.
    return {t for t in out if not (t[1] == CROSS and PAIR + TOLERANT + t[2:] in out)}


@lru_cache(maxsize=65536)
def _cached_name_rows(name: str, field: str) -> frozenset[str]:
    # Names repeat a great deal (Mohammad, Fatemeh...): each distinct one is worked out once.
    return frozenset(_name_rows(name_keys(name), field))


def patient_tokens(names: Mapping[str, Any], code: str, phone: str, doc_numbers: Iterable[str]) -> set[str]:
    """Every index token of one patient. ``names`` holds the name fields (NAME_FIELDS; missing = empty) and the
    patient's sex, birth_year and birth_estimated (YEAR_FIELDS), which end each name row."""
    tokens: set[str] = set()
    for name_field, field in FIELDS.items():
        value = names.get(name_field) or ""
        if value:
            tokens |= _cached_name_rows(value, field)
    # The record's Latin name already files this key as a spelling key (of the name, or of a part): a look-up of the
    # cross key reads the spelling rows first, and finds the patient there at a better rank.
    spelled = {t[1:] for t in tokens if t[0] in (TOLERANT, PART_TOLERANT)}
    tokens = {t for t in tokens if not (t[0] in (CROSS, PART_CROSS) and t[1:] in spelled)
              and not (t[0] == PART_CROSS and CROSS + t[1:] in tokens)}
    given = [name_keys(names.get(f) or "") for f in ("given_name_fa", "given_name_latin")]
    father = [name_keys(names.get(f) or "") for f in ("father_name_fa", "father_name_latin")]
    tokens |= pair_tokens(given, father)
    whole = compact(code)
    tokens.add(CODE + whole)
    # The serial number alone (000123); the device part and the check digit are found as the start of the whole.
    tokens.update(CODE + k for k in map(compact, search_tokens(code)) if len(k) > 1 and not whole.startswith(k))
    tokens.update(PHONE + p for p in phone_search_keys(phone))
    for number in doc_numbers:
        key = document_key(number)
        if key:
            tokens.add(DOCUMENT + key)
    year = YEAR_MARK + year_code(names.get("birth_year"), names.get("sex"), names.get("birth_estimated"))
    return {t[:MAX_TOKEN].replace(TOKEN_SEP, " ") + (year if t[0] in NAME_KINDS else "") for t in tokens
            if len(t) > 2 or t[0] in (CODE, PHONE, DOCUMENT) and len(t) > 1}


def patient_key_columns(names: Mapping[str, str]) -> dict[str, str]:
    """The tolerant keys kept on the patient record itself (given_key_fa …): what older laptops and headquarters'
    reports compare. One function for the ORM path and the bulk loader."""
    return {
        "given_key_fa": name_keys(names.get("given_name_fa") or "").tolerant[:100],
        "father_key_fa": name_keys(names.get("father_name_fa") or "").tolerant[:100],
        "given_key_latin": name_keys(names.get("given_name_latin") or "").tolerant[:100],
        "father_key_latin": name_keys(names.get("father_name_latin") or "").tolerant[:100],
    }


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def store_tokens(conn: Connection, tokens: Mapping[str, set[str] | None], *, review: bool = True) -> None:
    """Make the index hold exactly ``tokens[pid]`` for each patient named (None: the patient leaves the index).
    Only the rows that changed are written; a patient new to the index is given the next number. ``review``: the
    duplicates review compares these patients again (a record was written; its household, for one, is no token)."""
    ids = list(tokens)
    if review:
        mark_changed(conn, ids)
    old: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for pid, n, stored in conn.exec_driver_sql(
                f"SELECT patient_id, n, tokens FROM {ENTRIES} WHERE patient_id IN ({marks})", tuple(chunk)):
            old[pid] = (n, stored)
    next_n = None
    removed: list[tuple[str, int]] = []
    added: list[tuple[str, int]] = []
    new_entries: list[tuple[int, str, str]] = []
    changed: list[tuple[str, int]] = []
    gone: list[tuple[int]] = []
    for pid in ids:
        wanted = tokens[pid]
        n, stored = old.get(pid, (None, ""))
        before = set(stored.split(TOKEN_SEP)) if stored else set()
        if wanted is None:
            if n is not None:
                removed += [(t, n) for t in before]
                gone.append((n,))
            continue
        if n is None:
            if next_n is None:
                next_n = (conn.exec_driver_sql(f"SELECT max(n) FROM {ENTRIES}").scalar() or 0) + 1
            n, next_n = next_n, next_n + 1
            new_entries.append((n, pid, TOKEN_SEP.join(sorted(wanted))))
        elif wanted != before:
            changed.append((TOKEN_SEP.join(sorted(wanted)), n))
        else:
            continue
        removed += [(t, n) for t in before - wanted]
        added += [(t, n) for t in wanted - before]
    if removed:
        conn.exec_driver_sql(f"DELETE FROM {TOKENS} WHERE token = ? AND n = ?", removed)
    if gone:
        conn.exec_driver_sql(f"DELETE FROM {ENTRIES} WHERE n = ?", gone)
    if changed:
        conn.exec_driver_sql(f"UPDATE {ENTRIES} SET tokens = ? WHERE n = ?", changed)
    if new_entries:
        conn.exec_driver_sql(f"INSERT INTO {ENTRIES} (n, patient_id, tokens) VALUES (?, ?, ?)", new_entries)
    if added:
        added.sort()
        conn.exec_driver_sql(f"INSERT INTO {TOKENS} (token, n) VALUES (?, ?)", added)


def index_tokens(conn: Connection, patient_id: str) -> set[str]:
    """The tokens the index holds for one patient (empty if none)."""
    stored = conn.exec_driver_sql(f"SELECT tokens FROM {ENTRIES} WHERE patient_id = ?", (patient_id,)).scalar()
    return set(stored.split(TOKEN_SEP)) if stored else set()


def reindex_patients(conn: Connection, patient_ids: Iterable[str], *, review: bool = True) -> None:
    ids = list(dict.fromkeys(patient_ids))
    if not ids:
        return
    pt = Patient.__table__
    dt = IdentityDocument.__table__
    for chunk in _chunks(ids):
        docs: dict[str, list[str]] = {}
        for pid, number in conn.execute(
            select(dt.c.patient_id, dt.c.number).where(in_json(dt.c.patient_id, chunk), dt.c.deleted.is_(False))
        ):
            docs.setdefault(pid, []).append(number)
        wanted: dict[str, set[str] | None] = dict.fromkeys(chunk)
        cols = [pt.c[f] for f in (*NAME_FIELDS, *YEAR_FIELDS)]
        for row in conn.execute(
            select(pt.c.id, pt.c.code, pt.c.phone, pt.c.deleted, pt.c.merged_into_id, *cols).where(in_json(pt.c.id, chunk))
        ):
            if row.deleted or row.merged_into_id:
                continue  # merged-away and deleted patients are found through the record that replaced them
            names = {f: getattr(row, f) for f in (*NAME_FIELDS, *YEAR_FIELDS)}
            wanted[row.id] = patient_tokens(names, row.code, row.phone, docs.get(row.id, []))
        store_tokens(conn, wanted, review=review)


def rebuild_index(conn: Connection, *, batch: int = 2000, review: bool = True) -> int:
    """Recompute every patient's tokens (after the token scheme changed). Returns the number of patients.
    ``review``: mark every patient for the duplicates review (not needed when the blocks' tokens did not change)."""
    conn.exec_driver_sql(f"DELETE FROM {TOKENS}")
    conn.exec_driver_sql(f"DELETE FROM {ENTRIES}")
    pt = Patient.__table__
    ids = list(conn.execute(select(pt.c.id).order_by(pt.c.id)).scalars())
    for start in range(0, len(ids), batch):
        reindex_patients(conn, ids[start:start + batch], review=review)
    return len(ids)
