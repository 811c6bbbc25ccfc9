"""QR payload for referral slips: the referral id and a check code, never clinical data.

The check code catches mistyped or damaged codes and casual forgeries of a slip from another system. It is not a secret
signature (the key ships with the application); authenticity comes from looking the referral up in Sayyar.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Final

from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

PREFIX: Final = "SAYYAR-REF"
_KEY: Final = b"sayyar-referral-qr-v1"
_PAYLOAD_RE = re.compile(r"^SAYYAR-REF:([0-9a-fA-F-]{36}):([0-9a-f]{8})$")


def check_code(referral_id: str) -> str:
    canonical = str(uuid.UUID(referral_id))
    return hmac.new(_KEY, canonical.encode("ascii"), hashlib.sha256).hexdigest()[:8]


def qr_payload(referral_id: str) -> str:
    """``SAYYAR-REF:<uuid>:<check>``; raises ValueError for something that is not a UUID."""
    canonical = str(uuid.UUID(referral_id))
    return f"{PREFIX}:{canonical}:{check_code(canonical)}"


def verify_qr_payload(text: str) -> str | None:
    """The referral id if ``text`` is a well-formed payload with a matching check code, else None."""
    match = _PAYLOAD_RE.match((text or "").strip())
    if not match:
        return None
    try:
        canonical = str(uuid.UUID(match.group(1)))
    except ValueError:
        return None
    if not hmac.compare_digest(check_code(canonical), match.group(2)):
        return None
    return canonical


def qr_modules(payload: str) -> list[list[bool]]:
    """Module matrix (True = dark) from reportlab's own encoder (``reportlab.graphics.barcode.qr`` uses the same)."""
    # Level M: survives a fold or a smudge on field paper while keeping modules large enough at 20 mm.
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    return [[bool(m) for m in row] for row in code.modules]


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float, border: int = 2) -> None:
    """Draw a QR code with its bottom-left corner at (x, y), ``size`` points square, quiet zone included.

    Drawn as one path of horizontal runs rather than through QrCodeWidget: the widget encodes twice (bounds, then
    drawing) and emits one shape per run, which alone took half of the 50 ms budget for a slip.
    """
    modules = qr_modules(payload)
    n = len(modules)
    box = size / (n + 2 * border)
    path = canvas.beginPath()
    for r, row in enumerate(modules):
        top = y + size - (r + border) * box
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(x + (start + border) * box, top - box, (c - start) * box, box)
            else:
                c += 1
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
