"""The small interface the Sync panel needs from the sync engine (``app.sync``).

Each action is looked up when used; if this build has no such function, the panel says plainly that the feature
is not available rather than pretending. Adapting to the engine's signatures happens here and only here.
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


class NotEnrolled(ServiceError):
    def __init__(self) -> None:
        super().__init__("This laptop is not enrolled with a sync server yet. Ask the unit administrator, or carry "
                         "a bundle on a USB stick instead.",
                         "این رایانه هنوز در کارگزار همگام‌سازی ثبت نشده است. از مدیر واحد کمک بگیرید، یا بسته را "
                         "با حافظهٔ USB ببرید.", code="not_enrolled")


class SyncFailed(ServiceError):
    def __init__(self, err: Exception) -> None:
        transient = getattr(err, "transient", False)
        en = "Sync stopped: " + str(err) + (" It will be tried again later." if transient else "")
        fa = "همگام‌سازی متوقف شد: " + str(err) + (" بعداً دوباره تلاش می‌شود." if transient else "")
        super().__init__(en, fa, code="sync_failed")


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


def call(action: str, store: Any, ctx: Any, path: Path | None = None) -> Any:
    """Run on a worker thread (through run_op)."""
    fn = find(action)
    if fn is None:
        raise NotAvailable()
    try:
        if action == "sync_now":
            from app.sync.identity import identity

            ident = identity(store)
            if not ident.server_url or not ident.token:
                raise NotEnrolled()
            return fn(store, ctx, ident.server_url, ident.token)
        if action == "export_bundle":
            ctx.require(_action("EXPORT_BUNDLE"))
            return fn(store, ctx, path)
        return fn(store, path)
    except ServiceError:
        raise
    except Exception as err:  # the engine's own errors carry a readable sentence
        if type(err).__name__ in ("SyncError", "DeviceRestored", "BundleError", "BundleRejected", "ReceiptError", "SyncNotConfigured"):
            raise SyncFailed(err) from None
        raise


def _action(name: str) -> Any:
    from app.security.roles import Action

    return Action[name]
