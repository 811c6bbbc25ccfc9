"""The alert desk's list: every unresolved alert, whatever its week, a page at a time.

Order: alerts overdue for verification (raised over 24 hours ago, still unverified) first, oldest first; then every
other unresolved alert, oldest first. Counts per status come from the same filter, so the page can say how many
there are and each one is on some page (no window hides one: issue 17).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, and_, case, func, select

from app.hq.alerts import OPEN_STATUSES, Alert
from app.hq.models import hq_alert

VERIFY_WITHIN = timedelta(hours=24)


@dataclass(frozen=True)
class DeskCounts:
    by_status: dict[str, int]  # every open status, zero included
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def _where(unit_id: str | None, status: str | None) -> list:  # type: ignore[type-arg]
    a = hq_alert.c
    out = [a.status == status] if status else [a.status.in_(OPEN_STATUSES)]
    if unit_id:
        out.append(a.unit_id == unit_id)
    return out


def overdue(now: datetime):  # type: ignore[no-untyped-def]
    """Raised over 24 hours ago and not yet verified (or discarded)."""
    return and_(hq_alert.c.status == "raised", hq_alert.c.raised_at < now - VERIFY_WITHIN)


def desk_counts(conn: Connection, *, now: datetime, unit_id: str | None = None) -> DeskCounts:
    a = hq_alert.c
    by_status = {s: 0 for s in OPEN_STATUSES}
    late = func.sum(case((overdue(now), 1), else_=0))
    n_late = 0
    for status, n, late_n in conn.execute(select(a.status, func.count(), late).where(*_where(unit_id, None))
                                          .group_by(a.status)):
        by_status[status] = int(n)
        n_late += int(late_n or 0)
    return DeskCounts(by_status, n_late)


def desk_alerts(conn: Connection, *, now: datetime, offset: int, limit: int, unit_id: str | None = None,
                status: str | None = None) -> list[Alert]:
    """One page of the desk, in the desk's order (the id breaks ties, so pages never overlap)."""
    a = hq_alert.c
    q = (select(hq_alert).where(*_where(unit_id, status))
         .order_by(case((overdue(now), 0), else_=1), a.raised_at, a.id).offset(offset).limit(limit))
    return [Alert.from_row(r) for r in conn.execute(q)]


def week_alert_count(conn: Connection, *, since: date) -> int:
    """How many alerts the weeks from ``since`` on have, whatever their status."""
    q = select(func.count()).select_from(hq_alert).where(hq_alert.c.week_start >= since.isoformat())
    return int(conn.execute(q).scalar() or 0)


def week_alerts(conn: Connection, *, since: date, offset: int, limit: int) -> list[Alert]:
    """The surveillance page's alerts of the weeks from ``since`` on, whatever their status, a page of them: the
    open ones first, newest week first."""
    a = hq_alert.c
    q = (select(hq_alert).where(a.week_start >= since.isoformat())
         .order_by(case((a.status.in_(OPEN_STATUSES), 0), else_=1), a.week_start.desc(), a.disease, a.id)
         .offset(offset).limit(limit))
    return [Alert.from_row(r) for r in conn.execute(q)]


def earlier_open(conn: Connection, *, before: date, limit: int) -> tuple[int, list[Alert]]:
    """Alerts still open from weeks before ``before``: how many, and the most recently raised of them (a late
    bundle's alerts first). Every one of them is on the alert desk."""
    a = hq_alert.c
    where = [a.status.in_(OPEN_STATUSES), a.week_start < before.isoformat()]
    total = conn.execute(select(func.count()).select_from(hq_alert).where(*where)).scalar() or 0
    q = select(hq_alert).where(*where).order_by(a.raised_at.desc(), a.id).limit(limit)
    return int(total), [Alert.from_row(r) for r in conn.execute(q)]


__all__ = ["VERIFY_WITHIN", "DeskCounts", "desk_alerts", "desk_counts", "earlier_open", "overdue", "week_alert_count", "week_alerts"]
