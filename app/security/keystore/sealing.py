"""The database key sealed to each user's own X25519 key (docs/architecture.md, trust rules: removing someone's
access rotates the database key).

Each entry holds an X25519 key pair: the private half wrapped (AES-GCM) under the user's password-derived key, the
public half in the clear, and the database key sealed to that public key (an ephemeral X25519 exchange, HKDF,
AES-GCM). So the key can be replaced and sealed again for every remaining user without knowing their passwords: a
copy of ``keystore.json`` taken before someone was removed opens only the old key, which no longer opens the
database.
"""

from __future__ import annotations

import json
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.security.keystore.model import _NONCE_BYTES, DB_KEY_BYTES, FORMAT_NAME

SEALED_BYTES = 32 + _NONCE_BYTES + DB_KEY_BYTES + 16
BOX_WRAPPED_BYTES = 32 + 16


def new_box() -> tuple[bytes, bytes]:
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _ad(owner: str, what: str) -> bytes:
    return json.dumps([FORMAT_NAME, what, owner]).encode("utf-8")


def wrap_box(wrap_key: bytes, owner: str, box_private: bytes) -> tuple[bytes, bytes]:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return nonce, AESGCM(wrap_key).encrypt(nonce, box_private, _ad(owner, "box"))


def unwrap_box(wrap_key: bytes, owner: str, nonce: bytes, wrapped: bytes) -> bytes:
    return AESGCM(wrap_key).decrypt(nonce, wrapped, _ad(owner, "box"))


def _shared_key(shared: bytes, owner: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"{FORMAT_NAME}/sealed-db-key/{owner}".encode()).derive(shared)


def seal(db_key: bytes, box_public: bytes, owner: str) -> bytes:
    eph = X25519PrivateKey.generate()
    key = _shared_key(eph.exchange(X25519PublicKey.from_public_bytes(box_public)), owner)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    eph_public = eph.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return eph_public + nonce + AESGCM(key).encrypt(nonce, db_key, _ad(owner, "sealed"))


def unseal(sealed: bytes, box_private: bytes, owner: str) -> bytes:
    """Raises cryptography's InvalidTag when altered."""
    eph_public, nonce, body = sealed[:32], sealed[32:32 + _NONCE_BYTES], sealed[32 + _NONCE_BYTES:]
    private = X25519PrivateKey.from_private_bytes(box_private)
    key = _shared_key(private.exchange(X25519PublicKey.from_public_bytes(eph_public)), owner)
    return AESGCM(key).decrypt(nonce, body, _ad(owner, "sealed"))
