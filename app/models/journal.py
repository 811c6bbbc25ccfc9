"""The change log (outbox), this laptop's sync identity, and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, SyncMixin, UTCDateTime


class ChangeLog(Base):
    """One entry per local write, committed in the same transaction as the record (docs/architecture.md, guarantee 2)."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_state", "state", "seq"), {"sqlite_autoincrement": True})

    # AUTOINCREMENT: a sequence number is never reused, even after the newest entries are gone.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(36))
    epoch: Mapped[int] = mapped_column(Integer, default=1)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(10))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    hlc: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # queued -> sent -> acked; quarantined (with reason) when the server rejects it.
    state: Mapped[str] = mapped_column(String(12), default="queued")
    reason: Mapped[str] = mapped_column(Text, default="")
    # The server's rejection code (app.sync.protocol.RejectionCode): whether the laptop can repair the entry itself.
    reject_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    # The record's version this entry made: kept when an acknowledged entry's payload is compacted (for the audit).
    version: Mapped[int | None] = mapped_column(Integer)


class ChangeLogArchive(Base):
    """Acknowledged change-log entries, packed: one row holds up to ``app.sync.outbox.ARCHIVE_BLOCK`` of them.

    Once the server has acknowledged an entry the record itself holds its state, so what is kept is what idempotency
    and the audit need: sequence, epoch, entity, record id, operation, version, clock stamp, user and time of each
    entry, column by column in one zlib-compressed JSON document (``app.sync.outbox.archived_entries`` reads it back).
    Never synced; docs/architecture.md, "Change log".
    """

    __tablename__ = "change_log_archive"

    first_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)
    entries: Mapped[int] = mapped_column(Integer)
    # entity -> how many of the block's entries (the Sync panel's counts, without unpacking)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DeviceState(Base):
    """This laptop's sync identity: one row."""

    __tablename__ = "device_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    device_code: Mapped[str] = mapped_column(String(12))
    epoch: Mapped[int] = mapped_column(Integer, default=1)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    last_hlc: Mapped[str] = mapped_column(String(40), default="")
    next_patient_number: Mapped[int] = mapped_column(Integer, default=1)
    next_household_number: Mapped[int] = mapped_column(Integer, default=1)
    next_referral_number: Mapped[int] = mapped_column(Integer, default=1)
    acked_seq: Mapped[int] = mapped_column(Integer, default=0)
    feed_cursor: Mapped[str] = mapped_column(String(60), default="")
    # Server time minus this laptop's wall clock, learnt at each sync: stamps follow the server's clock.
    clock_offset_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class AuditEntry(SyncMixin, Base):
    """Who created, changed, viewed, printed or exported which record. Append-only; travels with sync."""

    __tablename__ = "audit_entry"

    user_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_record", "entity", "record_id"),)
