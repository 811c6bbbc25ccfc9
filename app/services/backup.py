"""Backing up a laptop, restoring it on another, and opening it with the recovery key when every password is lost.

A backup file (``.sayyarbackup``) is a zip holding three parts: ``manifest.json`` (format, when, which laptop,
epoch, schema; no patient data), ``sayyar.db`` (a consistent copy made by SQLite's ``VACUUM INTO``, still
encrypted with the laptop's database key, so the device identity and its token inside it stay encrypted too) and
``keystore.json`` with only the recovery entry and the unit administrators' entries. So the file opens with the
recovery key or an administrator's password and with nothing else, and none of its bytes name a patient.

Restoring puts the copy in an empty data folder and handles it as a restore by the sync rules
(docs/architecture.md, guarantees 7 and 12): a new epoch (changes not yet acknowledged are numbered again under
it, so nothing the server holds is overwritten or duplicated) and fresh number ranges for patient, household and
referral numbers (the lost laptop may have handed out numbers after the backup was taken).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, update

from app.config import db_path, keystore_path, make_private, private_opener, write_private
from app.models import DeviceState, User
from app.security.keystore import Keystore, KeystoreError
from app.security.roles import Action
from app.services.context import Ctx
from app.services.errors import ServiceError
from app.store import Store

log = logging.getLogger("sayyar.services.backup")

FORMAT = "sayyar-laptop-backup"
VERSION = 1
SUFFIX = ".sayyarbackup"
NUMBER_RANGE = 10_000  # a restored laptop's numbers start at the next multiple of this above what it had
HISTORY_FILE = "backups.json"  # in the data folder: when backups were made (dates and file names only)
REMIND_AFTER_DAYS = 7


class BackupError(ServiceError):
    pass


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    device_code: str
    epoch: int
    made_at: datetime


@dataclass(frozen=True)
class RestoreInfo:
    folder: Path
    device_code: str
    old_epoch: int
    new_epoch: int
    made_at: str


def _unwritable(out: Path) -> BackupError:
    return BackupError(f"The backup could not be written to {out.parent}: is the USB stick full or read-only?",
                       f"نسخهٔ پشتیبان در {out.parent} نوشته نشد: آیا حافظهٔ USB پر یا فقط‌خواندنی است؟")


def backup_laptop(ctx: Ctx, keystore: Keystore, folder: Path, out: Path) -> BackupInfo:
    """Write the backup file ``out`` (whole or not at all). The unit administrator's act."""
    ctx.require(Action.CONFIGURE_DEVICE)
    store = ctx.store
    if out.suffix.lower() != SUFFIX:
        out = out.with_name(out.name + SUFFIX)
    try:
        keystore_bytes = keystore.backup_document()
    except KeystoreError as err:
        raise BackupError(str(err.message), str(err.message_fa)) from None
    store.refresh_device()
    device = store.device
    made_at = datetime.now(timezone.utc)
    from app.store.migrate import HEAD_REVISION

    manifest = {"format": FORMAT, "version": VERSION, "made_at": made_at.isoformat(), "device_id": device.device_id,
                "device_code": device.device_code, "epoch": device.epoch, "schema": HEAD_REVISION}
    try:
        out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:  # a stick not mounted, read-only, or a file where its folder should be: the same sentence
        raise _unwritable(out) from None
    with tempfile.TemporaryDirectory(prefix="sayyar-backup-", dir=folder) as tmp:
        snapshot = Path(tmp) / "sayyar.db"
        raw = store.read_engine.raw_connection()
        try:
            # One consistent copy of the whole database, still encrypted under the same key (SQLCipher).
            raw.driver_connection.execute("VACUUM INTO ?", (str(snapshot),))  # type: ignore[union-attr]
        finally:
            raw.close()
        part = out.with_name(out.name + ".part")
        try:
            # The user's alone from its first byte, also on a USB stick that keeps modes.
            with open(part, "wb", opener=private_opener) as raw_out, \
                    zipfile.ZipFile(raw_out, "w", compression=zipfile.ZIP_STORED) as zf:
                zf.writestr("manifest.json", json.dumps(manifest, indent=1))
                zf.write(snapshot, "sayyar.db")
                zf.writestr("keystore.json", keystore_bytes)
            with open(part, "rb+") as f:
                os.fsync(f.fileno())
            make_private(part)
            os.replace(part, out)
        except OSError:
            part.unlink(missing_ok=True)
            raise _unwritable(out) from None
    _remember_backup(folder, made_at, out.name)
    log.info("laptop backup written (%d bytes)", out.stat().st_size)
    return BackupInfo(out, out.stat().st_size, device.device_code, device.epoch, made_at)


def read_manifest(path: Path) -> dict[str, object]:
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            names = set(zf.namelist())
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        raise BackupError(f"{path.name} is not a Sayyar laptop backup (or it is damaged).",
                          f"پروندهٔ {path.name} نسخهٔ پشتیبان سیار نیست (یا آسیب دیده است).") from None
    if manifest.get("format") != FORMAT or not {"sayyar.db", "keystore.json"} <= names:
        raise BackupError(f"{path.name} is not a Sayyar laptop backup.", f"پروندهٔ {path.name} نسخهٔ پشتیبان سیار نیست.")
    if manifest.get("version") != VERSION:
        raise BackupError(f"{path.name} was written by another Sayyar version; install that version to restore it.",
                          f"پروندهٔ {path.name} با نسخهٔ دیگری از سیار نوشته شده است؛ برای بازگرداندن آن نسخه را نصب کنید.")
    return manifest


def restore_laptop(backup: Path, folder: Path, *, username: str | None = None, password: str | None = None,
                   recovery_key: str | None = None) -> RestoreInfo:
    """Put the backup into ``folder`` (which must hold no Sayyar site) and open it as a restored laptop. Opens
    with an administrator's password or the recovery key; a wrong one leaves ``folder`` as it was."""
    from app.services.site import site_exists
    from app.sync.identity import start_new_epoch

    manifest = read_manifest(backup)
    if site_exists(folder) or db_path(folder).exists() or keystore_path(folder).exists():
        raise BackupError(f"Sayyar is already set up in {folder}: restore into an empty data folder.",
                          f"سیار در {folder} از قبل راه‌اندازی شده است: در پوشهٔ خالی بازگردانید.")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sayyar-restore-", dir=folder) as tmp:
        staged = Path(tmp)
        with zipfile.ZipFile(backup) as zf:
            zf.extract("sayyar.db", staged)
            zf.extract("keystore.json", staged)
        keystore = Keystore.load(staged / "keystore.json")
        try:
            if recovery_key:
                db_key = keystore.unlock_with_recovery(recovery_key)
            elif username and password:
                db_key = keystore.unlock(username, password).db_key
            else:
                raise BackupError("Give an administrator's user name and password, or the recovery key.",
                                  "نام کاربری و گذرواژهٔ یک مدیر یا کلید بازیابی را بدهید.")
        except KeystoreError as err:
            raise BackupError(str(err.message), str(err.message_fa)) from None
        store = Store.open(staged / "sayyar.db", db_key)
        try:
            old_epoch = store.device.epoch
            new_epoch = start_new_epoch(store)
            _fresh_number_ranges(store)
        finally:
            store.close()
        os.replace(staged / "sayyar.db", db_path(folder))
        os.replace(staged / "keystore.json", keystore_path(folder))
    for private in (folder, db_path(folder), keystore_path(folder)):
        make_private(private)
    log.info("laptop restored from a backup: epoch %d -> %d", old_epoch, new_epoch)
    return RestoreInfo(folder, str(manifest.get("device_code", "")), old_epoch, new_epoch,
                       str(manifest.get("made_at", "")))


def _fresh_number_ranges(store: Store) -> None:
    with store.write(None) as s:
        dev = s.get(DeviceState, 1)
        assert dev is not None
        values = {}
        for counter in ("next_patient_number", "next_household_number", "next_referral_number"):
            current = int(getattr(dev, counter))
            values[counter] = (current // NUMBER_RANGE + 1) * NUMBER_RANGE
        s.execute(update(DeviceState).values(**values))


def recover_with_key(folder: Path, recovery_key: str, *, username: str, new_password: str) -> str:
    """Every password is lost: the recovery key opens the database and ``username`` (a unit administrator of
    this laptop) gets ``new_password``. The recovery key was typed, so it is replaced: returns the new one (to be
    shown once)."""
    keystore = Keystore.load(keystore_path(folder))
    if keystore.rotation_pending:  # a database key change a crash cut short: keep the file that opens the database
        from app.store.db import key_opens

        keystore.settle_rotation_with_recovery(recovery_key, lambda key: key_opens(db_path(folder), key))
    try:
        db_key = keystore.unlock_with_recovery(recovery_key)
    except KeystoreError as err:
        raise BackupError(str(err.message), str(err.message_fa)) from None
    known = {u.username.casefold(): u for u in keystore.users()}
    try:
        if username.casefold() in known:
            if known[username.casefold()].role != "unit_admin":
                raise BackupError(f"{username} is not a unit administrator; the recovery key sets an "
                                  "administrator's password (who then resets the others).",
                                  f"{username} مدیر واحد نیست؛ کلید بازیابی گذرواژهٔ یک مدیر را تعیین می‌کند.")
            keystore.reset_password(db_key, username, new_password)
            return keystore.rotate_recovery_key(db_key)
        store = Store.open(db_path(folder), db_key)
        try:
            with store.read() as s:
                user = s.scalar(select(User).where(User.username == username, User.role == "unit_admin",
                                                   User.active.is_(True)))
        finally:
            store.close()
        if user is None:
            raise BackupError(f"There is no active unit administrator called {username} on this laptop.",
                              f"مدیر واحد فعالی به نام {username} در این رایانه نیست.")
        keystore.add_user(db_key, user_id=user.id, username=username, password=new_password, role="unit_admin")
        return keystore.rotate_recovery_key(db_key)
    except KeystoreError as err:
        raise BackupError(str(err.message), str(err.message_fa)) from None


# ----- reminders -----

def _remember_backup(folder: Path, at: datetime, name: str) -> None:
    path = folder / HISTORY_FILE
    try:
        history = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        history = {}
    made = list(history.get("backups", []))[-49:]
    made.append({"at": at.isoformat(), "file": name})
    tmp = path.with_name(path.name + ".tmp")
    write_private(tmp, json.dumps({"backups": made}, indent=1).encode("utf-8"))
    os.replace(tmp, path)


def last_backup_at(folder: Path) -> datetime | None:
    try:
        made = json.loads((folder / HISTORY_FILE).read_text(encoding="utf-8")).get("backups", [])
        return datetime.fromisoformat(made[-1]["at"]) if made else None
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def backup_reminder(store: Store, folder: Path, *, days: int = REMIND_AFTER_DAYS,
                    now: datetime | None = None) -> int | None:
    """Days since this laptop's records were last safe elsewhere (a backup or a successful sync), when that is
    ``days`` or more; None when all is well."""
    from app.sync.status import sync_status

    now = now or datetime.now(timezone.utc)
    moments = [t for t in (last_backup_at(folder), sync_status(store).last_success_at) if t is not None]
    moments = [t if t.tzinfo else t.replace(tzinfo=timezone.utc) for t in moments]
    if moments:
        since = (now - max(moments)).days
    else:
        with store.read() as s:
            first = s.scalar(select(User.created_at).order_by(User.created_at).limit(1))
        if first is None:
            return None
        first = first if first.tzinfo else first.replace(tzinfo=timezone.utc)
        since = (now - first).days
    return since if since >= days else None
