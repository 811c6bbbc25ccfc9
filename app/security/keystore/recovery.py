"""The recovery key: 28 random Crockford base-32 symbols plus one check group, shown once at setup, and the
recovery wrap of the database key."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.security.keystore.crypto import _recovery_ad
from app.security.keystore.errors import RecoveryKeyMistyped
from app.security.keystore.model import _NONCE_BYTES, _SALT_BYTES, FORMAT_NAME, FORMAT_VERSION, _RecoveryEntry

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


def _new_recovery_entry(db_key: bytes, root_private: bytes | None = None) -> tuple[_RecoveryEntry, str]:
    from app.security.keystore.grants import wrap_root

    text = _new_recovery_text()
    salt = secrets.token_bytes(_SALT_BYTES)
    recovery_id = uuid.uuid4().hex
    nonce = secrets.token_bytes(_NONCE_BYTES)
    wrap_key = _recovery_wrap_key(_parse_recovery(text), salt)
    wrapped = AESGCM(wrap_key).encrypt(nonce, db_key, _recovery_ad(recovery_id))
    root_nonce, root_wrapped = wrap_root(wrap_key, f"recovery:{recovery_id}", root_private) if root_private \
        else (b"", b"")
    from app.security.keystore.sealing import new_box, seal, wrap_box

    owner = f"recovery:{recovery_id}"
    box_private, box_public = new_box()
    box_nonce, box_wrapped = wrap_box(wrap_key, owner, box_private)
    return _RecoveryEntry(recovery_id=recovery_id, salt=salt, nonce=nonce, wrapped_key=wrapped,
                          root_nonce=root_nonce, root_wrapped=root_wrapped, box_public=box_public,
                          box_nonce=box_nonce, box_wrapped=box_wrapped, sealed=seal(db_key, box_public, owner)), text

