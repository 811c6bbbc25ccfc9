"""What the laptop mends by itself when the server rejects an entry with a code it understands, or a restore or copy
is noticed (docs/architecture.md, "Repairs"). Everything here rewrites only entries the server has not accepted: the
record and its queued entries are changed together, so the change log still holds the record's exact state.

- ``clock_ahead``: the clock follows the server's time; the entries are stamped again and sent again.
- ``unique_taken``: the record gets the next free number of this laptop (its current epoch's range) and goes again.
- ``parent_missing``: sent again at the next round, after the parent it points at.
- a new epoch (restore or copy): every unsent numbered record gets a number from the new epoch's range.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.models import ChangeLog, DeviceState
from app.models.registry import REGISTRY
from app.store import Store
from app.store.numbering import NUMBERED, SUFFIX, next_code, prefix

log = logging.getLogger("sayyar.sync.repair")

PENDING = ("queued", "sent")
_cl = ChangeLog.__table__
# entity -> (counter, unique column) of the numbers it carries
_NUMBERED_BY_ENTITY: dict[str, tuple[str, str]] = {col.table.name: (counter, col.key)
                                                     for counter, col in NUMBERED.items()}


def align_clock(store: Store, server_ms: int, margin_ms: int) -> int:
    """Learn the server's time (kept with the device state) and drop stamps beyond its margin. Returns how many
    pending entries were stamped again."""
    if not server_ms:
        return 0
    system = store.clock.now_ms() - store.clock.offset_ms
    offset = server_ms - system
    # A round trip's worth of difference is noise; a clock minutes or years off is corrected.
    if abs(offset - store.clock.offset_ms) > 60_000 or (store.clock.offset_ms and abs(offset) <= 60_000):
        store.clock.offset_ms = offset if abs(offset) > 60_000 else 0
        with store.write(None) as s:
            s.execute(update(DeviceState).values(clock_offset_ms=store.clock.offset_ms))
        log.info("clock: this laptop's clock is %d s off the server's; stamps follow the server", offset // 1000)
    limit = server_ms + margin_ms
    with store.read() as s:
        ahead = [seq for seq, hlc in s.execute(select(_cl.c.seq, _cl.c.hlc).where(_cl.c.state.in_(
            (*PENDING, "quarantined")))) if int(hlc.split(":", 1)[0]) > limit]
    if store.clock.last and int(store.clock.last.split(":", 1)[0]) > limit:
        store.clock.rebase()
    return restamp(store, ahead) if ahead else 0


def restamp(store: Store, seqs: Iterable[int]) -> int:
    """Stamp these unsent entries again with the (corrected) clock, in order, and queue them again."""
    seqs = sorted(seqs)
    if not seqs:
        return 0
    with store.write(None, applying_remote=True) as s:
        rows = s.execute(select(_cl.c.seq, _cl.c.entity, _cl.c.record_id, _cl.c.hlc, _cl.c.payload)
                         .where(_cl.c.seq.in_(seqs)).order_by(_cl.c.seq)).all()
        for seq, entity, rid, old, payload in rows:
            new = store.clock.tick()
            s.execute(update(_cl).where(_cl.c.seq == seq).values(
                hlc=new, payload={**payload, "hlc": new}, state="queued", reason="", reject_code=""))
            table = REGISTRY[entity].table
            s.execute(update(table).where(table.c.id == rid, table.c.hlc == old).values(hlc=new))
        s.execute(update(DeviceState).values(last_hlc=store.clock.last))
    log.info("clock: %d unsent entries stamped again", len(seqs))
    return len(seqs)


def renumber(s: Session, seqs: list[int] | None = None) -> int:
    """Give every unsent numbered record (or those of ``seqs``) whose number is not of the current range a new
    one. Runs inside a remote-sanctioned write (the record and its entries change together, unlogged)."""
    state = s.get(DeviceState, 1)
    assert state is not None
    head = prefix(state.device_code, state.epoch)
    where = _cl.c.seq.in_(seqs) if seqs is not None else _cl.c.state.in_((*PENDING, "quarantined"))
    inserts = s.execute(select(_cl.c.entity, _cl.c.record_id).where(
        where, _cl.c.op == "insert", _cl.c.entity.in_(list(_NUMBERED_BY_ENTITY)))).all()
    done = 0
    for entity, rid in inserts:
        counter, column = _NUMBERED_BY_ENTITY[entity]
        table = REGISTRY[entity].table
        current = s.execute(select(table.c[column]).where(table.c.id == rid)).scalar_one_or_none()
        if current is None or (seqs is None and current.split("-")[0] == head + SUFFIX[counter]):
            continue
        code = next_code(s, counter)
        s.execute(update(table).where(table.c.id == rid).values({column: code}))
        _rewrite_payloads(s, rid, {column: code})
        done += 1
    return done


def _rewrite_payloads(s: Session, record_id: str, values: dict[str, Any]) -> None:
    rows = s.execute(select(_cl.c.seq, _cl.c.payload).where(
        _cl.c.record_id == record_id, _cl.c.state.in_((*PENDING, "quarantined")))).all()
    if rows:
        s.execute(update(_cl).where(_cl.c.seq == bindparam("k")).values(payload=bindparam("p")),
                  [{"k": seq, "p": {**payload, **values}} for seq, payload in rows])


def repair_rejections(store: Store) -> int:
    """Mend and queue again what the server rejected with a code the laptop can act on. Returns how many."""
    with store.read() as s:
        rows = s.execute(select(_cl.c.seq, _cl.c.reject_code).where(_cl.c.state == "quarantined",
                                                                     _cl.c.reject_code != "")).all()
    by_code: dict[str, list[int]] = {}
    for seq, code in rows:
        by_code.setdefault(code, []).append(seq)
    n = 0
    if by_code.get("clock_ahead"):
        n += restamp(store, by_code["clock_ahead"])
    taken = by_code.get("unique_taken", [])
    if taken:
        with store.write(None, applying_remote=True) as s:
            renumber(s, taken)
            # the records' later entries go too (they carry the new number, and the insert must precede them)
            rids = s.execute(select(_cl.c.record_id).where(_cl.c.seq.in_(taken))).scalars().all()
            s.execute(update(_cl).where(_cl.c.record_id.in_(rids), _cl.c.state == "quarantined",
                                        _cl.c.reject_code.in_(("unique_taken", "parent_missing")))
                      .values(state="queued", reason="", reject_code=""))
        n += len(taken)
    waiting = by_code.get("parent_missing", [])
    if waiting:
        with store.write(None) as s:
            s.execute(update(_cl).where(_cl.c.seq.in_(waiting), _cl.c.state == "quarantined")
                      .values(state="queued", reason="", reject_code=""))
        n += len(waiting)
    return n
