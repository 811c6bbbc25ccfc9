"""Keys, signatures and the bundle envelope: Ed25519 signatures, X25519 ephemeral-static ECDH + HKDF-SHA256 +
AES-256-GCM in chunks (docs/architecture.md, guarantee 5).

Each chunk's nonce is its index plus a "last chunk" flag and the clear-text header is authenticated with every
chunk, so reordered, dropped, appended or truncated chunks all fail authentication. A fresh ephemeral key per bundle
makes the derived key unique, which is what makes counter nonces safe.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw
_NOENC = serialization.NoEncryption()
HKDF_INFO = b"sayyar-bundle-v1"


class EnvelopeError(Exception):
    """The envelope cannot be opened; the message says why in words an operator can act on."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, length: int | None = None) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise EnvelopeError("a key or signature is not valid base64") from None
    if length is not None and len(raw) != length:
        raise EnvelopeError(f"a key or signature has {len(raw)} bytes, expected {length}")
    return raw


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:16]


def grant_anchor_message(device_id: str, grant_public: bytes, hq_key_id: str) -> bytes:
    """What the laptop's device key signs when it presents its grant key (``GrantAnchor``): this device, this key,
    this headquarters key."""
    return json.dumps(["sayyar-grant-anchor/v1", device_id, b64(grant_public), hq_key_id]).encode("utf-8")


def grant_key_message(device_id: str, grant_public: bytes) -> bytes:
    """What headquarters signs to certify a laptop's grant key (the key that signs its roles, keystore grants.py):
    this device, this key. The laptop checks the certificate with headquarters' key from its enrolment."""
    return json.dumps(["sayyar-grant-key/v1", device_id, b64(grant_public)]).encode("utf-8")


def new_signing_key() -> tuple[bytes, bytes]:
    """(private, public) raw Ed25519 keys."""
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(_RAW, _RAW_PRIV, _NOENC), key.public_key().public_bytes(_RAW, _RAW_PUB)


def public_of(private: bytes) -> bytes:
    """The raw Ed25519 public key of a raw private key (a replacement laptop gets its private key in a file)."""
    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(_RAW, _RAW_PUB)


def new_box_key() -> tuple[bytes, bytes]:
    """(private, public) raw X25519 keys."""
    key = X25519PrivateKey.generate()
    return key.private_bytes(_RAW, _RAW_PRIV, _NOENC), key.public_key().public_bytes(_RAW, _RAW_PUB)


def sign(private: bytes, data: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).sign(data)


def verify(public: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def _derive(shared: bytes, ephemeral_pub: bytes, recipient_pub: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=ephemeral_pub + recipient_pub, info=HKDF_INFO).derive(shared)


def _nonce(index: int, last: bool) -> bytes:
    return struct.pack(">QIB", 0, index, 1 if last else 0)[-12:]


def new_envelope_key(recipient_pub: bytes) -> tuple[bytes, bytes]:
    """(AES key, ephemeral public key) for one bundle."""
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes(_RAW, _RAW_PUB)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(recipient_pub))
    return _derive(shared, eph_pub, recipient_pub), eph_pub


def recover_envelope_key(recipient_priv: bytes, ephemeral_pub: bytes) -> bytes:
    priv = X25519PrivateKey.from_private_bytes(recipient_priv)
    recipient_pub = priv.public_key().public_bytes(_RAW, _RAW_PUB)
    try:
        shared = priv.exchange(X25519PublicKey.from_public_bytes(ephemeral_pub))
    except ValueError:
        raise EnvelopeError("the bundle's key exchange value is invalid (the file is damaged)") from None
    return _derive(shared, ephemeral_pub, recipient_pub)


def encrypt_chunks(key: bytes, header: bytes, plaintext: bytes, chunk_size: int) -> list[bytes]:
    aead = AESGCM(key)
    pieces = [plaintext[i : i + chunk_size] for i in range(0, len(plaintext), chunk_size)] or [b""]
    last = len(pieces) - 1
    return [aead.encrypt(_nonce(i, i == last), piece, header) for i, piece in enumerate(pieces)]


def decrypt_chunks(key: bytes, header: bytes, chunks: list[bytes]) -> bytes:
    aead = AESGCM(key)
    out = []
    last = len(chunks) - 1
    for i, chunk in enumerate(chunks):
        try:
            out.append(aead.decrypt(_nonce(i, i == last), chunk, header))
        except InvalidTag:
            if i == last:
                try:
                    aead.decrypt(_nonce(i, False), chunk, header)
                except InvalidTag:
                    pass
                else:
                    raise EnvelopeError("the bundle is truncated: its last part is missing") from None
            raise EnvelopeError(
                "the bundle cannot be decrypted: it was altered, damaged, or encrypted for another headquarters key"
            ) from None
    return b"".join(out)
