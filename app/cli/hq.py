"""Headquarters on the central database: ``hq import`` (hand-carried bundles), ``hq conflicts``, ``hq report``,
``hq export dhis2|linelist``, ``hq alerts`` and ``hq staff``.

The database is ``--db URL`` (an SQLite path or a PostgreSQL URL). Who runs a command is the global ``--user``,
looked up in the central staff list for the role check and the audit; importing also checks that person's
password ($SAYYAR_PASSWORD or asked), as it writes records.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import CliError, ask_new_password, ask_password, require_user, write_output

if TYPE_CHECKING:
    from sqlalchemy import Engine

IMPORT_DEFAULT_DB = "sayyar-central.db"
WEEK_STARTS = {"iso": 0, "monday": 0, "saturday": 5, "sunday": 6}


def _engine(args: argparse.Namespace) -> Engine:
    from sqlalchemy import create_engine

    from app.hq.models import ensure_hq_schema

    url = args.db or os.environ.get("SAYYAR_CENTRAL_DB")
    if not url:
        raise CliError("say which central database: --db PATH_OR_URL (or set SAYYAR_CENTRAL_DB)")
    if "://" not in url:
        if not Path(url).exists():
            raise CliError(f"no central database at {url}")
        url = f"sqlite:///{url}"
    elif url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    engine = create_engine(url)
    ensure_hq_schema(engine)
    return engine


def _week(args: argparse.Namespace) -> Any:
    from app.hq.weeks import parse_week, week_of

    fw = WEEK_STARTS[args.week_start]
    if not args.week:
        return week_of(date.today(), fw).shift(-1)  # the last complete week
    try:
        return parse_week(args.week, fw)
    except ValueError as err:
        raise CliError(str(err)) from None


def _write(path: str, data: bytes) -> None:
    write_output(path, data)
    print(f"Wrote {path} ({len(data):,} bytes).")


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError("dates are YYYY-MM-DD") from None


def cmd_import(args: argparse.Namespace) -> int:
    from app.server.db import open_database
    from app.server.hq_import import import_bundle_files

    engine = open_database(args.db)
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
    from app.server.db import open_database

    with open_database(args.db).connect() as conn:
        rows = conn.execute(select(m.conflict).where(m.conflict.c.status == "open")).mappings().all()
    for r in rows:
        print(json.dumps({k: r[k] for k in ("id", "entity", "record_id", "field", "kept_hlc", "lost_hlc")}))
    print(f"{len(rows)} open conflict(s)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from app.hq.access import actor_from_db
    from app.hq.report_data import build_weekly_report
    from app.hq.report_pdf import render_weekly_report

    engine = _engine(args)
    week = _week(args)
    with engine.begin() as conn:
        if args.user:
            actor_from_db(conn, args.user)  # aggregates: any known staff member; unknown users are refused
        pdf = render_weekly_report(build_weekly_report(conn, week))
    _write(args.out, pdf)
    return 0


def cmd_export_dhis2(args: argparse.Namespace) -> int:
    from app.hq.access import actor_from_db
    from app.hq.exports import dhis2_json, export_dhis2

    user = require_user(args, "say who you are (exports are audited)")
    engine = _engine(args)
    week = _week(args)
    with engine.begin() as conn:
        actor = actor_from_db(conn, user)
        sets = export_dhis2(conn, actor, week, facility_codes=args.facility or None)
    _write(args.out, dhis2_json(sets))
    return 0


def cmd_export_linelist(args: argparse.Namespace) -> int:
    from app.hq.access import actor_from_db
    from app.hq.exports import export_linelist
    from app.hq.surveillance import LineListQuery

    user = require_user(args, "say who you are (exports are audited)")
    engine = _engine(args)
    fmt = args.format or Path(args.out).suffix.lstrip(".").lower()
    if fmt not in ("csv", "xlsx"):
        raise CliError("--format csv or xlsx (or an --out file ending in .csv / .xlsx)")
    query = LineListQuery(since=_date(args.since), until=_date(args.until), diseases=tuple(args.disease or ()))
    with engine.begin() as conn:
        actor = actor_from_db(conn, user)
        data = export_linelist(conn, actor, query, fmt, identities=args.identities,
                               first_weekday=WEEK_STARTS[args.week_start])
    _write(args.out, data)
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    from app.hq.alerts import AlertConfig, evaluate_alerts

    engine = _engine(args)
    config = AlertConfig(first_weekday=WEEK_STARTS[args.week_start], malaria_elimination=args.elimination)
    with engine.begin() as conn:
        alerts = evaluate_alerts(conn, cases_since=_date(args.since), config=config)
    for a in alerts:
        print(f"{'NEW ' if a.new else '    '}{a.week:>10} {a.disease:<12} {a.rule:<16} cases={a.case_count:<4} "
              f"{a.status}")
    print(f"{sum(a.new for a in alerts)} new, {len(alerts)} firing.")
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    from app.hq.staff import StaffError, set_staff

    password = ask_new_password(args.username)
    try:
        set_staff(_engine(args), username=args.username, role=args.role, password=password, unit_id=args.unit_id)
    except StaffError as err:
        raise CliError(str(err)) from None
    print(f"{args.username}: can sign in to the headquarters pages (/hq) as {args.role}.")
    return 0


def _central_db(p: argparse.ArgumentParser, default: str | None = None) -> None:
    if default:
        p.add_argument("--db", default=default, help="SQLite file or postgresql:// URL (default: %(default)s)")
    else:
        p.add_argument("--db", help="central database: SQLite file or postgresql:// URL (default $SAYYAR_CENTRAL_DB)")


def _weeks(p: argparse.ArgumentParser) -> None:
    p.add_argument("--week-start", choices=sorted(WEEK_STARTS), default="iso",
                   help="epi-week convention: iso/monday (default), saturday (Iran), sunday (CDC/PAHO)")


def register(sub: Any) -> None:
    hq = sub.add_parser("hq", help="headquarters: import bundles, conflicts, reports, exports, alerts, staff")
    hq_sub = hq.add_subparsers(dest="hq_command", metavar="ACTION", required=True)

    imp = hq_sub.add_parser("import", help="verify and apply sync bundles; writes a signed receipt per bundle "
                                           "(--user: a headquarters staff account)")
    _central_db(imp, IMPORT_DEFAULT_DB)
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--receipts", type=Path, help="folder for receipts (default: beside each bundle)")
    imp.set_defaults(handler=cmd_import)
    conf = hq_sub.add_parser("conflicts", help="list open conflicts (losing values kept for review)")
    _central_db(conf, IMPORT_DEFAULT_DB)
    conf.set_defaults(handler=cmd_conflicts)

    p = hq_sub.add_parser("report", help="weekly epidemiological report (PDF)")
    _central_db(p)
    _weeks(p)
    p.add_argument("--week", help="e.g. 2026W48 (default: last complete week)")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.set_defaults(handler=cmd_report)

    ex = hq_sub.add_parser("export", help="DHIS2 or line-list export (--user: audited)")
    ex_sub = ex.add_subparsers(dest="hq_export", metavar="FORMAT", required=True)
    d = ex_sub.add_parser("dhis2", help="DHIS2 dataValueSets JSON for a week")
    _central_db(d)
    _weeks(d)
    d.add_argument("--week", help="e.g. 2026W48 (default: last complete week)")
    d.add_argument("--facility", action="append", help="facility code (repeatable; default all mapped)")
    d.add_argument("--out", required=True)
    d.set_defaults(handler=cmd_export_dhis2)
    ll = ex_sub.add_parser("linelist", help="notifiable cases line list (CSV or XLSX)")
    _central_db(ll)
    _weeks(ll)
    ll.add_argument("--format", choices=["csv", "xlsx"])
    ll.add_argument("--since", help="onset from YYYY-MM-DD")
    ll.add_argument("--until", help="onset before YYYY-MM-DD")
    ll.add_argument("--disease", action="append", help="disease key (repeatable)")
    ll.add_argument("--identities", action="store_true",
                    help="include names, documents and phones (headquarters only; audited)")
    ll.add_argument("--out", required=True)
    ll.set_defaults(handler=cmd_export_linelist)

    a = hq_sub.add_parser("alerts", help="evaluate outbreak alert rules now")
    _central_db(a)
    _weeks(a)
    a.add_argument("--since", help="only weeks from YYYY-MM-DD")
    a.add_argument("--elimination", action="store_true", help="malaria elimination mode: every case alerts")
    a.set_defaults(handler=cmd_alerts)

    s = hq_sub.add_parser("staff", help="create or update a headquarters web sign-in (password from "
                                        "$SAYYAR_NEW_PASSWORD or asked twice)")
    _central_db(s)
    s.add_argument("--username", required=True)
    s.add_argument("--role", default="headquarters", choices=["headquarters", "coordinator", "unit_admin"])
    s.add_argument("--unit-id", help="the unit a coordinator sees (coordinators only)")
    s.set_defaults(handler=cmd_staff)
