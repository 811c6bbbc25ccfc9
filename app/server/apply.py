"""The ONE function that applies a batch of change-log entries to the central database.

Used by the push endpoint and by the headquarters bundle import, inside the caller's transaction. Idempotent: each
entry is keyed by (device id, epoch, sequence); a key seen before with the same fingerprint is a duplicate (no-op),
with a different fingerprint it means two laptops claim the same numbers — a restored or cloned laptop — and the
whole batch is refused (guarantee 7). A bad record is rejected on its own with a reason; the rest are applied
(guarantee 8).
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Engine, and_, insert, select, update
from sqlalchemy.exc import OperationalError

from app.logging_setup import Word
from app.models.bulk_sql import among, in_chunks, insert_values
from app.models.registry import REGISTRY
from app.server import models as m
from app.server.authority import refusal
from app.server.devices import Device
from app.server.extensions import PATIENT_REFS, extensions, touched
from app.server.scope import grant_referred
from app.server.writer import RecordWriter
from app.sync.protocol import ChangeEntry, Rejection
from app.sync.records import RecordInvalid, payload_to_row

log = logging.getLogger("sayyar.server.apply")

ApplyHook = Callable[[str], None]
_CHUNK = 500


class BatchRefused(Exception):
    """The whole batch is refused; nothing was applied. ``code`` is machine-readable, the message tells what to do."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.code = code


class CloneDetected(BatchRefused):
    def __init__(self, device_id: str, epoch: int, seq: int) -> None:
        super().__init__(
            f"Device {device_id} epoch {epoch} sequence {seq} is already held with different content: this laptop "
            "was restored from a backup or copied. Nothing was applied. Start a new epoch on this laptop "
            "(`sayyar sync new-epoch`, or the Sync panel's 'Start new epoch') and sync again; its unsent changes "
            "are then sent under the new epoch without overwriting what the server holds.",
            code="clone_detected",
        )


@dataclass
class ApplyResult:
    applied: int = 0
    duplicates: int = 0
    stale: int = 0
    conflicts: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    accepted_seqs: list[int] = field(default_factory=list)  # applied, duplicate or stale: all now held
    held_through: int = 0
    max_seq: int = 0


# How far ahead of the server's own clock a change's stamp may be (docs/architecture.md, "Clocks"): a laptop whose
# clock runs ahead would otherwise win every merge and, adopted by others, end their sync.
DEFAULT_CLOCK_MARGIN_MS = 24 * 3600 * 1000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def stamp_ms(stamp: str) -> int:
    return int(stamp.split(":", 1)[0])


def fingerprint(entry: ChangeEntry) -> str:
    # The clock stamp is unique per change on a device, so it identifies the content without hashing payloads.
    text = f"{entry.entity}|{entry.record_id}|{entry.op}|{entry.hlc}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _chunks(items: list[Any], size: int = _CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _known_keys(conn: Connection, device_id: str, epoch: int, seqs: list[int]) -> dict[int, str]:
    r = m.received
    known: dict[int, str] = {}
    for chunk in _chunks(sorted(seqs), in_chunks(conn)):
        rows = conn.execute(select(r.c.seq, r.c.fingerprint).where(
            r.c.device_id == device_id, r.c.epoch == epoch, among(conn, r.c.seq, chunk)))
        known.update({row.seq: row.fingerprint for row in rows})
    return known


def apply_changes(conn: Connection, device: Device, entries: list[ChangeEntry], *, epoch: int, batch_id: str,
                  via: str = "push", hook: ApplyHook | None = None,
                  clock_margin_ms: int = DEFAULT_CLOCK_MARGIN_MS) -> ApplyResult:
    """Apply ``entries`` (one device, one epoch) in the caller's transaction. Raises BatchRefused (nothing applied)."""
    result = ApplyResult()
    c = m.counter
    # Taking the counter row first serialises appliers, so feed positions are handed out in commit order and a
    # reader's cursor never jumps over a row that commits later.
    start = conn.execute(select(c.c.value).where(c.c.name == "feed").with_for_update()).scalar_one()
    seen: dict[int, str] = {}
    unique: list[ChangeEntry] = []
    for e in entries:
        fp = fingerprint(e)
        if e.seq in seen:
            if seen[e.seq] != fp:
                raise BatchRefused(f"sequence {e.seq} appears twice with different content", code="bad_batch")
            continue
        seen[e.seq] = fp
        unique.append(e)
    known = _known_keys(conn, device.device_id, epoch, list(seen))
    fresh: list[ChangeEntry] = []
    for e in unique:
        if e.seq in known:
            if known[e.seq] != seen[e.seq]:
                raise CloneDetected(device.device_id, epoch, e.seq)
            result.duplicates += 1
            result.accepted_seqs.append(e.seq)
        else:
            fresh.append(e)

    writer = RecordWriter(conn, device.device_id, start)
    rows: list[tuple[ChangeEntry, dict[str, Any]]] = []
    limit = now_ms() + clock_margin_ms
    for e in fresh:
        if stamp_ms(e.hlc) > limit:
            result.rejected.append(Rejection(seq=e.seq, code="clock_ahead", reason=(
                "the change is stamped more than the allowed margin ahead of the server's clock; the laptop "
                "corrects its clock from the server's and sends it again")))
            continue
        try:
            row = payload_to_row(e.entity, e.record_id, e.payload)
            if row.get("device_id") is None and REGISTRY[e.entity].owned_by_device:
                raise RecordInvalid("owned record without its device id")
            rows.append((e, row))
        except RecordInvalid as err:
            result.rejected.append(Rejection(seq=e.seq, reason=str(err), code="invalid"))
    rows = writer.check_unique(rows, result.rejected)
    rows = writer.drop_orphans(rows, result.rejected)
    writer.load_current(rows)
    writer.resolve_merged_patients(rows)
    for e, row in rows:
        refused = refusal(REGISTRY[e.entity], e, row, writer.current.get((e.entity, e.record_id)), device)
        if refused is not None:
            result.rejected.append(Rejection(seq=e.seq, reason=refused.reason, code=refused.code))
            continue
        outcome = writer.decide(e, row)
        if outcome.startswith("rejected:"):
            code, _, reason = outcome.removeprefix("rejected:").partition(":")
            result.rejected.append(Rejection(seq=e.seq, reason=reason, code=code))  # type: ignore[arg-type]
            continue
        if outcome == "stale":
            result.stale += 1
        else:
            result.applied += 1
        result.accepted_seqs.append(e.seq)
    failed = writer.write(hook)
    for seq, reason in failed.items():
        result.rejected.append(Rejection(seq=seq, reason=reason, code="refused"))
        result.accepted_seqs.remove(seq)
        result.applied -= 1
    result.conflicts = writer.write_conflicts()
    writer.repoint_merged()
    # Extensions (headquarters' outbreak alerts) react in this same transaction, so an alert appears with the case
    # that caused it; they contain their own failures and never cost the batch.
    changed = touched(fresh, result.accepted_seqs)
    accepted_now = set(result.accepted_seqs)
    changed[PATIENT_REFS] = sorted({str(row["patient_id"]) for e, row in rows
                                    if e.seq in accepted_now and row.get("patient_id")})
    for ext in extensions():
        ext.after_changes_applied(conn, changed)
    if hook:
        hook("records_written")
    _bookkeep(conn, device, epoch, batch_id, via, fresh, seen, result, len(entries))
    # A referral to another unit's facility lets that unit's laptops hold the patient (trust rules).
    accepted = set(result.accepted_seqs)
    writer.next_seq = grant_referred(conn, device.device_id, [(e, r) for e, r in rows if e.seq in accepted],
                                     writer.next_seq)
    conn.execute(update(c).where(c.c.name == "feed").values(value=writer.next_seq))
    return result


def apply_isolated(engine: Engine, device: Device, entries: list[ChangeEntry], *, epoch: int, batch_id: str,
                   via: str = "push", hook: ApplyHook | None = None,
                   clock_margin_ms: int = DEFAULT_CLOCK_MARGIN_MS) -> ApplyResult:
    """The fallback when a batch fails for a reason nobody foresaw: every entry in its own transaction; one that
    still fails is rejected with the kind of error, so one bad record never blocks the queue (guarantee 8).
    Storage errors and refusals still stop everything (they are about the server or the device, not a record)."""
    total = ApplyResult()
    for e in entries:
        try:
            with engine.begin() as conn:
                r = apply_changes(conn, device, [e], epoch=epoch, batch_id=batch_id, via=via, hook=hook,
                                  clock_margin_ms=clock_margin_ms)
        except (BatchRefused, OSError, OperationalError):
            raise
        except Exception as err:  # noqa: BLE001 - exactly the unforeseen case this fallback is for
            reason = f"the server could not apply this record ({type(err).__name__}); it is kept for review"
            log.error("isolated apply: %s %s (device %s epoch %d seq %d) rejected", Word.of(e.entity, m.RECORDS), e.record_id,
                      device.device_id, epoch, e.seq, exc_info=err)
            with engine.begin() as conn:
                conn.execute(insert(m.rejected).values(
                    device_id=device.device_id, epoch=epoch, seq=e.seq, entity=e.entity, record_id=e.record_id,
                    reason=reason, batch_id=batch_id, at=datetime.now(timezone.utc)))
                total.held_through, total.max_seq = _advance_epoch(conn, device.device_id, epoch, {e.seq})
            total.rejected.append(Rejection(seq=e.seq, reason=reason, code="refused"))
            continue
        total.applied += r.applied
        total.duplicates += r.duplicates
        total.stale += r.stale
        total.conflicts += r.conflicts
        total.rejected.extend(r.rejected)
        total.accepted_seqs.extend(r.accepted_seqs)
        total.held_through, total.max_seq = r.held_through, r.max_seq
    return total


def _bookkeep(conn: Connection, device: Device, epoch: int, batch_id: str, via: str, fresh: list[ChangeEntry],
              fingerprints: dict[int, str], result: ApplyResult, total: int) -> None:
    now = datetime.now(timezone.utc)
    accepted = set(result.accepted_seqs)
    dev = device.device_id
    insert_values(conn, m.received, [(dev, epoch, e.seq, e.entity, e.record_id, fingerprints[e.seq], "held", batch_id)
                                     for e in fresh if e.seq in accepted])
    by_seq = {e.seq: e for e in fresh}
    if result.rejected:
        conn.execute(insert(m.rejected), [
            {"device_id": device.device_id, "epoch": epoch, "seq": r.seq, "entity": by_seq[r.seq].entity[:40]
             if r.seq in by_seq else "", "record_id": by_seq[r.seq].record_id if r.seq in by_seq else "",
             "reason": r.reason if r.code in ("invalid", "") else f"{r.code}: {r.reason}", "batch_id": batch_id,
             "at": now}
            for r in result.rejected
        ])
    conn.execute(insert(m.batch).values(
        batch_id=str(uuid.uuid4()) if _batch_seen(conn, batch_id) else batch_id, device_id=device.device_id,
        epoch=epoch, via=via[:60], received_at=now, entries=total, applied=result.applied,
        duplicates=result.duplicates, stale=result.stale, rejected=len(result.rejected),
    ))
    result.held_through, result.max_seq = _advance_epoch(conn, device.device_id, epoch, set(fingerprints))
    conn.execute(update(m.device).where(m.device.c.device_id == device.device_id).values(last_seen_at=now))


# The order of srv_received's columns, as _bookkeep writes its rows.
if tuple(c.key for c in m.received.columns) != ("device_id", "epoch", "seq", "entity", "record_id", "fingerprint",
                                                "outcome", "batch_id"):
    raise RuntimeError("srv_received's columns changed: update _bookkeep")


def _batch_seen(conn: Connection, batch_id: str) -> bool:
    return conn.execute(select(m.batch.c.batch_id).where(m.batch.c.batch_id == batch_id)).first() is not None


def _advance_epoch(conn: Connection, device_id: str, epoch: int, seqs: set[int]) -> tuple[int, int]:
    """Move the epoch's watermark: the highest n with every sequence up to n held or answered with a rejection."""
    de = m.device_epoch
    row = conn.execute(select(de).where(de.c.device_id == device_id, de.c.epoch == epoch)).first()
    held, top = (row.held_through, row.max_seq) if row else (0, 0)
    top = max([top, *seqs]) if seqs else top
    while held + 1 in seqs:  # this batch's own sequences (all answered now) first: no query needed
        held += 1
    while True:
        answered: set[int] = set()
        for table in (m.received, m.rejected):
            answered.update(conn.execute(select(table.c.seq).where(
                table.c.device_id == device_id, table.c.epoch == epoch, table.c.seq > held,
                table.c.seq <= held + 5000)).scalars())
        moved = held
        while moved + 1 in answered or moved + 1 in seqs:
            moved += 1
        if moved == held:
            break
        held = moved
    if row is None:
        conn.execute(insert(de).values(device_id=device_id, epoch=epoch, held_through=held, max_seq=top))
    else:
        conn.execute(update(de).where(and_(de.c.device_id == device_id, de.c.epoch == epoch))
                     .values(held_through=held, max_seq=top))
    return held, top


__all__ = ["DEFAULT_CLOCK_MARGIN_MS", "ApplyHook", "ApplyResult", "BatchRefused", "CloneDetected", "apply_changes",
           "apply_isolated", "fingerprint"]
