"""Keystore constants, cost parameters, the public value types and the in-memory model of the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

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


# Internal model of the file (see fileio.py for its JSON form).


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
    # The role grant (app.security.keystore.grants) and, for unit administrators, the grant key wrapped under this
    # entry's password-derived key. Empty in a keystore written before grants (signed at an administrator's sign-in).
    grant: bytes = b""
    root_nonce: bytes = b""
    root_wrapped: bytes = b""
    # The database key sealed to this entry's X25519 key (sealing.py), so it can be replaced without the password.
    box_public: bytes = b""
    box_nonce: bytes = b""
    box_wrapped: bytes = b""
    sealed: bytes = b""
    # A person promoted to administrator: the grant key sealed to their X25519 key by the administrator who
    # promoted them (their password is not known then); wrapped under their own password at their next sign-in.
    root_sealed: bytes = b""


@dataclass
class _RecoveryEntry:
    recovery_id: str
    salt: bytes
    nonce: bytes
    wrapped_key: bytes
    # The grant key, wrapped under the recovery key too: with every password lost, an administrator set up by the
    # recovery key can still grant roles (app.security.keystore.grants).
    root_nonce: bytes = b""
    root_wrapped: bytes = b""
    box_public: bytes = b""
    box_nonce: bytes = b""
    box_wrapped: bytes = b""
    sealed: bytes = b""


@dataclass
class _Doc:
    keystore_id: str
    key_check: bytes
    users: list[_UserEntry]
    recovery: _RecoveryEntry
    root_public: bytes = b""  # the grant key's public half; empty: written before grants

