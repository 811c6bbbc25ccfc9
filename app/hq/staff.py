"""Sign-in for the headquarters pages of the central server: staff accounts with argon2id password hashes.

Laptops prove themselves with device tokens; people at headquarters use these accounts (HTTP Basic over the TLS of
the reverse proxy in front of the server, see the README).
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, HTTPException
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from sqlalchemy import Boolean, Column, Connection, Engine, String, Table, select

from app.hq.access import Actor
from app.hq.models import hq_metadata
from app.security.roles import Role

hq_staff = Table(
    "hq_staff", hq_metadata,
    Column("username", String(60), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("unit_id", String(36)),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("language", String(5), nullable=False, default="en", server_default="en"),  # en or fa: the pages' language
)


def ensure_staff_table(engine: Engine) -> None:
    """The table, and the columns later versions added to it (a central database made before them)."""
    from app.server.db import add_missing_columns

    hq_staff.create(engine, checkfirst=True)
    with engine.begin() as conn:
        add_missing_columns(conn, hq_staff.name, [hq_staff.c.language])

_hasher = PasswordHasher()
_basic = HTTPBasic(auto_error=False)


class StaffError(ValueError):
    pass


def set_staff(engine: Engine, *, username: str, role: str, password: str, unit_id: str | None = None,
              language: str = "en") -> None:
    """Create or update a staff account (``sayyar hq staff``). Coordinators and unit administrators belong to a
    unit (they see only it): one made without a unit is refused."""
    name = username.strip().lower()
    if not name:
        raise StaffError("a user name is required")
    if role not in {r.value for r in Role}:
        raise StaffError(f"unknown role {role!r}; one of: {', '.join(r.value for r in Role)}")
    if len(password) < 8:
        raise StaffError("the password must have at least 8 characters")
    if role != Role.HEADQUARTERS and not unit_id:
        raise StaffError(f"a {role} account sees one unit only: give it --unit-id")
    if language not in ("en", "fa"):
        raise StaffError("the language is en or fa")
    values = {"role": role, "unit_id": unit_id if role != Role.HEADQUARTERS else None,
              "password_hash": _hasher.hash(password), "active": True, "language": language}
    ensure_staff_table(engine)
    with engine.begin() as conn:
        if conn.execute(select(hq_staff.c.username).where(hq_staff.c.username == name)).first():
            conn.execute(hq_staff.update().where(hq_staff.c.username == name).values(**values))
        else:
            conn.execute(hq_staff.insert().values(username=name, **values))


def check_staff(conn: Connection, username: str, password: str) -> Actor | None:
    """The account, if the password is right. An unknown or inactive name costs the same argon2 work as a wrong
    password, so timing does not tell which accounts exist."""
    return verify_staff(find_staff(conn, username), password)


def find_staff(conn: Connection, username: str) -> Any:
    """The active account's row, or None: a quick read, so that the slow password check runs after the connection
    (which holds SQLite's lock) is given back."""
    return conn.execute(select(hq_staff).where(hq_staff.c.username == username.strip().lower(),
                                               hq_staff.c.active.is_(True))).first()


def verify_staff(row: Any, password: str) -> Actor | None:
    try:
        if row is None:
            _hasher.verify(_dummy_hash(), password)
        elif _hasher.verify(row.password_hash, password):
            if row.role != Role.HEADQUARTERS and not row.unit_id:
                return None  # an account made before units were required: it would see every unit
            return Actor(username=row.username, role=row.role, unit_id=row.unit_id,
                         lang=getattr(row, "language", None) or "en")
    except (VerificationError, InvalidHashError):
        pass
    return None


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def basic_auth_actor(engine: Engine) -> Callable[..., Actor]:
    """A FastAPI dependency for ``app.hq.web.get_actor``: the signed-in staff member, or 401 asking for a sign-in.
    It runs before the page's transaction (the page's connection depends on it, app/hq/extension.py): the account
    is read through a short connection of its own, and the password (argon2, tens of milliseconds) is checked after
    that connection is closed, so wrong passwords never hold the database while devices wait."""
    ensure_staff_table(engine)

    def actor(creds: HTTPBasicCredentials | None = Depends(_basic)) -> Actor:  # noqa: B008
        found = None
        if creds is not None:
            with engine.connect() as conn:
                row = find_staff(conn, creds.username)
            found = verify_staff(row, creds.password)
        if found is None:
            # No sleep here: the server's guard (app/server/guard.py) delays the 401 on the event loop and locks
            # the account and the address after repeated failures.
            raise HTTPException(401, "Sign in with your headquarters account.",
                                headers={"WWW-Authenticate": 'Basic realm="Sayyar headquarters"'})
        return found

    return actor
