"""Reading the audit trail: who created, changed, viewed, printed or merged which record (docs/architecture.md, "Trust
rules"). The entries themselves are written by the services that act; this module only reads them.

Rows are plain data (no ORM objects) so the UI, the command line and the reports can show or export them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from app.models import AuditEntry, User
from app.security.roles import Action
from app.services.context import Ctx
from app.services.errors import ValidationFailed, field_error

ACTIONS = ("created", "changed", "viewed", "printed", "merged", "exported")
MAX_LIMIT = 5000


@dataclass(frozen=True)
class AuditRow:
    entry_id: str
    at: datetime  # the acting laptop's clock: may be wrong; rows are ordered by the hybrid clock stamp instead
    user_id: str | None
    username: str
    user_name: str  # full name in the reader's language; "" if the user is unknown here
    action: str
    entity: str
    record_id: str
    device_id: str | None
    detail: dict[str, Any] = field(default_factory=dict)


def audit_trail(ctx: Ctx, *, entity: str | None = None, record_id: str | None = None, user_id: str | None = None,
                action: str | None = None, since: datetime | None = None, limit: int = 500) -> list[AuditRow]:
    """Newest first. Filters combine (AND). ``since`` is compared with the time the entry was made."""
    ctx.require(Action.VIEW_AUDIT)
    if action is not None and action not in ACTIONS:
        raise ValidationFailed([field_error("action", "literal_error", expected=", ".join(ACTIONS))])
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed([field_error("limit", "less_than_equal", le=MAX_LIMIT)])
    stmt = select(AuditEntry, User).outerjoin(User, User.id == AuditEntry.user_id).where(AuditEntry.deleted.is_(False))
    if entity is not None:
        stmt = stmt.where(AuditEntry.entity == entity)
    if record_id is not None:
        stmt = stmt.where(AuditEntry.record_id == record_id)
    if user_id is not None:
        stmt = stmt.where(AuditEntry.user_id == user_id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    if since is not None:
        stmt = stmt.where(AuditEntry.created_at >= (since if since.tzinfo else since.replace(tzinfo=timezone.utc)))
    # Laptop clocks are wrong (docs/architecture.md, guarantee 9): the hybrid logical clock orders entries across devices.
    stmt = stmt.order_by(AuditEntry.hlc.desc(), AuditEntry.created_at.desc(), AuditEntry.id).limit(limit)
    with ctx.read() as session:
        rows = []
        for entry, user in session.execute(stmt).tuples():
            name = ""
            if user is not None:
                name = (user.full_name_fa or user.full_name_en) if ctx.lang == "fa" else \
                    (user.full_name_en or user.full_name_fa)
            rows.append(AuditRow(
                entry_id=entry.id, at=entry.created_at, user_id=entry.user_id,
                username=user.username if user is not None else "", user_name=name, action=entry.action,
                entity=entry.entity, record_id=entry.record_id, device_id=entry.device_id,
                detail=dict(entry.detail or {}),
            ))
        return rows
