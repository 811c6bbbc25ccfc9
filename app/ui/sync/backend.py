"""The small interface the Sync panel needs from the sync engine (being written in ``app.sync``).

Each action is looked up when used; if this build has no such function, the panel says plainly that the feature
is not available rather than pretending. Adapting to the engine's final signatures happens here and only here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.services.errors import ServiceError

# action -> (module, function)
ENTRY_POINTS = {
    "sync_now": ("app.sync.client", "run_sync_round"),
    "export_bundle": ("app.sync.bundle", "export_bundle"),
    "load_receipt": ("app.sync.bundle", "load_receipt"),
}


class NotAvailable(ServiceError):
    def __init__(self) -> None:
        super().__init__("This feature is not available in this build of Sayyar.",
                         "این امکان در این نسخهٔ سیار وجود ندارد.", code="not_available")


def find(action: str) -> Callable[..., Any] | None:
    module_name, name = ENTRY_POINTS[action]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    fn = getattr(module, name, None)
    return fn if callable(fn) else None


def available(action: str) -> bool:
    return find(action) is not None


def call(action: str, ctx: Any, path: Path | None = None) -> Any:
    """Run on a worker thread (through run_op). Passes the context, and the chosen file for bundle actions."""
    fn = find(action)
    if fn is None:
        raise NotAvailable()
    return fn(ctx) if path is None else fn(ctx, path)
