"""Reusable pieces of slip layout: blocks that flow across pages, banners, watermark, footer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.colors import Color, white

from app.printing import text as T
from app.printing.fonts import BOLD
from app.printing.labels import label, other_lang
from app.printing.pen import GREY, LIGHT, Pen

RED = Color(0.80, 0.07, 0.07)
ORANGE = Color(0.90, 0.45, 0.0)
WATERMARK = Color(0.85, 0.1, 0.1, alpha=0.13)


@dataclass
class Block:
    """A horizontal slice of the page: fixed height, drawn given its top y. Flowing content is a list of these."""

    height: float
    draw: Callable[[float], None]
    keep_with_next: bool = False


def paginate(blocks: list[Block], first_top: float, next_top: float, limit: float, last_reserve: float) -> list[list[Block]]:
    """Assign blocks to pages. The last page must also hold ``last_reserve`` points above ``limit``.

    A normal referral fits page one; longer text flows to further pages instead of being cut off.
    """
    total = sum(b.height for b in blocks)
    if first_top - total >= limit + last_reserve:
        return [blocks]
    pages: list[list[Block]] = [[]]
    y = first_top
    for i, block in enumerate(blocks):
        need = block.height
        if block.keep_with_next and i + 1 < len(blocks):
            need += blocks[i + 1].height
        if pages[-1] and y - need < limit:
            pages.append([])
            y = next_top
        pages[-1].append(block)
        y -= block.height
    if y - last_reserve < limit:
        pages.append([])
    return pages


def watermark(pen: Pen, text: str, size: float) -> None:
    """Large diagonal mark behind the content: a photocopy of a reprint still shows it is one."""
    c = pen.c
    c.saveState()
    c.translate(pen.W / 2, pen.H / 2)
    c.rotate(35)
    c.setFillColor(WATERMARK)
    c.setFont(BOLD, size)
    c.drawCentredString(0, -size / 3, T.visual(text, pen.rtl))
    c.restoreState()


def banner(pen: Pen, x: float, y_top: float, w: float, h: float, text: str, size: float, color: Color) -> float:
    pen.rect(x, y_top - h, w, h, stroke=False, fill=True, fill_color=color)
    pen.text(x + w / 2, y_top - h + (h - size) / 2 + size * 0.22, text, size, bold=True, color=white, align="center")
    return y_top - h


def section_bar(pen: Pen, x: float, y_top: float, w: float, h: float, key: str, size: float) -> None:
    pen.rect(x, y_top - h, w, h, stroke=False, fill=True, fill_color=LIGHT)
    base = y_top - h + (h - size) / 2 + size * 0.2
    pen.label_pair(x + 3, base, label(key, pen.lang), label(key, other_lang(pen.lang)), size)


def checkbox(pen: Pen, x: float, baseline: float, size: float) -> float:
    """Empty tick box sitting on the text baseline; returns its width. Drawn, since Vazirmatn has no ballot box glyph."""
    pen.rect(x, baseline - size * 0.05, size * 0.8, size * 0.8, line_width=0.6)
    return size * 0.8


def footer(pen: Pen, x: float, w: float, y: float, size: float, left: str, right: str) -> None:
    pen.text(x, y, left, size, color=GREY)
    pen.text(x + w, y, right, size, color=GREY, align="end")
