"""The laptop's outbox: which change-log entries go next, as protocol JSON, and their per-record state.

States: queued → sent → acked; quarantined (with the server's reason) when the server rejects one (guarantee 8).
An entry marked ``sent`` whose answer never came is simply sent again: the server treats it as a duplicate.
"""

from __future__ import annotations

import json
import struct
import uuid
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Text, delete, func, insert, select, type_coerce, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.models import ChangeLog, ChangeLogArchive, DeviceState, SyncBase
from app.models.lookup import in_json
from app.models.registry import REGISTRY
from app.store import Store
from app.sync.protocol import ChangeEntry, StoredEntry, batch_wire, entries_wire
from app.sync.records import changed_fields

PENDING = ("queued", "sent")
_CHUNK = 500


def _chunks(items: list[Any], size: int = _CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def upload_order(store: Store) -> list[int]:
    """Pending sequences in sending order: each notifiable case with its chain (household → patient → visit →
    case) first, so headquarters hears of it early; then everything else. Within each part, sequence order, which
    is the order records were made in, so a parent is sent before its children."""
    cl = ChangeLog.__table__
    with store.read() as s:
        epoch = store.device.epoch
        rows = s.execute(select(cl.c.seq, cl.c.record_id, cl.c.priority).where(
            cl.c.state.in_(PENDING), cl.c.epoch == epoch).order_by(cl.c.seq)).all()
        urgent_ids: set[str] = set()
        cases = [r for r in rows if r.priority > 0]
        if cases:
            payloads = s.execute(select(cl.c.payload).where(cl.c.seq.in_([r.seq for r in cases]))).scalars()
            patients: set[str] = set()
            for p in payloads:
                urgent_ids.update(x for x in (p.get("id"), p.get("visit_id"), p.get("patient_id")) if x)
                if p.get("patient_id"):
                    patients.add(p["patient_id"])
            for chunk in _chunks(sorted(patients)):
                found = s.execute(select(cl.c.payload).where(cl.c.record_id.in_(chunk), cl.c.entity == "patient"))
                for p in found.scalars():
                    if p.get("household_id"):
                        urgent_ids.add(p["household_id"])
    first = [r.seq for r in rows if r.record_id in urgent_ids]
    rest = [r.seq for r in rows if r.record_id not in urgent_ids]
    return first + rest


def batch_json(store: Store, seqs: list[int], batch_id: str) -> tuple[bytes, list[int]]:
    """The ChangeBatch body for ``seqs``, and the sequences it carries."""
    cl = ChangeLog.__table__
    listed, sent, _ = entries_json(store, cl.c.seq.in_(seqs))
    dev = store.device
    return batch_wire(dev.device_id, dev.epoch, batch_id, listed), sent


def entries_json(store: Store, where: Any) -> tuple[bytes, list[int], dict[str, int]]:
    """The entries matching ``where`` as the JSON array of protocol entries (``protocol.entries_wire``: each payload
    copied as the text the change log stores), their sequences and a count per entity. Updates still decode theirs,
    to work out which fields they changed."""
    cl = ChangeLog.__table__
    raw = type_coerce(cl.c.payload, Text)
    with store.read() as s:
        rows = s.execute(select(cl.c.seq, cl.c.entity, cl.c.record_id, cl.c.op, cl.c.hlc, cl.c.user_id,
                                raw.label("payload")).where(where).order_by(cl.c.seq)).all()
        updates = [r for r in rows if r.op != "insert"]
        decoded = {r.seq: json.loads(r.payload) for r in updates}
        bases = _bases(s, [_Decoded(r, decoded[r.seq]) for r in updates])
    diffs = {r.seq: _diff(bases, _Decoded(r, decoded[r.seq])) for r in updates}
    counts: dict[str, int] = {}
    stored = []
    for seq, entity, record_id, op, hlc, user_id, payload in rows:
        counts[entity] = counts.get(entity, 0) + 1
        changed, base_hlc = diffs[seq] if op != "insert" else (None, "")
        stored.append(StoredEntry(seq, entity, record_id, op, hlc, user_id, payload, changed, base_hlc))
    return entries_wire(stored), [r[0] for r in rows], counts


class _Decoded:
    """A change-log row with its payload decoded (what :func:`_bases` and :func:`_diff` read)."""

    __slots__ = ("seq", "entity", "record_id", "op", "hlc", "payload")

    def __init__(self, row: Any, payload: dict[str, Any]) -> None:
        self.seq, self.entity, self.record_id, self.op, self.hlc = row.seq, row.entity, row.record_id, row.op, row.hlc
        self.payload = payload


def entries(store: Store, where: Any) -> list[ChangeEntry]:
    """The protocol entries for the change-log rows matching ``where`` as models (the wire form of
    :func:`entries_json`, read back): for tools and tests that look at single entries."""
    return _ENTRIES.validate_json(entries_json(store, where)[0])


_ENTRIES = TypeAdapter(list[ChangeEntry])


def _bases(s: Any, rows: list[Any]) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Earlier states of the records being updated: their earlier change-log entries and the last server state."""
    out: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    ids = sorted({r.record_id for r in rows})
    cl = ChangeLog.__table__
    for chunk in _chunks(ids):
        earlier = select(cl.c.record_id, cl.c.hlc, cl.c.payload).where(cl.c.record_id.in_(chunk))
        for rid, hlc, payload in s.execute(earlier):
            if payload:  # a compacted entry: its state is in sync_base
                out.setdefault(rid, []).append((hlc, payload))
        for rid, hlc, payload in s.execute(select(SyncBase.record_id, SyncBase.hlc, SyncBase.payload).where(
                SyncBase.record_id.in_(chunk))):
            out.setdefault(rid, []).append((hlc, payload))
    return out


def _diff(bases: dict[str, list[tuple[str, dict[str, Any]]]], row: Any) -> tuple[list[str] | None, str]:
    earlier = [b for b in bases.get(row.record_id, []) if b[0] < row.hlc]
    if not earlier:
        return None, ""
    base_hlc, before = max(earlier, key=lambda b: b[0])
    return changed_fields(row.entity, before, row.payload), base_hlc


def mark(store: Store, seqs: Iterable[int], state: str, reasons: dict[int, str] | None = None,
         codes: Mapping[int, str] | None = None) -> None:
    seqs = list(seqs)
    if not seqs:
        return
    cl = ChangeLog.__table__
    with store.write(None) as s:
        if reasons:
            s.execute(update(cl).where(cl.c.seq == _bp("k")).values(state=state, reason=_bp("r"),
                                                                       reject_code=_bp("c")),
                      [{"k": seq, "r": reasons.get(seq, "")[:2000], "c": (codes or {}).get(seq, "")[:20]}
                       for seq in seqs])
        else:
            s.execute(update(cl).where(in_json(cl.c.seq, seqs), cl.c.state != "acked").values(
                state=state, reason="", reject_code=""))
        if state == "acked":
            compact(s, seqs)
        _refresh_acked_seq(s)
    if state == "acked":
        store.reclaim_space()


def compact(s: Any, seqs: list[int] | None = None) -> int:
    """Acknowledged entries (those of ``seqs``, or a step of those waiting: :func:`catch_up`) keep their keys (sequence, epoch, entity, record, operation,
    version, stamp, user: what idempotency, the audit of who changed what and a restore need) but not the record's
    full state: the record itself holds it. A shared record that still has entries the server has not acknowledged
    keeps the newest acknowledged state as the base its next edit is compared with (``sync_base``); one without
    keeps no base (the record is that state, and the store takes it as the base at the next local edit,
    app.store.changes). Full blocks of acknowledged entries are then packed, a step of them (:func:`pack`). Returns
    how many entries were compacted (docs/architecture.md, "Change log")."""
    done = _compact_entries(s, seqs)
    pack(s)
    return done


def _compact_entries(s: Any, seqs: list[int] | None) -> int:
    cl = ChangeLog.__table__
    shared = [e.name for e in REGISTRY.values() if e.merges_fields]
    where = [cl.c.state == "acked", cl.c.payload != {}]
    if seqs is None:  # a step of what waits, oldest first (catch_up takes the rest, a transaction each)
        seqs = list(s.execute(select(cl.c.seq).where(*where).order_by(cl.c.seq).limit(COMPACT_STEP)).scalars())
    done = 0
    for chunk in _chunks(seqs, 20000):
        cond = [*where, in_json(cl.c.seq, chunk)]
        newest: dict[tuple[str, str], dict[str, Any]] = {}
        for r in s.execute(select(cl.c.entity, cl.c.record_id, cl.c.hlc, cl.c.payload).where(
                *cond, cl.c.entity.in_(shared)).order_by(cl.c.seq)):
            newest[(r.entity, r.record_id)] = {"entity": r.entity, "record_id": r.record_id, "hlc": r.hlc,
                                               "payload": r.payload}
        if newest:
            busy = unacknowledged(s, sorted({rid for _, rid in newest}))
            keep = [b for key, b in newest.items() if key[1] in busy]
            if keep:
                stmt = sqlite_insert(SyncBase.__table__)
                s.execute(stmt.on_conflict_do_update(
                    index_elements=["entity", "record_id"],
                    set_={"hlc": stmt.excluded.hlc, "payload": stmt.excluded.payload},
                    where=stmt.excluded.hlc > SyncBase.__table__.c.hlc), keep)
            idle = [{"e": e, "r": rid} for e, rid in newest if rid not in busy]
            if idle:
                sb = SyncBase.__table__
                s.execute(delete(sb).where(sb.c.entity == _bp("e"), sb.c.record_id == _bp("r")), idle)
        done += s.execute(update(cl).where(*cond).values(payload={})).rowcount or 0
    return int(done)


def catch_up(store: Store) -> int:
    """Compact and pack whatever acknowledged entries still wait (a laptop upgraded with years of history, a
    receipt acknowledging a whole bundle), a bounded step per transaction, so a visit saved meanwhile waits for one
    step at most, never for all of it; then give the freed pages back. Returns how many entries were compacted."""
    total = 0
    while True:
        with store.write(None) as s:
            compacted = _compact_entries(s, None)
            packed = pack(s)
        total += compacted
        if not compacted and not packed:
            break
    store.reclaim_space()
    return total


def unacknowledged(s: Any, record_ids: list[str]) -> set[str]:
    """Which of these records have change-log entries the server has not acknowledged (queued, sent, quarantined)."""
    cl = ChangeLog.__table__
    out: set[str] = set()
    for chunk in _chunks(record_ids):
        out.update(s.execute(select(cl.c.record_id).where(in_json(cl.c.record_id, chunk),
                                                          cl.c.state != "acked")).scalars())
    return out


# -- packed acknowledged entries -----------------------------------------------------------------------------------

# Entries in one packed block: acknowledgements are packed once this many wait, so every block is full.
ARCHIVE_BLOCK = 2000
# At most this many entries compacted and packed in one transaction (a multiple of ARCHIVE_BLOCK).
COMPACT_STEP = 20000
_ARCHIVE_FORMAT = 1
_PACKED = ("seq", "epoch", "entity", "op", "version", "hlc", "user_id", "created_at", "device_id")


@dataclass(frozen=True)
class ArchivedEntry:
    """One acknowledged entry as the archive keeps it (no record state: the record holds that)."""

    seq: int
    epoch: int
    entity: str
    record_id: str
    op: str
    version: int | None
    hlc: str
    user_id: str | None
    created_at: datetime
    device_id: str


def pack(s: Any) -> int:
    """Move acknowledged entries out of the change log into ``change_log_archive``, a full block of
    ``ARCHIVE_BLOCK`` at a time (fewer wait in the change log until the next acknowledgement fills a block).
    Each block is the entries' columns as one JSON document (record ids as 16 bytes each when they are UUIDs),
    compressed: about 25 bytes an entry instead of about 240 with its indexes. Returns how many were packed."""
    cl = ChangeLog.__table__
    waiting = min(int(s.scalar(select(func.count()).select_from(cl).where(cl.c.state == "acked")) or 0),
                  max(COMPACT_STEP, ARCHIVE_BLOCK))  # at most a step per transaction (catch_up does the rest)
    take = waiting - waiting % ARCHIVE_BLOCK
    created = type_coerce(cl.c.created_at, Text).label("created_at")
    done = 0
    while done < take:  # a few blocks at a time: a first acknowledgement of years of work stays within memory
        rows = s.execute(select(cl.c.seq, cl.c.epoch, cl.c.entity, cl.c.record_id, cl.c.op, cl.c.version, cl.c.hlc,
                                cl.c.user_id, created, cl.c.device_id).where(cl.c.state == "acked")
                         .order_by(cl.c.seq).limit(min(take - done, 50 * ARCHIVE_BLOCK))).all()
        blocks = []
        for i in range(0, len(rows), ARCHIVE_BLOCK):
            block = rows[i:i + ARCHIVE_BLOCK]
            counts: dict[str, int] = {}
            for r in block:
                counts[r.entity] = counts.get(r.entity, 0) + 1
            blocks.append({"first_seq": block[0].seq, "last_seq": block[-1].seq, "entries": len(block),
                           "counts": counts, "data": _encode_block(block)})
        s.execute(insert(ChangeLogArchive.__table__), blocks)
        s.execute(delete(cl).where(cl.c.state == "acked", cl.c.seq <= rows[-1].seq))
        done += len(rows)
    return done


def _encode_block(rows: list[Any]) -> bytes:
    doc: dict[str, Any] = {"format": _ARCHIVE_FORMAT}
    for name in _PACKED:
        doc[name] = [getattr(r, name) for r in rows]
    ids = bytearray()
    odd: dict[str, str] = {}
    for i, r in enumerate(rows):
        try:
            u = uuid.UUID(r.record_id)
        except ValueError:
            u = None
        if u is not None and str(u) == r.record_id:
            ids += u.bytes
        else:  # not a canonical UUID: kept as written
            ids += bytes(16)
            odd[str(i)] = r.record_id
    doc["odd_ids"] = odd
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return zlib.compress(struct.pack(">I", len(text)) + text + bytes(ids), 6)


def _decode_block(data: bytes) -> list[ArchivedEntry]:
    raw = zlib.decompress(data)
    (size,) = struct.unpack(">I", raw[:4])
    doc = json.loads(raw[4:4 + size])
    if doc.get("format") != _ARCHIVE_FORMAT:
        raise ValueError(f"packed change-log block of an unknown format {doc.get('format')!r}")
    ids = raw[4 + size:]
    odd = doc["odd_ids"]
    out = []
    for i in range(len(doc["seq"])):
        rid = odd.get(str(i)) or str(uuid.UUID(bytes=bytes(ids[16 * i:16 * i + 16])))
        created = datetime.fromisoformat(doc["created_at"][i]).replace(tzinfo=timezone.utc)
        out.append(ArchivedEntry(doc["seq"][i], doc["epoch"][i], doc["entity"][i], rid, doc["op"][i],
                                 doc["version"][i], doc["hlc"][i], doc["user_id"][i], created, doc["device_id"][i]))
    return out


def archived_entries(s: Any, record_id: str | None = None) -> list[ArchivedEntry]:
    """The packed acknowledged entries (of one record), in sequence order. Unpacks every block: for the audit and
    for tools, not for screens that open often."""
    out: list[ArchivedEntry] = []
    for (data,) in s.execute(select(ChangeLogArchive.data).order_by(ChangeLogArchive.first_seq)):
        out.extend(e for e in _decode_block(data) if record_id is None or e.record_id == record_id)
    return out


def archived_counts(s: Any) -> dict[str, int]:
    """entity -> how many acknowledged entries are packed."""
    out: dict[str, int] = {}
    for (counts,) in s.execute(select(ChangeLogArchive.counts)):
        for entity, n in counts.items():
            out[entity] = out.get(entity, 0) + int(n)
    return out


def max_seq(s: Any) -> int:
    """The highest sequence in the change log or its archive."""
    cl = ChangeLog.__table__
    live = s.scalar(select(func.max(cl.c.seq))) or 0
    packed = s.scalar(select(func.max(ChangeLogArchive.last_seq))) or 0
    return max(int(live), int(packed))


def _bp(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


def _refresh_acked_seq(s: Any) -> None:
    """``acked_seq``: every entry up to it is acknowledged or quarantined (nothing below it still waits)."""
    cl = ChangeLog.__table__
    low = s.scalar(select(func.min(cl.c.seq)).where(cl.c.state.in_(PENDING)))
    top = max_seq(s)
    s.execute(update(DeviceState).values(acked_seq=(low - 1) if low is not None else top))


def refresh_acked_seq(store: Store) -> None:
    with store.write(None) as s:
        _refresh_acked_seq(s)


def requeue(store: Store, seqs: Iterable[int]) -> int:
    """Send quarantined entries again (after the cause was fixed on the server)."""
    cl = ChangeLog.__table__
    with store.write(None) as s:
        n = s.execute(update(cl).where(cl.c.seq.in_(list(seqs)), cl.c.state == "quarantined")
                      .values(state="queued", reason="")).rowcount  # type: ignore[attr-defined]  # an UPDATE's cursor
        _refresh_acked_seq(s)
    return int(n or 0)
