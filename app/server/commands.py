"""Command line for the central server and headquarters. Wire into ``app/cli.py`` with one line:
``app.server.commands.add_parsers(subparsers)``; each parser sets ``handler`` (``args.handler(args)`` → exit code).

    sayyar server --db URL --host H --port P                 run the central server
    sayyar server enrol-device --db URL --request FILE [--out FILE] [--server-url URL]
    sayyar server revoke-device --db URL --device-id ID
    sayyar --user NAME hq import --db URL FILE... [--receipts DIR]   import hand-carried bundles (HQ staff)
    sayyar hq conflicts --db URL                             list open conflicts
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

DEFAULT_DB = "sayyar-central.db"


def add_parsers(subparsers: Any) -> None:
    server = subparsers.add_parser("server", help="run or administer the central sync server")
    _db(server)
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=8470)
    server.set_defaults(handler=cmd_serve)
    sub = server.add_subparsers(dest="server_command")
    enrol = sub.add_parser("enrol-device", help="enrol a laptop: store its public key, issue its token")
    _db(enrol)
    enrol.add_argument("--request", type=Path, help="device request file from `sayyar sync device-request`")
    enrol.add_argument("--device-id")
    enrol.add_argument("--device-code")
    enrol.add_argument("--public-key", help="the laptop's Ed25519 public key, base64")
    enrol.add_argument("--server-url", default="", help="address the laptop should sync with")
    enrol.add_argument("--out", type=Path, help="write the enrolment file for the laptop here")
    enrol.set_defaults(handler=cmd_enrol)
    revoke = sub.add_parser("revoke-device", help="refuse a laptop's token from now on")
    _db(revoke)
    revoke.add_argument("--device-id", required=True)
    revoke.set_defaults(handler=cmd_revoke)

    hq = subparsers.add_parser("hq", help="headquarters: import bundles, review conflicts")
    hq_sub = hq.add_subparsers(dest="hq_command", required=True)
    imp = hq_sub.add_parser("import", help="verify and apply sync bundles; writes a signed receipt per bundle")
    _db(imp)
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--receipts", type=Path, help="folder for receipts (default: beside each bundle)")
    imp.set_defaults(handler=cmd_import)
    conf = hq_sub.add_parser("conflicts", help="list open conflicts (losing values kept for review)")
    _db(conf)
    conf.set_defaults(handler=cmd_conflicts)


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=DEFAULT_DB, help="SQLite file or postgresql:// URL (default: %(default)s)")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.server.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(create_app(args.db), host=args.host, port=args.port, log_level="info")
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    from app.server import devices
    from app.server.db import open_database
    from app.sync.protocol import DeviceRequest

    if args.request:
        req = DeviceRequest.model_validate_json(args.request.read_bytes())
        device_id, code, key = req.device_id, req.device_code, req.public_key
    elif args.device_id and args.device_code and args.public_key:
        device_id, code, key = args.device_id, args.device_code, args.public_key
    else:
        print("give --request FILE, or --device-id, --device-code and --public-key", file=sys.stderr)
        return 2
    engine = open_database(args.db)
    with engine.begin() as conn:
        enrolment = devices.enrol_device(conn, device_id=device_id, device_code=code, public_key=key,
                                         server_url=args.server_url)
    text = enrolment.model_dump_json(indent=2)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"enrolled {device_id} ({code}); give {args.out} to the laptop (`sayyar sync enrol {args.out}`). "
              "It holds the device's token: hand it over like a password.")
    else:
        print(text)
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from app.server import devices
    from app.server.db import open_database

    with open_database(args.db).begin() as conn:
        done = devices.revoke_device(conn, args.device_id)
    print("revoked" if done else "no such device")
    return 0 if done else 1


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
    """Importing is a headquarters task (DESIGN.md, roles): the operator signs in with their staff account
    (`sayyar hq staff`), password from $SAYYAR_PASSWORD or asked."""
    import getpass
    import os

    from app.cli import CliError
    from app.hq.staff import check_staff, hq_staff

    if not getattr(args, "user", None):
        raise CliError("say who is importing: sayyar --user NAME hq import … (a headquarters staff account)")
    password = os.environ.get("SAYYAR_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise CliError("no password: set SAYYAR_PASSWORD or run in a terminal to be asked")
        password = getpass.getpass(f"Password for {args.user}: ")
    hq_staff.create(engine, checkfirst=True)
    with engine.connect() as conn:
        actor = check_staff(conn, args.user, password)
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
