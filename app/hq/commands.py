"""``sayyar hq report|export …``: command-line access to headquarters reports on the central database.

Wiring (core engineer, in app/cli.py): create the ``hq`` parser and its subparsers once, then let each owner add
theirs::

    hq = sub.add_parser("hq", help="headquarters: import, reports, exports")
    hq_sub = hq.add_subparsers(dest="hq_command", required=True)
    from app.hq.commands import add_hq_commands; add_hq_commands(hq_sub)   # report, export, alerts
    # the sync engineer adds "import" to the same hq_sub

Each subcommand sets ``func`` (a ``Namespace -> int`` handler) like the rest of the CLI. The database is
``--db URL`` (an SQLite path or a PostgreSQL URL; default $SAYYAR_CENTRAL_DB); who runs it is ``--user`` (looked up in
the central staff list for the role check and the audit).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine

from app.hq.access import NotAllowed, actor_from_db
from app.hq.alerts import AlertConfig, evaluate_alerts
from app.hq.exports import dhis2_json, export_dhis2, export_linelist
from app.hq.models import ensure_hq_schema
from app.hq.report_data import build_weekly_report
from app.hq.report_pdf import render_weekly_report
from app.hq.surveillance import LineListQuery
from app.hq.weeks import parse_week, week_of

WEEK_STARTS = {"iso": 0, "monday": 0, "saturday": 5, "sunday": 6}


class HqCommandError(Exception):
    pass


def _engine(args: argparse.Namespace) -> Engine:
    url = args.db or os.environ.get("SAYYAR_CENTRAL_DB")
    if not url:
        raise HqCommandError("say which central database: --db PATH_OR_URL (or set SAYYAR_CENTRAL_DB)")
    if "://" not in url:
        if not Path(url).exists():
            raise HqCommandError(f"no central database at {url}")
        url = f"sqlite:///{url}"
    elif url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    engine = create_engine(url)
    ensure_hq_schema(engine)
    return engine


def _week(args: argparse.Namespace) -> Any:
    fw = WEEK_STARTS[args.week_start]
    if not args.week:
        return week_of(date.today(), fw).shift(-1)  # the last complete week
    try:
        return parse_week(args.week, fw)
    except ValueError as err:
        raise HqCommandError(str(err)) from None


def _write(path: str, data: bytes) -> None:
    Path(path).write_bytes(data)
    print(f"Wrote {path} ({len(data):,} bytes).")


def cmd_report(args: argparse.Namespace) -> int:
    engine = _engine(args)
    week = _week(args)
    with engine.begin() as conn:
        if args.user:
            actor_from_db(conn, args.user)  # aggregates: any known staff member; unknown users are refused
        pdf = render_weekly_report(build_weekly_report(conn, week))
    _write(args.out, pdf)
    return 0


def cmd_export_dhis2(args: argparse.Namespace) -> int:
    engine = _engine(args)
    week = _week(args)
    with engine.begin() as conn:
        actor = actor_from_db(conn, _user(args))
        sets = export_dhis2(conn, actor, week, facility_codes=args.facility or None)
    _write(args.out, dhis2_json(sets))
    return 0


def cmd_export_linelist(args: argparse.Namespace) -> int:
    engine = _engine(args)
    fmt = args.format or Path(args.out).suffix.lstrip(".").lower()
    if fmt not in ("csv", "xlsx"):
        raise HqCommandError("--format csv or xlsx (or an --out file ending in .csv / .xlsx)")
    query = LineListQuery(since=_date(args.since), until=_date(args.until), diseases=tuple(args.disease or ()))
    with engine.begin() as conn:
        actor = actor_from_db(conn, _user(args))
        data = export_linelist(conn, actor, query, fmt, identities=args.identities,  # type: ignore[arg-type]
                               first_weekday=WEEK_STARTS[args.week_start])
    _write(args.out, data)
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    engine = _engine(args)
    config = AlertConfig(first_weekday=WEEK_STARTS[args.week_start], malaria_elimination=args.elimination)
    with engine.begin() as conn:
        alerts = evaluate_alerts(conn, cases_since=_date(args.since), config=config)
    for a in alerts:
        print(f"{'NEW ' if a.new else '    '}{a.week:>10} {a.disease:<12} {a.rule:<16} cases={a.case_count:<4} "
              f"{a.status}")
    print(f"{sum(a.new for a in alerts)} new, {len(alerts)} firing.")
    return 0


def _user(args: argparse.Namespace) -> str:
    if not args.user:
        raise HqCommandError("say who you are: --user NAME (exports are audited)")
    return str(args.user)


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HqCommandError("dates are YYYY-MM-DD") from None


def _guarded(handler: Any) -> Any:
    """Sentences, not tracebacks, with exit status 2 (as the rest of the CLI)."""

    def run(args: argparse.Namespace) -> int:
        try:
            return int(handler(args))
        except (HqCommandError, NotAllowed) as err:
            print(f"sayyar hq: {err}", file=sys.stderr)
            return 2

    return run


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="central database: SQLite file or postgresql:// URL (default $SAYYAR_CENTRAL_DB)")
    p.add_argument("--user", help="your username in the central staff list (role check and audit)")
    p.add_argument("--week-start", choices=sorted(WEEK_STARTS), default="iso",
                   help="epi-week convention: iso/monday (default), saturday (Iran), sunday (CDC/PAHO)")


def add_hq_commands(hq_sub: Any) -> None:
    """Add ``report``, ``export dhis2|linelist`` and ``alerts`` under the given ``hq`` subparsers."""
    p = hq_sub.add_parser("report", help="weekly epidemiological report (PDF)")
    _common(p)
    p.add_argument("--week", help="e.g. 2026W48 (default: last complete week)")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.set_defaults(func=_guarded(cmd_report))

    ex = hq_sub.add_parser("export", help="DHIS2 or line-list export")
    ex_sub = ex.add_subparsers(dest="hq_export", required=True)
    d = ex_sub.add_parser("dhis2", help="DHIS2 dataValueSets JSON for a week")
    _common(d)
    d.add_argument("--week", help="e.g. 2026W48 (default: last complete week)")
    d.add_argument("--facility", action="append", help="facility code (repeatable; default all mapped)")
    d.add_argument("--out", required=True)
    d.set_defaults(func=_guarded(cmd_export_dhis2))
    ll = ex_sub.add_parser("linelist", help="notifiable cases line list (CSV or XLSX)")
    _common(ll)
    ll.add_argument("--format", choices=["csv", "xlsx"])
    ll.add_argument("--since", help="onset from YYYY-MM-DD")
    ll.add_argument("--until", help="onset before YYYY-MM-DD")
    ll.add_argument("--disease", action="append", help="disease key (repeatable)")
    ll.add_argument("--identities", action="store_true",
                    help="include names, documents and phones (headquarters only; audited)")
    ll.add_argument("--out", required=True)
    ll.set_defaults(func=_guarded(cmd_export_linelist))

    a = hq_sub.add_parser("alerts", help="evaluate outbreak alert rules now")
    _common(a)
    a.add_argument("--since", help="only weeks from YYYY-MM-DD")
    a.add_argument("--elimination", action="store_true", help="malaria elimination mode: every case alerts")
    a.set_defaults(func=_guarded(cmd_alerts))


    s = hq_sub.add_parser("staff", help="create or update a headquarters web sign-in (password from "
                                        "$SAYYAR_NEW_PASSWORD or asked twice)")
    s.add_argument("--db", help="central database: SQLite file or postgresql:// URL (default $SAYYAR_CENTRAL_DB)")
    s.add_argument("--username", required=True)
    s.add_argument("--role", default="headquarters", choices=["headquarters", "coordinator", "unit_admin"])
    s.add_argument("--unit-id", help="the unit a coordinator sees (coordinators only)")
    s.set_defaults(func=_guarded(cmd_staff))


def cmd_staff(args: argparse.Namespace) -> int:
    import getpass

    from app.hq.staff import StaffError, set_staff

    password = os.environ.get("SAYYAR_NEW_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise HqCommandError("no password: set SAYYAR_NEW_PASSWORD or run in a terminal to be asked")
        password = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != password:
            raise HqCommandError("the two passwords differ; nothing was changed")
    try:
        set_staff(_engine(args), username=args.username, role=args.role, password=password, unit_id=args.unit_id)
    except StaffError as err:
        raise HqCommandError(str(err)) from None
    print(f"{args.username}: can sign in to the headquarters pages (/hq) as {args.role}.")
    return 0


add_parsers = add_hq_commands


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m app.hq.commands …``) until the core CLI wires ``hq``."""
    parser = argparse.ArgumentParser(prog="sayyar hq")
    add_hq_commands(parser.add_subparsers(dest="hq_command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
