"""A canvas wrapper that lays out in *logical* coordinates and mirrors them for right-to-left paper.

Layout code is written once, measuring x from the start edge of the page (left in English, right in Persian). The Pen
mirrors every x, so in Persian the first table column, the labels and the QR code all land on the right side without
a second copy of the layout.
"""

from __future__ import annotations

from typing import Literal

from reportlab.lib.colors import Color, black
from reportlab.pdfgen.canvas import Canvas

from app.printing import text as T
from app.printing.data import Digits, Lang
from app.printing.fonts import font_name

Align = Literal["start", "end", "center"]
GREY = Color(0.35, 0.35, 0.35)
LIGHT = Color(0.92, 0.92, 0.92)


class Pen:
    def __init__(self, canvas: Canvas, page_width: float, page_height: float, lang: Lang, digits: Digits) -> None:
        self.c = canvas
        self.W = page_width
        self.H = page_height
        self.lang: Lang = lang
        self.digits: Digits = digits
        self.rtl = lang == "fa"

    # --- measuring -------------------------------------------------------------------------------------------------
    def num(self, text: str) -> str:
        return T.localize_digits(text, self.digits)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return T.width(text, font_name(bold), size)

    def wrap(self, text: str, size: float, max_width: float, bold: bool = False) -> list[str]:
        return T.wrap(text, font_name(bold), size, max_width)

    # --- geometry ------------------------------------------------------------------------------------------------
    def px(self, x: float) -> float:
        """Logical x (from the start edge) -> physical x."""
        return self.W - x if self.rtl else x

    def rect(self, x: float, y: float, w: float, h: float, *, stroke: bool = True, fill: bool = False,
             fill_color: Color | None = None, stroke_color: Color = black, line_width: float = 0.5,
             dash: tuple[float, float] | None = None) -> None:
        c = self.c
        c.saveState()
        c.setLineWidth(line_width)
        c.setStrokeColor(stroke_color)
        if fill_color is not None:
            c.setFillColor(fill_color)
        if dash:
            c.setDash(*dash)
        left = self.W - x - w if self.rtl else x
        c.rect(left, y, w, h, stroke=int(stroke), fill=int(fill))
        c.restoreState()

    def hline(self, x1: float, x2: float, y: float, *, line_width: float = 0.4, color: Color = black,
              dash: tuple[float, float] | None = None) -> None:
        c = self.c
        c.saveState()
        c.setLineWidth(line_width)
        c.setStrokeColor(color)
        if dash:
            c.setDash(*dash)
        c.line(self.px(x1), y, self.px(x2), y)
        c.restoreState()

    def vline(self, x: float, y1: float, y2: float, *, line_width: float = 0.4, color: Color = black) -> None:
        c = self.c
        c.saveState()
        c.setLineWidth(line_width)
        c.setStrokeColor(color)
        c.line(self.px(x), y1, self.px(x), y2)
        c.restoreState()

    # --- text ----------------------------------------------------------------------------------------------------
    def text(self, x: float, y: float, s: str, size: float, *, bold: bool = False, align: Align = "start",
             color: Color = black) -> float:
        """Draw one logical line at baseline y; returns its width. ``x`` is the anchor for ``align``."""
        if not s:
            return 0.0
        vis = T.visual(s, self.rtl)
        font = font_name(bold)
        c = self.c
        c.setFont(font, size)
        c.setFillColor(color)
        phys = self.px(x)
        if align == "center":
            c.drawCentredString(phys, y, vis)
        elif (align == "start") != self.rtl:
            c.drawString(phys, y, vis)
        else:
            c.drawRightString(phys, y, vis)
        return T.width(s, font, size)

    def text_fit(self, x: float, y: float, s: str, size: float, max_width: float, *, bold: bool = False,
                 align: Align = "start", color: Color = black) -> float:
        """One line that must stay within ``max_width``: shrink the type up to a quarter, then cut with an ellipsis.

        For header lines beside the QR code or a date, where wrapping would push the whole layout down.
        """
        if max_width <= 0:
            return 0.0
        w = self.width(s, size, bold)
        if w > max_width:
            size = max(size * 0.75, size * max_width / w)
            s = T.fit(s, font_name(bold), size, max_width, 1)[0]
        return self.text(x, y, s, size, bold=bold, align=align, color=color)

    def lines(self, x: float, y_top: float, w: float, lines: list[str], size: float, leading: float, *,
              bold: bool = False, color: Color = black, align: Align = "start") -> float:
        """Draw pre-wrapped logical lines below y_top; returns the y below the last line."""
        y = y_top
        anchor = x if align == "start" else (x + w if align == "end" else x + w / 2)
        for line in lines:
            y -= leading
            self.text(anchor, y + leading * 0.25, line, size, bold=bold, color=color, align=align)
        return y

    def label_pair(self, x: float, y: float, primary: str, secondary: str, size: float, *, bold: bool = True,
                   color: Color = black) -> float:
        """A bilingual label: the reader's language in bold, the other one small and grey after it."""
        w = self.text(x, y, primary, size, bold=bold, color=color)
        if secondary:
            w += 3
            w += self.text(x + w, y, secondary, size * 0.82, color=GREY)
        return w
