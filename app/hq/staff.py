"""Headquarters staff accounts on the central server: argon2id password hashes, one list for the web pages and every
``sayyar hq`` command (a name made here signs in to both; deactivated, it signs in to neither).

Laptops prove themselves with device tokens; people at headquarters sign in on the pages' sign-in form (a web
session, ``app/hq/sessions.py``) or, for scripts, with HTTP Basic over the TLS of the reverse proxy in front of the
server (see docs/hq.md).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Column, Connection, Engine, Integer, String, Table, select
from sqlalchemy.exc import IntegrityError

from app.hq.access import Actor, audit
from app.hq.models import hq_metadata
from app.models.base import UTCDateTime
from app.security.roles import Role

hq_staff = Table(
    "hq_staff", hq_metadata,
    Column("username", String(60), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("unit_id", String(36)),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("language", String(5), nullable=False, default="en", server_default="en"),  # en or fa: the pages' language
    # A headquarters administrator keeps the staff list on the Staff page (deactivate, reactivate).
    Column("admin", Boolean, nullable=False, default=False, server_default="0"),
    Column("last_sign_in_at", UTCDateTime),
)

# Web sessions of the pages (app/hq/sessions.py): the server keeps only the SHA-256 of the cookie's value.
hq_session = Table(
    "hq_session", hq_metadata,
    Column("id", String(64), primary_key=True),  # a copy of this table signs no one in
    Column("username", String(60), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)

# Accounts locked after repeated wrong passwords (app/server/guard.py counts them): kept here so that a restart of the
# server does not lift a lock. Keyed by the name tried, whether or not an account has it (a lock must not tell).
hq_signin_lock = Table(
    "hq_signin_lock", hq_metadata,
    Column("account", String(80), primary_key=True),
    Column("locked_until", UTCDateTime, nullable=False),
)

# Wrong passwords per name tried, counted here only when several server processes share the lockout (``--workers
# N``, app/server/guard.py): a window opens at a name's first failure; the limit within it locks the name.
hq_signin_failure = Table(
    "hq_signin_failure", hq_metadata,
    Column("account", String(80), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("since", UTCDateTime, nullable=False),
)


def ensure_staff_table(engine: Engine) -> None:
    """The table, and the columns later versions added to it (a central database made before them)."""
    from app.server.db import add_missing_columns

    hq_staff.create(engine, checkfirst=True)
    hq_session.create(engine, checkfirst=True)
    hq_signin_lock.create(engine, checkfirst=True)
    hq_signin_failure.create(engine, checkfirst=True)
    with engine.begin() as conn:
        add_missing_columns(conn, hq_staff.name, [hq_staff.c.language, hq_staff.c.admin, hq_staff.c.last_sign_in_at])

_hasher = PasswordHasher()
# Longer than any password a person types: refused before argon2 (for every name alike, so the answer tells nothing),
# and never set as an account's password. The sign-in form takes 16 KiB and a Basic header about 60 KiB.
MAX_PASSWORD_CHARS = 1024


class StaffError(ValueError):
    pass


def set_staff(engine: Engine, *, username: str, role: str, password: str, unit_id: str | None = None,
              language: str = "en", admin: bool | None = None, by: Actor | None = None,
              first: bool = False) -> None:
    """Create or update a staff account (``sayyar hq staff``). Coordinators and unit administrators belong to a
    unit (they see only it): one made without a unit is refused.

    ``by``: the staff administrator doing it, audited (``staff_create`` / ``staff_update``). ``first``: the first
    administrator, made by whoever holds the central database while no administrator exists (audited
    ``staff_first_admin`` in the new account's name; refused if the name is taken, as two people racing to make the
    first account must not overwrite one another)."""
    name = username.strip().lower()
    if not name:
        raise StaffError("a user name is required")
    if role not in {r.value for r in Role}:
        raise StaffError(f"unknown role {role!r}; one of: {', '.join(r.value for r in Role)}")
    if len(password) < 8:
        raise StaffError("the password must have at least 8 characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise StaffError(f"the password must have at most {MAX_PASSWORD_CHARS} characters")
    if role != Role.HEADQUARTERS and not unit_id:
        raise StaffError(f"a {role} account sees one unit only: give it --unit-id")
    if language not in ("en", "fa"):
        raise StaffError("the language is en or fa")
    if admin and role != Role.HEADQUARTERS:
        raise StaffError("only a headquarters account can be a staff administrator (--admin)")
    values = {"role": role, "unit_id": unit_id if role != Role.HEADQUARTERS else None,
              "password_hash": _hasher.hash(password), "active": True, "language": language}
    if admin is not None:  # kept as it was when not said (a password reset keeps the administrator)
        values["admin"] = admin
    if role != Role.HEADQUARTERS:  # an account moved out of headquarters keeps no say over the staff list
        values["admin"] = False
    ensure_staff_table(engine)
    with engine.begin() as conn:
        exists = conn.execute(select(hq_staff.c.username).where(hq_staff.c.username == name)).first() is not None
        if first and exists:
            raise StaffError(f"{name} already exists; no staff administrator was made")
        if exists:
            conn.execute(hq_staff.update().where(hq_staff.c.username == name).values(**values))
        else:
            conn.execute(hq_staff.insert().values(username=name, **{"admin": False, **values}))
        detail = {"role": role, "unit": values["unit_id"], "admin": values.get("admin")}
        if first:
            audit(conn, Actor(username=name, role=role), "staff_first_admin", name, 1, detail=detail)
        elif by is not None:
            audit(conn, by, "staff_update" if exists else "staff_create", name, 1, detail=detail)


def has_administrator(conn: Connection) -> bool:
    """Whether an active headquarters staff administrator exists. Until one does (a new central database, or one
    whose accounts were made before administrators existed), whoever holds the central database makes the first
    (``sayyar hq staff --admin``); from then on only a signed-in administrator makes or changes accounts."""
    c = hq_staff.c
    return conn.execute(select(c.username).where(c.active.is_(True), c.admin.is_(True),
                                                 c.role == Role.HEADQUARTERS).limit(1)).first() is not None


def list_staff(conn: Connection) -> list[Any]:
    """Every account, active or not, by name: what the Staff page shows (never the password hash)."""
    c = hq_staff.c
    return list(conn.execute(select(c.username, c.role, c.unit_id, c.language, c.active, c.admin, c.last_sign_in_at)
                             .order_by(c.username)))


def set_active(conn: Connection, username: str, active: bool, *, by: Actor) -> bool:
    """Deactivate (or reactivate) an account, audited; a deactivated account's sessions end at once. An
    administrator cannot deactivate their own account (someone must be left to reactivate it)."""
    name = _account_name(username)
    if name is None:
        return False
    if not active and name == by.username:
        raise StaffError("you cannot deactivate your own account")
    done = conn.execute(hq_staff.update().where(hq_staff.c.username == name).values(active=active)).rowcount
    if not done:
        return False
    if not active:
        conn.execute(hq_session.delete().where(hq_session.c.username == name))
    audit(conn, by, "staff_activate" if active else "staff_deactivate", name, 1)
    return True


def hash_password(password: str) -> str:
    """The argon2id hash of a new password (slow on purpose: hash before opening a transaction)."""
    if len(password) < 8:
        raise StaffError("the password must have at least 8 characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise StaffError(f"the password must have at most {MAX_PASSWORD_CHARS} characters")
    return _hasher.hash(password)


def set_password_hash(conn: Connection, username: str, password_hash: str, *, by: Actor) -> bool:
    """A new password set by a staff administrator, audited; the account's open sessions end (whoever knew the old
    password is signed out)."""
    name = _account_name(username)
    if name is None:
        return False
    done = conn.execute(hq_staff.update().where(hq_staff.c.username == name)
                        .values(password_hash=password_hash)).rowcount
    if not done:
        return False
    conn.execute(hq_session.delete().where(hq_session.c.username == name))
    audit(conn, by, "staff_password", name, 1)
    return True


def check_staff(conn: Connection, username: str, password: str) -> Actor | None:
    """The account, if the password is right. An unknown or inactive name costs the same argon2 work as a wrong
    password, so timing does not tell which accounts exist."""
    return verify_staff(find_staff(conn, username), password)


def find_staff(conn: Connection, username: str) -> Any:
    """The active account's row, or None: a quick read, so that the slow password check runs after the connection
    (which holds SQLite's lock) is given back. A name no account can have is not looked up (PostgreSQL refuses a
    NUL in text: a sign-in with one was a 500 with a traceback)."""
    name = _account_name(username)
    if name is None:
        return None
    return conn.execute(select(hq_staff).where(hq_staff.c.username == name, hq_staff.c.active.is_(True))).first()


def _account_name(username: str) -> str | None:
    """The name as accounts are kept (trimmed, lower case), or None for one no account can have: empty, longer
    than the column, or holding control characters or lone surrogates (which PostgreSQL cannot store)."""
    name = username.strip().lower()
    if not name or len(name) > 60 or not storable(name) or any(ord(c) < 32 or ord(c) == 127 for c in name):
        return None
    return name


def storable(text: str) -> bool:
    """Text PostgreSQL and SQLite both keep as sent: no NUL, no lone surrogate."""
    return "\x00" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def verify_staff(row: Any, password: str) -> Actor | None:
    """Exactly one argon2 check whatever the name: an unknown or deactivated name, and an account whose stored hash
    is unusable (written by hand or by another tool: argon2 refuses it at once, which answered in 3 ms instead of
    120), are checked against a dummy hash. A password over ``MAX_PASSWORD_CHARS`` is refused before any check."""
    if len(password) > MAX_PASSWORD_CHARS:
        return None
    try:
        if row is not None and _hasher.verify(row.password_hash, password):
            if row.role != Role.HEADQUARTERS and not row.unit_id:
                return None  # an account made before units were required: it would see every unit
            return Actor(username=row.username, role=row.role, unit_id=row.unit_id,
                         lang=getattr(row, "language", None) or "en")
    except VerificationError:
        return None
    except InvalidHashError:
        pass
    try:
        _hasher.verify(_dummy_hash(), password)
    except VerificationError:
        pass
    return None


_dummies: dict[tuple[int, int, int], str] = {}


def _dummy_hash() -> str:
    """A hash made with the hasher's current cost, so that checking it costs what checking an account's does: one
    made once under other parameters (a cheaper hasher set for a while) would tell unknown names apart again."""
    cost = (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism)
    if cost not in _dummies:
        _dummies[cost] = _hasher.hash(secrets.token_urlsafe(16))
    return _dummies[cost]


def keep_lock(engine: Engine, key: str, seconds: float) -> None:
    """Record a sign-in lock (and forget the ones that ended): its own short transaction, on a worker thread."""
    now = datetime.now(timezone.utc)
    if not storable(key):  # a name no account can have (NUL, lone surrogate): locked in memory only
        return
    with engine.begin() as conn:
        _put_lock(conn, key[:80], now, seconds)


def _put_lock(conn: Connection, key: str, now: datetime, seconds: float) -> None:
    conn.execute(hq_signin_lock.delete().where(hq_signin_lock.c.locked_until <= now))
    conn.execute(hq_signin_lock.delete().where(hq_signin_lock.c.account == key))
    conn.execute(hq_signin_lock.insert().values(account=key, locked_until=now + timedelta(seconds=seconds)))


def count_failure(engine: Engine, key: str, limit: int, window_s: float, lock_s: float) -> bool:
    """One wrong password for ``key``, counted in the database for every server process; True when it reaches
    ``limit`` within ``window_s`` of the window's first failure, and the name is then locked for ``lock_s``. The
    row is read ``FOR UPDATE`` (PostgreSQL), so two processes counting at once both count; two inserting a name's
    first failure at once meet the primary key, and the one that lost counts again."""
    if not storable(key):  # a name no account can have: locked in memory only
        return False
    key = key[:80]
    f = hq_signin_failure
    for attempt in range(2):
        now = datetime.now(timezone.utc)
        try:
            with engine.begin() as conn:
                row = conn.execute(select(f).where(f.c.account == key).with_for_update()).first()
                if row is None:
                    conn.execute(f.insert().values(account=key, failures=1, since=now))
                    n = 1
                elif now - _aware(row.since) > timedelta(seconds=window_s):
                    conn.execute(f.update().where(f.c.account == key).values(failures=1, since=now))
                    n = 1
                else:
                    n = int(row.failures) + 1
                    conn.execute(f.update().where(f.c.account == key).values(failures=n))
                if n < limit:
                    return False
                conn.execute(f.delete().where(f.c.account == key))
                _put_lock(conn, key, now, lock_s)
                return True
        except IntegrityError:
            if attempt:
                raise
    return False


def lock_left(engine: Engine, key: str) -> float:
    """Seconds left of ``key``'s lock in the database (0: none)."""
    if not storable(key):
        return 0.0
    with engine.connect() as conn:
        until = conn.execute(select(hq_signin_lock.c.locked_until)
                             .where(hq_signin_lock.c.account == key[:80])).scalar()
    return max(0.0, (_aware(until) - datetime.now(timezone.utc)).total_seconds()) if until is not None else 0.0


def kept_locks(engine: Engine) -> dict[str, float]:
    """The locks still running, in seconds left (read when the server starts)."""
    now = datetime.now(timezone.utc)
    with engine.connect() as conn:
        rows = conn.execute(select(hq_signin_lock).where(hq_signin_lock.c.locked_until > now)).all()
    return {r.account: (_aware(r.locked_until) - now).total_seconds() for r in rows}


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)
