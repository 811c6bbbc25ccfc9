"""``sayyar print referral ID`` and ``sayyar print roster``: the same paper as the app, for scripts and spares."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import CliError, parse_day, signed_in, write_output


def _write(path: str, pdf: bytes) -> None:
    out = write_output(path, pdf, suffixes=(".pdf",))
    print(f"Wrote {out} ({len(pdf) / 1024:.0f} KB).")


def _find_referral(session: Any, ident: str) -> str | None:
    from sqlalchemy import or_, select

    from app.models import Referral

    ident = ident.strip()
    return session.scalar(select(Referral.id).where(or_(
        Referral.id == ident, Referral.referral_number == ident.upper(), Referral.short_code == ident.upper())))


def cmd_print_referral(args: argparse.Namespace) -> int:
    from app.services.printing import referral_slip_pdf

    session = signed_in(args)
    try:
        with session.store.read() as s:
            referral_id = _find_referral(s, args.id)
        if referral_id is None:
            raise CliError(f"no referral has the id, number or short code {args.id!r}")
        _write(args.out, referral_slip_pdf(session.ctx, referral_id, paper=args.paper))
    finally:
        session.store.close()
    return 0


def cmd_print_roster(args: argparse.Namespace) -> int:
    from sqlalchemy import or_, select

    from app.models import Facility
    from app.services.printing import roster_pdf

    session = signed_in(args)
    try:
        with session.store.read() as s:
            facility_id = s.scalar(select(Facility.id).where(or_(Facility.id == args.facility,
                                                                 Facility.code == args.facility.upper())))
        if facility_id is None:
            raise CliError(f"no facility has the code or id {args.facility!r}")
        _write(args.out, roster_pdf(session.ctx, args.date, facility_id))
    finally:
        session.store.close()
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("print", help="print a referral slip or a daily roster to a PDF file")
    kinds = p.add_subparsers(dest="kind", metavar="WHAT", required=True)
    r = kinds.add_parser("referral", help="a referral slip (by id, referral number or short code)")
    r.add_argument("id", help="referral id, referral number or short code")
    r.add_argument("--out", required=True, help="PDF file to write")
    r.add_argument("--paper", choices=["A5", "A4"], default="A5")
    r.set_defaults(handler=cmd_print_referral)
    r = kinds.add_parser("roster", help="the daily roster of a facility")
    r.add_argument("--date", required=True, type=parse_day, help="YYYY-MM-DD (or Solar Hijri 1405/09/07)")
    r.add_argument("--facility", required=True, help="facility code (e.g. F03) or id")
    r.add_argument("--out", required=True, help="PDF file to write")
    r.set_defaults(handler=cmd_print_roster)
