"""Key derivation and wrapping: argon2id per user, AES-256-GCM wraps bound to the user id, the role MAC and
the key check. Also the normalisation of user names and passwords, which must match byte for byte on every
keyboard for the derived keys to match."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import unicodedata
from enum import Enum

from argon2.low_level import Type as _Argon2Type
from argon2.low_level import hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.security.keystore.errors import InvalidUserName, KeystoreError, WeakPassword
from app.security.keystore.model import (
    _NONCE_BYTES,
    _SALT_BYTES,
    FORMAT_NAME,
    FORMAT_VERSION,
    MIN_PASSWORD_LENGTH,
    KdfParams,
    _FailureState,
    _UserEntry,
)


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
    db_key: bytes, *, user_id: str, username: str, role: str, password: str, params: KdfParams,
    root_private: bytes | None = None, grant: bytes = b"",
) -> _UserEntry:
    """A new entry; ``root_private`` (the grant key, for a unit administrator) is wrapped under the same
    password-derived key; ``grant`` is the entry's signed role (app.security.keystore.grants)."""
    from app.security.keystore.grants import wrap_root
    from app.security.keystore.sealing import new_box, seal, wrap_box

    salt = secrets.token_bytes(_SALT_BYTES)
    wrap_key, verifier = _argon2(password, salt, params)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    wrapped = AESGCM(wrap_key).encrypt(nonce, db_key, _user_ad(user_id))
    root_nonce, root_wrapped = wrap_root(wrap_key, user_id, root_private) if root_private else (b"", b"")
    box_private, box_public = new_box()
    box_nonce, box_wrapped = wrap_box(wrap_key, user_id, box_private)
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
        grant=grant,
        root_nonce=root_nonce,
        root_wrapped=root_wrapped,
        box_public=box_public,
        box_nonce=box_nonce,
        box_wrapped=box_wrapped,
        sealed=seal(db_key, box_public, user_id),
    )



# Public names for callers outside this package: app.services.users checks a new user's name and password exactly
# as the keystore will, before it writes the User record.
check_password_strength = _check_password_strength
clean_username = _clean_username
username_key = _norm_username
