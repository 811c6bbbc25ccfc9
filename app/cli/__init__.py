"""``sayyar``: with no command, the desktop app; otherwise one task from the command line.

One module per command group, each with ``register(subparsers)``; every command parser sets ``handler``
(``Namespace -> exit status``). Groups import only :mod:`app.cli.common` (errors, password prompt, sign-in), never
each other nor this package, and the layers below never import the command line. To add a group: write
``app/cli/<group>.py`` with ``register``, list it in ``GROUPS`` and document its commands in the README (a test
fails otherwise).

The global options (``--data-dir``, ``--user``, ``--lang``) are accepted before or after the command: they are
repeated on every subcommand with a suppressed default, so a subcommand never overwrites what was given before it.

Errors are printed as sentences a person can act on, with exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Any

from app.cli.common import CliError, data_folder

__all__ = ["CliError", "build_parser", "main", "version_text"]

GROUPS = ("site", "laptop", "printing", "users", "sync", "server", "hq")

log = logging.getLogger("sayyar.cli")


def version_text() -> str:
    """The program's version and the database schemas it writes (loaded only when asked: launch time matters)."""
    from app.server.db import HEAD_REVISION
    from app.services.about import about

    info = about()
    return f"sayyar {info.version} (laptop database schema {info.schema}, central database schema {HEAD_REVISION})"


class _Version(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        print(version_text())
        parser.exit()


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default: dict[str, Any] = {"default": argparse.SUPPRESS} if suppress else {}
    group = parser.add_argument_group("global options (before or after the command)")
    group.add_argument("--data-dir", help="data folder (default: $SAYYAR_DATA_DIR or the user's data folder)",
                       **default)
    group.add_argument("--user", help="user name for commands that change, print or export records", **default)
    group.add_argument("--lang", choices=["en", "fa"], help="language of messages and printed paper", **default)


def global_parser(**kwargs: Any) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sayyar", description="Sayyar: records of IOM Iran's mobile health units.",
                                     **kwargs)
    parser.add_argument("--version", action=_Version, help="show the version and database schemas, then exit")
    _add_global_options(parser, suppress=False)
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=_open_app)
    return parser


def _subparser_actions(parser: argparse.ArgumentParser) -> list[argparse._SubParsersAction]:  # type: ignore[type-arg]
    return [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]


def _spread_global_options(parser: argparse.ArgumentParser) -> None:
    for action in _subparser_actions(parser):
        for child in dict.fromkeys(action.choices.values()):  # aliases map to the same parser
            _add_global_options(child, suppress=True)
            _spread_global_options(child)


def build_parser() -> argparse.ArgumentParser:
    parser = global_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in GROUPS:
        importlib.import_module(f"app.cli.{name}").register(sub)
    _spread_global_options(parser)
    return parser


def _open_app(args: argparse.Namespace) -> int:
    from app.ui.main import run_app

    return run_app(data_folder(args), smoke_test=getattr(args, "smoke_test", False))


def _explain(err: BaseException, lang: str) -> str | None:
    """The sentence for an error a person can act on, or None for a bug. The error types are imported only here, so
    opening the app does not pay for loading the database layer before its window shows."""
    from app.hq.access import NotAllowed
    from app.security.keystore import KeystoreError
    from app.services.errors import ServiceError
    from app.store import DatabaseError

    if isinstance(err, CliError | DatabaseError | NotAllowed):
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
    from app.logging_setup import configure_logging

    log_file = configure_logging(getattr(args, "log_folder", data_folder)(args))
    command = getattr(args, "command", None) or "app"
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        log.warning("command interrupted: %s", command)
        print("sayyar: interrupted; nothing half-written was kept.", file=sys.stderr)
    except Exception as err:  # noqa: BLE001 - known errors become sentences; anything else is re-raised
        message = _explain(err, lang)
        if message is None:
            # A bug. Its traceback can quote record contents (an exception's text, a value being parsed): it goes
            # to the log, through the filter, and the terminal gets a sentence (docs/architecture.md, "Logging").
            log.error("command failed: %s (%s)", command, type(err).__name__, exc_info=err)
            print(f"sayyar: {command} stopped on an unexpected error ({type(err).__name__}); what was being "
                  f"written was not kept. The details (without patient data) are in {log_file}; please send that "
                  "file to your support contact.", file=sys.stderr)
            return 1
        # The sentence can name what was typed (a user name, a file): the filter keeps only the error's kind.
        log.warning("command refused: %s (%s)", command, type(err).__name__)
        print(f"sayyar: {message}", file=sys.stderr)
    return 2
