"""The central server: ``server`` (run it), ``server devices``, ``server enrol-device``, ``server revoke-device``.

Running the server needs the central database's credentials only. Every other command also signs in as a staff
account of the central staff list (global ``--user``, password from $SAYYAR_PASSWORD or the prompt; app/cli/
common.py, ``signed_in_staff``): enrolling, revoking, replacing a laptop and writing a laptop's set-up file decide which devices
may write to the central database, so they are headquarters' (``Action.MANAGE_DEVICES``) and audited in the
account's name; the device list and a laptop's refused changes are shown to any staff account scoped like the
reporting board (a coordinator or unit administrator: their own unit's laptops). These commands need an existing
central database (``sayyar server`` makes it; ``central_engine``), since the staff list lives in it: the set-up
order is ``sayyar server``, then the first administrator (``sayyar hq staff --username NAME --admin``), then the
laptops.

    sayyar server --db URL --host H --port P [--workers N]   run the central server
    sayyar server devices --db URL                           every enrolled laptop and what the server holds of it
    sayyar server devices --db URL --rejected CODE           the changes the server refused from that laptop, and why
    sayyar server enrol-device --db URL --request FILE [--out FILE] [--server-url URL] [--re-enrol]
    sayyar server revoke-device --db URL (--device-code CODE | --device-id ID)
    sayyar server laptop-config --db URL --unit CODE --device-code CODE --out FILE [--server-url URL]
    sayyar server replace-device --db URL --unit CODE --device-code CODE --admin NAME --out FILE [--server-url URL]
                                 [--again]                  a new laptop takes over a broken or lost one's identity
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import DB_ENV, CliError, central_engine, data_folder, db_argument, staff_allowed

DEFAULT_DB = "sayyar-central.db"


def register(subparsers: Any) -> None:
    server = subparsers.add_parser("server", help="run or administer the central sync server")
    _db(server)
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; TLS in front)")
    server.add_argument("--port", type=int, default=8470, help="port (default 8470)")
    server.add_argument("--workers", type=int, default=1,
                        help="worker processes (default 1; several are safe with PostgreSQL)")
    server.add_argument("--clock-margin-hours", type=float, default=24.0,
                        help="refuse changes stamped more than this ahead of the server's clock (default 24)")
    server.set_defaults(handler=cmd_serve)
    sub = server.add_subparsers(dest="server_command")
    enrol = sub.add_parser("enrol-device", help="enrol a laptop: store its public key, issue its token")
    _db(enrol)
    enrol.add_argument("--request", type=Path, help="device request file from `sayyar sync device-request`")
    enrol.add_argument("--device-id", help="the laptop's device id (without --request)")
    enrol.add_argument("--device-code", help="the laptop's short code, e.g. ZAH1 (without --request)")
    enrol.add_argument("--public-key", help="the laptop's Ed25519 public key, base64")
    enrol.add_argument("--server-url", default="", help="address the laptop should sync with")
    enrol.add_argument("--out", type=Path, help="write the enrolment file for the laptop here")
    enrol.add_argument("--re-enrol", action="store_true", help="enrol a revoked laptop again (a deliberate act)")
    enrol.set_defaults(handler=cmd_enrol)
    revoke = sub.add_parser("revoke-device", help="refuse a laptop's token from now on (a lost or stolen laptop)")
    _db(revoke)
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--device-code", help="the laptop's code, e.g. ZAH1")
    which.add_argument("--device-id", help="the laptop's device id")
    revoke.set_defaults(handler=cmd_revoke)
    config = sub.add_parser("laptop-config", help="write the file a new laptop is set up from (first-run screen or "
                                                   "`sayyar setup --config`): unit, device code, server, HQ keys")
    _db(config)
    config.add_argument("--unit", required=True, help="the unit the laptop serves, e.g. MHU-ZAH")
    config.add_argument("--device-code", required=True, help="the laptop's short code, unused so far, e.g. ZAH2")
    config.add_argument("--server-url", default="", help="address the laptop should sync with")
    config.add_argument("--out", type=Path, required=True, help="the configuration file to write")
    config.set_defaults(handler=cmd_laptop_config)
    replace = sub.add_parser("replace-device", help="a new laptop takes over a broken or lost one: write the file it "
                                                    "is set up from (`sayyar setup --config`), no request needed")
    _db(replace)
    replace.add_argument("--unit", required=True, help="the unit the laptop serves, e.g. MHU-ZAH")
    replace.add_argument("--device-code", required=True, help="the code of the laptop being replaced, e.g. ZAH2")
    replace.add_argument("--admin", required=True,
                         help="the new laptop's administrator name, unused so far (e.g. zah2.admin2)")
    replace.add_argument("--server-url", default="", help="address the laptop should sync with")
    replace.add_argument("--out", type=Path, required=True, help="the file to write (it holds the laptop's token)")
    replace.add_argument("--again", action="store_true",
                         help="issue a new file although an earlier replacement was never used (that file stops "
                              "working)")
    replace.set_defaults(handler=cmd_replace)
    listing = sub.add_parser("devices", help="every enrolled laptop: unit, code, epoch, last seen, counts, revoked")
    _db(listing)
    listing.add_argument("--rejected", metavar="CODE",
                         help="instead: every change the server refused from this laptop (code or device id), "
                              "newest first, with its reason (as the reporting board's page)")
    listing.set_defaults(handler=cmd_devices)


def _db(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: `sayyar server --db X devices` keeps X (the subcommand's own --db, unset, used to put its default
    # over it, so the command ran on ./sayyar-central.db and made one there).
    parser.add_argument("--db", default=argparse.SUPPRESS,
                        help=f"SQLite file or postgresql:// URL, without a password (default: ${DB_ENV}, else "
                             f"{DEFAULT_DB})")


def _url(args: argparse.Namespace) -> str:
    """The central database named by --db or $SAYYAR_CENTRAL_DB (a password only there, never as an argument)."""
    return db_argument(args, DEFAULT_DB) or DEFAULT_DB


def cmd_serve(args: argparse.Namespace) -> int:
    from app.server.runner import serve

    if args.workers < 1 or args.workers > 64:
        raise CliError("--workers: give a number of processes from 1 to 64")
    if not 0 < args.clock_margin_hours <= 24 * 30:
        raise CliError("--clock-margin-hours: give a number of hours above 0 and at most 720 (30 days)")
    # The server's log goes to the console as well, through the same filter that keeps patient data out of it.
    serve(_url(args), host=args.host, port=args.port, workers=args.workers,
          clock_margin_ms=int(args.clock_margin_hours * 3600 * 1000), log_dir=data_folder(args))
    return 0


def _manager(args: argparse.Namespace, task: str) -> tuple[Any, Any]:
    """The central database and the signed-in headquarters account that may ``task`` (enrol, revoke, replace)."""
    from app.security.roles import Action

    engine = central_engine(args, DEFAULT_DB)
    return engine, staff_allowed(engine, args, Action.MANAGE_DEVICES, task)


def _audit(conn: Any, actor: Any, action: str, code: str, **detail: Any) -> None:
    from app.hq.access import audit

    audit(conn, actor, action, code, 1, detail=detail)


def cmd_enrol(args: argparse.Namespace) -> int:
    from app.server import devices
    from app.sync.protocol import DeviceRequest

    if not (args.request or (args.device_id and args.device_code and args.public_key)):
        raise CliError("give --request FILE, or --device-id, --device-code and --public-key")
    engine, actor = _manager(args, "enrol laptops (headquarters only)")
    if args.request:
        req = DeviceRequest.model_validate_json(args.request.read_bytes())
        device_id, code, key, unit = req.device_id, req.device_code, req.public_key, req.unit_id
        users = [(u.user_id, u.username) for u in req.users]
        grant = req.grant_public
    elif args.device_id and args.device_code and args.public_key:
        device_id, code, key, unit, users, grant = args.device_id, args.device_code, args.public_key, None, [], ""
    try:
        with engine.begin() as conn:
            enrolment = devices.enrol_device(conn, device_id=device_id, device_code=code, public_key=key,
                                             server_url=args.server_url, reenrol=args.re_enrol,
                                             unit_id=unit, users=users, grant_public=grant)
            _audit(conn, actor, "device_enrol", code, device_id=device_id, re_enrol=bool(args.re_enrol))
    except devices.DeviceError as err:
        raise CliError(str(err)) from None
    text = enrolment.model_dump_json(indent=2)
    if args.out:
        from app.config import write_private

        write_private(args.out, text.encode("utf-8"))
        print(f"enrolled {device_id} ({code}); give {args.out} to the laptop (`sayyar sync enrol {args.out}`). "
              "It holds the device's token: hand it over like a password.")
    else:
        print(text)
    return 0


def cmd_laptop_config(args: argparse.Namespace) -> int:
    import re

    from app.core.reference import load_sample_site
    from app.server import devices

    units = [u.code for u in load_sample_site().units]
    if args.unit not in units:
        raise CliError(f"there is no unit {args.unit!r}; the units are {', '.join(units)}")
    code = args.device_code.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{2,8}", code):
        raise CliError("--device-code: give 2 to 8 letters or digits, e.g. ZAH2")
    engine, actor = _manager(args, "write a laptop's set-up file (headquarters only)")
    try:
        with engine.begin() as conn:
            config = devices.laptop_config(conn, unit_code=args.unit, device_code=code, server_url=args.server_url)
            _audit(conn, actor, "device_config", code, unit=args.unit)
    except devices.DeviceError as err:
        raise CliError(str(err)) from None
    args.out.write_text(config.model_dump_json(indent=2), encoding="utf-8")
    print(f"wrote {args.out}: set the new laptop up from it (first-run screen \"Set up from a file…\", or "
          f"`sayyar setup --config {args.out} --admin NAME`). It holds no secret: only headquarters' public keys.")
    return 0


def cmd_replace(args: argparse.Namespace) -> int:
    from app.config import write_private
    from app.core.reference import load_sample_site, reference_id
    from app.server import devices

    units = [u.code for u in load_sample_site().units]
    if args.unit not in units:
        raise CliError(f"there is no unit {args.unit!r}; the units are {', '.join(units)}")
    engine, actor = _manager(args, "replace laptops (headquarters only)")
    try:
        with engine.begin() as conn:
            config = devices.replace_device(conn, unit_code=args.unit, unit_id=reference_id("unit", args.unit),
                                            device_code=args.device_code, admin_username=args.admin,
                                            server_url=args.server_url, again=args.again)
            _audit(conn, actor, "device_replace", config.device_code, unit=args.unit, again=bool(args.again))
            # Written inside the transaction: if the file cannot be written, nothing is replaced.
            write_private(args.out, config.model_dump_json(indent=2).encode("utf-8"))
    except devices.DeviceError as err:
        raise CliError(str(err)) from None
    except OSError as err:
        raise CliError(f"{args.out} could not be written ({err.strerror}); nothing was replaced") from None
    assert config.replacement is not None
    print(f"{config.device_code} is replaced: its old token is refused from now on. Set the new laptop up from "
          f"{args.out} (`sayyar setup --config {args.out} --admin {args.admin}`, or the first-run screen); it "
          f"continues as {config.device_code} under epoch {config.replacement.epoch}, already enrolled. The file "
          "holds the laptop's token and key: hand it over like a password.")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from app.server import devices

    engine, actor = _manager(args, "revoke laptops (headquarters only)")
    with engine.begin() as conn:
        device_id = devices.find_device_id(conn, args.device_code or args.device_id)
        if device_id is None:
            raise CliError(f"no laptop {args.device_code or args.device_id} is enrolled (see `sayyar server devices`)")
        devices.revoke_device(conn, device_id)
        _audit(conn, actor, "device_revoke", args.device_code or device_id, device_id=device_id)
    print(f"revoked {args.device_code or device_id}: its token is refused from now on; enrol it again only with "
          "`enrol-device --re-enrol`")
    return 0


def _viewer(args: argparse.Namespace) -> tuple[Any, Any]:
    """The central database and the signed-in staff account whose board the laptops are shown as."""
    from app.security.roles import Action

    engine = central_engine(args, DEFAULT_DB)
    return engine, staff_allowed(engine, args, Action.VIEW_UNIT_REPORTS, "see the enrolled laptops")


def _visible(conn: Any, actor: Any) -> set[str]:
    """The device ids on ``actor``'s board (every one for headquarters, the own unit's for the others)."""
    from app.hq.board import visible_laptops

    return {x.device_id for x in visible_laptops(conn, actor)}


def cmd_devices(args: argparse.Namespace) -> int:
    from app.server import devices

    if args.rejected:
        return _rejected(args)
    engine, actor = _viewer(args)
    with engine.connect() as conn:
        visible = _visible(conn, actor)
        rows = [r for r in devices.list_devices(conn) if r.device_id in visible]
    if not rows:
        print("no laptop is enrolled" if actor.is_hq else "no laptop of your unit is enrolled")
        return 0
    # received / rejected: what the server holds of the laptop; queued / quarantined / parked: what the laptop said
    # it held at its last round ("-": it never said), so a laptop whose uploads do not get through shows here.
    print(f"{'code':<8} {'unit':<10} {'epoch':>5}  {'enrolled':<10}  {'last-seen':<16}  {'received':>8}  {'rejected':>8}  "
          f"{'queued':>7}  {'quarantined':>11}  {'parked':>6}  {'reported':<16}  state")

    def shown(n: int | None) -> str:
        return "-" if n is None else str(n)

    for r in rows:
        seen = f"{r.last_seen_at:%Y-%m-%dT%H:%M}" if r.last_seen_at else "never"
        told = f"{r.reported_at:%Y-%m-%dT%H:%M}" if r.reported_at else "never"
        print(f"{r.device_code:<8} {r.unit_code or '-':<10} {r.epoch:>5}  {r.enrolled_at:%Y-%m-%d}  {seen:<16}  {r.received:>8}  "
              f"{r.rejected:>8}  {shown(r.queued):>7}  {shown(r.quarantined):>11}  {shown(r.parked):>6}  "
              f"{told:<16}  {_state(r)}  {r.device_id}"
              + (f"  replaced {r.replaced_at:%Y-%m-%d}" if r.replaced_at else ""))
    return 0


def _state(r: object) -> str:
    if getattr(r, "revoked", False):
        return "REVOKED"
    refused = int(getattr(r, "keys_refused", 0))
    # Its keystore's grant key or its copy of headquarters' key changed: its roles cannot be trusted (trust rules).
    return f"KEYS-CHANGED (refused {refused}x)" if refused else "active"


def _rejected(args: argparse.Namespace) -> int:
    """One laptop's refused changes, newest first: when (UTC), record type, record id, epoch and sequence, the kind
    of refusal and the server's sentence (record ids only, as on the board's page)."""
    from app.hq.web_i18n import code
    from app.server import devices

    engine, actor = _viewer(args)
    lang = args.lang or actor.lang
    with engine.connect() as conn:
        device_id = devices.find_device_id(conn, args.rejected)
        if device_id is None or device_id not in _visible(conn, actor):  # another unit's: told as not enrolled
            raise CliError(f"no laptop {args.rejected} is enrolled (see `sayyar server devices`)")
        rows = devices.list_rejected(conn, device_id)
    if not rows:
        print(f"the server has refused nothing from {args.rejected}")
        return 0
    print(f"{len(rows)} changes refused from {args.rejected}, newest first")
    print(f"{'when (UTC)':<16}  {'record type':<24}  {'record id':<36}  {'epoch':>5}  {'seq':>8}  reason")
    for r in rows:
        print(f"{r.at:%Y-%m-%dT%H:%M}  {code('entity', r.entity, lang) or '-':<24}  {r.record_id:<36}  {r.epoch:>5}  "
              f"{r.seq:>8}  {code('rejection', r.code, lang)}: {r.reason}")
    return 0
