"""Headquarters on the central database: ``hq import`` (hand-carried bundles), ``hq conflicts``, ``hq report``,
``hq export dhis2|linelist``, ``hq alerts`` and ``hq staff``.

The database is ``--db URL`` (an SQLite path or a PostgreSQL URL, or $SAYYAR_CENTRAL_DB); it must exist
(``app/cli/central.py``). Who runs a command is the global ``--user``,
looked up in the central staff list for the role check and the audit; importing also checks that person's
password ($SAYYAR_PASSWORD or asked), as it writes records.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.cli.central import add_db_argument, central_engine
from app.cli.common import CliError, ask_new_password, ask_password, require_user
from app.cli.hq_reports import register_reports


def cmd_import(args: argparse.Namespace) -> int:
    from app.server.hq_import import import_bundle_files

    engine = central_engine(args)
    operator = _headquarters_operator(engine, args)
    outcomes = import_bundle_files(engine, list(args.files), args.receipts, operator=operator)
    for o in outcomes:
        print(f"{o.path.name}: {'OK' if o.ok else 'REFUSED'} — {o.message}"
              + (f" (receipt: {o.receipt_path})" if o.receipt_path else ""))
    return 0 if all(o.ok for o in outcomes) else 1


def _headquarters_operator(engine: Any, args: argparse.Namespace) -> str:
    """Importing is a headquarters task (docs/architecture.md, trust rules): the operator signs in with their staff
    account (`sayyar hq staff`)."""
    from app.hq.staff import check_staff, hq_staff

    user = require_user(args, "say who is importing (a headquarters staff account)")
    password = ask_password(user)
    hq_staff.create(engine, checkfirst=True)
    with engine.connect() as conn:
        actor = check_staff(conn, user, password)
    if actor is None or not actor.is_hq:
        raise CliError("only a headquarters staff account may import bundles (wrong name or password, or not "
                       "headquarters); accounts are made with `sayyar hq staff`")
    return actor.username


def cmd_conflicts(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.server import models as m

    with central_engine(args).connect() as conn:
        rows = conn.execute(select(m.conflict).where(m.conflict.c.status == "open")).mappings().all()
    for r in rows:
        print(json.dumps({k: r[k] for k in ("id", "entity", "record_id", "field", "kept_hlc", "lost_hlc")}))
    print(f"{len(rows)} open conflict(s)")
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    from app.hq.staff import StaffError, set_staff

    password = ask_new_password(args.username)
    try:
        set_staff(central_engine(args), username=args.username, role=args.role, password=password, unit_id=args.unit_id)
    except StaffError as err:
        raise CliError(str(err)) from None
    print(f"{args.username}: can sign in to the headquarters pages (/hq) as {args.role}.")
    return 0


def register(sub: Any) -> None:
    hq = sub.add_parser("hq", help="headquarters: import bundles, conflicts, reports, exports, alerts, staff")
    hq_sub = hq.add_subparsers(dest="hq_command", metavar="ACTION", required=True)

    imp = hq_sub.add_parser("import", help="verify and apply sync bundles; writes a signed receipt per bundle "
                                           "(--user: a headquarters staff account)")
    add_db_argument(imp)
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--receipts", type=Path, help="folder for receipts (default: beside each bundle)")
    imp.set_defaults(handler=cmd_import)
    conf = hq_sub.add_parser("conflicts", help="list open conflicts (losing values kept for review)")
    add_db_argument(conf)
    conf.set_defaults(handler=cmd_conflicts)

    register_reports(hq_sub)

    s = hq_sub.add_parser("staff", help="create or update a headquarters web sign-in (password from "
                                        "$SAYYAR_NEW_PASSWORD or asked twice)")
    add_db_argument(s)
    s.add_argument("--username", required=True)
    s.add_argument("--role", default="headquarters", choices=["headquarters", "coordinator", "unit_admin"])
    s.add_argument("--unit-id", help="the unit a coordinator sees (coordinators only)")
    s.set_defaults(handler=cmd_staff)
