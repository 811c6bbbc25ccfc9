"""Sync on the laptop: ``sync …`` and ``bundle …``. Commands sign in with the global ``--user`` (password from
``SAYYAR_PASSWORD`` or a prompt).

    sayyar sync [--server URL]                 one sync round without the GUI
    sayyar sync device-request --out FILE      this laptop's id and public key, for enrolment
    sayyar sync enrol FILE [--server URL]      load the enrolment file the administrator issued
    sayyar sync status                         counts by state, quarantined entries, last success and error
    sayyar sync new-epoch [--offline]          after a restore from backup or a copy (the sync error says when)
    sayyar sync requeue SEQ...                 send quarantined entries again
    sayyar sync conflicts                      open conflicts: record, field, kept and lost value, when
    sayyar sync resolve ID (--keep|--restore)  a person's decision on one; it travels on the next round
    sayyar sync lookup (--code C|--referral N) --reason TEXT
                                               fetch one patient of another unit from the server (audited there)
    sayyar bundle export --out FILE            everything not yet acknowledged, signed and encrypted to HQ
    sayyar bundle pending                      exported bundles still waiting for their receipt
    sayyar bundle receipt FILE                 mark the entries a headquarters receipt names as acknowledged
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli.common import CliError, signed_in


def register(subparsers: Any) -> None:
    sync = subparsers.add_parser("sync", help="synchronise with the central server")
    sync.add_argument("--server", help="server address (default: the one from enrolment)")
    sync.set_defaults(handler=cmd_sync)
    sub = sync.add_subparsers(dest="sync_command")
    p = sub.add_parser("device-request", help="write this laptop's enrolment request (id and public key)")
    p.add_argument("--out", type=Path, required=True, help="request file to write (JSON; no secrets in it)")
    p.set_defaults(handler=cmd_device_request)
    p = sub.add_parser("enrol", help="load the enrolment file issued by `sayyar server enrol-device`")
    p.add_argument("file", type=Path, help="the enrolment file")
    p.add_argument("--server", help="server address, if not in the file")
    p.set_defaults(handler=cmd_enrol)
    p = sub.add_parser("status", help="what is waiting, acknowledged, quarantined")
    p.set_defaults(handler=cmd_status)
    p = sub.add_parser("new-epoch", help="continue under a new epoch after a restore or a copy")
    p.add_argument("--offline", action="store_true", help="do not ask the server for the epoch number")
    p.set_defaults(handler=cmd_new_epoch)
    p = sub.add_parser("requeue", help="send quarantined entries again")
    p.add_argument("seqs", nargs="+", type=int, help="sequence numbers shown by `sayyar sync status`")
    p.set_defaults(handler=cmd_requeue)

    p = sub.add_parser("conflicts", help="open conflicts: the record, the field, the value kept and the one that lost")
    p.set_defaults(handler=cmd_conflicts)
    p = sub.add_parser("resolve", help="decide one conflict; the decision travels on the next sync")
    p.add_argument("conflict", help="the conflict's id (or its first 8 characters) from `sayyar sync conflicts`")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--keep", action="store_true", help="keep the value that won")
    how.add_argument("--restore", action="store_true", help="restore the value that lost (an ordinary, audited edit)")
    p.set_defaults(handler=cmd_resolve)

    p = sub.add_parser("lookup", help="fetch one patient of another unit from the server, with a reason (audited)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--code", default="", help="the patient's code, from their card or slip")
    which.add_argument("--referral", default="", help="a referral number, from the slip")
    p.add_argument("--reason", required=True, help="why this person's record is needed here (kept in the audit)")
    p.set_defaults(handler=cmd_lookup)

    bundle = subparsers.add_parser("bundle", help="sync by file: export a bundle, load a receipt")
    bsub = bundle.add_subparsers(dest="bundle_command", required=True)
    p = bsub.add_parser("export", help="write every change not yet acknowledged to an encrypted, signed file")
    p.add_argument("--out", type=Path, required=True, help="bundle file to write (.sayyar)")
    p.set_defaults(handler=cmd_bundle_export)
    p = bsub.add_parser("pending", help="exported bundles whose receipt has not been loaded yet")
    p.set_defaults(handler=cmd_bundle_pending)
    p = bsub.add_parser("receipt", help="load a headquarters receipt")
    p.add_argument("file", type=Path, help="the .receipt.json file headquarters sent back")
    p.set_defaults(handler=cmd_bundle_receipt)


def cmd_sync(args: argparse.Namespace) -> int:
    from app.security.roles import Action, require_role
    from app.sync import identity
    from app.sync.client import Progress, SyncError, run_sync_round

    session = signed_in(args)
    try:
        ident = identity.identity(session.store)
        # The token never comes from the command line (the process list shows it); another server address is a
        # device setting, for a unit administrator only (it receives the token and the records).
        url, token = args.server or ident.server_url, ident.token
        if args.server and args.server != ident.server_url:
            require_role(session.ctx, Action.CONFIGURE_DEVICE)
        if not url or not token:
            print("sayyar: this laptop is not enrolled: run `sayyar sync enrol FILE` with the enrolment file",
                  file=sys.stderr)
            return 2

        def show(p: Progress) -> None:
            print(f"\r{p.phase}: {p.done}/{p.total or '?'}", end="", flush=True)

        try:
            report = run_sync_round(session.store, session.ctx, url, token, show, keystore=session.keystore)
        except SyncError as err:
            print(f"\nsayyar: sync stopped: {err}", file=sys.stderr)
            return 1 if err.transient else 2
        print(f"\nsent {report.uploaded} (acknowledged {report.acked}, quarantined {report.quarantined}); "
              f"received {report.downloaded}; conflicts {report.conflicts}")
        if report.removed:
            print(f"headquarters ended the access of {', '.join(report.removed)}: the database key was replaced")
        if report.recovery_key:
            print(f"new recovery key (write it down now, it is shown once): {report.recovery_key}")
        for reason in report.reasons:
            print(f"  quarantined: {reason}")
        return 0
    finally:
        session.store.close()


def cmd_lookup(args: argparse.Namespace) -> int:
    from app.sync import identity
    from app.sync.client import Refused, SyncError, lookup_patient

    session = signed_in(args)
    try:
        ident = identity.identity(session.store)
        if not ident.server_url or not ident.token:
            raise CliError("this laptop is not enrolled: run `sayyar sync enrol FILE` with the enrolment file")
        try:
            got = lookup_patient(session.store, session.ctx, ident.server_url, ident.token, reason=args.reason,
                                 patient_code=args.code, referral_number=args.referral)
        except Refused as err:
            raise CliError(f"look-up refused ({err.code}): {err}") from None
        except SyncError as err:
            print(f"sayyar: look-up stopped: {err}", file=sys.stderr)
            return 1 if err.transient else 2
        print(f"stored patient {got.patient_id}: {got.applied} records"
              + (f", {got.parked} waiting for their parent records" if got.parked else "")
              + "; its later changes come with every sync")
        return 0
    finally:
        session.store.close()


def cmd_device_request(args: argparse.Namespace) -> int:
    from app.config import write_private
    from app.sync import identity

    session = signed_in(args)
    try:
        _require(session, "CONFIGURE_DEVICE")  # as the Sync panel: enrolling the laptop is its administrator's
        # It names the laptop's accounts and its grant key (certified at enrolment): written private, as the Sync
        # panel writes it.
        request = identity.device_request(session.store, grant_public=session.keystore.grant_public)
        write_private(args.out, request.model_dump_json(indent=2).encode("utf-8"))
        print(f"wrote {args.out}: give it to the administrator (`sayyar server enrol-device --request FILE`)")
        return 0
    finally:
        session.store.close()


def cmd_enrol(args: argparse.Namespace) -> int:
    from app.sync import identity
    from app.sync.protocol import DeviceEnrolment

    session = signed_in(args)
    try:
        enrolment = DeviceEnrolment.model_validate_json(args.file.read_bytes())
        identity.load_enrolment(session.store, enrolment, actor=session.ctx, server_url=args.server)
        print("enrolled: this laptop can now sync and write bundles")
        return 0
    finally:
        session.store.close()


def cmd_status(args: argparse.Namespace) -> int:
    from app.sync.status import parked_records, quarantined_entries, sync_status

    session = signed_in(args)
    try:
        st = sync_status(session.store)
        print(f"epoch {st.epoch}; " + ", ".join(f"{k} {v}" for k, v in st.counts.items()))
        print(f"last success: {st.last_success_at or 'never'}; last error: {st.last_error or '-'}")
        print(f"open conflicts: {st.open_conflicts}; received records kept aside: {st.parked} "
              f"(of them unreadable by this version: {st.unreadable})")
        for q in quarantined_entries(session.store, limit=50):
            print(f"  quarantined seq {q.seq} {q.entity} {q.record_id}: {q.reason}")
        for p in parked_records(session.store, limit=50):
            print(f"  kept aside {p.entity} {p.record_id}: {p.reason}")
        return 0
    finally:
        session.store.close()


def cmd_new_epoch(args: argparse.Namespace) -> int:
    from app.sync import identity
    from app.sync.client import SyncError, new_epoch_from_server

    session = signed_in(args)
    try:
        _require(session, "RUN_SYNC")  # what a sync round does by itself when the server finds a copied laptop
        ident = identity.identity(session.store)
        if args.offline or not (ident.server_url and ident.token):
            epoch = identity.start_new_epoch(session.store)
        else:
            try:
                epoch = new_epoch_from_server(session.store, ident.server_url, ident.token)
            except SyncError as err:
                print(f"sayyar: the server could not be asked ({err}); use --offline to continue without it",
                      file=sys.stderr)
                return 1
        print(f"now in epoch {epoch}; unsent changes will go under it")
        return 0
    finally:
        session.store.close()


def cmd_requeue(args: argparse.Namespace) -> int:
    from app.sync.outbox import requeue

    session = signed_in(args)
    try:
        _require(session, "RUN_SYNC")
        print(f"{requeue(session.store, args.seqs)} entr(ies) queued again")
        return 0
    finally:
        session.store.close()


def cmd_conflicts(args: argparse.Namespace) -> int:
    from app.sync.status import conflicts_for_review

    session = signed_in(args)
    try:
        _require(session, "RESOLVE_CONFLICTS")  # both values of each conflict are a patient's details
        rows = conflicts_for_review(session.store)
    finally:
        session.store.close()
    def who(user: str, laptop: str, unit: str, node: str) -> str:
        return f"{user or 'someone'} on laptop {laptop or node[:8]}" + (f" of {unit}" if unit else "")

    for c in rows:
        kept = f"{c.kept_at:%Y-%m-%d %H:%M}" if c.kept_at else "?"
        lost = f"{c.lost_at:%Y-%m-%d %H:%M}" if c.lost_at else "?"
        print(f"{c.id[:8]}  {c.entity} {c.record_label}  {c.field}: kept {c.kept_value!r} ({kept}, "
              f"{who(c.kept_user, c.kept_laptop, c.kept_unit, c.kept_device)}), lost {c.lost_value!r} ({lost}, "
              f"{who(c.lost_user, c.lost_laptop, c.lost_unit, c.lost_device)})")
    print(f"{len(rows)} open conflict(s)")
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from app.sync.status import conflicts_for_review, resolve_conflict

    session = signed_in(args)
    try:
        matches = [c for c in conflicts_for_review(session.store) if c.id.startswith(args.conflict)]
        if len(matches) != 1:
            raise CliError(f"no single open conflict starts with {args.conflict!r} (see `sayyar sync conflicts`)")
        resolve_conflict(session.ctx, matches[0].id, restore_lost=args.restore)
    finally:
        session.store.close()
    print(("restored the value that lost" if args.restore else "kept the value that won") +
          "; the decision goes to the server on the next sync")
    return 0


def cmd_bundle_export(args: argparse.Namespace) -> int:
    from app.sync.bundle import export_bundle
    from app.sync.bundle_log import awaiting_receipt

    session = signed_in(args)
    try:
        for b in awaiting_receipt(session.store):
            print(f"note: the bundle of {b.at:%Y-%m-%d %H:%M} UTC ({b.file}, sequences {b.seq_from}–{b.seq_to}) was "
                  f"never receipted; its {b.waiting} change(s) go again in this one. Load its receipt when it comes "
                  "(`sayyar bundle receipt FILE`).", file=sys.stderr)
        s = export_bundle(session.store, session.ctx, args.out)
        print(f"wrote {s.path} ({s.count} changes, sequences {s.seq_from}–{s.seq_to}, {s.size} bytes)")
        return 0
    finally:
        session.store.close()


def cmd_bundle_pending(args: argparse.Namespace) -> int:
    from app.sync.bundle_log import awaiting_receipt

    session = signed_in(args)
    try:
        waiting = awaiting_receipt(session.store)
    finally:
        session.store.close()
    for b in waiting:
        print(f"{b.at:%Y-%m-%d %H:%M} UTC  {b.file}  epoch {b.epoch}, sequences {b.seq_from}–{b.seq_to}, {b.count} "
              f"change(s), {b.waiting} still waiting")
    print(f"{len(waiting)} bundle(s) awaiting a receipt")
    return 0


def cmd_bundle_receipt(args: argparse.Namespace) -> int:
    from app.sync.bundle import BundleRejected, load_receipt

    session = signed_in(args)
    try:
        _require(session, "EXPORT_BUNDLE")  # the other half of a bundle: who may export one loads its receipt
        try:
            acked, quarantined = load_receipt(session.store, args.file)
        except BundleRejected as err:
            print(f"sayyar: receipt refused: {err}", file=sys.stderr)
            return 2
        print(f"{acked} change(s) acknowledged, {quarantined} quarantined")
        from app.sync.access import rotate_for_removed

        rotation = rotate_for_removed(session.store, session.keystore)
        if rotation is not None:
            print(f"headquarters ended the access of {', '.join(rotation.removed)}: the database key was replaced")
            if rotation.recovery_key:
                print(f"new recovery key (write it down now, it is shown once): {rotation.recovery_key}")
        return 0
    finally:
        session.store.close()


def _require(session: Any, action: str) -> None:
    """The role check of a command whose work below has none of its own (trust rules: never only a hidden button)."""
    from app.security.roles import Action, require_role

    require_role(session.ctx, Action[action])
