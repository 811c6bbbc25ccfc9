"""The keystore file: JSON (de)serialisation with strict validation, and atomic, durable writes."""

from __future__ import annotations

import base64
import binascii
import logging
import os
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from app.security.keystore.crypto import _norm_username
from app.security.keystore.errors import KeystoreCorrupt, KeystoreWriteError, _corrupt, _fa
from app.security.keystore.model import (
    _MAX_MEMORY_KIB,
    _MAX_PARALLELISM,
    _MAX_TIME_COST,
    _NONCE_BYTES,
    _SALT_BYTES,
    _WRAPPED_BYTES,
    FORMAT_NAME,
    FORMAT_VERSION,
    KdfParams,
    _Doc,
    _FailureState,
    _RecoveryEntry,
    _UserEntry,
)
from app.security.keystore.sealing import SEALED_BYTES

log = logging.getLogger("sayyar.security.keystore")  # one logger name for the whole package


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any, what: str, length: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise _corrupt(f"{what} is missing")
    try:
        data = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise _corrupt(f"{what} is not valid base64") from None
    if length is not None and len(data) != length:
        raise _corrupt(f"{what} has the wrong length")
    return data



def _dt_to_json(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(timezone.utc).isoformat()


def _dt_from_json(value: Any, what: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _corrupt(f"{what} is not a date")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _corrupt(f"{what} is not a date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _str_field(obj: dict[str, Any], key: str, what: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise _corrupt(f"{what}.{key} is missing")
    return value


def _int_field(obj: dict[str, Any], key: str, what: str, low: int, high: int) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _corrupt(f"{what}.{key} is out of range")
    return value


def _box_to_json(entry: Any) -> dict[str, str]:
    if not entry.sealed:
        return {}
    return {"box_public": _b64(entry.box_public), "box_nonce": _b64(entry.box_nonce),
            "box_wrapped": _b64(entry.box_wrapped), "sealed": _b64(entry.sealed)}


def _box_from_json(raw: dict[str, Any], what: str) -> dict[str, bytes]:
    from app.security.keystore.sealing import BOX_WRAPPED_BYTES, SEALED_BYTES

    if "sealed" not in raw:
        return {}
    return {"box_public": _unb64(raw.get("box_public"), f"{what}.box_public", 32),
            "box_nonce": _unb64(raw.get("box_nonce"), f"{what}.box_nonce", _NONCE_BYTES),
            "box_wrapped": _unb64(raw.get("box_wrapped"), f"{what}.box_wrapped", BOX_WRAPPED_BYTES),
            "sealed": _unb64(raw.get("sealed"), f"{what}.sealed", SEALED_BYTES)}


def _doc_to_json(doc: _Doc) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "keystore_id": doc.keystore_id,
        "key_check": _b64(doc.key_check),
        "users": [
            {
                "user_id": u.user_id,
                "username": u.username,
                "role": u.role,
                "kdf": {
                    "alg": "argon2id",
                    "salt": _b64(u.salt),
                    "time_cost": u.kdf.time_cost,
                    "memory_cost": u.kdf.memory_cost,
                    "parallelism": u.kdf.parallelism,
                },
                "verifier": _b64(u.verifier),
                "nonce": _b64(u.nonce),
                "wrapped_key": _b64(u.wrapped_key),
                "role_mac": _b64(u.role_mac),
                "failed_attempts": u.failures.failed_attempts,
                "last_failure_at": _dt_to_json(u.failures.last_failure_at),
                "locked_until": _dt_to_json(u.failures.locked_until),
                **({"grant": _b64(u.grant)} if u.grant else {}),
                **({"root_nonce": _b64(u.root_nonce), "root_wrapped": _b64(u.root_wrapped)} if u.root_wrapped
                   else {}),
                **({"root_sealed": _b64(u.root_sealed)} if u.root_sealed else {}),
                **_box_to_json(u),
            }
            for u in doc.users
        ],
        **({"root_public": _b64(doc.root_public)} if doc.root_public else {}),
        "recovery": {
            "recovery_id": doc.recovery.recovery_id,
            "kdf": {"alg": "hkdf-sha256", "salt": _b64(doc.recovery.salt)},
            "nonce": _b64(doc.recovery.nonce),
            "wrapped_key": _b64(doc.recovery.wrapped_key),
            **({"root_nonce": _b64(doc.recovery.root_nonce), "root_wrapped": _b64(doc.recovery.root_wrapped)}
               if doc.recovery.root_wrapped else {}),
            **_box_to_json(doc.recovery),
        },
    }


def _doc_from_json(raw: Any) -> _Doc:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT_NAME:
        raise _corrupt("not a Sayyar keystore")
    version = raw.get("version")
    if version != FORMAT_VERSION:
        raise KeystoreCorrupt(
            f"The keystore has version {version!r}, but this program only reads version {FORMAT_VERSION}. "
            "Install the newer Sayyar version that wrote it.",
            _fa(
                f"نسخهٔ فایل کلیدها {version!r} است ولی این برنامه فقط نسخهٔ {FORMAT_VERSION} را می‌خواند. "
                "نسخهٔ تازه‌تر سیار را نصب کنید."
            ),
        )
    users_raw = raw.get("users")
    rec_raw = raw.get("recovery")
    if not isinstance(users_raw, list) or not users_raw:
        raise _corrupt("no users")
    if not isinstance(rec_raw, dict) or not isinstance(rec_raw.get("kdf"), dict):
        raise _corrupt("no recovery entry")
    users: list[_UserEntry] = []
    for i, u in enumerate(users_raw):
        what = f"users[{i}]"
        if not isinstance(u, dict) or not isinstance(u.get("kdf"), dict):
            raise _corrupt(f"{what} is malformed")
        kdf = u["kdf"]
        if kdf.get("alg") != "argon2id":
            raise _corrupt(f"{what}.kdf uses an unknown algorithm")
        params = KdfParams(
            time_cost=_int_field(kdf, "time_cost", what, 1, _MAX_TIME_COST),
            memory_cost=_int_field(kdf, "memory_cost", what, 8, _MAX_MEMORY_KIB),
            parallelism=_int_field(kdf, "parallelism", what, 1, _MAX_PARALLELISM),
        )
        if params.memory_cost < 8 * params.parallelism:
            raise _corrupt(f"{what}.kdf is inconsistent")
        users.append(
            _UserEntry(
                user_id=_str_field(u, "user_id", what),
                username=_str_field(u, "username", what),
                role=_str_field(u, "role", what),
                kdf=params,
                salt=_unb64(kdf.get("salt"), f"{what}.kdf.salt", _SALT_BYTES),
                verifier=_unb64(u.get("verifier"), f"{what}.verifier", 32),
                nonce=_unb64(u.get("nonce"), f"{what}.nonce", _NONCE_BYTES),
                wrapped_key=_unb64(u.get("wrapped_key"), f"{what}.wrapped_key", _WRAPPED_BYTES),
                role_mac=_unb64(u.get("role_mac"), f"{what}.role_mac", 32),
                failures=_FailureState(
                    failed_attempts=_int_field(u, "failed_attempts", what, 0, 1_000_000),
                    last_failure_at=_dt_from_json(u.get("last_failure_at"), f"{what}.last_failure_at"),
                    locked_until=_dt_from_json(u.get("locked_until"), f"{what}.locked_until"),
                ),
                grant=_unb64(u["grant"], f"{what}.grant", 64) if "grant" in u else b"",
                root_nonce=_unb64(u["root_nonce"], f"{what}.root_nonce", _NONCE_BYTES) if "root_wrapped" in u
                else b"",
                root_wrapped=_unb64(u["root_wrapped"], f"{what}.root_wrapped", 48) if "root_wrapped" in u else b"",
                root_sealed=_unb64(u["root_sealed"], f"{what}.root_sealed", SEALED_BYTES) if "root_sealed" in u
                else b"",
                **_box_from_json(u, what),
            )
        )
    if rec_raw["kdf"].get("alg") != "hkdf-sha256":
        raise _corrupt("recovery.kdf uses an unknown algorithm")
    recovery = _RecoveryEntry(
        recovery_id=_str_field(rec_raw, "recovery_id", "recovery"),
        salt=_unb64(rec_raw["kdf"].get("salt"), "recovery.kdf.salt", _SALT_BYTES),
        nonce=_unb64(rec_raw.get("nonce"), "recovery.nonce", _NONCE_BYTES),
        wrapped_key=_unb64(rec_raw.get("wrapped_key"), "recovery.wrapped_key", _WRAPPED_BYTES),
        root_nonce=_unb64(rec_raw["root_nonce"], "recovery.root_nonce", _NONCE_BYTES) if "root_wrapped" in rec_raw
        else b"",
        root_wrapped=_unb64(rec_raw["root_wrapped"], "recovery.root_wrapped", 48) if "root_wrapped" in rec_raw
        else b"",
        **_box_from_json(rec_raw, "recovery"),
    )
    doc = _Doc(
        keystore_id=_str_field(raw, "keystore_id", "keystore"),
        key_check=_unb64(raw.get("key_check"), "key_check", 32),
        users=users,
        recovery=recovery,
        root_public=_unb64(raw["root_public"], "root_public", 32) if "root_public" in raw else b"",
    )
    keys = [_norm_username(u.username) for u in users]
    if len(set(keys)) != len(keys) or len({u.user_id for u in users}) != len(users):
        raise _corrupt("duplicate users")
    return doc



# ----- atomic file writing ---------------------------------------------------------------------------


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, then os.replace: readers see the old or the new file,
    never a half-written one, even after a power cut."""
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _replace_with_retry(tmp_name, path)
        tmp_name = None
        _fsync_dir(path.parent)
    except OSError as exc:
        log.error("keystore save failed: %s", type(exc).__name__)
        raise KeystoreWriteError() from exc
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _replace_with_retry(src: str, dst: Path) -> None:
    # On Windows a virus scanner or indexer briefly holding the target makes os.replace fail; retry a little.
    for attempt in range(5):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable on POSIX. Windows cannot open a directory this way; NTFS journals it.
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

