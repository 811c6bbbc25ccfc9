"""What the sync status bar and panel show: counts of the change log (outbox) by state and entity, read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.models import ChangeLog, DeviceState, SyncIdentity
from app.services.context import Ctx

STATES = ("queued", "sent", "acked", "quarantined")


@dataclass(frozen=True)
class QuarantinedChange:
    seq: int
    entity: str
    record_id: str
    reason: str


@dataclass
class SyncStatus:
    by_state: dict[str, int] = field(default_factory=dict)
    by_entity: dict[str, dict[str, int]] = field(default_factory=dict)  # entity -> state -> count
    quarantined: list[QuarantinedChange] = field(default_factory=list)
    acked_seq: int = 0
    last_success_at: datetime | None = None
    last_error: str = ""
    enrolled: bool = False

    @property
    def queued(self) -> int:
        return self.by_state.get("queued", 0)


def queued_count(ctx: Ctx) -> int:
    """The status bar's number: changes made here that no server or bundle has taken yet."""
    with ctx.read() as session:
        return session.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.state == "queued")) or 0


def _last_round(session, status: SyncStatus) -> None:  # type: ignore[no-untyped-def]
    ident = session.get(SyncIdentity, 1)
    if ident is not None:
        status.last_success_at, status.last_error = ident.last_success_at, ident.last_error or ""
        status.enrolled = bool(ident.server_url and ident.token)


def sync_summary(ctx: Ctx) -> SyncStatus:
    """For the status bar, refreshed every few seconds: counts per state only, read from the (state, seq) index
    alone, so it stays cheap with a million entries in the log (no per-entity breakdown, no quarantine list)."""
    with ctx.read() as session:
        status = SyncStatus()
        for state in STATES:
            status.by_state[state] = session.scalar(
                select(func.count()).select_from(ChangeLog).where(ChangeLog.state == state)) or 0
        _last_round(session, status)
        return status


def sync_status(ctx: Ctx, *, quarantine_limit: int = 200) -> SyncStatus:
    with ctx.read() as session:
        status = SyncStatus()
        rows = session.execute(select(ChangeLog.entity, ChangeLog.state, func.count())
                               .group_by(ChangeLog.entity, ChangeLog.state)).all()
        for entity, state, count in rows:
            status.by_entity.setdefault(entity, {})[state] = count
            status.by_state[state] = status.by_state.get(state, 0) + count
        status.quarantined = [QuarantinedChange(seq, entity, record_id, reason) for seq, entity, record_id, reason in
                              session.execute(select(ChangeLog.seq, ChangeLog.entity, ChangeLog.record_id,
                                                     ChangeLog.reason).where(ChangeLog.state == "quarantined")
                                              .order_by(ChangeLog.seq).limit(quarantine_limit))]
        device = session.get(DeviceState, 1)
        status.acked_seq = device.acked_seq if device else 0
        _last_round(session, status)
        return status
