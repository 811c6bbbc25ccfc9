"""Bundles this laptop exported, and which of them headquarters has not receipted yet.

Kept beside the database as ``bundles.json`` (dates, bundle ids, epochs, sequence ranges and counts: no patient
data). A bundle is awaiting its receipt while any change-log entry of its range is still only ``sent``; the next
export warns about it (its changes travel again in the new bundle, which is harmless: import is idempotent)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.config import write_private
from app.models import ChangeLog
from app.store import Store

FILENAME = "bundles.json"
KEEP = 200


@dataclass(frozen=True)
class ExportedBundle:
    bundle_id: str
    at: datetime
    epoch: int
    seq_from: int
    seq_to: int
    count: int
    file: str
    waiting: int  # entries of its range not yet acknowledged


def _path(store: Store) -> Path:
    return Path(store.path).parent / FILENAME


def _load(store: Store) -> list[dict[str, Any]]:
    try:
        raw = json.loads(_path(store).read_text(encoding="utf-8"))
        return [b for b in raw.get("bundles", []) if isinstance(b, dict)]
    except (OSError, ValueError, AttributeError):
        return []


def remember(store: Store, *, bundle_id: str, epoch: int, seq_from: int, seq_to: int, count: int, file: str) -> None:
    made = _load(store)[-(KEEP - 1):]
    made.append({"bundle_id": bundle_id, "at": datetime.now(timezone.utc).isoformat(), "epoch": epoch,
                 "seq_from": seq_from, "seq_to": seq_to, "count": count, "file": Path(file).name})
    path = _path(store)
    tmp = path.with_name(path.name + ".tmp")
    write_private(tmp, json.dumps({"bundles": made}, indent=1).encode("utf-8"))
    os.replace(tmp, path)


def awaiting_receipt(store: Store) -> list[ExportedBundle]:
    """Exported bundles with entries still waiting for headquarters' receipt, oldest first."""
    out = []
    cl = ChangeLog.__table__
    with store.read() as s:
        for b in _load(store):
            if not b.get("count"):
                continue
            waiting = int(s.scalar(select(func.count()).select_from(cl).where(
                cl.c.epoch == b["epoch"], cl.c.seq.between(b["seq_from"], b["seq_to"]), cl.c.state == "sent")) or 0)
            if waiting:
                out.append(ExportedBundle(str(b["bundle_id"]), datetime.fromisoformat(b["at"]), int(b["epoch"]),
                                          int(b["seq_from"]), int(b["seq_to"]), int(b["count"]), str(b["file"]),
                                          waiting))
    return out
