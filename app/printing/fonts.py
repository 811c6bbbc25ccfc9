"""Register the bundled Vazirmatn font with reportlab.

One font family for both languages: Vazirmatn has Latin glyphs, so a Persian line holding a Latin word or an English line
holding a Persian name is drawn with one font and the widths measured during wrapping are the widths drawn.
"""

from __future__ import annotations

import threading
from typing import Final

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.resources import resource_path

REGULAR: Final = "Vazirmatn"
BOLD: Final = "Vazirmatn-Bold"
# Not in Vazirmatn: the scissors on the cut line come from the PDF core font ZapfDingbats (always available, not embedded).
DINGBATS: Final = "ZapfDingbats"

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Idempotent and thread-safe: the GUI may print from a worker thread while a test renders in another."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        pdfmetrics.registerFont(TTFont(REGULAR, str(resource_path("fonts", "Vazirmatn-Regular.ttf"))))
        pdfmetrics.registerFont(TTFont(BOLD, str(resource_path("fonts", "Vazirmatn-Bold.ttf"))))
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True


def font_name(bold: bool) -> str:
    return BOLD if bold else REGULAR
