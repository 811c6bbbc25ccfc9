"""Short human codes with a check character, so a code misread over the phone or copied by hand is caught."""

from __future__ import annotations

import hashlib

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def numbered_code(prefix: str, number: int, width: int = 5) -> str:
    """``ZAH1-00042-7``: the laptop's code, a per-laptop counter and a Luhn check digit."""
    body = f"{number:0{width}d}"
    return f"{prefix}-{body}-{luhn_digit(body)}"


def numbered_code_valid(code: str) -> bool:
    parts = code.strip().upper().split("-")
    return len(parts) == 3 and parts[1].isdigit() and luhn_digit(parts[1]) == parts[2]


def short_code(record_id: str, length: int = 6) -> str:
    """A short Crockford base-32 code derived from a record id, with a check character: ``K7QM2X-4``."""
    digest = hashlib.sha256(record_id.encode()).digest()
    n = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(length):
        n, r = divmod(n, 32)
        chars.append(_CROCKFORD[r])
    body = "".join(chars)
    check = _CROCKFORD[sum(_CROCKFORD.index(c) * (i + 1) for i, c in enumerate(body)) % 32]
    return f"{body}-{check}"
