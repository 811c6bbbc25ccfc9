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
    row = conn.execute(select(hq_staff).where(hq_staff.c.username == username.strip().lower(),
                                              hq_staff.c.active.is_(True))).first()
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


def basic_auth_actor(engine: Engine, connection: Callable[..., Any]) -> Callable[..., Actor]:
    """A FastAPI dependency for ``app.hq.web.get_actor``: the signed-in staff member, or 401 asking for a sign-in.
    It reads the account through the request's own connection (``connection``, the page's dependency): a second
    connection would wait on the first one's write lock in SQLite."""
    ensure_staff_table(engine)

    # Defaults, not Annotated[...]: with postponed annotations FastAPI could not see the local ``connection``.
    def actor(creds: HTTPBasicCredentials | None = Depends(_basic),  # noqa: B008
              conn: Connection = Depends(connection)) -> Actor:  # noqa: B008
        found = check_staff(conn, creds.username, creds.password) if creds else None
        if found is None:
            # No sleep here: this runs inside the page's transaction. The server's guard (app/server/guard.py)
            # delays the 401 afterwards and locks the account after repeated failures.
            raise HTTPException(401, "Sign in with your headquarters account.",
                                headers={"WWW-Authenticate": 'Basic realm="Sayyar headquarters"'})
        return found

    return actor
