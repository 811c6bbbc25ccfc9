"""Declarative base and the fields every synchronised record carries (DESIGN.md, sync guarantee 1)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names keep Alembic batch migrations on SQLite predictable.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite has no time zones and laptops run in Asia/Tehran or Asia/Kabul."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SyncMixin:
    """Identity, provenance and versioning for records that travel between laptops and the server."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))
    updated_by: Mapped[str | None] = mapped_column(String(36))
    device_id: Mapped[str | None] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer, default=0)
    hlc: Mapped[str | None] = mapped_column(String(40))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    # Set by subclasses: "owned" records belong to the creating device (corrections are new versions);
    # "shared" records merge field by field by clock stamp (DESIGN.md, sync guarantee 6).
    __sync_policy__ = "owned"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _scalar_default(col: Any) -> Any:
    default = col.default
    if default is None or callable(default.arg):
        return None
    return default.arg


def compact_payload(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    """A record's full state as JSON-ready values: what a change-log entry carries.

    Compact: values equal to the column's declared default (None, "", False, 0...) are left out; ``expand_payload``
    restores them. At a million visits this halves the change log. The id and clock stamp always stay in.
    """
    out: dict[str, Any] = {}
    for col in table.columns:
        value = row.get(col.key)
        if col.key not in ("id", "hlc") and (
            value is None or (value == _scalar_default(col) and not isinstance(value, (list, dict)))
        ):
            continue
        out[col.key] = _json_value(value)
    return out


def to_payload(obj: Any) -> dict[str, Any]:
    return compact_payload(obj.__table__, {c.key: getattr(obj, c.key) for c in obj.__table__.columns})


def expand_payload(table: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Every column's value from a compact payload (dates and times stay ISO text, as JSON carries them)."""
    return {col.key: payload[col.key] if col.key in payload else _scalar_default(col) for col in table.columns}
