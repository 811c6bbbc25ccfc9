"""Users, passwords and the audit trail: ``users …``, ``change-password``, ``audit``.

Passwords are never taken as arguments (they would show in the process list and the shell history): new passwords
come from $SAYYAR_NEW_PASSWORD or are asked twice at the terminal; the signed-in user's own password comes from
$SAYYAR_PASSWORD or a prompt, as for every other command.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, time, timezone
from typing import Any

from app.cli.common import CliError, ask_new_password, ask_password, data_folder, parse_day, require_user, signed_in


def _user_id(session: Any, username: str) -> str:
    from sqlalchemy import func, select

    from app.models import User

    with session.ctx.read() as s:
        found = s.scalar(select(User.id).where(func.lower(User.username) == username.strip().lower()))
    if found is None:
        raise CliError(f"no user named {username!r}")
    return str(found)


def cmd_users_list(args: argparse.Namespace) -> int:
    from app.services.users import list_users_with_state

    session = signed_in(args)
    try:
        rows = list_users_with_state(session.ctx, session.keystore, include_inactive=args.all)
    finally:
        session.store.close()
    for r in rows:
        state = "locked until " + r.locked_until.isoformat(timespec="minutes") if r.locked_until else (
            "active" if r.active and r.can_sign_in_here else "inactive" if not r.active else "not on this laptop")
        print(f"{r.username:<20} {r.role_label:<22} {r.full_name:<30} {state}")
    return 0


def cmd_users_add(args: argparse.Namespace) -> int:
    from app.services.users import add_user

    password = ask_new_password(args.username)
    session = signed_in(args)
    try:
        add_user(session.ctx, session.keystore, session.db_key, username=args.username, full_name_en=args.name_en,
                 full_name_fa=args.name_fa, role=args.role, password=password, language=args.language)
    finally:
        session.store.close()
    print(f"Added {args.username} ({args.role}).")
    return 0


def cmd_users_reset(args: argparse.Namespace) -> int:
    from app.services.users import reset_password

    password = ask_new_password(args.username)
    session = signed_in(args)
    try:
        reset_password(session.ctx, session.keystore, session.db_key, user_id=_user_id(session, args.username),
                       new_password=password)
    finally:
        session.store.close()
    print(f"New password set for {args.username}; the account is unlocked.")
    return 0


def cmd_users_give_access(args: argparse.Namespace) -> int:
    from app.services.users import give_access

    password = ask_new_password(args.username)
    session = signed_in(args)
    try:
        give_access(session.ctx, session.keystore, session.db_key, user_id=_user_id(session, args.username),
                    password=password)
    finally:
        session.store.close()
    print(f"{args.username} can now sign in on this laptop.")
    return 0


def cmd_users_role(args: argparse.Namespace) -> int:
    from app.services.users import change_role

    session = signed_in(args)
    try:
        change_role(session.ctx, session.keystore, session.db_key, user_id=_user_id(session, args.username),
                    role=args.role)
    finally:
        session.store.close()
    print(f"{args.username} is now {args.role}.")
    return 0


def cmd_users_deactivate(args: argparse.Namespace) -> int:
    from app.services.users import deactivate_user

    session = signed_in(args)
    try:
        recovery = deactivate_user(session.ctx, session.keystore, user_id=_user_id(session, args.username))
    finally:
        session.store.close()
    print(f"{args.username} can no longer sign in on this laptop; the database key was replaced, so a copy of the "
          "keystore taken before does not open it.")
    if recovery:
        print(f"The recovery key was replaced too (the old one no longer works). Write it down now: {recovery}")
    return 0


def cmd_change_password(args: argparse.Namespace) -> int:
    from app.services.site import sign_in
    from app.services.users import change_own_password

    user = require_user(args)
    old = ask_password(user, prompt=f"Current password for {user}: ")
    session = sign_in(data_folder(args), user, old, lang=args.lang)
    try:
        change_own_password(session.ctx, session.keystore, old_password=old, new_password=ask_new_password(user))
    finally:
        session.store.close()
    print("Your password was changed.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from app.services.audit import audit_trail

    session = signed_in(args)
    try:
        by = _user_id(session, args.by) if args.by else None
        since = datetime.combine(args.since, time.min, tzinfo=timezone.utc) if args.since else None
        rows = audit_trail(session.ctx, entity=args.entity, record_id=args.record, user_id=by, action=args.action,
                           since=since, limit=args.limit)
    finally:
        session.store.close()
    for r in rows:
        if args.json:
            print(json.dumps({"at": r.at.isoformat(), "user": r.username, "action": r.action, "entity": r.entity,
                              "record_id": r.record_id, "device_id": r.device_id, "detail": r.detail},
                             ensure_ascii=False))
        else:
            print(f"{r.at:%Y-%m-%d %H:%M}  {r.username or r.user_id or '-':<16} {r.action:<8} {r.entity:<14} "
                  f"{r.record_id}")
    return 0


def register(sub: Any) -> None:
    from app.security.roles import Role
    from app.services.audit import ACTIONS

    roles = [r.value for r in Role]
    p = sub.add_parser("users", help="people who may sign in on this laptop (unit administrator)")
    users = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    q = users.add_parser("list", help="users, roles and lockouts")
    q.add_argument("--all", action="store_true", help="include deactivated users")
    q.set_defaults(handler=cmd_users_list)
    q = users.add_parser("add", help="add a user (password from $SAYYAR_NEW_PASSWORD or asked)")
    q.add_argument("username", help="their sign-in name (unique across laptops, e.g. m.shahraki)")
    q.add_argument("--role", choices=roles, required=True)
    q.add_argument("--name-en", default="", help="full name in Latin letters")
    q.add_argument("--name-fa", default="", help="full name in Persian")
    q.add_argument("--language", choices=["fa", "en"], default="fa")
    q.set_defaults(handler=cmd_users_add)
    q = users.add_parser("reset-password", help="set a new password for someone (also unlocks)")
    q.add_argument("username", help="whose password")
    q.set_defaults(handler=cmd_users_reset)
    q = users.add_parser("give-access", help="let staff known from headquarters (or deactivated) sign in here")
    q.add_argument("username", help="who may sign in here")
    q.set_defaults(handler=cmd_users_give_access)
    q = users.add_parser("role", help="change someone's role")
    q.add_argument("username", help="whose role")
    q.add_argument("role", choices=roles, help="the new role")
    q.set_defaults(handler=cmd_users_role)
    q = users.add_parser("deactivate", help="stop someone signing in here (their records stay)")
    q.add_argument("username", help="who may no longer sign in here")
    q.set_defaults(handler=cmd_users_deactivate)

    p = sub.add_parser("change-password", help="change your own password (--user)")
    p.set_defaults(handler=cmd_change_password)

    p = sub.add_parser("audit", help="who created, changed, viewed or printed which record (administrator, HQ)")
    p.add_argument("--entity", help="e.g. patient, referral, visit, user_account")
    p.add_argument("--record", help="one record's id")
    p.add_argument("--by", help="one user's name")
    p.add_argument("--action", choices=list(ACTIONS))
    p.add_argument("--since", type=parse_day, help="from this day (ISO or Solar Hijri)")
    p.add_argument("--limit", type=int, default=200, help="at most this many entries, newest first (default 200)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(handler=cmd_audit)
