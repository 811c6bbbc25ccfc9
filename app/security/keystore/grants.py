"""Role grants: who may do what on this laptop is signed, not just written (trust rules, docs/architecture.md).

Every user entry carries a grant: an Ed25519 signature by the laptop's grant key over (keystore, user id, user
name, role). The grant key's public half is in the keystore (``root_public``); its private half exists only wrapped
(AES-GCM) under each unit administrator's password-derived key, so only an administrator who signed in can sign a
grant. A clinician who holds the database key (every user does) and edits the staff table or the keystore's role
field cannot make a grant that verifies, and sign-in refuses the mismatch (``app.services.site``).
"""

from __future__ import annotations

import json
import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.security.keystore.model import _NONCE_BYTES, FORMAT_NAME

GRANT_BYTES = 64
ROOT_WRAPPED_BYTES = 32 + 16


def new_root() -> tuple[bytes, bytes]:
    """(private, public) raw Ed25519 keys."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes_raw()
    return raw, private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def root_public_of(root_private: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(root_private).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _message(keystore_id: str, user_id: str, username: str, role: str) -> bytes:
    return json.dumps([FORMAT_NAME, "grant/v1", keystore_id, user_id, username.casefold(), role]).encode("utf-8")


def sign_grant(root_private: bytes, keystore_id: str, user_id: str, username: str, role: str) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(root_private).sign(_message(keystore_id, user_id, username, role))


def grant_holds(root_public: bytes, grant: bytes, keystore_id: str, user_id: str, username: str, role: str) -> bool:
    if len(root_public) != 32 or len(grant) != GRANT_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(root_public).verify(grant, _message(keystore_id, user_id, username, role))
    except InvalidSignature:
        return False
    return True


def _ad(user_id: str) -> bytes:
    return json.dumps([FORMAT_NAME, "grant-key", user_id]).encode("utf-8")


def wrap_root(wrap_key: bytes, user_id: str, root_private: bytes) -> tuple[bytes, bytes]:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return nonce, AESGCM(wrap_key).encrypt(nonce, root_private, _ad(user_id))


def unwrap_root(wrap_key: bytes, user_id: str, nonce: bytes, wrapped: bytes) -> bytes:
    """Raises cryptography's InvalidTag when altered."""
    return AESGCM(wrap_key).decrypt(nonce, wrapped, _ad(user_id))


def _sealed_owner(user_id: str) -> str:
    # Its own owner string: HKDF info and AES-GCM data differ from the sealed database key's (domain separation).
    return f"grant-key:{user_id}"


def seal_root(root_private: bytes, box_public: bytes, user_id: str) -> bytes:
    from app.security.keystore.sealing import seal

    return seal(root_private, box_public, _sealed_owner(user_id))


def unseal_root(sealed: bytes, box_private: bytes, user_id: str, root_public: bytes) -> bytes:
    """The grant key handed over at promotion; refused (cryptography's InvalidTag) when altered or when it is not the
    key whose public half this keystore trusts."""
    from cryptography.exceptions import InvalidTag

    from app.security.keystore.sealing import unseal

    root_private = unseal(sealed, box_private, _sealed_owner(user_id))
    public = Ed25519PrivateKey.from_private_bytes(root_private).public_key().public_bytes(Encoding.Raw,
                                                                                           PublicFormat.Raw)
    if public != root_public:
        raise InvalidTag()
    return root_private
