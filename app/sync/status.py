"""What the Sync panel shows: counts by state, quarantined entries with reasons, last success and error, open
conflicts, and each record's own state (docs/architecture.md, guarantee 8). Plain data; no Qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select

from app.models import AuditEntry, ChangeLog, DeviceState, SyncConflict, SyncIdentity, SyncParked
from app.security.roles import Action
from app.store import Store
from app.sync import outbox
from app.sync.records import column_value

STATES = ("queued", "sent", "acked", "quarantined")


@dataclass(frozen=True)
class QuarantinedEntry:
    seq: int
    entity: str
    record_id: str
    op: str
    reason: str


@dataclass(frozen=True)
class ConflictRow:
    id: str
    entity: str
    record_id: str
    field: str
    kept_value: Any
    lost_value: Any
    status: str


@dataclass(frozen=True)
class SyncStatus:
    counts: dict[str, int]
    epoch: int
    acked_seq: int
    feed_cursor: str
    server_url: str
    enrolled: bool
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    open_conflicts: int
    parked: int
    unreadable: int = 0  # of the parked: records this version cannot read (retried after an upgrade)

    @property
    def pending(self) -> int:
        return self.counts.get("queued", 0) + self.counts.get("sent", 0)

    @property
    def queued(self) -> int:
        return self.counts.get("queued", 0)


def sync_status(store: Store) -> SyncStatus:
    with store.read() as s:
        counts = {state: 0 for state in STATES}
        for state, n in s.execute(select(ChangeLog.state, func.count()).group_by(ChangeLog.state)):
            counts[state] = int(n)
        counts["acked"] = counts.get("acked", 0) + sum(outbox.archived_counts(s).values())
        dev = s.get(DeviceState, 1)
        ident = s.get(SyncIdentity, 1)
        open_conflicts = int(s.scalar(select(func.count()).select_from(SyncConflict).where(
            SyncConflict.status == "open")) or 0)
        parked = int(s.scalar(select(func.count()).select_from(SyncParked)) or 0)
        unreadable = int(s.scalar(select(func.count()).select_from(SyncParked).where(
            SyncParked.reason.like("unreadable%"))) or 0)
        return SyncStatus(
            counts=counts, epoch=dev.epoch if dev else 1, acked_seq=dev.acked_seq if dev else 0,
            feed_cursor=dev.feed_cursor if dev else "", server_url=ident.server_url if ident else "",
            enrolled=bool(ident and ident.token), last_attempt_at=ident.last_attempt_at if ident else None,
            last_success_at=ident.last_success_at if ident else None, last_error=ident.last_error if ident else "",
            last_error_at=ident.last_error_at if ident else None, open_conflicts=open_conflicts, parked=parked,
            unreadable=unreadable,
        )


def counts_by_entity(store: Store) -> dict[str, dict[str, int]]:
    """entity -> state -> number of change-log entries, for the Sync panel's table."""
    out: dict[str, dict[str, int]] = {}
    with store.read() as s:
        for entity, state, n in s.execute(select(ChangeLog.entity, ChangeLog.state, func.count())
                                          .group_by(ChangeLog.entity, ChangeLog.state)):
            out.setdefault(entity, {})[state] = int(n)
        for entity, n in outbox.archived_counts(s).items():
            by_state = out.setdefault(entity, {})
            by_state["acked"] = by_state.get("acked", 0) + n
    return out


def quarantined_entries(store: Store, *, limit: int = 500) -> list[QuarantinedEntry]:
    with store.read() as s:
        rows = s.execute(select(ChangeLog.seq, ChangeLog.entity, ChangeLog.record_id, ChangeLog.op, ChangeLog.reason)
                         .where(ChangeLog.state == "quarantined").order_by(ChangeLog.seq).limit(limit))
        return [QuarantinedEntry(*r) for r in rows]


@dataclass(frozen=True)
class ParkedRecord:
    entity: str
    record_id: str
    reason: str


def parked_records(store: Store, *, limit: int = 500) -> list[ParkedRecord]:
    """Feed records kept aside, with why (waiting for a parent, unreadable by this version, a number held here)."""
    with store.read() as s:
        rows = s.execute(select(SyncParked.entity, SyncParked.record_id, SyncParked.reason)
                         .order_by(SyncParked.reason, SyncParked.entity).limit(limit))
        return [ParkedRecord(*r) for r in rows]


def record_state(store: Store, entity: str, record_id: str) -> str | None:
    """The state of the newest change to one record ("queued", "sent", "acked", "quarantined"), or None."""
    with store.read() as s:
        live = s.scalar(select(ChangeLog.state).where(ChangeLog.entity == entity, ChangeLog.record_id == record_id)
                        .order_by(ChangeLog.seq.desc()).limit(1))
        if live is not None:
            return str(live)
        packed = [e for e in outbox.archived_entries(s, record_id) if e.entity == entity]
        return "acked" if packed else None


def conflicts(store: Store, *, status: str = "open") -> list[ConflictRow]:
    with store.read() as s:
        rows = s.scalars(select(SyncConflict).where(SyncConflict.status == status).order_by(SyncConflict.record_id))
        return [ConflictRow(c.id, c.entity, c.record_id, c.field, c.kept_value, c.lost_value, c.status) for c in rows]


@dataclass(frozen=True)
class ConflictForReview:
    """One conflict as a person reviews it: which record (its code), which field, the value kept and the one that
    lost, and for each when it was made (from its clock stamp), by whom, on which laptop of which unit (as the
    server recorded them; "" when it did not know), and whether that laptop is this one."""

    id: str
    entity: str
    record_id: str
    record_label: str
    field: str
    kept_value: Any
    lost_value: Any
    kept_at: datetime | None
    lost_at: datetime | None
    kept_device: str
    lost_device: str
    status: str
    resolution: str
    kept_user: str = ""
    lost_user: str = ""
    kept_laptop: str = ""
    lost_laptop: str = ""
    kept_unit: str = ""
    lost_unit: str = ""
    kept_here: bool = False
    lost_here: bool = False


def _stamp_time(stamp: str) -> datetime | None:
    from app.store.clock import parse_hlc

    try:
        ms = parse_hlc(stamp)[0]
    except (ValueError, TypeError):
        return None
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc) if ms else None


def conflicts_for_review(store: Store, *, status: str = "open", limit: int = 500) -> list[ConflictForReview]:
    from app.models import SYNCED_MODELS

    out = []
    store.refresh_device()
    here = store.device.device_id

    def made_here(node: str, code: str) -> bool:  # a stamp's node is the start of the device id that made it
        return bool(code == store.device.device_code if code else node and here.startswith(node))

    with store.read() as s:
        rows = list(s.scalars(select(SyncConflict).where(SyncConflict.status == status)
                              .order_by(SyncConflict.kept_hlc.desc()).limit(limit)))
        for c in rows:
            label = c.record_id[:8]
            model = SYNCED_MODELS.get(c.entity)
            record = s.get(model, c.record_id) if model is not None else None
            code = getattr(record, "code", None)
            if code:
                label = str(code)
            out.append(ConflictForReview(c.id, c.entity, c.record_id, label, c.field, c.kept_value, c.lost_value,
                                         _stamp_time(c.kept_hlc), _stamp_time(c.lost_hlc), c.kept_device,
                                         c.lost_device, c.status, c.resolution, c.kept_user, c.lost_user,
                                         c.kept_laptop, c.lost_laptop, c.kept_unit, c.lost_unit,
                                         made_here(c.kept_device, c.kept_laptop),
                                         made_here(c.lost_device, c.lost_laptop)))
    return out


def resolve_conflict(ctx: Any, conflict_id: str, *, restore_lost: bool) -> None:
    """A person's decision on a conflict. Restoring the lost value is an ordinary edit (newer stamp, so it wins
    everywhere after sync); the decision itself goes to the server on the next round."""
    ctx.require(Action.RESOLVE_CONFLICTS)
    from app.models import SYNCED_MODELS

    with ctx.store.write(ctx.user_id) as s:
        row = s.get(SyncConflict, conflict_id)
        if row is None:
            raise KeyError(conflict_id)
        if restore_lost and row.entity in SYNCED_MODELS:
            model = SYNCED_MODELS[row.entity]
            record = s.get(model, row.record_id)
            column = model.__table__.columns.get(row.field)  # type: ignore[attr-defined]
            if record is not None and column is not None:
                # The lost value is in payload form (dates as text): back to the column's Python type.
                value = row.lost_value if row.lost_value is None else column_value(column.type, row.lost_value)
                setattr(record, row.field, value)
                s.add(AuditEntry(user_id=ctx.user_id, action="changed", entity=row.entity, record_id=row.record_id,
                                 detail={"restored_lost_value": row.field, "conflict": row.id}))
        if not restore_lost:
            # Keeping the merged value changes no record, yet it is a decision on a patient's data: audited too.
            s.add(AuditEntry(user_id=ctx.user_id, action="conflict_kept", entity=row.entity, record_id=row.record_id,
                             detail={"kept_value_of": row.field, "conflict": row.id}))
        row.status = "resolved"
        row.resolution = "restored_lost" if restore_lost else "kept"
        row.pending_resolution = row.resolution
