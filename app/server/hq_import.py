"""Headquarters import of hand-carried bundles: verify everything, then apply in one transaction with the same
``apply_changes`` as online sync, and sign a receipt (docs/architecture.md, guarantee 5).

A bundle imported again is a no-op that hands back the first receipt; overlapping bundles apply only what is new
(every entry is keyed by device, epoch and sequence).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import OperationalError

from app.logging_setup import Word
from app.server import models as m
from app.server.apply import ApplyResult, BatchRefused, apply_changes, apply_isolated
from app.server.devices import HqKeys, get_device, hq_keys
from app.server.feed import reference_items
from app.sync import crypto
from app.sync.bundle import MAX_BODY, BundleRejected, VerifiedBundle, read_bundle, receipt_bytes
from app.sync.protocol import Receipt, SignedReceipt
from app.sync.records import paused_gc

log = logging.getLogger("sayyar.server.hq_import")

__all__ = ["BundleRejected", "ImportOutcome", "import_bundle_bytes", "import_bundle_files"]


@dataclass
class ImportOutcome:
    bundle_id: str
    device_id: str
    replayed: bool
    receipt: SignedReceipt
    result: ApplyResult | None


def _ranges(seqs: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for seq in sorted(set(seqs)):
        if out and seq == out[-1][1] + 1:
            out[-1] = (out[-1][0], seq)
        else:
            out.append((seq, seq))
    return out


def sign_receipt(keys: HqKeys, receipt: Receipt) -> SignedReceipt:
    return SignedReceipt(receipt=receipt, signature=crypto.b64(crypto.sign(keys.sign_private, receipt_bytes(receipt))))


def verify_bundle(engine: Engine, data: bytes, max_body: int = MAX_BODY) -> tuple[HqKeys, VerifiedBundle]:
    with engine.connect() as conn:
        keys = hq_keys(conn)
        verified = read_bundle(data, keys.box_private, keys.box_public, lambda d: get_device(conn, d),
                               max_body=max_body)
    return keys, verified


def import_bundle_bytes(engine: Engine, data: bytes, *, via: str = "hq-import",
                        hook: Callable[[str], None] | None = None, max_body: int = MAX_BODY) -> ImportOutcome:
    with paused_gc():
        outcome = _import(engine, data, via, hook, max_body)
    # The answer also carries headquarters' signed reference records (the registry versions), so a laptop synced
    # only by bundle gets them when it loads the receipt; read now, so a replayed receipt brings the newest too.
    with engine.connect() as conn:
        outcome.receipt = outcome.receipt.model_copy(update={"reference": reference_items(conn)})
    return outcome


def _import(engine: Engine, data: bytes, via: str, hook: Callable[[str], None] | None,
            max_body: int) -> ImportOutcome:
    keys, bundle = verify_bundle(engine, data, max_body)
    man = bundle.manifest
    bi = m.bundle_import
    tag = f"bundle:{via}"[:60]
    with engine.connect() as conn:
        device = get_device(conn, man.device_id)
        if device is None:
            raise BundleRejected(f"device {man.device_id} is not enrolled", "unknown_device")
        done = conn.execute(select(bi.c.receipt).where(bi.c.bundle_id == man.bundle_id)).first()
        if done is not None:
            return ImportOutcome(man.bundle_id, man.device_id, True, SignedReceipt.model_validate(done.receipt), None)
    try:
        with engine.begin() as conn:
            result = apply_changes(conn, device, bundle.entries, epoch=man.epoch, batch_id=man.bundle_id, via=tag,
                                   hook=hook)
            signed = _record_import(conn, keys, bundle, result)
        return ImportOutcome(man.bundle_id, man.device_id, False, signed, result)
    except BatchRefused as err:
        raise BundleRejected(str(err), err.code) from None
    except (OSError, OperationalError):
        raise
    except Exception as err:  # noqa: BLE001 - unforeseen: isolate the record that causes it, as online push does
        log.error("bundle import: batch failed (%s); applying its entries one by one", type(err).__name__)
    try:
        result = apply_isolated(engine, device, bundle.entries, epoch=man.epoch, batch_id=man.bundle_id, via=tag,
                                hook=hook)
    except BatchRefused as err:
        raise BundleRejected(str(err), err.code) from None
    with engine.begin() as conn:
        signed = _record_import(conn, keys, bundle, result)
    return ImportOutcome(man.bundle_id, man.device_id, False, signed, result)


def _record_import(conn: Connection, keys: HqKeys, bundle: VerifiedBundle, result: ApplyResult) -> SignedReceipt:
    """The signed receipt, kept with the import so a second import of the same file answers with it."""
    man = bundle.manifest
    receipt = Receipt(
        receipt_id=str(uuid.uuid4()), bundle_id=man.bundle_id, device_id=man.device_id, epoch=man.epoch,
        acked=_ranges(result.accepted_seqs), rejected=result.rejected, applied=result.applied,
        duplicates=result.duplicates, stale=result.stale, conflicts=result.conflicts,
        issued_at=datetime.now(timezone.utc).isoformat(), hq_key_id=keys.key_id,
    )
    signed = sign_receipt(keys, receipt)
    conn.execute(insert(m.bundle_import).values(
        bundle_id=man.bundle_id, device_id=man.device_id, epoch=man.epoch, seq_from=man.seq_from,
        seq_to=man.seq_to, entries=man.count, sha256=bundle.sha256, imported_at=datetime.now(timezone.utc),
        receipt=signed.model_dump(mode="json", exclude={"reference"}),
    ))
    return signed


@dataclass
class FileOutcome:
    path: Path
    ok: bool
    message: str
    receipt_path: Path | None = None
    # Each change refused (seq, code, reason): the operator sees why, not only how many (the receipt holds them too).
    refused: tuple[tuple[int, str, str], ...] = ()


def import_bundle_files(engine: Engine, paths: list[Path], receipt_dir: Path | None = None,
                        operator: str = "hq") -> list[FileOutcome]:
    """Each file is verified completely, then applied in its own transaction; a bad file is refused with its
    reason and the others go on. Receipts are written beside each bundle (or into ``receipt_dir``)."""
    outcomes = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as err:
            log.warning("bundle import: cannot read %s (%s)", path.name, type(err).__name__)
            outcomes.append(FileOutcome(path, False, f"cannot read: {err.strerror}"))
            continue
        try:
            # Who imported which file is kept with the batch (srv_batch.via).
            outcome = import_bundle_bytes(engine, data, via=f"{operator}:{path.name}"[:50])
        except BundleRejected as err:
            log.warning("bundle import: %s refused (%s)", path.name, Word.of(err.code))
            outcomes.append(FileOutcome(path, False, f"refused ({err.code}): {err}"))
            continue
        except Exception as err:  # noqa: BLE001 - nothing was applied (one transaction); the other files go on
            log.error("bundle import: %s failed, nothing applied", path.name, exc_info=err)
            outcomes.append(FileOutcome(path, False, f"not imported: the server failed ({type(err).__name__}); "
                                                     "nothing from this file was applied"))
            continue
        target = (receipt_dir or path.parent) / f"{path.name}.receipt.json"
        target.write_text(outcome.receipt.model_dump_json(indent=2), encoding="utf-8")
        r = outcome.receipt.receipt
        if outcome.replayed:
            message = "already imported; nothing changed (the first receipt was written again)"
        else:
            message = (f"device {r.device_id} epoch {r.epoch}: applied {r.applied}, duplicates {r.duplicates}, "
                       f"stale {r.stale}, conflicts {r.conflicts}, rejected {len(r.rejected)}")
        outcomes.append(FileOutcome(path, True, message, target,
                                    tuple((x.seq, x.code, x.reason) for x in r.rejected)))
    return outcomes
