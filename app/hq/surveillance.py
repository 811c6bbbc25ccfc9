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
    case_ids: tuple[str, ...] = ()  # only these cases (an alert's)


def _filtered(q: Any, query: LineListQuery) -> Any:
    c = t.case_t
    ed = t.epi_date(c)
    q = q.where(t.live(c))
    if query.since:
        q = q.where(ed >= query.since)
    if query.until:
        q = q.where(ed <= query.until)
    if query.diseases:
        q = q.where(c.c.disease.in_(query.diseases))
    if query.case_ids:
        q = q.where(c.c.id.in_(query.case_ids))
    if not query.include_discarded:
        q = q.where(func.coalesce(c.c.classification, "") != "discarded")
    return q


def count_cases(conn: Connection, query: LineListQuery) -> int:
    """How many cases the line list of ``query`` holds (what a page of it is out of)."""
    return int(conn.execute(_filtered(select(func.count()).select_from(t.case_t), query)).scalar() or 0)


def epi_curves(conn: Connection, weeks: list[Any]) -> dict[str, list[int]]:
    """Cases per disease and epi week over ``weeks`` (consecutive, oldest first), discarded cases not counted:
    counted in SQL over every case, however many (``{disease: [count per week]}``, diseases with cases only)."""
    c = t.case_t
    ed = t.epi_date(c)
    q = _filtered(select(c.c.disease, ed, func.count()).select_from(c),
                  LineListQuery(since=weeks[0].start, until=weeks[-1].last_day, include_discarded=False))
    out: dict[str, list[int]] = {}
    for disease, epi, n in conn.execute(q.group_by(c.c.disease, ed)):
        index = (t.as_date(epi) - weeks[0].start).days // 7
        out.setdefault(disease, [0] * len(weeks))[index] += int(n)
    return out


def line_list(conn: Connection, query: LineListQuery, *, identities: bool = False, first_weekday: int = 0,
              limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    from app.hq.weeks import week_of

    c, p = t.case_t, t.patient
    ed = t.epi_date(c)
    age = t.age_expr(c.c.reported_date, p.c.date_of_birth, p.c.birth_year)
    cols = [c.c.id, c.c.disease, c.c.icd10, c.c.classification, c.c.onset_date, c.c.reported_date, c.c.facility_id,
            c.c.unit_id, age.label("age"), p.c.sex, p.c.nationality, p.c.legal_status, c.c.immediate]
    if identities:
        cols += [p.c.code, p.c.given_name_latin, p.c.father_name_latin, p.c.family_name_latin, p.c.given_name_fa,
                 p.c.father_name_fa, p.c.phone, c.c.patient_id]
    q = _filtered(select(*cols).select_from(c.outerjoin(p, p.c.id == c.c.patient_id)), query)
    q = q.order_by(ed.desc(), c.c.disease, c.c.id)
    if limit:
        q = q.limit(limit)
    if offset:
        q = q.offset(offset)
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


MALARIA_COLUMNS = (*BASE_COLUMNS, "species", "tests", "investigated_on", "travelled", "places", "origin",
                   "contacts_tested", "contacts_positive")


def test_results(conn: Connection, case_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Live test results of these cases, oldest first: ``{case_id: [{test, subtype, outcome, result_date, lab}]}``."""
    r = t.T["test_result"]
    out: dict[str, list[dict[str, Any]]] = {}
    ids = sorted(set(case_ids))
    for i in range(0, len(ids), 500):
        q = (select(r.c.case_id, r.c.test, r.c.subtype, r.c.outcome, r.c.result_date, r.c.sample_date, r.c.lab,
                    r.c.applied)
             .where(r.c.case_id.in_(ids[i:i + 500]), t.live(r)).order_by(r.c.result_date, r.c.id))
        for row in conn.execute(q):
            out.setdefault(row.case_id, []).append({
                "test": row.test, "subtype": row.subtype or "", "outcome": row.outcome,
                "result_date": t.as_date(row.result_date) if row.result_date else None,
                "sample_date": t.as_date(row.sample_date) if row.sample_date else None,
                "lab": row.lab or "", "applied": row.applied or ""})
    return out


def investigations(conn: Connection, case_ids: list[str]) -> dict[str, dict[str, Any]]:
    inv = t.T["case_investigation"]
    out: dict[str, dict[str, Any]] = {}
    ids = sorted(set(case_ids))
    for i in range(0, len(ids), 500):
        for row in conn.execute(select(inv).where(inv.c.case_id.in_(ids[i:i + 500]), t.live(inv))).mappings():
            out[row["case_id"]] = dict(row)
    return out


def _places(places: Any) -> str:
    parts = []
    for p in places or []:
        where = " / ".join(x for x in (p.get("country", ""), p.get("province", "")) if x)
        when = " – ".join(x for x in (p.get("arrived", ""), p.get("left", "")) if x)
        parts.append(f"{where} ({when})" if when else where)
    return "; ".join(parts)


def malaria_line_list(conn: Connection, query: LineListQuery, *, identities: bool = False, first_weekday: int = 0,
                      limit: int | None = None) -> list[dict[str, Any]]:
    """The malaria line list of an elimination programme: every case with its species (from the tests), its tests,
    and the case investigation (travel in the last 30 days, where, imported / indigenous / introduced, household
    contacts tested). A case not yet investigated shows empty investigation columns: that is the work list."""
    q = LineListQuery(since=query.since, until=query.until, diseases=("malaria",),
                      include_discarded=query.include_discarded)
    rows = line_list(conn, q, identities=identities, first_weekday=first_weekday, limit=limit)
    ids = [r["case_id"] for r in rows]
    tests = test_results(conn, ids)
    invs = investigations(conn, ids)
    for row in rows:
        results = tests.get(row["case_id"], [])
        species = [x["subtype"] for x in results if x["outcome"] == "positive" and x["subtype"]]
        row["species"] = species[-1] if species else ""
        row["tests"] = "; ".join(
            f"{x['test']} {x['outcome']}{' ' + x['subtype'] if x['subtype'] else ''}"
            f"{' ' + x['result_date'].isoformat() if x['result_date'] else ''}" for x in results)
        inv = invs.get(row["case_id"])
        row["investigated_on"] = t.as_date(inv["investigated_on"]) if inv and inv["investigated_on"] else None
        row["travelled"] = "" if inv is None or inv["travelled"] is None else ("yes" if inv["travelled"] else "no")
        row["places"] = _places(inv["places"]) if inv else ""
        row["origin"] = inv["origin"] if inv else ""
        row["contacts_tested"] = inv["contacts_tested"] if inv else None
        row["contacts_positive"] = inv["contacts_positive"] if inv else None
    return rows
