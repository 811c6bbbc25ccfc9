"""Insurance follow-up at headquarters: enrolments by payer, and cover running out soon, per unit, for renewal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, case, func, select

from app.hq import tables as t


@dataclass
class PayerRow:
    unit: str
    payer: str
    enrolments: int
    members: int
    active: int


def enrolments_by_payer(conn: Connection, *, today: date, unit_id: str | None = None) -> list[PayerRow]:
    """Per unit and payer: enrolments, people covered (members), and enrolments whose cover is running today;
    ``unit_id``: that unit's only (a coordinator sees their own unit)."""
    e, m = t.enrolment, t.enrolment_member
    members = (select(m.c.enrolment_id, func.count().label("n")).where(t.live(m))
               .group_by(m.c.enrolment_id).subquery())
    running = (e.c.coverage_start <= today) & (e.c.coverage_end >= today) & (
        func.coalesce(e.c.status, "active") == "active")
    active = func.sum(case((running, 1), else_=0))
    q = (select(func.coalesce(e.c.unit_id, ""), e.c.payer, func.count(), func.coalesce(func.sum(members.c.n), 0),
                active)
         .select_from(e.outerjoin(members, members.c.enrolment_id == e.c.id)).where(t.live(e))
         .group_by(e.c.unit_id, e.c.payer))
    if unit_id:
        q = q.where(e.c.unit_id == unit_id)
    units = t.units(conn)
    out = [PayerRow(units.get(u, {}).get("code", "") or "(no unit)", payer or "", n, int(mem or 0), int(act or 0))
           for u, payer, n, mem, act in conn.execute(q)]
    return sorted(out, key=lambda r: (r.unit, r.payer))


def _expiring_where(today: date, days: int, unit_id: str | None) -> list[Any]:
    e = t.enrolment
    where = [t.live(e), func.coalesce(e.c.status, "active") == "active", e.c.coverage_end >= today,
             e.c.coverage_end <= today + timedelta(days=days)]
    return where + [e.c.unit_id == unit_id] if unit_id else where


def count_expiring(conn: Connection, *, today: date, days: int = 30, unit_id: str | None = None) -> int:
    """How many active enrolments' cover ends within ``days`` days (what the renewal list's pages add up to)."""
    q = select(func.count()).select_from(t.enrolment).where(*_expiring_where(today, days, unit_id))
    return int(conn.execute(q).scalar() or 0)


def expiring(conn: Connection, *, today: date, days: int = 30, unit_id: str | None = None, limit: int | None = None,
             offset: int = 0) -> list[dict[str, Any]]:
    """Active enrolments whose cover ends within ``days`` days (inclusive), soonest first: the renewal list (a page
    of it with ``limit`` and ``offset``).

    The household head's name and phone are included: this list is for staff who call families to renew, and it
    stays inside the role-checked screens (headquarters and the unit's coordinator).
    """
    e, p, h = t.enrolment, t.patient, t.household
    q = (select(e.c.id, e.c.unit_id, e.c.payer, e.c.scheme, e.c.coverage_end, e.c.voucher_number, p.c.code,
                p.c.given_name_latin, p.c.father_name_latin, p.c.given_name_fa, func.coalesce(p.c.phone, h.c.phone),
                h.c.code)
         .select_from(e.outerjoin(p, p.c.id == e.c.head_patient_id).outerjoin(h, h.c.id == e.c.household_id))
         .where(*_expiring_where(today, days, unit_id))
         .order_by(e.c.coverage_end, e.c.id).limit(limit).offset(offset or None))
    units = t.units(conn)
    return [{"enrolment_id": r[0], "unit": units.get(r[1] or "", {}).get("code", ""), "payer": r[2], "scheme": r[3],
             "coverage_end": t.as_date(r[4]), "days_left": (t.as_date(r[4]) - today).days, "voucher": r[5] or "",
             "head_code": r[6] or "", "head_name": " ".join(x for x in (r[7], r[8]) if x), "head_name_fa": r[9] or "",
             "phone": r[10] or "", "household": r[11] or ""} for r in conn.execute(q)]
