"""``sayyar``: with no command, the desktop app; otherwise one task from the command line.

Errors are printed as sentences a person can act on, with exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app import __version__
from app.config import data_dir as resolve_data_dir

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A problem with what was typed on the command line."""


def _password(args: argparse.Namespace) -> str:
    env = os.environ.get("SAYYAR_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise CliError("no password: set SAYYAR_PASSWORD or run in a terminal to be asked")
    return getpass.getpass(f"Password for {args.user}: ")


def signed_in(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Sign in as --user (password from SAYYAR_PASSWORD or a prompt) on the data folder."""
    from app.services.site import sign_in, site_exists

    folder = resolve_data_dir(args.data_dir)
    if not site_exists(folder):
        raise CliError(f"Sayyar is not set up in {folder}. Run 'sayyar demo' for a demo site, or start the app.")
    if not args.user:
        raise CliError("say who you are: --user NAME")
    return sign_in(folder, args.user, _password(args), lang=args.lang)


def cmd_app(args: argparse.Namespace) -> int:
    from app.ui.main import run_app

    return run_app(resolve_data_dir(args.data_dir), smoke_test=getattr(args, "smoke_test", False))


def _default_demo_dir(args: argparse.Namespace) -> Path:
    if args.data_dir or os.environ.get("SAYYAR_DATA_DIR"):
        return resolve_data_dir(args.data_dir)
    return resolve_data_dir(None).parent / "Sayyar-demo"


def ensure_demo_site(folder: Path, patients: int) -> None:
    from app.services.demo import make_demo_data
    from app.services.site import DEMO_PASSWORD, create_demo_site, sign_in, site_exists

    if site_exists(folder):
        return
    print(f"Creating the demo site in {folder} …")
    create_demo_site(folder)
    if patients:
        session = sign_in(folder, "admin", DEMO_PASSWORD)
        try:
            make_demo_data(session.store, patients=patients)
        finally:
            session.store.close()
    print(f"Demo users: m.shahraki (clinician), h.rigi (coordinator), z.sarani (unit administrator), "
          f"l.karimi (headquarters), admin — password '{DEMO_PASSWORD}'.")


def cmd_demo(args: argparse.Namespace) -> int:
    folder = _default_demo_dir(args)
    ensure_demo_site(folder, args.patients)
    if args.no_app:
        return 0
    from app.ui.main import run_app

    return run_app(folder)


def cmd_demo_data(args: argparse.Namespace) -> int:
    from app.services.demo import make_demo_data
    from app.services.site import DEMO_PASSWORD, create_demo_site, sign_in, site_exists

    if args.patients < 1:
        raise CliError("--patients must be at least 1")
    folder = resolve_data_dir(args.data_dir)
    if not site_exists(folder):
        print(f"Creating the demo site in {folder} …")
        create_demo_site(folder)
        user, password = "admin", DEMO_PASSWORD
    else:
        user, password = args.user or "admin", os.environ.get("SAYYAR_PASSWORD", DEMO_PASSWORD)
    session = sign_in(folder, user, password)
    try:
        report = make_demo_data(session.store, patients=args.patients, visits_per_patient=args.visits_per_patient,
                                seed=args.seed, progress=lambda n: print(f"  {n:,} patients …", flush=True))
    finally:
        session.store.close()
    for table, n in sorted(report.counts.items()):
        print(f"{table:>20}: {n:,}")
    print(f"Done in {report.seconds:.1f} s.")
    return 0


def cmd_load_facilities(args: argparse.Namespace) -> int:
    from app.services.reference import load_facilities

    session = signed_in(args)
    try:
        n = load_facilities(session.ctx, Path(args.file))
    finally:
        session.store.close()
    print(f"Loaded {n} facilities from {args.file}.")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from app.config import db_path
    from app.services.site import site_exists

    folder = resolve_data_dir(args.data_dir)
    print(f"Sayyar {__version__}\ndata folder: {folder}\nset up: {'yes' if site_exists(folder) else 'no'}")
    if site_exists(folder):
        print(f"database: {db_path(folder)} ({db_path(folder).stat().st_size / 1e6:.1f} MB, encrypted)")
    return 0


def _parse_day(text: str) -> date:
    from app.core.dates import parse_date

    try:
        return parse_date(text)
    except ValueError:
        try:
            return parse_date(text, calendar="jalali")
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None


def global_parser(**kwargs: object) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sayyar", description="Sayyar: records of IOM Iran's mobile health units.",
                                     **kwargs)  # type: ignore[arg-type]
    parser.add_argument("--version", action="version", version=f"sayyar {__version__}")
    parser.add_argument("--data-dir", help="data folder (default: $SAYYAR_DATA_DIR or the user's data folder)")
    parser.add_argument("--user", help="user name for commands that change or print records")
    parser.add_argument("--lang", choices=["en", "fa"], help="language of messages and printed paper")
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=cmd_app)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = global_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="set up the demo site (if missing) and open the app on it")
    p.add_argument("--patients", type=int, default=500, help="demo patients to create the first time (default 500)")
    p.add_argument("--no-app", action="store_true", help="only set up the demo site")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("demo-data", help="fill the data folder with realistic demo records")
    p.add_argument("--patients", type=int, required=True)
    p.add_argument("--visits-per-patient", type=float, default=4.0)
    p.add_argument("--seed", type=int, default=1405)
    p.set_defaults(handler=cmd_demo_data)

    p = sub.add_parser("load-facilities", help="load a real facility list (CSV or JSON); all or nothing")
    p.add_argument("file")
    p.set_defaults(handler=cmd_load_facilities)

    p = sub.add_parser("info", help="where the data is and its state")
    p.set_defaults(handler=cmd_info)

    from app.cli_print import add_parsers as add_print
    from app.hq.commands import add_hq_commands
    from app.security.commands import add_parsers as add_security
    from app.server.commands import add_parsers as add_server
    from app.sync.commands import add_parsers as add_sync

    add_print(sub, _parse_day)
    add_security(sub)
    add_sync(sub)
    add_server(sub)  # also makes "hq" (import, conflicts); headquarters reports join it below
    add_hq_commands(_subcommands(sub.choices["hq"]))
    return parser


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _explain(err: BaseException, lang: str) -> str | None:
    """The sentence for an error a person can act on, or None for a bug. The error types are imported only here, so
    opening the app does not pay for loading the database layer before its window shows."""
    from app.security.keystore import KeystoreError
    from app.services.errors import ServiceError
    from app.store import DatabaseError

    if isinstance(err, CliError | DatabaseError):
        return str(err)
    if isinstance(err, ServiceError):
        return err.message(lang)
    if isinstance(err, KeystoreError):
        return str(err.message_fa if lang == "fa" else err.message)
    return None


def main(argv: list[str] | None = None) -> int:
    # Opening the app (no command) must not pay for importing every command's libraries: launch time matters.
    quick, rest = global_parser(add_help=False).parse_known_args(argv)
    args = quick if not rest else build_parser().parse_args(argv)
    lang = args.lang or "en"
    # Headquarters report commands name their handler "func"; every other command "handler".
    handler = getattr(args, "func", None) or args.handler
    from app.logging_setup import configure_logging

    configure_logging(_default_demo_dir(args) if getattr(args, "command", None) == "demo"
                      else resolve_data_dir(args.data_dir))
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        print("sayyar: interrupted; nothing half-written was kept.", file=sys.stderr)
    except Exception as err:  # noqa: BLE001 - known errors become sentences; anything else is re-raised
        message = _explain(err, lang)
        if message is None:
            raise
        print(f"sayyar: {message}", file=sys.stderr)
    return 2
