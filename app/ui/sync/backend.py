"""The small interface the Sync panel needs from the sync engine (``app.sync``): one function per action, adapting
to the engine's signatures here and only here. The engine is imported when an action runs (it is preloaded at
start, so a build without it stops there, loudly)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.services.errors import ServiceError

ACTIONS = ("sync_now", "export_bundle", "load_receipt", "backup", "device_request", "load_enrolment")


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


def call(action: str, store: Any, ctx: Any, path: Path | None = None, session: Any = None) -> Any:
    """Run on a worker thread (through run_op)."""
    from app.security.roles import Action
    from app.sync.bundle import BundleRejected, export_bundle, load_receipt
    from app.sync.client import SyncError
    from app.sync.engine import run_one_round
    from app.sync.identity import SyncNotConfigured, identity

    try:
        if action == "sync_now":
            ident = identity(store)
            if not ident.server_url or not ident.token:
                raise NotEnrolled()
            ctx.require(Action.RUN_SYNC)
            return run_one_round(store, ctx, ident.server_url, ident.token,
                                 keystore=session.keystore if session is not None else None)
        if action == "export_bundle" and path is not None:
            ctx.require(Action.EXPORT_BUNDLE)
            return export_bundle(store, ctx, path)
        if action == "load_receipt" and path is not None:
            ctx.require(Action.EXPORT_BUNDLE)  # the panel shows it with the export; checked here, not only hidden
            loaded = load_receipt(store, path)
            if session is not None:  # headquarters' staff records in the receipt may end someone's access here
                from app.sync.access import rotate_for_removed

                rotate_for_removed(store, session.keystore)
            return loaded
        if action == "backup" and path is not None and session is not None:
            from app.services.backup import backup_laptop

            return backup_laptop(ctx, session.keystore, session.data_dir, path)
        if action == "device_request" and path is not None:
            from app.config import write_private
            from app.security.roles import require_role
            from app.sync.identity import device_request

            require_role(ctx, Action.CONFIGURE_DEVICE)
            grant = session.keystore.grant_public if session is not None else b""  # certified at enrolment
            write_private(path, device_request(store, grant_public=grant).model_dump_json(indent=2).encode("utf-8"))
            return path
        if action == "load_enrolment" and path is not None:
            from app.sync.identity import load_enrolment

            return load_enrolment(store, read_enrolment(path), actor=ctx)
    except (SyncError, BundleRejected, SyncNotConfigured) as err:  # the engine's own errors carry a sentence
        raise SyncFailed(err) from None
    raise ValueError(f"unknown sync action {action!r}")


def read_enrolment(path: Path) -> Any:
    """The enrolment file headquarters issued (``sayyar server enrol-device``), or a sentence saying why not."""
    from pydantic import ValidationError

    from app.sync.protocol import DeviceEnrolment

    try:
        return DeviceEnrolment.model_validate_json(path.read_bytes()[:65536])
    except (OSError, ValidationError):
        raise ServiceError(f"{path.name} is not an enrolment file from headquarters (or it is damaged): ask for the "
                           "file `sayyar server enrol-device --out` wrote for this laptop.",
                           f"پروندهٔ {path.name} پروندهٔ ثبت رایانه از ستاد نیست (یا آسیب دیده است): پرونده‌ای را که ستاد "
                           "برای این رایانه ساخته است بخواهید.", code="invalid") from None
