"""This laptop's sync bookkeeping (never synced itself): its keys and server settings, the conflict list it was
sent, the state shared records were last seen in, and feed records waiting for the record they point at."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, LargeBinary, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class SyncIdentity(Base):
    """One row. The Ed25519 private key lives here, inside the encrypted database, never in a file beside it."""

    __tablename__ = "sync_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signing_key: Mapped[bytes] = mapped_column(LargeBinary)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    server_url: Mapped[str] = mapped_column(String(300), default="")
    token: Mapped[str] = mapped_column(String(200), default="")
    hq_box_public: Mapped[bytes | None] = mapped_column(LargeBinary)
    hq_sign_public: Mapped[bytes | None] = mapped_column(LargeBinary)
    # This laptop's grant key (the keystore's root_public) and headquarters' certificate of it (app.sync.anchor).
    grant_public: Mapped[bytes | None] = mapped_column(LargeBinary)
    grant_cert: Mapped[bytes | None] = mapped_column(LargeBinary)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SyncConflict(Base):
    """A losing value the server kept for review (docs/architecture.md, guarantee 6), as the feed delivered it."""

    __tablename__ = "sync_conflict"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(60))
    kept_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    lost_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    kept_hlc: Mapped[str] = mapped_column(String(40), default="")
    lost_hlc: Mapped[str] = mapped_column(String(40), default="")
    kept_device: Mapped[str] = mapped_column(String(36), default="")
    lost_device: Mapped[str] = mapped_column(String(36), default="")
    # Who made each side: user name, device code, unit code, as the server recorded them (laptop migration 0014).
    kept_user: Mapped[str] = mapped_column(String(60), default="", server_default="")
    lost_user: Mapped[str] = mapped_column(String(60), default="", server_default="")
    kept_laptop: Mapped[str] = mapped_column(String(12), default="", server_default="")
    lost_laptop: Mapped[str] = mapped_column(String(12), default="", server_default="")
    kept_unit: Mapped[str] = mapped_column(String(20), default="", server_default="")
    lost_unit: Mapped[str] = mapped_column(String(20), default="", server_default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolution: Mapped[str] = mapped_column(String(20), default="")
    # A decision taken here and not yet told to the server.
    pending_resolution: Mapped[str] = mapped_column(String(20), default="")


class SyncBase(Base):
    """The last server state of a shared record, so a later local edit can say which fields it changed."""

    __tablename__ = "sync_base"

    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    hlc: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (PrimaryKeyConstraint("entity", "record_id"),)


class SyncParked(Base):
    """A feed record that cannot be stored yet (its parent has not arrived, or it cannot be read); retried on every
    page and shown in the sync status, never dropped."""

    __tablename__ = "sync_parked"

    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    hlc: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # "waiting" (its parent has not arrived), "unreadable: …" (this version cannot read it; retried after an
    # upgrade) or "unique: …" (a number it carries is held here by another record).
    reason: Mapped[str] = mapped_column(String(300), default="waiting", server_default="waiting")

    __table_args__ = (PrimaryKeyConstraint("entity", "record_id"),)
