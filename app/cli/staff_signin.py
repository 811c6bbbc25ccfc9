"""Signing in on the central server's command line: ``sayyar hq …`` and ``sayyar server …`` alike.

Holding the central database's credentials is not enough to act (issue 12): the global ``--user`` names an account
of the central staff list (``sayyar hq staff``) and its password comes from ``$SAYYAR_PASSWORD`` or the prompt,
never an argument. What the account's role allows is checked here, before anything is read or written, and the
acts are audited in its name (``hq_audit``), as on the /hq pages.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import CliError, ask_password, require_user


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
