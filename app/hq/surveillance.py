"""Line list of notifiable cases: one row per case, without identities unless asked for (and allowed: see exports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from app.hq import tables as t

BASE_COLUMNS = ("case_id", "disease", "icd10", "classification", "onset_date", "reported_date", "epi_week",
                "facility_code", "facility", "facility_fa", "district", "unit", "age", "age_band", "sex",
                "nationality", "legal_status", "immediate")
# Identities: what can expose a person (names, documents, phone). Legal status alone is aggregate-safe, but an
# "undocumented" status next to a name is exactly the risk (docs/architecture.md, "Domain facts"), so a list with these columns is
# headquarters-only and audited as a whole.
IDENTITY_COLUMNS = ("patient_code", "given_name", "father_name", "family_name", "given_name_fa", "father_name_fa",
                    "phone", "document")


@dataclass(frozen=True)
class LineListQuery:
    """Cases whose epi date (onset, else the reported date) is from ``since`` to ``until``, both included."""

    since: date | None = None
    until: date | None = None  # inclusive: "to 4 Dec" means 4 Dec is in
    diseases: tuple[str, ...] = ()
    include_discarded: bool = True


def line_list(conn: Connection, query: LineListQuery, *, identities: bool = False, first_weekday: int = 0,
              limit: int | None = None) -> list[dict[str, Any]]:
    from app.hq.weeks import week_of

    c, p = t.case_t, t.patient
    ed = t.epi_date(c)
    age = t.age_expr(c.c.reported_date, p.c.date_of_birth, p.c.birth_year)
    cols = [c.c.id, c.c.disease, c.c.icd10, c.c.classification, c.c.onset_date, c.c.reported_date, c.c.facility_id,
            c.c.unit_id, age.label("age"), p.c.sex, p.c.nationality, p.c.legal_status, c.c.immediate]
    if identities:
        cols += [p.c.code, p.c.given_name_latin, p.c.father_name_latin, p.c.family_name_latin, p.c.given_name_fa,
                 p.c.father_name_fa, p.c.phone, c.c.patient_id]
    q = select(*cols).select_from(c.outerjoin(p, p.c.id == c.c.patient_id)).where(t.live(c))
    if query.since:
        q = q.where(ed >= query.since)
    if query.until:
        q = q.where(ed <= query.until)
    if query.diseases:
        q = q.where(c.c.disease.in_(query.diseases))
    if not query.include_discarded:
        q = q.where(func.coalesce(c.c.classification, "") != "discarded")
    q = q.order_by(ed.desc(), c.c.disease, c.c.id)
    if limit:
        q = q.limit(limit)
    facs = t.facilities(conn)
    units = t.units(conn)
    rows = conn.execute(q).all()
    docs = _documents(conn, [r.patient_id for r in rows]) if identities else {}
    out = []
    for r in rows:
        f = facs.get(r.facility_id or "")
        onset = t.as_date(r.onset_date) if r.onset_date else None
        reported = t.as_date(r.reported_date) if r.reported_date else None
        epi = onset or reported
        row: dict[str, Any] = {
            "case_id": r.id, "disease": r.disease, "icd10": r.icd10, "classification": r.classification,
            "onset_date": onset, "reported_date": reported,
            "epi_week": week_of(epi, first_weekday).label if epi else "",
            "facility_code": f.code if f else "", "facility": f.label if f else "",
            "facility_fa": f.name_fa if f else "",
            "district": f.district_en if f else "", "unit": units.get(r.unit_id or "", {}).get("code", ""),
            "age": int(r.age) if r.age is not None else None,
            "age_band": _band(r.age), "sex": r.sex or "unknown", "nationality": r.nationality or "",
            "legal_status": r.legal_status or "", "immediate": bool(r.immediate),
        }
        if identities:
            row.update({"patient_code": r.code or "", "given_name": r.given_name_latin or "",
                        "father_name": r.father_name_latin or "", "family_name": r.family_name_latin or "",
                        "given_name_fa": r.given_name_fa or "", "father_name_fa": r.father_name_fa or "",
                        "phone": r.phone or "", "document": docs.get(r.patient_id, "")})
        out.append(row)
    return out


def _band(age: Any) -> str:
    if age is None:
        return "unknown"
    from app.core.dates import age_band

    return age_band(max(0, int(age)))


def _documents(conn: Connection, patient_ids: list[str]) -> dict[str, str]:
    d = t.identity_document
    out: dict[str, str] = {}
    ids = sorted({i for i in patient_ids if i})
    for i in range(0, len(ids), 500):
        for pid, kind, number in conn.execute(select(d.c.patient_id, d.c.doc_type, d.c.number)
                                              .where(d.c.patient_id.in_(ids[i:i + 500]), t.live(d))):
            out.setdefault(pid, f"{kind}:{number}")
    return out
