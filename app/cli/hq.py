"""Headquarters on the central database: ``hq import`` (hand-carried bundles), ``hq conflicts``, ``hq report``,
``hq export dhis2|linelist``, ``hq alerts``, ``hq config``, ``hq registry``, ``hq duplicates``, ``hq staff`` and
``hq reference`` (a staff account's role, unit or active flag, a facility's active flag, a diagnosis's notifiable
disease: signed by headquarters in the feed, applied on laptops).

The epi-week convention and malaria elimination mode are the site's settings (``hq config``), so every command,
page and report counts weeks the same way and says which way it did.

The database is ``--db URL`` (an SQLite path or a PostgreSQL URL, or $SAYYAR_CENTRAL_DB); it must exist
(``central_engine`` in app/cli/common.py). Every command signs in: the global ``--user`` names a staff account of
the central staff list (``sayyar hq staff``) and its password comes from $SAYYAR_PASSWORD or the prompt; a name alone
proves nothing (issue 12). What each role may do is what the /hq pages let it do for the same information: reports,
exports without identities, the settings and the disease list in use for any staff account (a coordinator's or
unit administrator's report covers their unit only); the likely duplicates for headquarters (every unit) and unit
administrators (their own unit), as the Duplicates page; importing, conflicts, alerts, the coverage rebuild,
settings changes, publishing and reference data for headquarters; the staff list for a headquarters staff
administrator, except the very first administrator, made by whoever holds the central database while none exists.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from app.cli.common import (
    CliError,
    add_db_argument,
    ask_new_password,
    central_engine,
    require_user,
    signed_in_staff,
    staff_administrator,
    write_output,
)


def cmd_import(args: argparse.Namespace) -> int:
    from app.server.hq_import import import_bundle_files

    engine = central_engine(args)
    operator = _headquarters_operator(engine, args)
    outcomes = import_bundle_files(engine, list(args.files), args.receipts, operator=operator)
    for o in outcomes:
        print(f"{o.path.name}: {'OK' if o.ok else 'REFUSED'} — {o.message}"
              + (f" (receipt: {o.receipt_path})" if o.receipt_path else ""))
        for seq, code, reason in o.refused:
            print(f"  refused change {seq}: {code} — {reason}")
    return 0 if all(o.ok for o in outcomes) else 1


def _headquarters_operator(engine: Any, args: argparse.Namespace, task: str = "import bundles") -> str:
    """Importing is a headquarters task (docs/architecture.md, trust rules): the operator signs in with their staff
    account (`sayyar hq staff`)."""
    actor = signed_in_staff(engine, args, f"say who you are to {task} (a headquarters staff account)")
    if not actor.is_hq:
        raise CliError(f"A {actor.role} may not {task} (headquarters only).")
    return str(actor.username)


def cmd_conflicts(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.server import models as m
    from app.store.clock import parse_hlc

    def when(stamp: str) -> str:
        try:
            ms = parse_hlc(stamp)[0]
        except (ValueError, TypeError):
            return ""
        return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    engine = central_engine(args)
    _headquarters_operator(engine, args, "review conflicts")  # the values shown are patients' details
    with engine.connect() as conn:
        rows = conn.execute(select(m.conflict).where(m.conflict.c.status == "open")
                            .order_by(m.conflict.c.created_at)).mappings().all()
        devices = conn.execute(select(m.device.c.device_id, m.device.c.device_code)).all()

    def code(node: str) -> str:  # conflicts name the laptop by its clock node (the start of its device id)
        return next((d.device_code for d in devices if node and d.device_id.startswith(node)), node)

    for r in rows:
        # Both values, and who (which laptop) and when: what a person needs to decide. A field of a shared record.
        print(json.dumps({"id": r["id"], "entity": r["entity"], "record_id": r["record_id"], "field": r["field"],
                          "kept_value": r["kept_value"], "kept_by": r["kept_laptop"] or code(r["kept_device"]),
                          "kept_user": r["kept_user"], "kept_unit": r["kept_unit"],
                          "kept_at": when(r["kept_hlc"]), "lost_value": r["lost_value"],
                          "lost_by": r["lost_laptop"] or code(r["lost_device"]), "lost_user": r["lost_user"],
                          "lost_unit": r["lost_unit"], "lost_at": when(r["lost_hlc"])},
                         ensure_ascii=False))
    print(f"{len(rows)} open conflict(s)")
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    """Likely duplicate pairs across every unit's patients (the same scoring as a laptop's review list), by patient
    code and reasons only: no names on a terminal. Merging is done on a laptop of the unit, from the codes.

    Who may, as on the Duplicates page (``Action.REVIEW_DUPLICATES``): headquarters, any unit or all; a unit
    administrator, their own unit only; a coordinator not at all. The page writes no audit row for this list, nor
    does the command."""
    from app.hq.access import NotAllowed
    from app.security.roles import Action, can
    from app.services.duplicates import dismissed_pairs, find_pairs, read_people

    engine = central_engine(args)
    actor = signed_in_staff(engine, args, "say who you are to list likely duplicates (patient codes of every unit)")
    if not can(actor.role, Action.REVIEW_DUPLICATES):
        raise NotAllowed(f"A {actor.role} may not review likely duplicate patients (headquarters, and unit "
                         "administrators for their own unit).")
    unit_id = args.unit_id
    if not actor.is_hq:
        if unit_id and unit_id != actor.unit_id:
            raise CliError(f"--unit-id: a {actor.role} sees their own unit's patients only ({actor.unit_id}); "
                           "leave it out")
        unit_id = actor.unit_id
    with engine.connect() as conn:
        people = read_people(conn, unit_id=unit_id)
        pairs = find_pairs(people, dismissed=dismissed_pairs(conn), limit=args.limit,
                           across_units_only=args.across_units)
    for pair in pairs:
        a, b = sorted((pair.a, pair.b), key=lambda r: r.code)
        print(json.dumps({"keep": a.code, "merge": b.code, "units": sorted({a.unit_id or "", b.unit_id or ""}),
                          "score": pair.points, "same_document": pair.strong, "reasons": list(pair.reasons)}))
    print(f"{len(pairs)} likely duplicate pair(s) among {len(people)} patient(s)")
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    """Create or change a staff account: a signed-in headquarters staff administrator does it, as on the Staff
    page, audited. While no active administrator exists (a new central database, or accounts made before
    administrators existed), whoever holds the central database makes the first one: a new headquarters account
    with --admin, and nothing else (no existing account is changed without a sign-in)."""
    from app.hq.staff import StaffError, ensure_staff_table, has_administrator, set_staff

    engine = central_engine(args)
    ensure_staff_table(engine)
    with engine.connect() as conn:
        first = not has_administrator(conn)
    name = args.username.strip().lower()
    actor = None
    if first:
        if args.role != "headquarters" or not args.admin:
            raise CliError("there is no staff administrator yet: the first account must be one, a headquarters "
                           "account with --admin (it then makes the others, signed in); nothing was changed")
    else:
        actor = staff_administrator(engine, args)
        if name == actor.username and args.role != "headquarters":
            raise CliError("you cannot move your own account out of headquarters (someone must be left to keep the "
                           "staff list); nothing was changed")
    password = ask_new_password(name)
    try:
        set_staff(engine, username=name, role=args.role, password=password, unit_id=args.unit_id,
                  language=args.language, admin=True if args.admin else None, by=actor, first=first)
    except StaffError as err:
        raise CliError(str(err)) from None
    print(f"{name}: can sign in to the headquarters pages (/hq) as {args.role}"
          + (", the staff administrator who makes the other accounts (signed in: --user)." if first else "."))
    return 0


# --- surveillance and reporting: the site's week convention and disease list apply to all of them -----------------


def _settings(conn: Any) -> Any:
    from app.hq.settings import load_settings

    return load_settings(conn)


def _week(args: argparse.Namespace, first_weekday: int) -> Any:
    from app.hq.weeks import parse_week, week_of

    if not args.week:
        return week_of(date.today(), first_weekday).shift(-1)  # the last complete week
    try:
        return parse_week(args.week, first_weekday, strict=True)
    except ValueError as err:
        raise CliError(str(err)) from None


def _say_week(week: Any, settings: Any) -> None:
    from app.hq.settings import week_range_text

    print(f"Week {week.label}: {week_range_text(week.start, week.last_day)} ({settings.convention()}).")


def _write(path: str, data: bytes) -> None:
    write_output(path, data)
    print(f"Wrote {path} ({len(data):,} bytes).")


def _date(text: str | None, what: str) -> date | None:
    from app.core.dates import parse_either

    if not text:
        return None
    try:
        return parse_either(text)
    except ValueError:
        pass
    raise CliError(f"{what}: {text!r} is not a date (2026-11-28, or 1405/09/07 in Solar Hijri)")


def _headquarters(engine: Any, args: argparse.Namespace, why: str) -> Any:
    from app.hq.access import NotAllowed

    actor = signed_in_staff(engine, args, why)
    if not actor.is_hq:
        raise NotAllowed(f"A {actor.role} may not {why.split('(')[0].strip()} (headquarters only).")
    return actor


def _any_staff(engine: Any, args: argparse.Namespace, what: str) -> Any:
    """Any staff account, signed in: what the report page shows (the week convention, the diseases of the list in
    use) is shown to every staff role (``Action.VIEW_UNIT_REPORTS``), so the same settings on a terminal are too."""
    from app.hq.access import require
    from app.security.roles import Action

    actor = signed_in_staff(engine, args, f"say who you are to {what} (a staff account)")
    require(actor, Action.VIEW_UNIT_REPORTS)
    return actor


def cmd_report(args: argparse.Namespace) -> int:
    from app.hq.report_data import build_weekly_report
    from app.hq.report_pdf import render_weekly_report

    engine = central_engine(args)
    # Aggregates: any staff account, as the report page; without a sign-in it used to render every unit's report.
    actor = _any_staff(engine, args, "make the weekly report")
    lang = getattr(args, "lang", None) or actor.lang  # --lang, else the staff account's language
    with engine.begin() as conn:
        settings = _settings(conn)
        week = _week(args, settings.first_weekday)
        unit = None if actor.is_hq else actor.unit_id  # a coordinator's or unit administrator's unit only
        pdf = render_weekly_report(build_weekly_report(conn, week, settings=settings, unit_id=unit), lang=lang)
    _say_week(week, settings)
    _write(args.out, pdf)
    return 0


def cmd_export_dhis2(args: argparse.Namespace) -> int:
    from app.hq.dhis2 import MappingError, dhis2_json
    from app.hq.exports import export_dhis2

    require_user(args, "say who you are (exports are audited)")
    engine = central_engine(args)
    actor = signed_in_staff(engine, args, "say who you are (exports are audited)")
    with engine.begin() as conn:
        settings = _settings(conn)
        week = _week(args, settings.first_weekday)
        try:
            export = export_dhis2(conn, actor, week, facility_codes=args.facility or None)
        except MappingError as err:
            raise CliError(str(err)) from None
    _say_week(week, settings)
    _write(args.out, dhis2_json(export))
    print(f"{export.values} values for {len(export.facilities)} facilities ({', '.join(export.facilities) or 'none'}).")
    if export.silent:
        print(f"No values for {len(export.silent)} facilities that sent nothing this week (missing, not zero): "
              f"{', '.join(export.silent)}.")
    if export.unmapped:
        print(f"Not exported (no orgUnit in the mapping): {', '.join(export.unmapped)}.")
    if export.not_sent:
        print("Not sent (no category option combo): "
              + ", ".join(f"{k}={v}" for k, v in sorted(export.not_sent.items())) + ".")
    return 0


def cmd_export_linelist(args: argparse.Namespace) -> int:
    from app.hq.exports import export_linelist
    from app.hq.surveillance import LineListQuery

    require_user(args, "say who you are (exports are audited)")
    fmt = args.format or Path(args.out).suffix.lstrip(".").lower()
    if fmt not in ("csv", "xlsx"):
        raise CliError("--format csv or xlsx (or an --out file ending in .csv / .xlsx)")
    since, until = _date(args.since, "--since"), _date(args.until, "--until")
    if since and until and until < since:
        raise CliError("--until is before --since")
    engine = central_engine(args)
    query = LineListQuery(since=since, until=until, diseases=tuple(args.disease or ()))
    actor = signed_in_staff(engine, args, "say who you are (exports are audited)")
    with engine.begin() as conn:
        settings = _settings(conn)
        data = export_linelist(conn, actor, query, fmt, identities=args.identities,  # type: ignore[arg-type]  # checked above
                               first_weekday=settings.first_weekday, malaria=args.malaria)
    print(f"Cases by onset date (reported date when onset is unknown) from {since or 'the first'} to "
          f"{until or 'the last'}, both included; {settings.convention()}.")
    _write(args.out, data)
    return 0


def cmd_immunisation(args: argparse.Namespace) -> int:
    from app.hq.immunisation import rebuild_coverage

    if not args.rebuild:
        raise CliError("Say what to do: --rebuild works out every child's coverage row again from the records.")
    engine = central_engine(args)
    _headquarters(engine, args, "rebuild the immunisation coverage table (headquarters only)")
    with engine.begin() as conn:
        n = rebuild_coverage(conn)
    print(f"Immunisation coverage rebuilt: {n} children assessed by the schedule engine.")
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    from app.hq.alerts import evaluate_alerts, site_config

    engine = central_engine(args)
    # Evaluating writes alerts, and the list is the alert desk's (headquarters only, Action.VIEW_SURVEILLANCE).
    _headquarters(engine, args, "evaluate outbreak alerts (headquarters only)")
    with engine.begin() as conn:
        settings = _settings(conn)
        alerts = evaluate_alerts(conn, cases_since=_date(args.since, "--since"), config=site_config(conn))
    print(f"{settings.convention()}; malaria elimination {'on' if settings.malaria_elimination else 'off'}.")
    for a in alerts:
        late = a.weeks_late(settings.first_weekday)
        print(f"{'NEW ' if a.new else '    '}{a.week:>11} {a.disease:<16} {a.rule:<16} cases={a.case_count:<4} "
              f"{a.status}{f' (reported {late} week{_s(late)} late)' if late else ''}")
    print(f"{sum(a.new for a in alerts)} new, {len(alerts)} firing.")
    return 0


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def cmd_config(args: argparse.Namespace) -> int:
    from app.hq.settings import SettingsError, save_settings

    engine = central_engine(args)
    changing = args.week_start is not None or args.malaria_elimination is not None
    actor = (_headquarters(engine, args, "change the site's settings (headquarters only)") if changing
             else _any_staff(engine, args, "see the site's settings"))
    with engine.begin() as conn:
        if changing:
            try:
                settings = save_settings(conn, by=actor.username, week_start=args.week_start,
                                         malaria_elimination=None if args.malaria_elimination is None
                                         else args.malaria_elimination == "on")
            except SettingsError as err:
                raise CliError(str(err)) from None
            raised = _reevaluate(conn)
        else:
            settings = _settings(conn)
    print(f"Week start: {settings.week_start_name} ({settings.convention()}).")
    print(f"Malaria elimination: {'on (every case is an alert)' if settings.malaria_elimination else 'off'}.")
    if changing:
        print(f"Alerts re-evaluated under the new settings: {raised} raised.")
    return 0


def _reevaluate(conn: Any) -> int:
    """A rule change (a new disease list, week convention or malaria mode) applies to the cases already held, in
    the same transaction: the import hook only looks at the groups each new batch touches. Never a second alert
    for the same cases (alerts are keyed)."""
    from app.hq.alerts import evaluate_alerts

    return sum(1 for a in evaluate_alerts(conn) if a.new)


def cmd_registry(args: argparse.Namespace) -> int:
    from app.hq.registry import RegistryRefused, active_registry, publish_registry, published_versions

    engine = central_engine(args)
    publishing = args.registry_action == "publish"
    actor = (_headquarters(engine, args, "publish the disease list (headquarters only)") if publishing
             else _any_staff(engine, args, "see the disease list in use"))
    with engine.begin() as conn:
        if publishing:
            try:
                data = Path(args.file).read_bytes()
            except OSError as err:
                raise CliError(f"cannot read {args.file}: {err.strerror}") from None
            try:
                done = publish_registry(conn, data, by=actor.username)
            except RegistryRefused as err:
                raise CliError(str(err)) from None
            raised = _reevaluate(conn)
            print(f"Published version {done.version} ({done.label}), sha256 {done.sha256[:16]}…, signed by "
                  f"headquarters key {done.key_id}; laptops adopt it at their next sync. Alerts re-evaluated "
                  f"under it: {raised} raised.")
            return 0
        reg = active_registry(conn)
        versions = published_versions(conn)
    print(f"In use: version {reg.version} — {reg.label} ({len(reg.diseases)} diseases).")
    for v in versions:
        print(f"  version {v.version}: {v.label}, published {v.published_at:%Y-%m-%d %H:%M} UTC by {v.published_by}")
    if not versions:
        print("  (no version published here yet: the list shipped with Sayyar is in use)")
    return 0


_REFERENCE_KINDS = {"staff": "user_account", "facility": "facility", "diagnosis": "diagnosis"}


def cmd_reference(args: argparse.Namespace) -> int:
    from app.hq.reference_change import ReferenceRefused, change_reference

    engine = central_engine(args)
    actor = _headquarters(engine, args, "change reference data (headquarters only)")
    try:
        with engine.begin() as conn:
            done = change_reference(conn, actor, _REFERENCE_KINDS[args.kind], args.key, args.field, args.value)
    except ReferenceRefused as err:
        raise CliError(str(err)) from None
    print(f"{args.kind} {done.key}: {done.field} {done.before!r} → {done.after!r}; signed by headquarters in the "
          "feed, laptops apply it at their next sync (audited).")
    return 0


def _register_reports(hq_sub: Any) -> None:
    p = hq_sub.add_parser("report", help="weekly epidemiological report (PDF; --user: any staff account, a "
                                         "coordinator's covers their unit)")
    add_db_argument(p)
    p.add_argument("--week", help="e.g. 2026SatW48 (default: the last complete week, in the site's convention)")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.set_defaults(handler=cmd_report)

    ex = hq_sub.add_parser("export", help="DHIS2 or line-list export (--user: audited)")
    ex_sub = ex.add_subparsers(dest="hq_export", metavar="FORMAT", required=True)
    d = ex_sub.add_parser("dhis2", help="DHIS2 dataValueSets JSON for a week (one object, every mapped facility)")
    add_db_argument(d)
    d.add_argument("--week", help="e.g. 2026SatW48 (default: the last complete week)")
    d.add_argument("--facility", action="append", help="facility code (repeatable; default all mapped)")
    d.add_argument("--out", required=True)
    d.set_defaults(handler=cmd_export_dhis2)
    ll = ex_sub.add_parser("linelist", help="notifiable cases line list (CSV or XLSX)")
    add_db_argument(ll)
    ll.add_argument("--format", choices=["csv", "xlsx"])
    ll.add_argument("--since", help="onset date from (included), 2026-11-28 or 1405/09/07")
    ll.add_argument("--until", help="onset date to (included)")
    ll.add_argument("--disease", action="append", help="disease key (repeatable)")
    ll.add_argument("--identities", action="store_true",
                    help="include names, documents and phones (headquarters only; audited)")
    ll.add_argument("--malaria", action="store_true",
                    help="the malaria line list: species, tests and the case investigation (travel, origin, contacts)")
    ll.add_argument("--out", required=True)
    ll.set_defaults(handler=cmd_export_linelist)

    a = hq_sub.add_parser("alerts", help="evaluate outbreak alert rules now (the site's week convention; --user, "
                                         "headquarters)")
    add_db_argument(a)
    a.add_argument("--since", help="only weeks from this date")
    a.set_defaults(handler=cmd_alerts)

    im = hq_sub.add_parser("immunisation", help="the immunisation page's per-child coverage table (kept by sync; "
                                                "rebuilding: --user, headquarters)")
    add_db_argument(im)
    im.add_argument("--rebuild", action="store_true", help="assess every child again from the record rows")
    im.set_defaults(handler=cmd_immunisation)

    c = hq_sub.add_parser("config", help="the site's epi-week convention and malaria elimination mode (--user: "
                                         "any staff account; changes: headquarters)")
    add_db_argument(c)
    c.add_argument("--week-start", choices=["saturday", "monday", "sunday"],
                   help="saturday (Iran, the default), monday (ISO) or sunday (CDC/PAHO)")
    c.add_argument("--malaria-elimination", choices=["on", "off"], help="on: every malaria case is an alert")
    c.set_defaults(handler=cmd_config)

    r = hq_sub.add_parser("registry", help="the notifiable-disease list: show the version in use, or publish one")
    r_sub = r.add_subparsers(dest="registry_action", metavar="ACTION", required=True)
    show = r_sub.add_parser("show", help="the version in use and those published (--user: any staff account)")
    add_db_argument(show)
    show.set_defaults(handler=cmd_registry)
    pub = r_sub.add_parser("publish", help="check, sign and publish a new version (JSON, the shape of "
                                           "resources/reference/notifiable_diseases.json; --user, headquarters)")
    add_db_argument(pub)
    pub.add_argument("file")
    pub.set_defaults(handler=cmd_registry)


def register(sub: Any) -> None:
    hq = sub.add_parser("hq", help="headquarters: import bundles, conflicts, reports, exports, alerts, staff")
    hq_sub = hq.add_subparsers(dest="hq_command", metavar="ACTION", required=True)

    imp = hq_sub.add_parser("import", help="verify and apply sync bundles; writes a signed receipt per bundle "
                                           "(--user: a headquarters staff account)")
    add_db_argument(imp)
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--receipts", type=Path, help="folder for receipts (default: beside each bundle)")
    imp.set_defaults(handler=cmd_import)
    conf = hq_sub.add_parser("conflicts", help="list open conflicts (losing values kept for review; --user, "
                                               "headquarters)")
    add_db_argument(conf)
    conf.set_defaults(handler=cmd_conflicts)
    dup = hq_sub.add_parser("duplicates", help="likely duplicate patients across units (codes and reasons, best "
                                               "first; --user: headquarters, or a unit administrator for their unit)")
    add_db_argument(dup)
    dup.add_argument("--across-units", action="store_true", help="only pairs registered by two different units")
    dup.add_argument("--unit-id", help="only the patients one unit registered (a unit administrator: their own)")
    dup.add_argument("--limit", type=int, default=500, help="at most this many pairs (default 500)")
    dup.set_defaults(handler=cmd_duplicates)

    _register_reports(hq_sub)

    ref = hq_sub.add_parser("reference", help="change reference data on every laptop: a staff account's role, unit "
                                              "or active flag, a facility's active flag, a diagnosis's notifiable "
                                              "disease (headquarters only, audited)")
    add_db_argument(ref)
    ref.add_argument("kind", choices=sorted(_REFERENCE_KINDS), help="what to change")
    ref.add_argument("key", help="the staff account's user name, or the facility's or diagnosis's code")
    ref.add_argument("field", choices=["role", "unit", "active", "notifiable"], help="the field to set")
    ref.add_argument("value", help="the new value: a role, a unit code, on|off, a disease key or none")
    ref.set_defaults(handler=cmd_reference)

    s = hq_sub.add_parser("staff", help="create or update a headquarters staff account, for the pages and these "
                                        "commands (--user: a headquarters staff administrator; the first "
                                        "administrator needs none; new password from $SAYYAR_NEW_PASSWORD or asked "
                                        "twice)")
    add_db_argument(s)
    s.add_argument("--username", required=True)
    s.add_argument("--role", default="headquarters", choices=["headquarters", "coordinator", "unit_admin"])
    s.add_argument("--unit-id", help="the unit a coordinator sees (required for coordinators and unit administrators)")
    s.add_argument("--language", choices=["en", "fa"], default="en", help="the language of this account's pages")
    s.add_argument("--admin", action="store_true",
                   help="a staff administrator: lists and deactivates accounts on the Staff page (headquarters only)")
    s.set_defaults(handler=cmd_staff)
