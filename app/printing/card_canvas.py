"""The canvas both printed cards draw on (the patient card and the vaccination card): Latin text from the left,
Persian right-aligned, shaped and ordered for right-to-left reading, each side in its own digits, each shrunk to its width when it would overflow
(never below ``min_scale`` of its size, then cut with an ellipsis), and the colours the cards share."""

from __future__ import annotations

from reportlab.lib.colors import Color, black
from reportlab.pdfgen.canvas import Canvas

from app.printing import text as T
from app.printing.fonts import font_name

GREY = Color(0.35, 0.35, 0.35)
BAND = Color(0.12, 0.33, 0.55)  # the cards' and the referral slip's heading band
RED = Color(0.7, 0, 0)  # reprint marks, doses behind schedule
LINE = Color(0.75, 0.75, 0.75)


class CardCanvas:
    def __init__(self, c: Canvas, width: float, height: float, *, min_scale: float = 0.6) -> None:
        self.c, self.W, self.H = c, width, height
        self.min_scale = min_scale

    def latin(self, x: float, y: float, s: str, size: float, *, bold: bool = False, max_width: float | None = None,
              color: Color = black) -> None:
        s = T.localize_digits(s, "latin")
        size = self.fit(s, size, bold, max_width)
        s = self.clip(s, size, bold, max_width)
        self.c.setFont(font_name(bold), size)
        self.c.setFillColor(color)
        self.c.drawString(x, y, T.visual(s, False))

    def persian(self, x_right: float, y: float, s: str, size: float, *, bold: bool = False,
                max_width: float | None = None, color: Color = black) -> None:
        """Right-aligned at ``x_right``, shaped and ordered for right-to-left reading, its digits Persian (a place
        or vaccine typed with Latin digits, "واحد سیار 2", would mix two digit styles on the Persian side; tokens
        with Latin letters, "MMR-1" or a batch number, stay exactly as typed)."""
        s = T.localize_digits(s, "persian")
        size = self.fit(s, size, bold, max_width)
        s = self.clip(s, size, bold, max_width)
        self.c.setFont(font_name(bold), size)
        self.c.setFillColor(color)
        self.c.drawRightString(x_right, y, T.visual(s, True))

    def fit(self, s: str, size: float, bold: bool, max_width: float | None) -> float:
        """The size at which ``s`` fits ``max_width``, down to ``min_scale`` of ``size`` (then ``clip``)."""
        if max_width is None or not s:
            return size
        w = T.width(s, font_name(bold), size)
        return size if w <= max_width else max(size * max_width / w, size * self.min_scale)

    def clip(self, s: str, size: float, bold: bool, max_width: float | None) -> str:
        """``s`` cut at a word (else a letter) with an ellipsis so that it fits ``max_width`` at ``size``: a text
        still too wide at its smallest size would otherwise run over the next column."""
        if max_width is None or not s or T.width(s, font_name(bold), size) <= max_width:
            return s
        words = s.split(" ")
        for n in range(len(words) - 1, 0, -1):
            cut = " ".join(words[:n]).rstrip(" ,;:-–(") + "…"
            if T.width(cut, font_name(bold), size) <= max_width:
                return cut
        for n in range(len(s) - 1, 0, -1):
            cut = s[:n] + "…"
            if T.width(cut, font_name(bold), size) <= max_width:
                return cut
        return "…"
