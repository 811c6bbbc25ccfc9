"""The consolidated picture: visits per facility this week, reporting completeness, and each device's last data.

Everything is grouped in SQL to a few hundred rows and finished in Python (date -> epi week), so it costs the same on
SQLite and PostgreSQL and never pulls patient rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, func, inspect, select

from app.hq import tables as t
from app.hq.weeks import Week, last_weeks, week_of


@dataclass
class FacilityWeekCount:
    facility_id: str
    facility: str
    facility_fa: str
    unit: str
    visits: int
    new: int
    follow_up: int


def visits_this_week(conn: Connection, week: Week) -> list[FacilityWeekCount]:
    """Per facility (every active one, zero included: a silent facility is news), visits of the week."""
    v = t.visit
    rows = conn.execute(
        select(v.c.facility_id, v.c.visit_type, func.count())
        .where(t.in_range(v.c.visit_date, week.start, week.end), t.live(v))
        .group_by(v.c.facility_id, v.c.visit_type)
    )
    counts: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for fid, vtype, n in rows:
        counts[fid][vtype or "new"] += n
    out = []
    facs = t.facilities(conn)
    for fid, f in facs.items():
        if f.kind == "hospital" and fid not in counts:
            continue  # hospitals receive referrals; units hold no clinics there
        c = counts.get(fid, {})
        out.append(FacilityWeekCount(fid, f.label, f.name_fa, f.unit_code, sum(c.values()), c.get("new", 0),
                                     c.get("follow_up", 0)))
    for fid in counts:
        if fid not in facs:  # records naming a facility the reference data has not brought yet
            c = counts[fid]
            out.append(FacilityWeekCount(fid or "", f"(unknown {fid or 'facility'})", "", "", sum(c.values()),
                                         c.get("new", 0), c.get("follow_up", 0)))
    return out


@dataclass
class Completeness:
    weeks: list[Week]
    facilities: list[t.FacilityInfo]
    counts: dict[str, list[int]]  # facility id -> visits per week, aligned with ``weeks``

    def reported(self, facility_id: str) -> list[bool]:
        return [n > 0 for n in self.counts.get(facility_id, [0] * len(self.weeks))]

    def rate(self, week_index: int) -> float:
        """Share of facilities that sent anything in that week."""
        if not self.facilities:
            return 0.0
        sent = sum(1 for f in self.facilities if self.counts[f.id][week_index] > 0)
        return sent / len(self.facilities)


def completeness(conn: Connection, current: Week, n_weeks: int = 12) -> Completeness:
    """Facility x week matrix of visit counts for the ``n_weeks`` ending with ``current``."""
    weeks = last_weeks(current, n_weeks)
    v = t.visit
    rows = conn.execute(
        select(v.c.facility_id, v.c.visit_date, func.count())
        .where(t.in_range(v.c.visit_date, weeks[0].start, weeks[-1].end), t.live(v))
        .group_by(v.c.facility_id, v.c.visit_date)
    )
    facs = [f for f in t.facilities(conn).values() if f.kind != "hospital"]
    index = {w: i for i, w in enumerate(weeks)}
    counts: dict[str, list[int]] = {f.id: [0] * n_weeks for f in facs}
    for fid, day, n in rows:
        if fid not in counts:
            continue
        counts[fid][index[week_of(t.as_date(day), current.first_weekday)]] += n
    return Completeness(weeks, facs, counts)


# --- devices ---------------------------------------------------------------------------------------------------


@dataclass
class DeviceSyncInfo:
    """What the sync server knows and the record tables do not: supplied by a provider (see ``device_status``)."""

    last_sync_at: datetime | None = None
    last_bundle_at: datetime | None = None
    held_through: int | None = None
    max_seq: int | None = None
    rejected: int = 0

    @property
    def pending(self) -> int | None:
        """Entries the laptop numbered that the server does not hold yet (gaps below its highest sequence)."""
        if self.held_through is None or self.max_seq is None:
            return None
        return max(0, self.max_seq - self.held_through)


class SyncInfoProvider(Protocol):
    def __call__(self, conn: Connection) -> Mapping[str, DeviceSyncInfo]: ...


@dataclass
class DeviceStatus:
    device_id: str
    unit_id: str | None
    unit: str
    last_record_at: datetime | None
    last_hlc: str
    tables: list[str] = field(default_factory=list)  # record tables this device has written to
    sync: DeviceSyncInfo | None = None


_DEVICE_TABLES = ("visit", "surveillance_case", "referral", "patient")


def _device_ids(conn: Connection, table: Any) -> list[str]:
    # A loose index scan (one indexed lookup per device) instead of DISTINCT over millions of rows. The statement is
    # built once and run with a new bound value each time (no statement building per device).
    found: list[str] = []
    q = select(func.min(table.c.device_id)).where(table.c.device_id > bindparam("last"))
    nxt = conn.execute(select(func.min(table.c.device_id)).where(table.c.device_id.is_not(None))).scalar()
    while nxt is not None:
        found.append(nxt)
        nxt = conn.execute(q, {"last": nxt}).scalar()
    return found


def device_status(conn: Connection, provider: SyncInfoProvider | Callable[[Connection], Mapping[str, DeviceSyncInfo]]
                  | None = None) -> list[DeviceStatus]:
    """Per device: newest record (by hybrid clock, the order that survives wrong laptop clocks), its unit, and,
    when ``provider`` is given, the server's view of its last sync / bundle and pending entries.

    ``provider`` is a callable ``conn -> {device_id: DeviceSyncInfo}``; ``server_sync_info`` reads the sync server's
    bookkeeping tables (``app/server/models.py``) and is what the central server should pass.
    """
    units = t.units(conn)
    statuses: dict[str, DeviceStatus] = {}
    for name in _DEVICE_TABLES:
        table = t.T[name]
        # The device's newest record in one indexed lookup (device_id, hlc descending), built once per table.
        newest = (select(table.c.hlc, table.c.created_at, *([table.c.unit_id] if "unit_id" in table.c else []))
                  .where(table.c.device_id == bindparam("dev"), table.c.hlc.is_not(None))
                  .order_by(table.c.hlc.desc()).limit(1))
        for dev in _device_ids(conn, table):
            row = conn.execute(newest, {"dev": dev}).first()
            hlc = (row[0] or "") if row is not None else ""
            st = statuses.get(dev)
            if st is None:
                st = statuses[dev] = DeviceStatus(dev, None, "", None, "")
            if row is not None and hlc > st.last_hlc:
                st.last_hlc = hlc
                st.last_record_at = row[1]
                if len(row) > 2 and row[2]:
                    st.unit_id = row[2]
            st.tables.append(name)  # presence only: exact counts would cost a scan per device
    if any(s.unit_id is None for s in statuses.values()):
        for dev_unit in conn.execute(select(t.visit.c.device_id, t.visit.c.unit_id).where(
                t.visit.c.device_id.in_([d for d, s in statuses.items() if s.unit_id is None])).distinct()):
            statuses[dev_unit[0]].unit_id = dev_unit[1]
    info = provider(conn) if provider is not None else {}
    for dev, st in statuses.items():
        st.unit = units.get(st.unit_id or "", {}).get("code", "")
        st.sync = info.get(dev)
    for dev, extra in info.items():
        if dev not in statuses:  # enrolled and syncing but no records yet
            statuses[dev] = DeviceStatus(dev, None, "", None, "", sync=extra)
    return sorted(statuses.values(), key=lambda s: (s.unit, s.device_id))


def server_sync_info(conn: Connection) -> dict[str, DeviceSyncInfo]:
    """Provider over the sync server's tables (srv_batch, srv_bundle_import, srv_device_epoch, srv_rejected).

    Imported lazily: the server package is optional for headquarters reporting; missing tables give an empty map.
    """
    try:
        from app.server import models as m
    except Exception:  # noqa: BLE001 - any import problem means "no sync bookkeeping here"
        return {}
    names = ("srv_batch", "srv_bundle_import", "srv_device_epoch", "srv_rejected")
    # Checked up front, not by catching errors: a failed statement would abort the caller's PostgreSQL transaction.
    if not all(inspect(conn).has_table(n) for n in names):
        return {}
    out: dict[str, DeviceSyncInfo] = defaultdict(DeviceSyncInfo)
    for dev, at in conn.execute(select(m.batch.c.device_id, func.max(m.batch.c.received_at))
                                .where(~m.batch.c.via.like("bundle:%")).group_by(m.batch.c.device_id)):
        out[dev].last_sync_at = at
    for dev, at in conn.execute(select(m.bundle_import.c.device_id, func.max(m.bundle_import.c.imported_at))
                                .group_by(m.bundle_import.c.device_id)):
        out[dev].last_bundle_at = at
    de = m.device_epoch
    latest = select(de.c.device_id, func.max(de.c.epoch).label("epoch")).group_by(de.c.device_id).subquery()
    for dev, held, top in conn.execute(select(de.c.device_id, de.c.held_through, de.c.max_seq).join(
            latest, (latest.c.device_id == de.c.device_id) & (latest.c.epoch == de.c.epoch))):
        out[dev].held_through, out[dev].max_seq = held, top
    for dev, n in conn.execute(select(m.rejected.c.device_id, func.count()).group_by(m.rejected.c.device_id)):
        out[dev].rejected = n
    return dict(out)
