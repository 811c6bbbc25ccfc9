"""Web sessions for the headquarters pages (issue 17): a staff member signs in once on the sign-in page and the
browser keeps a random session cookie; the server keeps only its SHA-256, with the account, a CSRF token for the
session's forms, when it began and when it was last used.

A session ends on sign-out, after ``idle`` without a request (30 minutes), after ``lifetime`` whatever the use (12
hours), and at once when the account is deactivated (every lookup joins the staff list and its ``active`` flag).
Sessions live in the central database, so every server process (``sayyar server --workers N``) knows them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from app.hq.access import Actor
from app.hq.staff import hq_session, hq_staff
from app.security.roles import Role

__all__ = ["COOKIE", "Session", "SessionPolicy", "end_session", "end_sessions_of", "find_session", "hq_session",
           "same_token", "start_session"]

COOKIE = "sayyar_hq"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=12)
    touch_every: timedelta = timedelta(seconds=60)  # last use is written at most this often (one write per minute)
    clock: Callable[[], datetime] = field(default=_utcnow)


@dataclass(frozen=True)
class Session:
    actor: Actor
    csrf: str
    admin: bool


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(v: datetime) -> datetime:
    return v if v.tzinfo else v.replace(tzinfo=timezone.utc)


def start_session(engine: Engine, username: str, policy: SessionPolicy) -> tuple[str, str]:
    """A new session for a signed-in account: (cookie value, CSRF token). Expired sessions are swept here."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = policy.clock()
    with engine.begin() as conn:
        conn.execute(delete(hq_session).where(
            (hq_session.c.last_seen_at < now - policy.idle) | (hq_session.c.created_at < now - policy.lifetime)))
        conn.execute(hq_session.insert().values(id=_digest(token), username=username, csrf=csrf, created_at=now,
                                                last_seen_at=now))
        conn.execute(update(hq_staff).where(hq_staff.c.username == username).values(last_sign_in_at=now))
    return token, csrf


def find_session(engine: Engine, token: str, policy: SessionPolicy) -> Session | None:
    """The session's account if the session is still valid: not idle too long, not too old, account active (and a
    coordinator's or unit administrator's account names its unit). Otherwise the session is removed."""
    if not token or len(token) > 200:
        return None
    key = _digest(token)
    now = policy.clock()
    with engine.connect() as conn:
        row = conn.execute(select(hq_session, hq_staff.c.role, hq_staff.c.unit_id, hq_staff.c.active,
                                  hq_staff.c.language, hq_staff.c.admin)
                           .join(hq_staff, hq_staff.c.username == hq_session.c.username)
                           .where(hq_session.c.id == key)).first()
        if row is None:
            return None
        expired = (now - _aware(row.last_seen_at) > policy.idle or now - _aware(row.created_at) > policy.lifetime
                   or not row.active or (row.role != Role.HEADQUARTERS and not row.unit_id))
        if expired:
            conn.execute(delete(hq_session).where(hq_session.c.id == key))
            conn.commit()
            return None
        if now - _aware(row.last_seen_at) >= policy.touch_every:
            conn.execute(update(hq_session).where(hq_session.c.id == key).values(last_seen_at=now))
            conn.commit()
    actor = Actor(username=row.username, role=row.role, unit_id=row.unit_id, lang=row.language or "en")
    return Session(actor=actor, csrf=row.csrf, admin=bool(row.admin) and actor.is_hq)


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(hq_session).where(hq_session.c.id == _digest(token)))


def end_sessions_of(conn: Connection, username: str) -> int:
    return int(conn.execute(delete(hq_session).where(hq_session.c.username == username)).rowcount or 0)


def same_token(given: Any, expected: str) -> bool:
    return isinstance(given, str) and bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
