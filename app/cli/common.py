"""What every command group shares: the error a person can act on, the one password prompt, signing in, dates and
writing output files. Nothing here imports a command group, so groups never import each other or ``app.cli``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import data_dir as resolve_data_dir
from app.config import write_private

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.services.site import SiteSession

PASSWORD_ENV = "SAYYAR_PASSWORD"
NEW_PASSWORD_ENV = "SAYYAR_NEW_PASSWORD"


class CliError(Exception):
    """A problem with what was typed on the command line; printed as ``sayyar: <message>``, exit status 2."""


def ask_password(user: str, *, env: str = PASSWORD_ENV, prompt: str | None = None) -> str:
    """The password of ``user``: from the environment variable ``env``, or asked at the terminal (never an argument:
    it would show in the process list and the shell history)."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise CliError(f"no password: set {env} or run in a terminal to be asked")
    return getpass.getpass(prompt or f"Password for {user}: ")


def ask_new_password(label: str, *, env: str = NEW_PASSWORD_ENV) -> str:
    """A new password for ``label``: from ``env``, or asked twice at the terminal."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise CliError(f"no new password: set {env} or run in a terminal to be asked")
    first = getpass.getpass(f"New password for {label}: ")
    if getpass.getpass("Type it again: ") != first:
        raise CliError("the two passwords differ; nothing was changed")
    return first


def require_user(args: argparse.Namespace, why: str = "say who you are") -> str:
    if not getattr(args, "user", None):
        raise CliError(f"{why}: --user NAME")
    return str(args.user)


def data_folder(args: argparse.Namespace) -> Path:
    return resolve_data_dir(getattr(args, "data_dir", None))


def signed_in(args: argparse.Namespace) -> SiteSession:
    """Sign in as --user (password from $SAYYAR_PASSWORD or a prompt) on the data folder."""
    from app.services.site import sign_in, site_exists

    folder = data_folder(args)
    if not site_exists(folder):
        raise CliError(f"Sayyar is not set up in {folder}. Run 'sayyar demo' for a demo site, or start the app.")
    user = require_user(args)
    return sign_in(folder, user, ask_password(user), lang=args.lang)


def parse_day(text: str) -> date:
    """An argparse type: ISO (2026-11-28) or Solar Hijri (1405/09/07)."""
    from app.core.dates import parse_date

    try:
        return parse_date(text)
    except ValueError:
        try:
            return parse_date(text, calendar="jalali")
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None


def write_output(path: str | Path, data: bytes, *, suffixes: tuple[str, ...] = ()) -> Path:
    """Write a file whole or not at all (a half-written PDF on a USB stick looks like a real one)."""
    out = Path(path)
    if suffixes and out.suffix.lower() not in suffixes:
        raise CliError(f"--out should name a {' or '.join(suffixes)} file, not {out.name!r}")
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    write_private(tmp, data)  # slips, rosters and exports name patients: the user's alone
    tmp.replace(out)
    return out


# --- the central database (headquarters commands) ------------------------------------------------------------------
# Named by --db or $SAYYAR_CENTRAL_DB, and it must already exist and be a Sayyar central database: a command never
# creates one by accident (a mistyped path would otherwise become a new, empty central database in the current
# folder); ``sayyar server`` creates it.
DB_ENV = "SAYYAR_CENTRAL_DB"


def add_db_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help=f"central database: SQLite file or postgresql:// URL (default ${DB_ENV})")


def db_argument(args: argparse.Namespace, default: str | None = None) -> str | None:
    """--db, else $SAYYAR_CENTRAL_DB, else ``default``. A URL carrying a password is refused as an argument: every
    user of the machine reads a command line (``ps``, /proc), so the password goes in the variable or in libpq's own
    ~/.pgpass or $PGPASSWORD."""
    given = getattr(args, "db", None)
    if given and _has_password(given):
        raise CliError(f"--db: a database password is never given on the command line (other users of this machine "
                       f"can read it); give the URL without it and put the password in ~/.pgpass or $PGPASSWORD, or "
                       f"put the whole URL in ${DB_ENV}")
    return given or os.environ.get(DB_ENV) or default


def _has_password(url: str) -> bool:
    if "://" not in url:
        return False
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return bool(make_url(url).password)
    except (ArgumentError, ValueError):
        return "@" in url.split("://", 1)[1].split("/", 1)[0] and ":" in url.split("://", 1)[1].split("@", 1)[0]


def central_engine(args: argparse.Namespace, default: str | None = None) -> Engine:
    """The central database, upgraded to this version's schema; refused with a sentence when missing. ``default``:
    the one used without --db and $SAYYAR_CENTRAL_DB (``sayyar server``'s commands: ./sayyar-central.db)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import OperationalError

    from app.server.db import ServerSchemaError, make_engine, normalise_url, open_database

    url = db_argument(args, default)
    if not url:
        raise CliError(f"say which central database: --db PATH_OR_URL (or set {DB_ENV})")
    if "://" not in url and not Path(url).is_file():
        raise CliError(f"there is no central database at {url} (nothing was created); check the path, or start "
                       "the central server once with `sayyar server --db PATH` to create it")
    probe = make_engine(normalise_url(url))
    try:
        with probe.connect() as conn:
            tables = inspect(conn).get_table_names()
            is_central = "srv_counter" in tables
            # A database server's brand-new, empty database (the set-up order of docs/hq.md): the central schema is
            # made in it, whichever server-side command runs first. A non-empty one that is not Sayyar's is refused.
            is_empty = not tables and "://" in url
    except OperationalError:
        raise CliError(f"cannot open the central database {_safe(url)}: is the server running and the name "
                       "right?") from None
    finally:
        probe.dispose()
    if not is_central and not is_empty:
        raise CliError(f"{_safe(url)} is not a Sayyar central database (nothing was changed)")
    try:
        return open_database(url)
    except ServerSchemaError as err:
        raise CliError(str(err)) from None


def _safe(url: str) -> str:
    """A database URL without its password, for messages."""
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url


# --- signing in on the central server's command line: ``sayyar hq …`` and ``sayyar server …`` alike ---------------
# Holding the central database's credentials is not enough to act (issue 12): the global ``--user`` names an account
# of the central staff list (``sayyar hq staff``) and its password comes from ``$SAYYAR_PASSWORD`` or the prompt,
# never an argument. What the account's role allows is checked before anything is read or written, and the acts are
# audited in its name (``hq_audit``), as on the /hq pages.


def signed_in_staff(engine: Any, args: argparse.Namespace, why: str) -> Any:
    """The staff member running this command (an ``app.hq.access.Actor``); ``why`` says what the name is needed for
    when ``--user`` is missing."""
    from app.hq.staff import check_staff, ensure_staff_table

    user = require_user(args, why)
    password = ask_password(user)
    ensure_staff_table(engine)  # a central database made before a column of the staff list gains it here
    with engine.connect() as conn:  # argon2 outside any transaction
        actor = check_staff(conn, user, password)
    if actor is None:
        raise CliError(f"{user}: wrong name or password for a headquarters staff account (`sayyar hq staff`)")
    return actor


def staff_allowed(engine: Any, args: argparse.Namespace, action: Any, task: str) -> Any:
    """A signed-in staff member whose role allows ``action`` (an ``app.security.roles.Action``); ``task`` completes
    "say who you are to …" and "A coordinator may not …"."""
    from app.security.roles import can

    actor = signed_in_staff(engine, args, f"say who you are to {task} (a headquarters staff account)")
    if not can(actor.role, action):
        raise CliError(f"A {actor.role} may not {task}; nothing was changed.")
    return actor


def staff_administrator(engine: Any, args: argparse.Namespace) -> Any:
    """A headquarters staff administrator, signed in with their password (the Staff page's rule)."""
    from app.hq.staff import find_staff, verify_staff

    user = require_user(args, "say who you are to create or change a staff account (a headquarters staff "
                              "administrator)")
    password = ask_password(user)
    with engine.connect() as conn:  # the row on a short connection; argon2 after it is given back
        row = find_staff(conn, user)
    actor = verify_staff(row, password)
    if actor is None:
        raise CliError(f"{user}: wrong name or password for a headquarters staff account (`sayyar hq staff`)")
    if not actor.is_hq or not bool(row.admin):
        raise CliError(f"{actor.username} may not create or change staff accounts: only a headquarters staff "
                       "administrator may (an account made with --admin); nothing was changed")
    return actor
