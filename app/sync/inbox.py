"""Applying a feed page on the laptop: records and the new cursor in one transaction (docs/architecture.md, guarantee 4).

Remote records are stored through ``store.write(None, applying_remote=True)``: not queued again, search index kept
current. A record with local changes still waiting to go up is left as it is (the server merges those changes and
sends the result back). A record whose parent has not arrived yet waits in ``sync_parked`` and is retried with each
page, so feed order never breaks the laptop's foreign keys.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.logging_setup import Word
from app.models import SYNCED_MODELS, ChangeLog, DeviceState, SyncBase, SyncConflict, SyncIdentity, SyncParked
from app.models.bulk_sql import bulk_insert
from app.models.lookup import in_json
from app.models.registry import REGISTRY, patient_pointers
from app.store import Store
from app.store.immunisation_due import refresh_due
from app.store.search_index import reindex_patients
from app.sync import feed_trust
from app.sync.outbox import PENDING, unacknowledged
from app.sync.protocol import ConflictItem, FeedItem, FeedPage
from app.sync.records import RecordInvalid, paused_gc, payload_to_row

log = logging.getLogger("sayyar.sync.inbox")

_CHUNK = 500


@dataclass
class PageResult:
    applied: int = 0
    skipped: int = 0
    parked: int = 0
    conflicts: int = 0
    invalid: int = 0


def _parents(entity: str) -> list[tuple[str, str]]:
    table = SYNCED_MODELS[entity].__table__  # type: ignore[attr-defined]
    return [(fk.parent.key, fk.column.table.name) for fk in table.foreign_keys]


def _existing(s: Session, entity: str, ids: set[str]) -> dict[str, tuple[int, str]]:
    table = SYNCED_MODELS[entity].__table__  # type: ignore[attr-defined]
    out: dict[str, tuple[int, str]] = {}
    listed = sorted(ids)
    for i in range(0, len(listed), _CHUNK):
        for rid, version, hlc in s.execute(select(table.c.id, table.c.version, table.c.hlc).where(
                in_json(table.c.id, listed[i:i + _CHUNK]))):
            out[rid] = (version, hlc or "")
    return out


# Used when the server does not say its margin (an older server): the server's own default.
DEFAULT_CLOCK_MARGIN_MS = 24 * 3600 * 1000


def stamp_limit(store: Store, server_ms: int = 0, margin_ms: int = 0) -> int:
    """The newest clock stamp this laptop takes in: the server's time (or ours) plus the server's margin."""
    return (server_ms or store.clock.now_ms()) + (margin_ms or DEFAULT_CLOCK_MARGIN_MS)


def apply_page(store: Store, page: FeedPage, *, move_cursor: bool = True) -> PageResult:
    """Apply one feed page with its cursor in one transaction. ``move_cursor=False``: records that came another
    way (a bundle receipt's reference records), checked and applied alike, the feed cursor left where it is."""
    # A page makes tens of thousands of short-lived objects, none of them cyclic: the cyclic collector's passes
    # over them were a tenth of a first sync's page.
    with paused_gc():
        return _apply_page(store, page, move_cursor=move_cursor)


def _apply_page(store: Store, page: FeedPage, *, move_cursor: bool) -> PageResult:
    result = PageResult()
    limit = stamp_limit(store, page.server_ms, page.clock_margin_ms)
    ahead = 0
    for item in page.items:
        if item.hlc and not store.clock.observe(item.hlc, limit):
            ahead += 1
    if ahead:
        log.warning("feed page: %d stamps beyond the server's clock margin were not taken into this laptop's clock",
                    ahead)
    with store.write(None, applying_remote=True) as s:
        # Parents may come later in the page than their children: check foreign keys at commit instead.
        s.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        parked = [FeedItem(cursor=0, entity=p.entity, record_id=p.record_id, version=p.version, hlc=p.hlc,
                           payload=p.payload) for p in s.scalars(select(SyncParked))]
        s.execute(delete(SyncParked))
        records: list[FeedItem] = []
        hq_key = _hq_sign_key(s)
        fresh = {id(item) for item in page.items}  # parked items were checked when they first came
        for item in parked + list(page.items):
            if item.entity == "sync_conflict":
                try:
                    _store_conflict(s, item)
                except ValueError as err:  # pydantic's ValidationError is one
                    _park(s, item, f"unreadable: {_short(err)}", result)
                    continue
                result.conflicts += 1
            elif item.entity in SYNCED_MODELS and REGISTRY[item.entity].headquarters_only \
                    and id(item) in fresh and not feed_trust.verified(item, hq_key):
                # Reference data that headquarters did not sign (a forged answer, a re-pointed server): not applied.
                log.warning("feed item dropped: %s %s at cursor %d is not signed by headquarters",
                            Word.of(item.entity, SYNCED_MODELS), item.record_id, item.cursor)
                result.invalid += 1
            elif item.entity in SYNCED_MODELS:
                records.append(item)
            else:
                _park(s, item, f"unreadable: record type {item.entity!r} is unknown to this version", result)
        _apply_records(s, records, result)
        # The cursor and every stamp this page taught the clock commit together: a restart forgets neither.
        state: dict[str, Any] = {"last_hlc": store.clock.last}
        if move_cursor:
            state["feed_cursor"] = str(page.next_cursor)
        s.execute(update(DeviceState).values(**state))
    return result


def _short(err: BaseException) -> str:
    return str(err).splitlines()[0][:200] if str(err) else type(err).__name__


def _park(s: Session, item: FeedItem, reason: str, result: PageResult) -> None:
    """Keep a record the laptop cannot store now, with why; it is tried again with every page (after an upgrade, an
    unreadable one usually applies) and shown in the sync status. Ids only in the log, never values."""
    s.execute(sqlite_insert(SyncParked.__table__).values(
        entity=item.entity[:40], record_id=item.record_id[:36], version=item.version, hlc=item.hlc[:40],
        payload=item.payload, reason=reason[:300]).on_conflict_do_update(
        index_elements=["entity", "record_id"], set_={"version": item.version, "hlc": item.hlc[:40],
                                                       "payload": item.payload, "reason": reason[:300]}))
    if reason.startswith("unreadable"):
        result.invalid += 1
        log.warning("feed item parked: %s %s cannot be read by this version", Word.of(item.entity, SYNCED_MODELS),
                    item.record_id)
    else:
        result.parked += 1


def _hq_sign_key(s: Session) -> bytes | None:
    row = s.get(SyncIdentity, 1)
    return row.hq_sign_public if row is not None else None


def _apply_records(s: Session, items: list[FeedItem], result: PageResult) -> None:
    latest: dict[tuple[str, str], FeedItem] = {}
    for item in items:
        key = (item.entity, item.record_id)
        if key not in latest or (item.version, item.hlc) >= (latest[key].version, latest[key].hlc):
            latest[key] = item
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for key, item in latest.items():
        try:
            rows[key] = payload_to_row(item.entity, item.record_id, item.payload)
        except RecordInvalid as err:
            _park(s, item, f"unreadable: {_short(err)}", result)
    by_entity: dict[str, set[str]] = {}
    for entity, rid in rows:
        by_entity.setdefault(entity, set()).add(rid)
    present = {e: _existing(s, e, ids) for e, ids in by_entity.items()}
    pending = _pending_ids(s, [rid for _, rid in rows])
    wanted: dict[tuple[str, str], dict[str, Any]] = {}
    for key, row in rows.items():
        entity, rid = key
        item = latest[key]
        if rid in pending:
            result.skipped += 1  # our own change is on its way; the merged state will come back
            continue
        have = present[entity].get(rid)
        if have is not None and (item.version, item.hlc) <= have:
            result.skipped += 1
            continue
        wanted[key] = row
    for key, reason in _unique_taken(s, wanted).items():
        _park(s, latest[key], reason, result)
        del wanted[key]
    ready = _resolvable(s, wanted)
    inserts: dict[str, list[dict[str, Any]]] = {}
    updates: dict[str, list[dict[str, Any]]] = {}
    bases: list[dict[str, Any]] = []
    patients: set[str] = set()
    children: set[str] = set()
    for key, row in wanted.items():
        entity, rid = key
        item = latest[key]
        if key not in ready:
            _park(s, item, "waiting", result)
            continue
        target = updates if rid in present[entity] else inserts
        target.setdefault(entity, []).append(row)
        if REGISTRY[entity].merges_fields:
            bases.append({"entity": entity, "record_id": rid, "hlc": row["hlc"], "payload": item.payload})
        indexed = REGISTRY[entity].indexes_patient
        if indexed:
            patients.add(row[indexed])
        scheduled = REGISTRY[entity].schedules_patient
        if scheduled:
            children.add(row[scheduled])
        result.applied += 1
    # Core statements, not the ORM: a first sync brings thousands of records; the search index is kept current
    # explicitly below (what the store's flush hook does for ORM writes).
    for entity, rows_ in inserts.items():
        bulk_insert(s.connection(), SYNCED_MODELS[entity].__table__, rows_)  # type: ignore[attr-defined]
    for entity, rows_ in updates.items():
        table = SYNCED_MODELS[entity].__table__  # type: ignore[attr-defined]
        s.execute(update(table).where(table.c.id == bindparam("_key")), [{**r, "_key": r["id"]} for r in rows_])
    if bases:
        # A base is kept only for a record with entries the server has not acknowledged (here: quarantined ones;
        # those still queued or sent were skipped above); any other record is itself the server's state.
        busy = unacknowledged(s, [b["record_id"] for b in bases])
        bases = [b for b in bases if b["record_id"] in busy]
    if bases:
        stmt = sqlite_insert(SyncBase.__table__)
        s.execute(stmt.on_conflict_do_update(index_elements=["entity", "record_id"],
                                             set_={"hlc": stmt.excluded.hlc, "payload": stmt.excluded.payload}), bases)
    merged = {r["id"]: r["merged_into_id"] for r in inserts.get("patient", []) + updates.get("patient", [])
              if r.get("merged_into_id")}
    if merged:
        _repoint_local(s, merged)
    if patients:
        reindex_patients(s.connection(), patients)
    if children:
        refresh_due(s.connection(), children)


def _unique_taken(s: Session, wanted: dict[tuple[str, str], dict[str, Any]]) -> dict[tuple[str, str], str]:
    """Records carrying a unique number (a patient code, a referral number) that another record holds here: stored,
    they would fail the whole page. Parked until the local holder is renumbered (app.sync.repair)."""
    out: dict[tuple[str, str], str] = {}
    by_entity: dict[str, list[tuple[tuple[str, str], dict[str, Any]]]] = {}
    for key, row in wanted.items():
        by_entity.setdefault(key[0], []).append((key, row))
    for entity, items in by_entity.items():
        table = SYNCED_MODELS[entity].__table__  # type: ignore[attr-defined]
        for col in [c for c in table.columns if c.unique and not c.primary_key]:
            values = sorted({row[col.key] for _, row in items if row.get(col.key) is not None})
            holder: dict[Any, str] = {}
            for i in range(0, len(values), _CHUNK):
                holder.update((v, rid) for v, rid in s.execute(select(col, table.c.id).where(
                    in_json(col, values[i:i + _CHUNK]))))
            for key, row in items:
                value = row.get(col.key)
                if value is not None and holder.get(value, row["id"]) != row["id"]:
                    out[key] = f"unique: {entity}.{col.key} is held here by record {holder[value]}"
    return out


def _repoint_local(s: Session, merged: dict[str, str]) -> None:
    """Records on this laptop that point at a patient merged away elsewhere follow the merge, as the server does
    centrally; not queued (the server re-points its copy itself), so nothing travels twice."""
    for spec, col in patient_pointers():
        for gone, keep in merged.items():
            s.execute(update(spec.table).where(spec.table.c[col] == gone).values({col: keep}))


def _pending_ids(s: Session, ids: list[str]) -> set[str]:
    cl = ChangeLog.__table__
    out: set[str] = set()
    for i in range(0, len(ids), _CHUNK):
        out.update(s.execute(select(cl.c.record_id).where(in_json(cl.c.record_id, ids[i:i + _CHUNK]),
                                                          cl.c.state.in_(PENDING))).scalars())
    return out


def _resolvable(s: Session, wanted: dict[tuple[str, str], dict[str, Any]]) -> set[tuple[str, str]]:
    """Rows whose every parent exists locally or is itself resolvable in this page (fixpoint)."""
    needs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    asked: dict[str, set[str]] = {}
    for (entity, rid), row in wanted.items():
        refs = [(table, row[col]) for col, table in _parents(entity) if row.get(col)]
        needs[(entity, rid)] = refs
        for table, ref in refs:
            asked.setdefault(table, set()).add(ref)
    local = {t: set(_existing(s, t, ids)) if t in SYNCED_MODELS else ids for t, ids in asked.items()}
    ready: set[tuple[str, str]] = set()
    changed = True
    while changed:
        changed = False
        for key, refs in needs.items():
            if key in ready:
                continue
            if all(ref in local.get(t, set()) or (t, ref) in ready for t, ref in refs):
                ready.add(key)
                changed = True
    return ready


def _store_conflict(s: Session, item: FeedItem) -> None:
    c = ConflictItem.model_validate(item.payload)
    row = s.get(SyncConflict, c.id)
    values = c.model_dump()
    if row is None:
        s.add(SyncConflict(**values, pending_resolution=""))
    else:
        for k, v in values.items():
            setattr(row, k, v)
