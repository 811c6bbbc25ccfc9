"""Deciding and writing the records of one batch: ownership, versions, merges, unique values, merged patients.

Works set-wise (one query per table and chunk, executemany writes) because a bundle may carry 100,000 changes; a
database error on a table's bulk write falls back to row-by-row savepoints so that one bad record is rejected alone.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import DataError, IntegrityError

from app.models.bulk_sql import among, bulk_insert, in_chunks
from app.models.registry import REGISTRY, Policy, patient_pointers
from app.server import models as m
from app.server.merge import merge_shared
from app.sync.protocol import ChangeEntry, Rejection

_META_COLS = ("id", "version", "hlc", "device_id")
Key = tuple[str, str]


def json_safe(value: Any) -> Any:
    """A column value in payload form (dates and times as ISO text), as the conflict list stores and sends it."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


@functools.cache
def parent_pointers(entity: str) -> tuple[tuple[str, str], ...]:
    """(column, parent entity) of each pointer at another synced, non-reference record: what "parents first" checks.
    Worked out once per entity; walking SQLAlchemy's foreign keys for each of 100,000 rows cost a second."""
    out = []
    for fk in REGISTRY[entity].table.foreign_keys:
        parent = fk.column.table.name
        spec = REGISTRY.get(parent)
        if spec is not None and spec.policy is not Policy.REFERENCE and parent != entity:
            out.append((fk.parent.key, parent))
    return tuple(sorted(out))


def _node(stamp: str) -> str:
    return stamp.rsplit(":", 1)[-1] if stamp else ""


# Beside a shared record's field stamps, who wrote each field: {"*": user of the record as it arrived, field: user}.
# A conflict names the person behind the value the server held, which the record's ``updated_by`` (the last
# writer of any field) does not tell. Kept under a key no column can have, so the merge never reads it as a stamp.
AUTHORS = "~by"


def field_author(current: dict[str, Any], name: str) -> str:
    """The user who wrote ``name`` of the central copy (stamps without authors: the record's last writer)."""
    authors = (current.get("field_hlc") or {}).get(AUTHORS) or {}
    return str(authors.get(name) or authors.get("*") or current.get("updated_by") or "")


class RecordWriter:
    def __init__(self, conn: Connection, sender: str, start_seq: int) -> None:
        self.conn = conn
        self.sender = sender
        self.next_seq = start_seq
        self.current: dict[Key, dict[str, Any] | None] = {}
        self.inserts: dict[str, dict[str, dict[str, Any]]] = {}
        self.updates: dict[str, dict[str, dict[str, Any]]] = {}
        self.sources: dict[Key, list[int]] = {}
        self.conflicts: list[dict[str, Any]] = []
        self.merged: dict[str, str] = {}
        self.newly_merged: dict[str, str] = {}

    def _seq(self) -> int:
        self.next_seq += 1
        return self.next_seq

    # -- checks before deciding ---------------------------------------------------------------------------------
    def check_unique(self, rows: list[tuple[ChangeEntry, dict[str, Any]]],
                     rejected: list[Rejection]) -> list[tuple[ChangeEntry, dict[str, Any]]]:
        """Refuse, one by one, records whose unique value (a patient code, a referral number) another record has."""
        bad: set[int] = set()
        by_entity: dict[str, list[tuple[ChangeEntry, dict[str, Any]]]] = {}
        for e, row in rows:
            by_entity.setdefault(e.entity, []).append((e, row))
        for entity, items in by_entity.items():
            table = m.RECORDS[entity]
            for col in [c for c in table.columns if c.unique and not c.primary_key]:
                values = list({row[col.key] for _, row in items if row[col.key] is not None})
                owner: dict[Any, str] = {}
                step = in_chunks(self.conn)
                for i in range(0, len(values), step):
                    owner.update((r[0], r[1]) for r in self.conn.execute(select(col, table.c.id).where(
                        among(self.conn, col, values[i:i + step]))))
                for e, row in items:
                    value = row[col.key]
                    if value is None:
                        continue
                    holder = owner.setdefault(value, row["id"])
                    if holder != row["id"]:
                        bad.add(e.seq)
                        reason = f"{entity}.{col.key}: already used by record {holder}"
                        rejected.append(Rejection(seq=e.seq, reason=reason, code="unique_taken"))
        return [(e, row) for e, row in rows if e.seq not in bad]

    def drop_orphans(self, rows: list[tuple[ChangeEntry, dict[str, Any]]],
                     rejected: list[Rejection]) -> list[tuple[ChangeEntry, dict[str, Any]]]:
        """Refuse records that point at a patient, household, visit... the server does not hold and that this batch
        does not bring: accepted, they would reach other laptops as records nobody can place (docs/architecture.md,
        "Parents first"). The laptop sends them again once their parent is held."""
        in_batch: dict[str, set[str]] = {}
        for e, _ in rows:
            in_batch.setdefault(e.entity, set()).add(e.record_id)
        asked: dict[str, set[str]] = {}
        refs: dict[int, list[tuple[str, str]]] = {}
        none: frozenset[str] = frozenset()
        for e, row in rows:
            for key, parent in parent_pointers(e.entity):
                value = row.get(key)
                if not value:
                    continue
                refs.setdefault(e.seq, []).append((parent, value))
                if value not in in_batch.get(parent, none):
                    asked.setdefault(parent, set()).add(value)
        held: dict[str, set[str]] = {}
        step = in_chunks(self.conn)
        for parent, ids in asked.items():
            table = m.RECORDS[parent]
            listed = sorted(ids)
            found: set[str] = set()
            for i in range(0, len(listed), step):
                found.update(self.conn.execute(select(table.c.id).where(
                    among(self.conn, table.c.id, listed[i:i + step]))).scalars())
            held[parent] = found
        if all(len(held[parent]) == len(ids) for parent, ids in asked.items()):
            return rows  # every parent is held or in this batch: nothing drops (the usual case)
        # A parent in this batch counts only if it is accepted itself: repeat until nothing more drops.
        bad: set[int] = set()
        pointing = [(e, refs[e.seq]) for e, _ in rows if e.seq in refs]
        while True:
            dropped = False
            for e, pointers in pointing:
                if e.seq in bad:
                    continue
                for parent, value in pointers:
                    if value not in held.get(parent, none) and value not in in_batch.get(parent, none):
                        bad.add(e.seq)
                        in_batch.get(e.entity, set()).discard(e.record_id)
                        rejected.append(Rejection(seq=e.seq, code="parent_missing", reason=(
                            f"{e.entity} {e.record_id} points at {parent} {value}, which the server does not "
                            "hold; it is sent again once that record has arrived")))
                        dropped = True
                        break
            if not dropped:
                break
        return [(e, row) for e, row in rows if e.seq not in bad]

    def load_current(self, rows: list[tuple[ChangeEntry, dict[str, Any]]]) -> None:
        ids: dict[str, set[str]] = {}
        for e, _ in rows:
            ids.setdefault(e.entity, set()).add(e.record_id)
        for entity, wanted in ids.items():
            table = m.RECORDS[entity]
            cols = list(table.columns) if REGISTRY[entity].merges_fields else [table.c[k] for k in _META_COLS]
            found: dict[str, dict[str, Any]] = {}
            listed = list(wanted)
            step = in_chunks(self.conn)
            for i in range(0, len(listed), step):
                for r in self.conn.execute(select(*cols).where(
                        among(self.conn, table.c.id, listed[i:i + step]))).mappings():
                    found[r["id"]] = dict(r)
            for rid in wanted:
                self.current[(entity, rid)] = found.get(rid)

    def resolve_merged_patients(self, rows: list[tuple[ChangeEntry, dict[str, Any]]]) -> None:
        """Know which patients were merged away (stored, or merged in this batch) so pointers can follow."""
        wanted: set[str] = set()
        for e, row in rows:
            for col in REGISTRY[e.entity].patient_pointers:
                if row.get(col):
                    wanted.add(row[col])
            if e.entity == "patient" and row.get("merged_into_id"):
                cur = self.current.get(("patient", row["id"]))
                if cur is None or not cur.get("merged_into_id"):
                    self.newly_merged[row["id"]] = row["merged_into_id"]
                self.merged[row["id"]] = row["merged_into_id"]
        pt = m.RECORDS["patient"]
        listed = list(wanted)
        step = in_chunks(self.conn)
        for i in range(0, len(listed), step):
            for pid, into in self.conn.execute(select(pt.c.id, pt.c.merged_into_id).where(
                    among(self.conn, pt.c.id, listed[i:i + step]), pt.c.merged_into_id.is_not(None))):
                self.merged.setdefault(pid, into)

    def follow(self, patient_id: str) -> str:
        seen = {patient_id}
        while patient_id in self.merged and self.merged[patient_id] not in seen:
            patient_id = self.merged[patient_id]
            seen.add(patient_id)
        return patient_id

    # -- deciding -----------------------------------------------------------------------------------------------
    def _stage(self, entity: str, rid: str, row: dict[str, Any], seq: int) -> None:
        if rid in self.inserts.get(entity, {}) or self.current.get((entity, rid)) is None:
            self.inserts.setdefault(entity, {})[rid] = row
        else:
            self.updates.setdefault(entity, {})[rid] = row
        self.current[(entity, rid)] = row
        self.sources.setdefault((entity, rid), []).append(seq)

    def decide(self, e: ChangeEntry, row: dict[str, Any]) -> str:
        """'applied', 'stale' or 'rejected:<code>:<reason>'; stages what is to be written."""
        entity, rid = e.entity, e.record_id
        spec = REGISTRY[entity]
        for col in spec.patient_pointers:
            if row.get(col):
                row[col] = self.follow(row[col])
        cur = self.current.get((entity, rid))
        if cur is None:
            # A new record's fields all carry its own stamp: no stamps stored stands for that (merge_shared).
            row["field_hlc"] = None
            self._stage(entity, rid, row, e.seq)
            return "applied"
        if spec.merges_fields:
            return self._merge(e, cur, row)
        if e.op == "insert":
            return "stale"  # the record exists: an insert seen again (or a reference row seeded on two laptops)
        owner = cur.get("device_id")
        if spec.owned_by_device and owner and owner != row.get("device_id"):
            return (f"rejected:not_owner:{entity} {rid} belongs to device {owner}; the record's id was reused by "
                    "another device")
        if spec.owned_by_device and owner and owner != self.sender:
            if e.changed is not None and set(e.changed) <= set(spec.patient_pointers):
                return "stale"  # a merge on another laptop re-pointed it; the server re-points it itself
            return (f"rejected:not_owner:{entity} {rid} belongs to device {owner}; corrections are made on the "
                    "laptop that created it")
        if (row["version"], row["hlc"]) > (cur["version"], cur["hlc"] or ""):
            row["field_hlc"] = None
            self._stage(entity, rid, row, e.seq)
            return "applied"
        return "stale"

    def _merge(self, e: ChangeEntry, cur: dict[str, Any], row: dict[str, Any]) -> str:
        result = merge_shared(e.entity, cur, cur.get("field_hlc"), row, e)
        now = datetime.now(timezone.utc)
        sender_user = str(e.user_id or row.get("updated_by") or "")
        for c in result.conflicts:
            incoming_kept = c.kept_hlc == e.hlc  # else the server's value was kept and the incoming one lost
            held = (field_author(cur, c.field), "")  # the server's side: its author, its laptop from the stamp
            mine = (sender_user, self.sender)
            (kept_user, kept_dev), (lost_user, lost_dev) = (mine, held) if incoming_kept else (held, mine)
            self.conflicts.append({
                "id": str(uuid.uuid4()), "entity": e.entity, "record_id": e.record_id, "field": c.field,
                "kept_value": json_safe(c.kept_value), "lost_value": json_safe(c.lost_value),
                "kept_hlc": c.kept_hlc, "lost_hlc": c.lost_hlc,
                "kept_device": _node(c.kept_hlc), "lost_device": _node(c.lost_hlc), "status": "open",
                "resolution": "", "note": "", "created_at": now, "resolved_at": None, "resolved_by": None,
                # user ids and device ids here; write_conflicts turns them into names and codes.
                "kept_user": kept_user, "lost_user": lost_user, "kept_laptop": kept_dev, "lost_laptop": lost_dev,
            })
        if result.row is None:
            return "stale"
        new = {k: v for k, v in result.row.items() if k != "srv_seq"}
        stamps: dict[str, Any] = dict(result.stamps)
        authors = dict(stamps.pop(AUTHORS, None) or {"*": str(cur.get("updated_by") or "")})
        authors.update({f: sender_user for f, stamp in stamps.items() if stamp == e.hlc})
        stamps[AUTHORS] = authors
        new["field_hlc"] = stamps
        self._stage(e.entity, e.record_id, new, e.seq)
        return "applied"

    # -- writing ------------------------------------------------------------------------------------------------
    def write(self, hook: Callable[[str], None] | None = None) -> dict[int, str]:
        """Write staged rows; returns {seq: reason} for rows the database refused (each rejected alone)."""
        failed: dict[int, str] = {}
        for entity in list(self.inserts) + [e for e in self.updates if e not in self.inserts]:
            table = m.RECORDS[entity]
            ins = list(self.inserts.get(entity, {}).values())
            upd = list(self.updates.get(entity, {}).values())
            for row in ins + upd:
                row["srv_seq"] = self._seq()
                row.setdefault("field_hlc", None)
            stmt_upd = update(table).where(table.c.id == bindparam("_key"))
            try:
                with self.conn.begin_nested():
                    bulk_insert(self.conn, table, ins)
                    if upd:
                        self.conn.execute(stmt_upd, [{**r, "_key": r["id"]} for r in upd])
            except (IntegrityError, DataError):
                for row, is_insert in [(r, True) for r in ins] + [(r, False) for r in upd]:
                    try:
                        with self.conn.begin_nested():
                            if is_insert:
                                self.conn.execute(insert(table), [row])
                            else:
                                self.conn.execute(stmt_upd, [{**row, "_key": row["id"]}])
                    except (IntegrityError, DataError) as err:
                        reason = f"the central database refused the {entity} record ({type(err.orig).__name__})"
                        for seq in self.sources.get((entity, row["id"]), []):
                            failed[seq] = reason
            if hook:
                hook(f"wrote:{entity}")
        return failed

    def write_conflicts(self) -> int:
        self._name_conflict_authors()
        for c in self.conflicts:
            c["srv_seq"] = self._seq()
        if self.conflicts:
            self.conn.execute(insert(m.conflict), self.conflicts)
        return len(self.conflicts)

    def _name_conflict_authors(self) -> None:
        """Each side's user id and device id become the user name, device code and unit code the server knows now
        (conflicts are few: one small query per kind). A device not given is found from its clock stamp's node."""
        if not self.conflicts:
            return
        users = m.RECORDS["user_account"]
        user_ids = {c[k] for c in self.conflicts for k in ("kept_user", "lost_user") if c[k]}
        names = {str(i): str(n) for i, n in self.conn.execute(
            select(users.c.id, users.c.username).where(users.c.id.in_(user_ids)))} if user_ids else {}
        units = m.RECORDS["unit"]
        unit_codes = {str(i): str(code) for i, code in self.conn.execute(select(units.c.id, units.c.code))}
        devices = list(self.conn.execute(select(m.device.c.device_id, m.device.c.device_code, m.device.c.unit_id)))

        def device(device_id: str, node: str) -> tuple[str, str]:
            for d in devices:
                if (device_id and d.device_id == device_id) or (not device_id and node and
                                                                 d.device_id.startswith(node)):
                    return str(d.device_code), unit_codes.get(str(d.unit_id), "") if d.unit_id else ""
            return "", ""

        for c in self.conflicts:
            for side in ("kept", "lost"):
                uid = c[f"{side}_user"]
                c[f"{side}_user"] = names.get(uid, "")[:60]
                c[f"{side}_laptop"], c[f"{side}_unit"] = device(c[f"{side}_laptop"], c[f"{side}_device"])

    def repoint_merged(self) -> int:
        """Records that point at a patient merged away in this batch now point at the patient kept (guarantee 6)."""
        moved = 0
        for gone in self.newly_merged:
            keep = self.follow(gone)
            for spec, col in patient_pointers():
                table = m.RECORDS[spec.name]
                ids = self.conn.execute(select(table.c.id).where(table.c[col] == gone)).scalars().all()
                for rid in ids:
                    self.conn.execute(update(table).where(table.c.id == rid)
                                      .values({col: keep, "srv_seq": self._seq()}))
                    moved += 1
        return moved
