"""Opening the central database for a headquarters command: named by ``--db`` or $SAYYAR_CENTRAL_DB, and it must
already exist and be a Sayyar central database. A command never creates one by accident (a mistyped path would
otherwise become a new, empty central database in the current folder); ``sayyar server`` creates it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import CliError

if TYPE_CHECKING:
    from sqlalchemy import Engine

DB_ENV = "SAYYAR_CENTRAL_DB"


def add_db_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help=f"central database: SQLite file or postgresql:// URL (default ${DB_ENV})")


def central_engine(args: argparse.Namespace) -> Engine:
    """The central database, upgraded to this version's schema; refused with a sentence when missing."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import OperationalError

    from app.server.db import ServerSchemaError, make_engine, normalise_url, open_database

    url = getattr(args, "db", None) or os.environ.get(DB_ENV)
    if not url:
        raise CliError(f"say which central database: --db PATH_OR_URL (or set {DB_ENV})")
    if "://" not in url and not Path(url).is_file():
        raise CliError(f"there is no central database at {url} (nothing was created); check the path, or start "
                       "the central server once with `sayyar server --db PATH` to create it")
    probe = make_engine(normalise_url(url))
    try:
        with probe.connect() as conn:
            is_central = inspect(conn).has_table("srv_counter")
    except OperationalError:
        raise CliError(f"cannot open the central database {_safe(url)}: is the server running and the name "
                       "right?") from None
    finally:
        probe.dispose()
    if not is_central:
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
