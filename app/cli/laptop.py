"""Setting up, backing up, restoring and recovering a laptop: ``setup``, ``backup``, ``restore``, ``recover``.

    sayyar setup --unit CODE --device-code CODE --admin NAME [--full-name TEXT]
    sayyar setup --config FILE --admin NAME   unit, device code, server and HQ keys from headquarters' file
                                             (a replacement's file: the laptop it replaces, already enrolled)
    sayyar backup --out FILE                  (signed in as a unit administrator)
    sayyar restore FILE [--recovery-key]      into an empty data folder; then sync as usual
    sayyar recover --user NAME                every password lost: the recovery key sets a new one

Passwords come from ``$SAYYAR_PASSWORD`` / ``$SAYYAR_NEW_PASSWORD`` or one prompt; the recovery key from
``$SAYYAR_RECOVERY_KEY`` or a prompt (never an argument: it would stay in the shell history).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from app.cli.common import CliError, ask_new_password, ask_password, data_folder, require_user, signed_in

RECOVERY_ENV = "SAYYAR_RECOVERY_KEY"


def ask_recovery_key() -> str:
    value = os.environ.get(RECOVERY_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise CliError(f"no recovery key: set {RECOVERY_ENV} or run in a terminal to be asked")
    return getpass.getpass("Recovery key (as printed at setup): ")


def register(sub: Any) -> None:
    p = sub.add_parser("setup", help="set up this laptop for a unit: its administrator and encrypted database")
    p.add_argument("--unit", help="the unit's code, e.g. MHU-ZAH (a wrong one lists them)")
    p.add_argument("--device-code", help="this laptop's short code, unique across laptops, e.g. ZAH2")
    p.add_argument("--config", type=Path, help="headquarters' configuration file (`sayyar server laptop-config`) "
                                               "instead of --unit and --device-code")
    p.add_argument("--admin", required=True, help="the unit administrator's user name on this laptop")
    p.add_argument("--full-name", help="the administrator's full name (default: the user name)")
    p.set_defaults(handler=cmd_setup)

    p = sub.add_parser("backup", help="write an encrypted copy of this whole laptop (unit administrator)")
    p.add_argument("--out", type=Path, required=True, help="backup file to write (.sayyarbackup), e.g. on a USB stick")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="put a laptop backup into an empty data folder (a new or repaired laptop)")
    p.add_argument("file", type=Path, help="the .sayyarbackup file")
    p.add_argument("--recovery-key", action="store_true",
                   help=f"open it with the recovery key (from ${RECOVERY_ENV} or asked) instead of --user's password")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("compact", help="rewrite the database file compactly (unit administrator; about a minute)")
    p.set_defaults(handler=cmd_compact)

    p = sub.add_parser("recover", help="every password lost: open with the recovery key, set an administrator's")
    p.set_defaults(handler=cmd_recover)


def cmd_setup(args: argparse.Namespace) -> int:
    from app.core.reference import load_sample_site
    from app.services.site import create_site, site_exists

    folder = data_folder(args)
    if site_exists(folder):
        raise CliError(f"Sayyar is already set up in {folder}; nothing was changed")
    config = None
    if args.config is not None:
        from app.services.setup_file import read_setup_file

        if args.unit or args.device_code:
            raise CliError("give --config FILE or --unit and --device-code, not both")
        found = read_setup_file(args.config)
        if found.config is None:
            raise CliError(f"{args.config.name} is a laptop backup: restore it with `sayyar restore "
                           f"{args.config}`")
        config = found.config
        args.unit, args.device_code = config.unit_code, config.device_code
    elif not (args.unit and args.device_code):
        raise CliError("give --unit and --device-code (or --config FILE from headquarters)")
    units = [u.code for u in load_sample_site().units]
    if args.unit not in units:
        raise CliError(f"there is no unit {args.unit!r}; the units are {', '.join(units)}")
    password = ask_new_password(args.admin)
    recovery = create_site(folder, admin_username=args.admin, admin_password=password,
                           admin_full_name=args.full_name or args.admin, device_code=args.device_code,
                           unit_code=args.unit, laptop_config=config)
    print(f"Sayyar is set up in {folder} for unit {args.unit}, laptop {args.device_code.upper()}, administrator "
          f"{args.admin}.")
    print("Recovery key (shown this once: write it down and keep it apart from the laptop; it opens the records "
          "when every password is lost):")
    print(f"    {recovery}")
    if config is not None and config.replacement is not None:
        print(f"This laptop replaces {config.device_code} and is already enrolled (epoch "
              f"{config.replacement.epoch}): `sayyar --user {args.admin} sync` sends and receives.")
    else:
        print("Next: `sayyar sync device-request --out FILE` and give the file to headquarters for enrolment.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from app.services.backup import backup_laptop

    session = signed_in(args)
    try:
        info = backup_laptop(session.ctx, session.keystore, data_folder(args), args.out)
    finally:
        session.store.close()
    print(f"wrote {info.path} ({info.size:,} bytes; laptop {info.device_code}, epoch {info.epoch}). It opens only "
          "with the recovery key or a unit administrator's password. Keep it away from the laptop.")
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    from app.security.roles import Action, require_role

    session = signed_in(args)
    try:
        require_role(session.ctx, Action.CONFIGURE_DEVICE)
        from app.sync import outbox

        outbox.catch_up(session.store)  # what acknowledgements left waiting, then the whole file rewritten
        before, after = session.store.vacuum()
    finally:
        session.store.close()
    print(f"database rewritten: {before / 1024**2:,.1f} MB before, {after / 1024**2:,.1f} MB now. From now on space "
          "that acknowledged changes free is given back by itself.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from app.services.backup import restore_laptop

    folder = data_folder(args)
    if args.recovery_key:
        info = restore_laptop(args.file, folder, recovery_key=ask_recovery_key())
    else:
        user = require_user(args, "say which administrator opens the backup (or use --recovery-key)")
        info = restore_laptop(args.file, folder, username=user, password=ask_password(user))
    print(f"restored laptop {info.device_code} (backup of {info.made_at[:16].replace('T', ' ')} UTC) into {folder}; "
          f"it continues under epoch {info.new_epoch} with fresh number ranges. Sync it as usual: what the server "
          "already holds is neither overwritten nor duplicated.")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from app.services.backup import recover_with_key
    from app.services.site import site_exists

    folder = data_folder(args)
    if not site_exists(folder):
        raise CliError(f"Sayyar is not set up in {folder}")
    user = require_user(args, "say which unit administrator gets a new password")
    key = ask_recovery_key()
    new_key = recover_with_key(folder, key, username=user, new_password=ask_new_password(user))
    print(f"{user} can sign in with the new password; reset the other users' passwords from there.")
    print("The old recovery key was typed, so it no longer works. The new one (shown this once: write it down and "
          "keep it apart from the laptop):")
    print(f"    {new_key}")
    return 0
