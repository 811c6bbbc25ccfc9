"""Field-by-field merging of shared records (patients, households, identity documents) by clock stamp.

The server keeps a stamp per field (``field_hlc``); none stored (a record as it arrived) means every field carries
the record's own stamp, which is what a new record's stamps are, without writing forty of them. An incoming change
names the fields it set (``changed``) and the stamp of the state it was made on (``base_hlc``). For each such field:
- incoming stamp newer than the field's: the new value is taken; if the field had been written after the sender's
  base (two people edited it without seeing each other), the value it replaces goes to the conflict list;
- incoming stamp older: the server value stays and the incoming value goes to the conflict list.
Nothing is dropped silently (docs/architecture.md, guarantee 6). Fields the sender did not set are left alone: a stale copy of
a field is not an edit. Clock stamps, not wall time, decide (guarantee 9).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from app.models.base import SYNC_FIELDS
from app.sync.protocol import ChangeEntry
from app.sync.records import columns_of_ordered

# The tombstone merges like any field: deleting and editing at once is a conflict someone should see.
_META = frozenset(SYNC_FIELDS) - {"deleted"}


@dataclass
class Conflict:
    field: str
    kept_value: Any
    lost_value: Any
    kept_hlc: str
    lost_hlc: str


@dataclass
class MergeResult:
    row: dict[str, Any] | None  # None: nothing to write
    stamps: dict[str, str]
    conflicts: list[Conflict] = field(default_factory=list)


@functools.cache
def mergeable_fields(entity: str) -> tuple[str, ...]:
    return tuple(c for c in columns_of_ordered(entity) if c not in _META)


def merge_shared(entity: str, current: dict[str, Any], stamps: dict[str, str] | None, incoming: dict[str, Any],
                 entry: ChangeEntry) -> MergeResult:
    fields = mergeable_fields(entity)
    cur_hlc = current.get("hlc") or ""
    stamps = dict(stamps or {f: cur_hlc for f in fields})
    touched = [f for f in (entry.changed if entry.changed is not None else fields) if f in stamps or f in fields]
    new = dict(current)
    conflicts: list[Conflict] = []
    took = kept_server = False
    hlc, base = entry.hlc, entry.base_hlc
    for name in touched:
        if name not in incoming or incoming[name] == current.get(name):
            continue
        stamp = stamps.get(name, cur_hlc)
        if hlc > stamp:
            if base and stamp > base:
                conflicts.append(Conflict(name, incoming[name], current.get(name), hlc, stamp))
            new[name] = incoming[name]
            stamps[name] = hlc
            took = True
        elif hlc < stamp:
            conflicts.append(Conflict(name, current.get(name), incoming[name], stamp, hlc))
            kept_server = True
    top = max(int(current.get("version") or 0), int(incoming.get("version") or 0))
    if not took:
        if not kept_server:
            return MergeResult(None, stamps, conflicts)
        # The sender holds a value that lost: send the central record again, above the sender's version, or
        # that laptop keeps its own value for ever.
        new["version"] = top + 1
        return MergeResult(new, stamps, conflicts)
    # Whenever the merged record is not exactly the sender's copy (another laptop's field won, or was kept), it
    # must sort above the sender's version so that the sender's inbox takes it.
    differs = kept_server or any(new.get(f) != incoming.get(f) for f in fields if f in incoming)
    new["version"] = top + (1 if differs else 0)
    new["hlc"] = max([cur_hlc, hlc])
    new["updated_at"] = incoming.get("updated_at", current.get("updated_at"))
    new["updated_by"] = incoming.get("updated_by", current.get("updated_by"))
    return MergeResult(new, stamps, conflicts)
