"""The one writer of synced rows: every change to a synced record is stamped and appended to the change log by
:func:`stamp`, in the same transaction as the record (docs/architecture.md, "Change log").

Two callers share it: the session hook below (every ORM write inside ``Store.write()``) and the bulk loader
(``app.store.bulk``). Any other statement that writes a synced table through the store's connection is refused
loudly (:func:`install_guard`), so no write path can forget its change-log entry. Changes applied from the feed
(``applying_remote``) are stored as the server sent them and not queued again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, event, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session

from app.models import AuditEntry, ChangeLog, DeviceState, SyncBase, SyncMixin, utcnow
from app.models.payload import encode
from app.models.registry import REGISTRY, SyncedEntity, for_model
from app.store.clock import HybridClock
from app.store.immunisation_due import refresh_due
from app.store.search_index import reindex_patients

# Where a connection records which sanctioned writer is at work ("flush", "bulk", "remote", "migration").
_WRITER_KEY = "sayyar.synced_writer"
_STAMPED = ("created_at", "created_by", "device_id", "version", "updated_at", "updated_by", "hlc")


@dataclass
class WriteContext:
    device_id: str
    epoch: int
    clock: HybridClock
    user_id: str | None
    # Set while applying changes that came from elsewhere: they are stored but not queued again.
    applying_remote: bool = False
    touched_patients: set[str] = field(default_factory=set)
    # Children whose immunisation due rows follow from what was written (registry: ``schedules_patient``).
    touched_schedules: set[str] = field(default_factory=set)


class WriteOutsideTransaction(RuntimeError):
    pass


class AuditEntryImmutable(WriteOutsideTransaction):
    """An existing audit entry was changed: the trail is append-only."""


class UnloggedWrite(WriteOutsideTransaction):
    """A statement tried to write a synced table without going through the one writer."""


def stamp(ctx: WriteContext, spec: SyncedEntity, values: dict[str, Any], *, inserting: bool,
          now: datetime) -> dict[str, Any]:
    """Stamp a record's column values (changed in place) and return its change-log row.

    Inserts keep a ``created_at``/``updated_at`` they were given (demo data is back-dated); updates are stamped now.
    """
    if inserting:
        values["created_at"] = values.get("created_at") or now
        values["updated_at"] = values.get("updated_at") or values["created_at"]
        values["created_by"] = values.get("created_by") or ctx.user_id
        values["device_id"] = values.get("device_id") or ctx.device_id
        values["version"] = 1
        op = "insert"
    else:
        values["version"] = (values.get("version") or 0) + 1
        values["updated_at"] = now
        op = "delete" if values.get("deleted") else "update"
    values["updated_by"] = ctx.user_id
    values["hlc"] = ctx.clock.tick()
    return {
        "device_id": ctx.device_id, "epoch": ctx.epoch, "entity": spec.name, "record_id": values["id"], "op": op,
        "payload": encode(spec.table, values), "hlc": values["hlc"], "user_id": ctx.user_id, "created_at": now,
        "state": "queued", "reason": "", "priority": spec.priority, "version": values["version"],
    }


def _fill_defaults(obj: SyncMixin) -> None:
    # Column defaults normally apply during INSERT; the change-log payload needs them now.
    for col in obj.__table__.columns:  # type: ignore[attr-defined]
        if col.key in _STAMPED:
            continue  # stamp() decides these, the same way for every writer
        if getattr(obj, col.key) is None and col.default is not None:
            arg = col.default.arg  # type: ignore[attr-defined]
            setattr(obj, col.key, arg(None) if callable(arg) else arg)


def _stamp_object(obj: SyncMixin, ctx: WriteContext, *, inserting: bool, now: datetime) -> ChangeLog:
    spec = for_model(type(obj))
    if spec is None:
        raise UnloggedWrite(f"{type(obj).__name__} is a synced model without a declaration in app.models.registry")
    if inserting:
        _fill_defaults(obj)
    values = {c.key: getattr(obj, c.key) for c in spec.table.columns}
    row = stamp(ctx, spec, values, inserting=inserting, now=now)
    for key in _STAMPED:
        setattr(obj, key, values[key])
    return ChangeLog(**row)


def _keep_merge_bases(session: Session, changed: list[SyncMixin]) -> None:
    """Before a shared record's first change the server has not yet acknowledged, its stored state (the server's,
    or the last one it acknowledged) becomes the base the upload compares the change with, so that only the fields
    it changed travel as changed (app.sync.outbox). The change log and ``sync_base`` keep no other copy of a record's
    state once everything about it is acknowledged (docs/architecture.md, "Change log")."""
    conn = session.connection()
    cl = ChangeLog.__table__
    sb = SyncBase.__table__
    for obj in changed:
        spec = for_model(type(obj))
        if spec is None or not spec.merges_fields:
            continue
        rid = obj.id
        waiting = conn.execute(select(cl.c.seq).where(cl.c.record_id == rid, cl.c.state != "acked").limit(1)).first()
        if waiting is not None:
            continue  # its earlier unacknowledged entry holds the state this change follows
        row = conn.execute(select(spec.table).where(spec.table.c.id == rid)).mappings().first()
        if row is None:
            continue
        base = {"entity": spec.name, "record_id": rid, "hlc": row["hlc"] or "", "payload": encode(spec.table, dict(row))}
        stmt = sqlite_insert(sb).values(**base)
        conn.execute(stmt.on_conflict_do_update(index_elements=["entity", "record_id"],
                                                set_={"hlc": stmt.excluded.hlc, "payload": stmt.excluded.payload}))


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
    info = session.connection().info
    if info.get(_WRITER_KEY) is None:
        info[_WRITER_KEY] = "flush"
        session.info["flush_sanctioned"] = True
    if not ctx.applying_remote:
        # The audit trail is append-only: an entry, once written, is never changed or tombstoned, so nobody can
        # quietly rewrite who viewed or printed a record.
        for obj in session.dirty:
            if isinstance(obj, AuditEntry) and session.is_modified(obj, include_collections=False):
                raise AuditEntryImmutable("audit entries are append-only: add a new entry instead of changing one")
        now = utcnow()
        _keep_merge_bases(session, [o for o in session.dirty if isinstance(o, SyncMixin)
                                    and session.is_modified(o, include_collections=False)])
        entries = [_stamp_object(o, ctx, inserting=True, now=now) for o in list(session.new)
                   if isinstance(o, SyncMixin)]
        entries += [_stamp_object(o, ctx, inserting=False, now=now) for o in list(session.dirty)
                    if isinstance(o, SyncMixin) and session.is_modified(o, include_collections=False)]
        session.add_all(entries)
        if entries:
            session.connection().execute(update(DeviceState.__table__).values(last_hlc=ctx.clock.last))
    for obj in synced:
        spec = for_model(type(obj))
        if spec is not None and spec.indexes_patient:
            ctx.touched_patients.add(getattr(obj, spec.indexes_patient) or "")
        if spec is not None and spec.schedules_patient:
            ctx.touched_schedules.add(getattr(obj, spec.schedules_patient) or "")


def _after_flush(session: Session, flush_context: Any) -> None:
    ctx: WriteContext | None = session.info.get("write")
    if ctx is None:
        return
    if ctx.touched_patients:
        ids = {i for i in ctx.touched_patients if i}
        ctx.touched_patients.clear()
        reindex_patients(session.connection(), ids)
    if ctx.touched_schedules:
        ids = {i for i in ctx.touched_schedules if i}
        ctx.touched_schedules.clear()
        refresh_due(session.connection(), ids)


def _after_flush_postexec(session: Session, flush_context: Any) -> None:
    # The flush is over: from here on a Core statement on a synced table is refused again.
    if session.info.pop("flush_sanctioned", False):
        session.connection().info.pop(_WRITER_KEY, None)


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
    event.listen(session_class, "after_flush_postexec", _after_flush_postexec)


# -- the guard -----------------------------------------------------------------------------------------------------

_WRITE_TARGET = re.compile(
    r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"?(\w+)"?',
    re.IGNORECASE)


def install_guard(engine: Engine) -> None:
    """Refuse any statement that writes a synced table unless one of the sanctioned writers is at work."""

    @event.listens_for(engine, "before_cursor_execute")
    def _guard(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        match = _WRITE_TARGET.match(statement)
        if match is None or match.group(1) not in REGISTRY:
            return
        if conn.info.get(_WRITER_KEY) is None:
            table = match.group(1)
            if table == AuditEntry.__tablename__:
                raise AuditEntryImmutable("audit entries are append-only: add a new entry instead of changing one")
            raise UnloggedWrite(
                f"{table} is a synced table: write it through Store.write() (ORM objects) or the bulk loader, "
                "which stamp each record and log its change in the same transaction")

    @event.listens_for(engine, "checkin")
    def _reset(dbapi_conn: Any, record: Any) -> None:
        record.info.pop(_WRITER_KEY, None)


@contextmanager
def sanctioned(conn: Connection, writer: str) -> Iterator[None]:
    """Let ``writer`` ("bulk", "remote", "migration") write synced tables on ``conn`` for the duration."""
    previous = conn.info.get(_WRITER_KEY)
    conn.info[_WRITER_KEY] = writer
    try:
        yield
    finally:
        if previous is None:
            conn.info.pop(_WRITER_KEY, None)
        else:
            conn.info[_WRITER_KEY] = previous
