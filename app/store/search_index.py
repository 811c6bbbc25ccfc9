"""Keeps the local patient search index (table ``patient_search``) in step with patients and their documents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import Connection, delete, insert, select

from app.core.persian import normalize_for_search, search_tokens, to_ascii_digits
from app.models import IdentityDocument, Patient, PatientSearchToken

_NAME_FIELDS = (
    "given_name_fa", "given_name_latin", "father_name_fa", "father_name_latin",
    "grandfather_name_fa", "grandfather_name_latin", "family_name_fa", "family_name_latin",
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def compact(text: str) -> str:
    """Letters and digits only: how codes, phones and document numbers are typed in many ways."""
    return _NON_ALNUM.sub("", normalize_for_search(text))


def phone_tokens(phone: str) -> set[str]:
    digits = re.sub(r"\D", "", to_ascii_digits(phone or ""))
    if not digits:
        return set()
    out = {digits}
    if digits.startswith("98") and len(digits) == 12:  # +98 912... is the same line as 0912...
        out.add("0" + digits[2:])
    if digits.startswith("0"):
        out.add(digits[1:])
    return out


@lru_cache(maxsize=65536)
def _name_tokens(name: str) -> tuple[str, ...]:
    # Names repeat a great deal (Mohammad, Fatemeh...): normalising each distinct one once makes bulk indexing cheap.
    return tuple(search_tokens(name))


def patient_tokens(names: dict[str, str], code: str, phone: str, doc_numbers: Iterable[str]) -> set[str]:
    tokens: set[str] = set()
    for field in _NAME_FIELDS:
        tokens.update(_name_tokens(names.get(field) or ""))
    tokens.update(search_tokens(code))
    tokens.add(compact(code))
    tokens |= phone_tokens(phone)
    for number in doc_numbers:
        tokens.add(compact(number))
        tokens.update(search_tokens(number))
    return {t[:100] for t in tokens if t}


def reindex_patients(conn: Connection, patient_ids: Iterable[str]) -> None:
    ids = list(dict.fromkeys(patient_ids))
    if not ids:
        return
    pt = Patient.__table__
    dt = IdentityDocument.__table__
    st = PatientSearchToken.__table__
    docs: dict[str, list[str]] = {}
    rows: list[dict[str, str]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for pid, number in conn.execute(
            select(dt.c.patient_id, dt.c.number).where(dt.c.patient_id.in_(chunk), dt.c.deleted.is_(False))
        ):
            docs.setdefault(pid, []).append(number)
        conn.execute(delete(st).where(st.c.patient_id.in_(chunk)))
        cols = [pt.c[f] for f in _NAME_FIELDS]
        for row in conn.execute(
            select(pt.c.id, pt.c.code, pt.c.phone, pt.c.deleted, pt.c.merged_into_id, *cols).where(pt.c.id.in_(chunk))
        ):
            if row.deleted or row.merged_into_id:
                continue  # merged-away and deleted patients are found through the record that replaced them
            names = {f: getattr(row, f) for f in _NAME_FIELDS}
            for token in patient_tokens(names, row.code, row.phone, docs.get(row.id, [])):
                rows.append({"token": token, "patient_id": row.id})
    if rows:
        conn.execute(insert(st), rows)
