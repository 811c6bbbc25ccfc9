"""Who is asking, what they may export, and the audit row every export leaves on the central database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, insert

from app.hq.models import hq_audit
from app.security.roles import Action, Role, can


class NotAllowed(PermissionError):
    pass


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    unit_id: str | None = None  # coordinators and unit staff see their own unit only
    lang: str = "en"  # the language of the pages for this account (hq_staff.language)

    @property
    def is_hq(self) -> bool:
        return self.role == Role.HEADQUARTERS


def require(actor: Actor, action: Action) -> None:
    if not can(actor.role, action):
        what = {
            Action.EXPORT_IDENTITIES: "export names, documents or phone numbers (headquarters only)",
            Action.VIEW_SURVEILLANCE: "see and act on surveillance alerts (headquarters only)",
            Action.VIEW_UNIT_REPORTS: "see reports (coordinators, unit administrators and headquarters)",
        }.get(action, action.value)
        raise NotAllowed(f"A {actor.role} may not {what}.")


def audit(conn: Connection, actor: Actor, action: str, what: str, rows: int, *, identities: bool = False,
          detail: dict[str, Any] | None = None) -> None:
    """One row per export: who, when, what, how many rows, and whether identities left the building."""
    conn.execute(insert(hq_audit).values(
        at=datetime.now(timezone.utc), user=actor.username[:60], role=actor.role[:20], action=action[:30],
        what=what[:200], rows=rows, identities=int(identities), detail=detail or {},
    ))
