"""The change feed: records other laptops need, in ``srv_seq`` order, read by cursor (docs/architecture.md, guarantee 4)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, select, update

from app.models.registry import REGISTRY, Feed
from app.server import models as m
from app.server.devices import hq_keys
from app.server.scope import FeedScope, conflict_visible, grants_after, patient_records, visible
from app.sync.feed_trust import sign_item
from app.sync.protocol import ConflictItem, FeedItem, FeedPage
from app.sync.records import row_to_payload

MAX_PAGE = 2000


def _companions() -> dict[str, list[tuple[str, str]]]:
    """Per feed entity, the (column, entity) of parents that travel only with it (registry: ``WITH_REFERRAL``)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name in m.FEED_ENTITIES:
        for fk in REGISTRY[name].table.foreign_keys:
            parent = fk.column.table.name
            if parent in REGISTRY and REGISTRY[parent].feed is Feed.WITH_REFERRAL:
                out.setdefault(name, []).append((fk.parent.key, parent))
    return out


_COMPANIONS = _companions()


def read_feed(conn: Connection, cursor: int, limit: int, scope: FeedScope | None = None) -> FeedPage:
    """One page. ``conn`` must read from one snapshot (``feed_connection``): positions are handed out in commit
    order, so a snapshot holds every change below the newest it holds and the cursor never passes one that was
    not yet visible (docs/architecture.md, "Change feed"). ``scope``: what one device's unit receives
    (app.server.scope); None is the whole feed (headquarters' own tools)."""
    limit = max(1, min(limit, MAX_PAGE))
    candidates: list[tuple[int, str, Any]] = []
    for entity in m.FEED_ENTITIES:
        table = m.RECORDS[entity]
        stmt = select(table).where(table.c.srv_seq > cursor)
        if scope is not None:
            stmt = stmt.where(visible(REGISTRY[entity], table, scope))
        rows = conn.execute(stmt.order_by(table.c.srv_seq).limit(limit + 1)).mappings().all()
        candidates.extend((r["srv_seq"], entity, r) for r in rows)
    c = m.conflict
    stmt = select(c).where(c.c.srv_seq > cursor)
    if scope is not None:
        stmt = stmt.where(conflict_visible(scope))
        # A patient referred to or looked up by this unit: all its records, once, at the grant's position.
        candidates.extend((g["srv_seq"], "srv_patient_scope", g) for g in grants_after(conn, scope, cursor, limit + 1))
    for r in conn.execute(stmt.order_by(c.c.srv_seq).limit(limit + 1)).mappings():
        candidates.append((r["srv_seq"], "sync_conflict", r))
    candidates.sort(key=lambda t: t[0])
    more = len(candidates) > limit
    page = candidates[:limit]
    items: list[FeedItem] = []
    signer = _Signer(conn)
    for pos, entity, row in page:
        if entity == "sync_conflict":
            conflict = ConflictItem(**{k: row[k] for k in ConflictItem.model_fields})
            items.append(FeedItem(cursor=pos, entity=entity, record_id=row["id"], version=1, hlc=row["kept_hlc"],
                                  payload=conflict.model_dump(mode="json")))
            continue
        if entity == "srv_patient_scope":
            for name, record in patient_records(conn, row["patient_id"], row["kind"]):
                _with_companions(conn, items, signer, pos, name, record)
            continue
        _with_companions(conn, items, signer, pos, entity, row)
    next_cursor = page[-1][0] if page else cursor
    return FeedPage(cursor=cursor, next_cursor=next_cursor, more=more, items=items)


# Reference records a bundle receipt carries back to the laptop (a laptop synced only by USB stick never reads the
# feed): the registry versions headquarters published. Small, few, and each checked on the laptop before use.
BUNDLE_REFERENCE = ("disease_registry",)


def reference_items(conn: Connection, entities: tuple[str, ...] = BUNDLE_REFERENCE) -> list[FeedItem]:
    """The current rows of ``entities`` as signed feed items, in feed order (what the feed would deliver)."""
    signer = _Signer(conn)
    items = []
    for entity in entities:
        table = m.RECORDS[entity]
        for row in conn.execute(select(table).order_by(table.c.srv_seq)).mappings():
            items.append(signer(_item(row["srv_seq"], entity, row)))
    return items


def _with_companions(conn: Connection, items: list[FeedItem], signer: _Signer, pos: int, entity: str,
                     row: Any) -> None:
    for column, parent in _COMPANIONS.get(entity, ()):
        # The receiving unit needs the visit a referral points at; visits otherwise stay on the server.
        table = m.RECORDS[parent]
        found = conn.execute(select(table).where(table.c.id == row[column])).mappings().first()
        if found is not None:
            items.append(signer(_item(pos, parent, found)))
    items.append(signer(_item(pos, entity, row)))


def items_for(conn: Connection, pos: int, records: list[tuple[str, Any]]) -> list[FeedItem]:
    """Feed items for (entity, row) records, with the visits their referrals point at (a patient look-up)."""
    items: list[FeedItem] = []
    signer = _Signer(conn)
    for name, row in records:
        _with_companions(conn, items, signer, pos, name, row)
    return items


class _Signer:
    """Signs reference items with headquarters' key (laptops apply them only when the signature verifies)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.key: bytes | None = None

    def __call__(self, item: FeedItem) -> FeedItem:
        if not REGISTRY[item.entity].headquarters_only:
            return item
        if self.key is None:
            self.key = hq_keys(self.conn).sign_private
        return sign_item(item, self.key)


def _item(pos: int, entity: str, row: Any) -> FeedItem:
    return FeedItem(cursor=pos, entity=entity, record_id=row["id"], version=row["version"], hlc=row["hlc"] or "",
                    payload=row_to_payload(entity, row))


def resolve_conflict(conn: Connection, conflict_id: str, *, resolution: str, note: str, by: str,
                     scope: FeedScope | None) -> bool:
    """Mark a conflict reviewed. Restoring the lost value is a normal edit made by the person on their laptop
    (a newer stamp wins), so the server only records the decision; the change travels back in the feed.

    ``scope``: a laptop's unit, which may resolve only the conflicts it is shown (``conflict_visible``, as the list);
    any other is left as it is and answered as if it did not exist (False). ``None``: headquarters, every unit."""
    c = m.conflict
    counter = m.counter
    which = c.c.id == conflict_id
    if scope is not None:
        which = which & conflict_visible(scope)
    pos = conn.execute(select(counter.c.value).where(counter.c.name == "feed").with_for_update()).scalar_one() + 1
    done = conn.execute(update(c).where(which).values(
        status="resolved", resolution=resolution, note=note, resolved_by=by, resolved_at=datetime.now(timezone.utc),
        srv_seq=pos,
    )).rowcount
    if done:
        conn.execute(update(counter).where(counter.c.name == "feed").values(value=pos))
    return bool(done)
