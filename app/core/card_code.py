"""What a patient card's QR code carries: the patient code and a check value, nothing else.

``sy.zah1-000042-7.3f9a2c``: lower-case letters, digits, "-" and "." only, so a USB scanner (which types like a
keyboard) produces it without Shift on an English keyboard, and what it types on a Persian one (س غ ... ۱۲۳) can be
read back key by key. The check value catches misreads and a code copied from another card; it is not a secret (the
key ships with the application): the record itself is what Sayyar trusts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Final

from app.core.persian import to_ascii_digits

PREFIX: Final = "sy"
_KEY: Final = b"sayyar-patient-card-v1"
_PAYLOAD: Final = re.compile(r"^sy\.([a-z0-9]+(?:-[a-z0-9]+)*)\.([0-9a-f]{6})$")
# The standard Persian keyboard (ISIRI 9147): the character each unshifted key gives -> the key's Latin letter.
_PERSIAN_KEYS: Final = dict(zip(
    "ضصثقفغعهخحجچشسیبلاتنمکگظطزرذدپو" "يك",
    "qwertyuiop[]asdfghjkl;'zxcvbnm," "dl", strict=False,
))


def card_check(code: str) -> str:
    return hmac.new(_KEY, code.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()[:6]


def card_payload(code: str) -> str:
    """The QR text of a patient code (``ZAH1-000042-7`` -> ``sy.zah1-000042-7.<check>``)."""
    clean = code.strip().lower()
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", clean):
        raise ValueError("a patient code is letters and digits in groups separated by '-'")
    return f"{PREFIX}.{clean}.{card_check(code)}"


def read_card(text: str) -> tuple[str, bool] | None:
    """(patient code in upper case, check value right?) if ``text`` is a card payload (as typed by a scanner on an
    English or a Persian keyboard), else None."""
    s = to_ascii_digits((text or "").strip())
    s = "".join(_PERSIAN_KEYS.get(ch, ch) for ch in s).lower()
    match = _PAYLOAD.match(s)
    if not match:
        return None
    code = match.group(1).upper()
    return code, hmac.compare_digest(card_check(code), match.group(2))
