"""Keystore: the one place that holds the (wrapped) SQLCipher database key.

The database is encrypted with ONE random 32-byte key. That key is never stored in the clear: it is wrapped
(AES-256-GCM) once per user under a key derived from the user's password with argon2id, and once under a
recovery key that is shown at setup. A lost laptop therefore exposes nothing without a password or the
recovery key, and the argon2id cost makes offline guessing slow.

File format (``keystore.json``, version 1) -- JSON so it is inspectable and portable:

    {"format": "sayyar-keystore", "version": 1, "keystore_id": "<hex>", "key_check": "<b64>",
     "users": [{"user_id", "username", "role",
                "kdf": {"alg": "argon2id", "salt", "time_cost", "memory_cost", "parallelism"},
                "verifier", "nonce", "wrapped_key", "role_mac",
                "failed_attempts", "last_failure_at", "locked_until"}, ...],
     "recovery": {"recovery_id", "kdf": {"alg": "hkdf-sha256", "salt"}, "nonce", "wrapped_key"}}

Security notes (why things are the way they are):
- argon2id yields 64 bytes: the first 32 wrap the db key, the SHA-256 of the last 32 is stored as a
  verifier. Testing a guess against the verifier costs exactly as much as testing it against the GCM tag,
  so it leaks nothing extra, but it lets us tell "wrong password" from "this entry was altered".
- The GCM associated data binds each wrap to the format version and the user_id, so entries cannot be
  swapped between users. The role is authenticated separately by an HMAC under a key derived from the
  database key ("role_mac"), so a clinician cannot make themselves an administrator by editing the file,
  yet an administrator can change a role without knowing that user's password.
- Failure counters are stored in the file (a restart must not reset them) but are NOT authenticated;
  someone who can write the file can reset them. That is acceptable: the counters only slow guessing at
  the sign-in screen; against a stolen file the argon2id cost is the protection.
- Passwords, keys and recovery keys are never logged or put into exception messages.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import hmac
import json
import logging
import math
import os
import secrets
import tempfile
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import Any

from argon2.low_level import Type as _Argon2Type
from argon2.low_level import hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "DB_KEY_BYTES",
    "MIN_PASSWORD_LENGTH",
    "KdfParams",
    "DEFAULT_KDF_PARAMS",
    "LockoutPolicy",
    "Keystore",
    "KeystoreUser",
    "UnlockResult",
    "KeystoreError",
    "KeystoreCorrupt",
    "KeystoreWriteError",
    "EntryDamaged",
    "AuthenticationError",
    "BadCredentials",
    "UnknownUser",
    "WrongPassword",
    "TooManyAttempts",
    "AccountLocked",
    "WeakPassword",
    "InvalidUserName",
    "UserExists",
    "NoSuchUser",
    "LastUser",
    "WrongDatabaseKey",
    "InvalidRecoveryKey",
    "RecoveryKeyMistyped",
    "WrongRecoveryKey",
]

log = logging.getLogger(__name__)

FORMAT_NAME = "sayyar-keystore"
FORMAT_VERSION = 1
DB_KEY_BYTES = 32
MIN_PASSWORD_LENGTH = 8
_SALT_BYTES = 16
_NONCE_BYTES = 12
_WRAPPED_BYTES = DB_KEY_BYTES + 16  # ciphertext + GCM tag

# Bounds accepted from the file: an edited file must not make us allocate gigabytes or spin for minutes.
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_TIME_COST = 64
_MAX_PARALLELISM = 16
_MAX_GHOSTS = 1000


# --------------------------------------------------------------------------------------------------
# Errors. Every error carries a human message in English and Persian; the UI shows one of them.
# --------------------------------------------------------------------------------------------------

_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _fa(text: str) -> str:
    """Persian text shows Persian digits."""
    return text.translate(_FA_DIGITS)


class KeystoreError(Exception):
    """Base class of every keystore error. ``message`` / ``message_fa`` are safe to show to the user."""

    message: str = "The keystore could not be used."
    message_fa: str = "فایل کلیدها قابل استفاده نیست."

    def __init__(self, message: str | None = None, message_fa: str | None = None) -> None:
        if message is not None:
            self.message = message
        if message_fa is not None:
            self.message_fa = message_fa
        super().__init__(self.message)


class KeystoreCorrupt(KeystoreError):
    """The file is missing parts, is not JSON, or has a version this program does not know."""


class KeystoreWriteError(KeystoreError):
    """Saving failed; the previous file is left as it was."""

    message = "The keystore could not be saved. Nothing was changed. Check that the disk is not full."
    message_fa = "فایل کلیدها ذخیره نشد و چیزی تغییر نکرد. بررسی کنید که دیسک پر نباشد."


class EntryDamaged(KeystoreError):
    """The password was right but the wrapped key does not decrypt: the entry was altered or damaged."""

    message = (
        "This user's key entry is damaged or has been altered. "
        "Sign in with the recovery key and reset this user's password."
    )
    message_fa = (
        "اطلاعات کلید این کاربر آسیب دیده یا دستکاری شده است. "
        "با کلید بازیابی وارد شوید و گذرواژهٔ این کاربر را از نو تعیین کنید."
    )


class AuthenticationError(KeystoreError):
    """Base of sign-in failures."""


class BadCredentials(AuthenticationError):
    """Unknown user or wrong password: deliberately the same message so user names are not revealed."""

    def __init__(self, attempts_remaining: int) -> None:
        self.attempts_remaining = attempts_remaining
        en = "Wrong user name or password."
        fa = "نام کاربری یا گذرواژه نادرست است."
        if attempts_remaining <= 3:
            en += f" {attempts_remaining} attempts left before the account is locked."
            fa += _fa(f" {attempts_remaining} بار دیگر می‌توانید تلاش کنید؛ پس از آن حساب قفل می‌شود.")
        super().__init__(en, fa)


class UnknownUser(BadCredentials):
    pass


class WrongPassword(BadCredentials):
    pass


class _BadPassword(Exception):
    """Internal: the verifier did not match. unlock() turns it into WrongPassword with the real count."""


class TooManyAttempts(AuthenticationError):
    def __init__(self, retry_after_seconds: int) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(
            f"Too many wrong attempts. Wait {retry_after_seconds} seconds and try again.",
            _fa(f"تلاش نادرست زیاد بود. {retry_after_seconds} ثانیه صبر کنید و دوباره امتحان کنید."),
        )


class AccountLocked(AuthenticationError):
    def __init__(self, until: datetime, minutes_left: int) -> None:
        self.until = until
        self.minutes_left = minutes_left
        super().__init__(
            f"Too many wrong attempts. This account is locked for {minutes_left} more minutes, "
            "or until an administrator resets the password.",
            _fa(
                f"تلاش نادرست زیاد بود. این حساب تا {minutes_left} دقیقهٔ دیگر قفل است، "
                "یا تا وقتی که مدیر گذرواژه را از نو تعیین کند."
            ),
        )


class WeakPassword(KeystoreError, ValueError):
    message = f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
    message_fa = _fa(f"گذرواژه باید دست‌کم {MIN_PASSWORD_LENGTH} نویسه داشته باشد.")


class InvalidUserName(KeystoreError, ValueError):
    message = "The user name is empty or not allowed."
    message_fa = "نام کاربری خالی یا نامجاز است."


class UserExists(KeystoreError):
    message = "A user with this user name or id already exists."
    message_fa = "کاربری با این نام کاربری یا شناسه از پیش وجود دارد."


class NoSuchUser(KeystoreError):
    """A management call named a user that does not exist (sign-in uses UnknownUser instead)."""

    message = "There is no user with this user name."
    message_fa = "کاربری با این نام کاربری وجود ندارد."


class LastUser(KeystoreError):
    message = "The last user cannot be removed."
    message_fa = "آخرین کاربر را نمی‌توان حذف کرد."


class WrongDatabaseKey(KeystoreError):
    """A management call was given a key that is not this keystore's database key (a programming error)."""

    message = "The database key given does not belong to this keystore."
    message_fa = "کلید پایگاه داده به این فایل کلیدها تعلق ندارد."


class InvalidRecoveryKey(KeystoreError):
    """Base of recovery-key failures."""


class RecoveryKeyMistyped(InvalidRecoveryKey):
    """The text is not a valid recovery key (its check group does not match): a typing mistake."""

    message = "Check the recovery key: one of the groups is mistyped."
    message_fa = "کلید بازیابی را بررسی کنید: یکی از گروه‌ها نادرست وارد شده است."


class WrongRecoveryKey(InvalidRecoveryKey):
    """A well-formed recovery key that does not open this keystore (e.g. replaced, or another laptop's)."""

    message = "This recovery key does not belong to this laptop, or it has been replaced by a newer one."
    message_fa = "این کلید بازیابی مال این رایانه نیست، یا کلید تازه‌تری جای آن را گرفته است."


# --------------------------------------------------------------------------------------------------
# Parameters and public value types
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost. Stored per entry so that the defaults can be raised later without breaking old entries."""

    time_cost: int
    memory_cost: int  # KiB
    parallelism: int

    def at_least(self, other: KdfParams) -> bool:
        return (
            self.time_cost >= other.time_cost
            and self.memory_cost >= other.memory_cost
            and self.parallelism >= other.parallelism
        )


# 128 MiB, 10 passes, 2 lanes: ~0.4 s per unlock on the 2-core reference machine (bench/bench_signin.py),
# inside the 1 s sign-in target with room for slower field laptops. 128 MiB fits 4 GB laptops.
DEFAULT_KDF_PARAMS = KdfParams(time_cost=10, memory_cost=128 * 1024, parallelism=2)


@dataclass(frozen=True)
class LockoutPolicy:
    throttle_after: int = 3  # consecutive failures before each attempt has to wait
    base_delay_seconds: int = 2  # 2, 4, 8 ... seconds
    max_delay_seconds: int = 60
    lock_after: int = 10  # consecutive failures before the account locks
    lock_duration: timedelta = timedelta(minutes=15)

    def delay_after(self, failures: int) -> int:
        """Seconds to wait before the next attempt after ``failures`` consecutive failures."""
        if failures < self.throttle_after:
            return 0
        steps = failures - self.throttle_after
        return min(self.base_delay_seconds * (2 ** min(steps, 30)), self.max_delay_seconds)


@dataclass(frozen=True)
class UnlockResult:
    user_id: str
    username: str
    role: str
    db_key: bytes = field(repr=False)  # never printed by accident


@dataclass(frozen=True)
class KeystoreUser:
    user_id: str
    username: str
    role: str
    locked_until: datetime | None
    failed_attempts: int = 0


# --------------------------------------------------------------------------------------------------
# Internal model of the file
# --------------------------------------------------------------------------------------------------


@dataclass
class _FailureState:
    failed_attempts: int = 0
    last_failure_at: datetime | None = None
    locked_until: datetime | None = None


@dataclass
class _UserEntry:
    user_id: str
    username: str
    role: str
    kdf: KdfParams
    salt: bytes
    verifier: bytes
    nonce: bytes
    wrapped_key: bytes
    role_mac: bytes
    failures: _FailureState


@dataclass
class _RecoveryEntry:
    recovery_id: str
    salt: bytes
    nonce: bytes
    wrapped_key: bytes


@dataclass
class _Doc:
    keystore_id: str
    key_check: bytes
    users: list[_UserEntry]
    recovery: _RecoveryEntry


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


def _corrupt(detail: str) -> KeystoreCorrupt:
    return KeystoreCorrupt(
        f"The keystore file is damaged ({detail}). Restore it from a backup or set up this laptop again.",
        f"فایل کلیدها آسیب دیده است ({detail}). آن را از نسخهٔ پشتیبان برگردانید یا این رایانه را از نو راه‌اندازی کنید.",
    )


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
            }
            for u in doc.users
        ],
        "recovery": {
            "recovery_id": doc.recovery.recovery_id,
            "kdf": {"alg": "hkdf-sha256", "salt": _b64(doc.recovery.salt)},
            "nonce": _b64(doc.recovery.nonce),
            "wrapped_key": _b64(doc.recovery.wrapped_key),
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
            )
        )
    if rec_raw["kdf"].get("alg") != "hkdf-sha256":
        raise _corrupt("recovery.kdf uses an unknown algorithm")
    recovery = _RecoveryEntry(
        recovery_id=_str_field(rec_raw, "recovery_id", "recovery"),
        salt=_unb64(rec_raw["kdf"].get("salt"), "recovery.kdf.salt", _SALT_BYTES),
        nonce=_unb64(rec_raw.get("nonce"), "recovery.nonce", _NONCE_BYTES),
        wrapped_key=_unb64(rec_raw.get("wrapped_key"), "recovery.wrapped_key", _WRAPPED_BYTES),
    )
    doc = _Doc(
        keystore_id=_str_field(raw, "keystore_id", "keystore"),
        key_check=_unb64(raw.get("key_check"), "key_check", 32),
        users=users,
        recovery=recovery,
    )
    keys = [_norm_username(u.username) for u in users]
    if len(set(keys)) != len(keys) or len({u.user_id for u in users}) != len(users):
        raise _corrupt("duplicate users")
    return doc


# --------------------------------------------------------------------------------------------------
# Crypto helpers
# --------------------------------------------------------------------------------------------------


def _norm_username(username: str) -> str:
    """Lookup key: NFC (Persian input methods differ), trimmed, case-insensitive."""
    return unicodedata.normalize("NFC", username).strip().casefold()


def _clean_username(username: str) -> str:
    """Display form kept in the file: NFC and trimmed, case as typed."""
    cleaned = unicodedata.normalize("NFC", username).strip()
    if not cleaned or any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise InvalidUserName()
    return cleaned


def _role_text(role: str) -> str:
    """Roles may arrive as app.security.roles.Role (a StrEnum); the file and the MAC use the plain value."""
    text = str(role.value) if isinstance(role, Enum) else str(role)
    if not text:
        raise KeystoreError("A role is required.", "نقش لازم است.")
    return text


def _password_bytes(password: str) -> bytes:
    # NFC so the same password typed on different keyboards/IMEs derives the same key.
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _check_password_strength(password: str) -> None:
    if len(unicodedata.normalize("NFC", password)) < MIN_PASSWORD_LENGTH:
        raise WeakPassword()


def _argon2(password: str, salt: bytes, params: KdfParams) -> tuple[bytes, bytes]:
    """Returns (wrap_key, verifier_hash)."""
    material = hash_secret_raw(
        secret=_password_bytes(password),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=64,
        type=_Argon2Type.ID,
    )
    return material[:32], hashlib.sha256(material[32:]).digest()


def _user_ad(user_id: str) -> bytes:
    # JSON array: unambiguous even if an id contains separators.
    return json.dumps([FORMAT_NAME, FORMAT_VERSION, "user", user_id]).encode("utf-8")


def _role_mac(db_key: bytes, user_id: str, role: str) -> bytes:
    mac_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"{FORMAT_NAME}/v{FORMAT_VERSION}/role-mac".encode()
    ).derive(db_key)
    return hmac.new(mac_key, json.dumps([user_id, role]).encode("utf-8"), hashlib.sha256).digest()


def _recovery_ad(recovery_id: str) -> bytes:
    return json.dumps([FORMAT_NAME, FORMAT_VERSION, "recovery", recovery_id]).encode("utf-8")


def _key_check(db_key: bytes, keystore_id: str) -> bytes:
    # Lets management calls verify a db key without any password. Safe: the key is 256 random bits.
    return hmac.new(db_key, f"{FORMAT_NAME}/key-check/{keystore_id}".encode(), hashlib.sha256).digest()


def _wrap_for_user(
    db_key: bytes, *, user_id: str, username: str, role: str, password: str, params: KdfParams
) -> _UserEntry:
    salt = secrets.token_bytes(_SALT_BYTES)
    wrap_key, verifier = _argon2(password, salt, params)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    wrapped = AESGCM(wrap_key).encrypt(nonce, db_key, _user_ad(user_id))
    return _UserEntry(
        user_id=user_id,
        username=username,
        role=role,
        kdf=params,
        salt=salt,
        verifier=verifier,
        nonce=nonce,
        wrapped_key=wrapped,
        role_mac=_role_mac(db_key, user_id, role),
        failures=_FailureState(),
    )


# ----- recovery key text ---------------------------------------------------------------------------

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_INDEX = {ch: i for i, ch in enumerate(_CROCKFORD)}
# Crockford decoding rules (O->0, I/L->1) plus Persian and Arabic-Indic digits from a Persian keyboard.
_RECOVERY_TRANSLATE = str.maketrans(
    {"O": "0", "I": "1", "L": "1", **{p: str(i) for i, p in enumerate("۰۱۲۳۴۵۶۷۸۹")},
     **{a: str(i) for i, a in enumerate("٠١٢٣٤٥٦٧٨٩")}}
)
_RECOVERY_DATA_SYMBOLS = 28  # 28 x 5 = 140 random bits
_RECOVERY_GROUP = 4
_RECOVERY_SYMBOLS = _RECOVERY_DATA_SYMBOLS + _RECOVERY_GROUP  # + one check group


def _gf32_mul(a: int, b: int) -> int:
    """Multiply in GF(2^5) modulo the primitive polynomial x^5 + x^2 + 1."""
    result = 0
    while b:
        if b & 1:
            result ^= a
        b >>= 1
        a <<= 1
        if a & 0x20:
            a ^= 0b100101
    return result


def _check_group(data: str) -> str:
    """Four check symbols for 28 data symbols.

    Symbol 1 is sum(alpha^i * s_i) over GF(32): distinct non-zero weights guarantee that ANY single
    wrong symbol and ANY swap of two neighbouring symbols is detected. Symbols 2-4 are 15 bits of a
    hash, which catch nearly every other mistake (1 in 32768 slips through).
    """
    acc, weight = 0, 1
    for ch in data:
        acc ^= _gf32_mul(weight, _CROCKFORD_INDEX[ch])
        weight = _gf32_mul(weight, 2)
    digest = int.from_bytes(hashlib.sha256(f"{FORMAT_NAME}/recovery-check/{data}".encode()).digest()[:2], "big")
    h = digest >> 1  # 15 bits
    return _CROCKFORD[acc] + _CROCKFORD[(h >> 10) & 31] + _CROCKFORD[(h >> 5) & 31] + _CROCKFORD[h & 31]


def _format_recovery(symbols: str) -> str:
    return "-".join(symbols[i : i + _RECOVERY_GROUP] for i in range(0, len(symbols), _RECOVERY_GROUP))


def _new_recovery_text() -> str:
    data = "".join(secrets.choice(_CROCKFORD) for _ in range(_RECOVERY_DATA_SYMBOLS))
    return _format_recovery(data + _check_group(data))


def _parse_recovery(text: str) -> str:
    """Canonical 32-symbol form, or RecoveryKeyMistyped."""
    cleaned = "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-_.")
    cleaned = cleaned.translate(_RECOVERY_TRANSLATE)
    if len(cleaned) != _RECOVERY_SYMBOLS:
        raise RecoveryKeyMistyped(
            "Check the recovery key: it should be 8 groups of 4 letters and digits.",
            "کلید بازیابی را بررسی کنید: باید ۸ گروه ۴ نویسه‌ای از حروف و رقم‌ها باشد.",
        )
    if any(ch not in _CROCKFORD_INDEX for ch in cleaned):
        raise RecoveryKeyMistyped()
    data, check = cleaned[:_RECOVERY_DATA_SYMBOLS], cleaned[_RECOVERY_DATA_SYMBOLS:]
    if not hmac.compare_digest(check, _check_group(data)):
        raise RecoveryKeyMistyped()
    return cleaned


def _recovery_wrap_key(canonical: str, salt: bytes) -> bytes:
    # HKDF, not argon2: the recovery key has 140 random bits, so there is nothing to slow guessing of.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=f"{FORMAT_NAME}/v{FORMAT_VERSION}/recovery".encode()
    ).derive(canonical.encode("ascii"))


def _new_recovery_entry(db_key: bytes) -> tuple[_RecoveryEntry, str]:
    text = _new_recovery_text()
    salt = secrets.token_bytes(_SALT_BYTES)
    recovery_id = uuid.uuid4().hex
    nonce = secrets.token_bytes(_NONCE_BYTES)
    wrapped = AESGCM(_recovery_wrap_key(_parse_recovery(text), salt)).encrypt(
        nonce, db_key, _recovery_ad(recovery_id)
    )
    return _RecoveryEntry(recovery_id=recovery_id, salt=salt, nonce=nonce, wrapped_key=wrapped), text


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


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    return now if now.tzinfo else now.replace(tzinfo=timezone.utc)


# --------------------------------------------------------------------------------------------------
# The keystore
# --------------------------------------------------------------------------------------------------


class Keystore:
    """Users and wrapped database keys. Every change is saved before the method returns; if saving fails,
    the object and the file both stay as they were."""

    def __init__(
        self, path: Path, doc: _Doc, *, kdf_params: KdfParams, policy: LockoutPolicy
    ) -> None:  # use create() or load()
        self.path = path
        self._doc = doc
        self.kdf_params = kdf_params
        self.policy = policy
        # Failure counters for user names that do not exist, so that they throttle and lock exactly like real
        # ones and the sign-in screen does not reveal which names exist. Memory only: a typo must not be
        # written to disk.
        self._ghosts: dict[str, _FailureState] = {}

    # ----- construction -----

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        user_id: str,
        username: str,
        password: str,
        role: str,
        kdf_params: KdfParams | None = None,
        policy: LockoutPolicy | None = None,
    ) -> tuple[Keystore, bytes, str]:
        """New keystore with a new random database key, the first user (the unit administrator) and a recovery
        key. Returns (keystore, db_key, recovery_key_text); the recovery key text is not stored anywhere."""
        p = Path(path)
        if p.exists():
            # Overwriting would orphan the database that the existing keystore unlocks.
            raise KeystoreError(
                "A keystore already exists here. It was not replaced.",
                "فایل کلیدها از پیش اینجا وجود دارد و جایگزین نشد.",
            )
        params = kdf_params or DEFAULT_KDF_PARAMS
        _check_password_strength(password)
        clean = _clean_username(username)
        role = _role_text(role)
        if not user_id:
            raise KeystoreError("A user id is required.", "شناسهٔ کاربر لازم است.")
        db_key = secrets.token_bytes(DB_KEY_BYTES)
        keystore_id = uuid.uuid4().hex
        entry = _wrap_for_user(db_key, user_id=user_id, username=clean, role=role, password=password, params=params)
        recovery, text = _new_recovery_entry(db_key)
        doc = _Doc(keystore_id=keystore_id, key_check=_key_check(db_key, keystore_id), users=[entry], recovery=recovery)
        ks = cls(p, doc, kdf_params=params, policy=policy or LockoutPolicy())
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KeystoreWriteError() from exc
        ks._save(doc)
        return ks, db_key, text

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        kdf_params: KdfParams | None = None,
        policy: LockoutPolicy | None = None,
    ) -> Keystore:
        """``kdf_params`` is the target cost for new and re-wrapped entries (entries keep their own)."""
        p = Path(path)
        try:
            raw_bytes = p.read_bytes()
        except FileNotFoundError:
            raise KeystoreError(
                "No keystore was found. Set up this laptop first, or restore the keystore from a backup.",
                "فایل کلیدها پیدا نشد. ابتدا این رایانه را راه‌اندازی کنید یا فایل را از نسخهٔ پشتیبان برگردانید.",
            ) from None
        except OSError as exc:
            raise KeystoreError(
                "The keystore file could not be read.", "فایل کلیدها خوانده نشد."
            ) from exc
        try:
            raw = json.loads(raw_bytes.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _corrupt("not valid JSON") from None
        doc = _doc_from_json(raw)
        return cls(p, doc, kdf_params=kdf_params or DEFAULT_KDF_PARAMS, policy=policy or LockoutPolicy())

    # ----- sign-in -----

    def unlock(self, username: str, password: str, *, now: datetime | None = None) -> UnlockResult:
        at = _utc(now)
        key = _norm_username(username)
        entry = self._find(key)
        if entry is None and len(self._ghosts) > _MAX_GHOSTS:
            self._ghosts.clear()  # bound memory if someone types thousands of different names
        state = entry.failures if entry is not None else self._ghosts.setdefault(key, _FailureState())
        self._gate(state, at, persist=entry is not None)
        if entry is None:
            # Spend the same time as a real check so timing does not reveal unknown names.
            _argon2(password, secrets.token_bytes(_SALT_BYTES), self.kdf_params)
            self._record_failure(state, at, persist=False)
            raise UnknownUser(self._remaining(state))
        try:
            db_key = self._open_entry(entry, password)
        except _BadPassword:
            self._record_failure(state, at, persist=True)
            raise WrongPassword(self._remaining(state)) from None
        self._after_success(entry, password, db_key)
        return UnlockResult(user_id=entry.user_id, username=entry.username, role=entry.role, db_key=db_key)

    def unlock_with_recovery(self, recovery_key_text: str) -> bytes:
        canonical = _parse_recovery(recovery_key_text)
        rec = self._doc.recovery
        try:
            db_key = AESGCM(_recovery_wrap_key(canonical, rec.salt)).decrypt(
                rec.nonce, rec.wrapped_key, _recovery_ad(rec.recovery_id)
            )
        except InvalidTag:
            raise WrongRecoveryKey() from None
        if not hmac.compare_digest(_key_check(db_key, self._doc.keystore_id), self._doc.key_check):
            raise WrongRecoveryKey()
        return db_key

    # ----- management -----

    def users(self, *, now: datetime | None = None) -> list[KeystoreUser]:
        at = _utc(now)
        return [
            KeystoreUser(
                user_id=u.user_id,
                username=u.username,
                role=u.role,
                locked_until=self._lock_in_effect(u.failures, at),
                failed_attempts=u.failures.failed_attempts,
            )
            for u in self._doc.users
        ]

    def add_user(self, db_key: bytes, *, user_id: str, username: str, password: str, role: str) -> None:
        self._require_db_key(db_key)
        _check_password_strength(password)
        clean = _clean_username(username)
        role = _role_text(role)
        if not user_id:
            raise KeystoreError("A user id is required.", "شناسهٔ کاربر لازم است.")
        if self._find(_norm_username(clean)) is not None or any(u.user_id == user_id for u in self._doc.users):
            raise UserExists()
        entry = _wrap_for_user(
            db_key, user_id=user_id, username=clean, role=role, password=password, params=self.kdf_params
        )
        doc = copy.deepcopy(self._doc)
        doc.users.append(entry)
        self._commit(doc)
        self._ghosts.pop(_norm_username(clean), None)

    def change_password(
        self, username: str, old_password: str, new_password: str, *, now: datetime | None = None
    ) -> None:
        """The user changes their own password. Goes through unlock() so that it is throttled like sign-in."""
        _check_password_strength(new_password)
        result = self.unlock(username, old_password, now=now)
        self._rewrap(result.username, result.db_key, new_password)

    def reset_password(self, db_key: bytes, username: str, new_password: str) -> None:
        """An administrator (already unlocked, so holding db_key) sets a new password; clears any lockout."""
        self._require_db_key(db_key)
        _check_password_strength(new_password)
        self._rewrap(username, db_key, new_password)

    def set_role(self, db_key: bytes, username: str, role: str) -> None:
        """Changes a user's role. Needs the db key because the role is authenticated by a MAC under it."""
        self._require_db_key(db_key)
        role = _role_text(role)
        doc = copy.deepcopy(self._doc)
        entry = self._find_in(doc, username)
        entry.role = role
        entry.role_mac = _role_mac(db_key, entry.user_id, role)
        self._commit(doc)

    def remove_user(self, username: str) -> None:
        key = _norm_username(username)
        if self._find(key) is None:
            raise NoSuchUser()
        if len(self._doc.users) == 1:
            raise LastUser()
        doc = copy.deepcopy(self._doc)
        doc.users = [u for u in doc.users if _norm_username(u.username) != key]
        self._commit(doc)

    def rotate_recovery_key(self, db_key: bytes) -> str:
        """Replaces the recovery key; the old one stops working. Returns the new text to show once."""
        self._require_db_key(db_key)
        recovery, text = _new_recovery_entry(db_key)
        doc = copy.deepcopy(self._doc)
        doc.recovery = recovery
        self._commit(doc)
        return text

    # ----- internals -----

    def _find(self, key: str) -> _UserEntry | None:
        for u in self._doc.users:
            if _norm_username(u.username) == key:
                return u
        return None

    def _find_in(self, doc: _Doc, username: str) -> _UserEntry:
        key = _norm_username(username)
        for u in doc.users:
            if _norm_username(u.username) == key:
                return u
        raise NoSuchUser()

    def _require_db_key(self, db_key: bytes) -> None:
        if len(db_key) != DB_KEY_BYTES or not hmac.compare_digest(
            _key_check(db_key, self._doc.keystore_id), self._doc.key_check
        ):
            raise WrongDatabaseKey()

    def _open_entry(self, entry: _UserEntry, password: str) -> bytes:
        wrap_key, verifier = _argon2(password, entry.salt, entry.kdf)
        if not hmac.compare_digest(verifier, entry.verifier):
            raise _BadPassword()
        try:
            db_key = AESGCM(wrap_key).decrypt(entry.nonce, entry.wrapped_key, _user_ad(entry.user_id))
        except InvalidTag:
            # Right password, but the wrap or its user_id was changed: tampering or damage.
            log.warning("keystore entry failed authentication")
            raise EntryDamaged() from None
        if not hmac.compare_digest(_key_check(db_key, self._doc.keystore_id), self._doc.key_check):
            raise EntryDamaged()
        if not hmac.compare_digest(_role_mac(db_key, entry.user_id, entry.role), entry.role_mac):
            log.warning("keystore role failed authentication")
            raise EntryDamaged()
        return db_key

    def _rewrap(self, username: str, db_key: bytes, new_password: str) -> None:
        doc = copy.deepcopy(self._doc)
        old = self._find_in(doc, username)
        new = _wrap_for_user(
            db_key, user_id=old.user_id, username=old.username, role=old.role, password=new_password,
            params=self.kdf_params if self.kdf_params.at_least(old.kdf) else old.kdf,
        )
        doc.users[doc.users.index(old)] = new  # new entry has fresh failure counters: lockout cleared
        self._commit(doc)

    def _lock_in_effect(self, state: _FailureState, at: datetime) -> datetime | None:
        if state.locked_until is None:
            return None
        # Field laptop clocks are wrong; if the clock jumped back, never lock longer than one lock duration.
        until = min(state.locked_until, at + self.policy.lock_duration)
        return until if at < until else None

    def _gate(self, state: _FailureState, at: datetime, *, persist: bool) -> None:
        """Refuses the attempt while locked or throttled. Expired locks are cleared here."""
        # Field laptop clocks are wrong. If the clock went back, pull stored times back to "now" (and save)
        # so that a lock or a wait never lasts longer than one lock duration or one delay of real time.
        clamped = False
        if state.locked_until is not None and state.locked_until > at + self.policy.lock_duration:
            state.locked_until = at + self.policy.lock_duration
            clamped = True
        if state.last_failure_at is not None and state.last_failure_at > at:
            state.last_failure_at = at
            clamped = True
        if clamped and persist:
            self._save_quietly()
        if state.locked_until is not None:
            until = self._lock_in_effect(state, at)
            if until is not None:
                raise AccountLocked(until, max(1, math.ceil((until - at).total_seconds() / 60)))
            # Lock expired: a fresh start (throttling still applies from the 4th new failure).
            state.failed_attempts = 0
            state.last_failure_at = None
            state.locked_until = None
            if persist:
                self._save_quietly()
        delay = self.policy.delay_after(state.failed_attempts)
        if delay and state.last_failure_at is not None:
            wait = delay - (at - state.last_failure_at).total_seconds()
            if wait > 0:
                raise TooManyAttempts(math.ceil(wait))

    def _record_failure(self, state: _FailureState, at: datetime, *, persist: bool) -> None:
        state.failed_attempts += 1
        state.last_failure_at = at
        locked = state.failed_attempts >= self.policy.lock_after
        if locked:
            state.locked_until = at + self.policy.lock_duration
        if persist:
            self._save_quietly()
        if locked:
            raise AccountLocked(state.locked_until, math.ceil(self.policy.lock_duration.total_seconds() / 60))  # type: ignore[arg-type]

    def _remaining(self, state: _FailureState) -> int:
        return max(0, self.policy.lock_after - state.failed_attempts)

    def _after_success(self, entry: _UserEntry, password: str, db_key: bytes) -> None:
        changed = False
        if entry.failures.failed_attempts or entry.failures.locked_until or entry.failures.last_failure_at:
            entry.failures = _FailureState()
            changed = True
        if not entry.kdf.at_least(self.kdf_params):
            # Defaults were raised since this entry was written: re-wrap now, while we know the password.
            fresh = _wrap_for_user(
                db_key, user_id=entry.user_id, username=entry.username, role=entry.role, password=password,
                params=self.kdf_params,
            )
            self._doc.users[self._doc.users.index(entry)] = fresh
            changed = True
        if changed:
            self._save_quietly()

    def _save_quietly(self) -> None:
        # Counter updates must not turn a sign-in into a crash when the disk is full; they are kept in memory.
        try:
            self._save(self._doc)
        except KeystoreWriteError:
            log.warning("keystore counters could not be saved")

    def _commit(self, doc: _Doc) -> None:
        self._save(doc)  # raises KeystoreWriteError and leaves self._doc untouched
        self._doc = doc

    def _save(self, doc: _Doc) -> None:
        data = json.dumps(_doc_to_json(doc), ensure_ascii=False, indent=2).encode("utf-8")
        _atomic_write(self.path, data)
