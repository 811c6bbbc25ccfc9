"""The laptop's outbox: which change-log entries go next, as protocol JSON, and their per-record state.

States: queued → sent → acked; quarantined (with the server's reason) when the server rejects one (guarantee 8).
An entry marked ``sent`` whose answer never came is simply sent again: the server treats it as a duplicate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Text, func, select, type_coerce, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.models import ChangeLog, DeviceState, SyncBase
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


def compact(s: Any, seqs: list[int] | None = None) -> int:
    """Acknowledged entries keep their keys (sequence, epoch, entity, record, operation, stamp, user: what
    idempotency, the audit of who changed what and a restore need) but not the record's full state: the record
    itself holds it, and for shared records the state the server acknowledged becomes the base of the next edit
    (``sync_base``). A laptop's change log then stops growing with every record's full copy (docs/architecture.md,
    "Change log"). Returns how many entries were compacted."""
    cl = ChangeLog.__table__
    shared = [e.name for e in REGISTRY.values() if e.merges_fields]
    where = [cl.c.state == "acked", cl.c.payload != {}]
    chunks: Iterable[list[int] | None] = _chunks(seqs, 20000) if seqs is not None else [None]
    done = 0
    for chunk in chunks:
        cond = [*where, in_json(cl.c.seq, chunk)] if chunk is not None else where
        bases = [{"entity": r.entity, "record_id": r.record_id, "hlc": r.hlc, "payload": r.payload}
                 for r in s.execute(select(cl.c.entity, cl.c.record_id, cl.c.hlc, cl.c.payload).where(
                     *cond, cl.c.entity.in_(shared)).order_by(cl.c.seq))]
        newest: dict[tuple[str, str], dict[str, Any]] = {}
        for b in bases:
            newest[(b["entity"], b["record_id"])] = b
        if newest:
            stmt = sqlite_insert(SyncBase.__table__)
            s.execute(stmt.on_conflict_do_update(
                index_elements=["entity", "record_id"], set_={"hlc": stmt.excluded.hlc, "payload": stmt.excluded.payload},
                where=stmt.excluded.hlc > SyncBase.__table__.c.hlc), list(newest.values()))
        done += s.execute(update(cl).where(*cond).values(payload={})).rowcount or 0
    return int(done)


def _bp(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


def _refresh_acked_seq(s: Any) -> None:
    """``acked_seq``: every entry up to it is acknowledged or quarantined (nothing below it still waits)."""
    cl = ChangeLog.__table__
    low = s.scalar(select(func.min(cl.c.seq)).where(cl.c.state.in_(PENDING)))
    top = s.scalar(select(func.max(cl.c.seq))) or 0
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
