"""How parts above the central server plug into it without the server importing them (docs/architecture.md,
layers): an extension adds tables, reacts to applied changes inside the same transaction, and mounts web pages.

Headquarters (``app.hq.extension``) is the one extension today. It is named here, not imported: the server loads
the names in ``EXTENSIONS`` when it first needs them, as a plugin system would through entry points.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from sqlalchemy import Connection, Engine

EXTENSIONS = ("app.hq.extension",)


class ServerExtension(Protocol):
    def ensure_schema(self, engine: Engine) -> None:
        """Create the extension's tables if missing (the record tables exist already)."""

    def after_changes_applied(self, conn: Connection, touched: Mapping[str, list[str]]) -> None:
        """Called inside the transaction that applied a batch; must never make the batch fail."""

    def mount(self, app: Any, engine: Engine) -> None:
        """Add routes to the FastAPI app."""


_loaded: list[ServerExtension] | None = None


def extensions() -> Iterable[ServerExtension]:
    global _loaded
    if _loaded is None:
        _loaded = [importlib.import_module(name).extension() for name in EXTENSIONS]
    return _loaded


# Beside ``{entity: [record ids]}``, what extensions receive under this key: the patients the batch's accepted
# records point at (a visit's or a dose's patient), so an extension need not look each record up again.
PATIENT_REFS = "patients_referenced"


def touched(entries: Iterable[Any], accepted_seqs: Iterable[int] | None = None) -> dict[str, list[str]]:
    """``{entity: [record ids]}`` of change entries, limited to the accepted sequence numbers when given."""
    keep = set(accepted_seqs) if accepted_seqs is not None else None
    out: dict[str, list[str]] = {}
    for e in entries:
        if keep is None or e.seq in keep:
            out.setdefault(e.entity, []).append(e.record_id)
    return out
