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
                "failed_attempts", "last_failure_at", "locked_until",
                "grant", ["root_nonce", "root_wrapped"] (unit administrators),
                ["root_sealed"] (promoted, not signed in since: the grant key sealed to the entry's box key),
                "box_public", "box_nonce", "box_wrapped", "sealed" (the db key sealed to the entry: sealing.py)}, ...],
     "root_public": "<b64>"  (the grant key; optional fields, absent in keystores written before grants)
     "recovery": {"recovery_id", "kdf": {"alg": "hkdf-sha256", "salt"}, "nonce", "wrapped_key",
                  ["root_nonce", "root_wrapped"], "box_public", "box_nonce", "box_wrapped", "sealed"}}

Security notes (why things are the way they are):
- argon2id yields 64 bytes: the first 32 wrap the db key, the SHA-256 of the last 32 is stored as a
  verifier. Testing a guess against the verifier costs exactly as much as testing it against the GCM tag,
  so it leaks nothing extra, but it lets us tell "wrong password" from "this entry was altered".
- The GCM associated data binds each wrap to the format version and the user_id, so entries cannot be
  swapped between users. The role is authenticated separately by an HMAC under a key derived from the
  database key ("role_mac"), so a clinician cannot make themselves an administrator by editing the file,
  yet an administrator can change a role without knowing that user's password. The MAC alone does not stop a
  user who holds the database key (every user does); the role grant does (grants.py): an Ed25519 signature by a
  key only unit administrators and the recovery key unwrap.
- Failure counters are stored in the file (a restart must not reset them) but are NOT authenticated;
  someone who can write the file can reset them. That is acceptable: the counters only slow guessing at
  the sign-in screen; against a stolen file the argon2id cost is the protection.
- Passwords, keys and recovery keys are never logged or put into exception messages.

Layout: model.py (constants, parameters, value types), errors.py, crypto.py (argon2id / AES-GCM wrapping),
recovery.py (recovery key text and check group), fileio.py (JSON and atomic writes), store.py (the Keystore class).
Names with a leading underscore are internal to this package; a few are re-exported below only because the
tests probe them (recovery-key alphabet, base64 helper).
"""

from __future__ import annotations

import os  # noqa: F401  (tests patch os.replace / os.fsync through this module)

from app.security.keystore.crypto import check_password_strength, clean_username, username_key
from app.security.keystore.errors import (
    AccountLocked,
    AuthenticationError,
    BadCredentials,
    EntryDamaged,
    GrantKeyNotCertified,
    InvalidRecoveryKey,
    InvalidUserName,
    KeystoreCorrupt,
    KeystoreError,
    KeystoreWriteError,
    LastUser,
    NoSuchUser,
    NotAGrantor,
    RecoveryKeyMistyped,
    RoleNotGranted,
    TooManyAttempts,
    UnknownUser,
    UserExists,
    WeakPassword,
    WrongDatabaseKey,
    WrongPassword,
    WrongRecoveryKey,
)
from app.security.keystore.fileio import _b64
from app.security.keystore.model import (
    DB_KEY_BYTES,
    DEFAULT_KDF_PARAMS,
    FORMAT_NAME,
    FORMAT_VERSION,
    MIN_PASSWORD_LENGTH,
    KdfParams,
    KeystoreUser,
    LockoutPolicy,
    UnlockResult,
)
from app.security.keystore.recovery import (
    _CROCKFORD,
    _CROCKFORD_INDEX,
    _RECOVERY_DATA_SYMBOLS,
    _new_recovery_text,
    _parse_recovery,
)
from app.security.keystore.store import Keystore

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
    "GrantKeyNotCertified",
    "NotAGrantor",
    "RoleNotGranted",
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
    "check_password_strength",
    "clean_username",
    "username_key",
]
