"""Change capture: every flushed change to a synchronised record is stamped and appended to the change log.

Hooking the session (rather than asking each service to remember) is what makes "a record and its change-log entry
are committed together or not at all" hold for every write path (DESIGN.md, guarantee 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import ORMExecuteState, Session

from app.models import AuditEntry, ChangeLog, DeviceState, IdentityDocument, Patient, SyncMixin, to_payload, utcnow
from app.store.clock import HybridClock
from app.store.search_index import reindex_patients

# Notifiable cases go to the server ahead of routine records (sync issue: "sends notifiable cases first").
PRIORITY = {"surveillance_case": 1}


@dataclass
class WriteContext:
    device_id: str
    epoch: int
    clock: HybridClock
    user_id: str | None
    # Set while applying changes that came from elsewhere: they are stored but not queued again.
    applying_remote: bool = False
    touched_patients: set[str] = field(default_factory=set)


class WriteOutsideTransaction(RuntimeError):
    pass


class AuditEntryImmutable(WriteOutsideTransaction):
    """An existing audit entry was changed: the trail is append-only (issue 6)."""


def _fill_defaults(obj: SyncMixin) -> None:
    # Column defaults normally apply during INSERT; the change-log payload needs them now.
    for col in obj.__table__.columns:  # type: ignore[attr-defined]
        if getattr(obj, col.key) is None and col.default is not None:
            arg = col.default.arg  # type: ignore[attr-defined]
            setattr(obj, col.key, arg(None) if callable(arg) else arg)


def _stamp(obj: SyncMixin, ctx: WriteContext, *, inserting: bool) -> ChangeLog:
    now = utcnow()
    if inserting:
        _fill_defaults(obj)
        obj.created_at = obj.created_at or now
        obj.created_by = obj.created_by or ctx.user_id
        obj.device_id = obj.device_id or ctx.device_id
        obj.version = 1
        op = "insert"
    else:
        obj.version = (obj.version or 0) + 1
        op = "delete" if obj.deleted else "update"
    obj.updated_at = now
    obj.updated_by = ctx.user_id
    obj.hlc = ctx.clock.tick()
    table = obj.__tablename__  # type: ignore[attr-defined]
    return ChangeLog(
        device_id=ctx.device_id, epoch=ctx.epoch, entity=table, record_id=obj.id, op=op,
        payload=to_payload(obj), hlc=obj.hlc, user_id=ctx.user_id, created_at=now, state="queued",
        priority=PRIORITY.get(table, 0),
    )


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    ctx: WriteContext | None = session.info.get("write")
    synced = [o for o in (*session.new, *session.dirty, *session.deleted) if isinstance(o, SyncMixin)]
    if not synced:
        return
    if ctx is None:
        raise WriteOutsideTransaction("records are written only through Store.write()")
    for obj in session.deleted:
        if isinstance(obj, SyncMixin):
            raise WriteOutsideTransaction("records are never deleted: set deleted=True (a tombstone) instead")
    if not ctx.applying_remote:
        # The audit trail is append-only on the laptop: an entry, once written, is never changed or tombstoned
        # here, so nobody can quietly rewrite who viewed or printed a record. (Entries arriving by sync are
        # the sync apply path's to check; refusing them here would block a whole feed page.)
        for obj in session.dirty:
            if isinstance(obj, AuditEntry) and session.is_modified(obj, include_collections=False):
                raise AuditEntryImmutable("audit entries are append-only: add a new entry instead of changing one")
        entries = []
        for obj in list(session.new):
            if isinstance(obj, SyncMixin):
                entries.append(_stamp(obj, ctx, inserting=True))
        for obj in list(session.dirty):
            if isinstance(obj, SyncMixin) and session.is_modified(obj, include_collections=False):
                entries.append(_stamp(obj, ctx, inserting=False))
        session.add_all(entries)
        if entries:
            session.connection().execute(update(DeviceState.__table__).values(last_hlc=ctx.clock.last))
    for obj in synced:
        if isinstance(obj, Patient):
            ctx.touched_patients.add(obj.id)
        elif isinstance(obj, IdentityDocument):
            ctx.touched_patients.add(obj.patient_id or (obj.patient.id if obj.patient else ""))


def _after_flush(session: Session, flush_context: Any) -> None:
    ctx: WriteContext | None = session.info.get("write")
    if ctx is None or not ctx.touched_patients:
        return
    ids = {i for i in ctx.touched_patients if i}
    ctx.touched_patients.clear()
    reindex_patients(session.connection(), ids)


def _refuse_audit_statements(state: ORMExecuteState) -> None:
    # The same append-only rule for UPDATE/DELETE statements run through a session, which skip before_flush.
    ctx: WriteContext | None = state.session.info.get("write")
    if (state.is_update or state.is_delete) and not (ctx and ctx.applying_remote) and any(
            m.class_ is AuditEntry for m in state.all_mappers):
        raise AuditEntryImmutable("audit entries are append-only: add a new entry instead of changing one")


def install(session_class: type[Session]) -> None:
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "do_orm_execute", _refuse_audit_statements)
    event.listen(session_class, "after_flush", _after_flush)
