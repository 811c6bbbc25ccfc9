"""The patient card: a small card (credit-card ID-1, 85.6 × 54 mm, or A7, 74 × 105 mm) in both languages.

It carries the patient code, a QR code holding only the code and a check value (app.core.card_code), the names in
both scripts and the unit; no document number, phone or legal status (a lost card must not expose anyone). Reprints
say so. Plain data in, PDF bytes out.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from reportlab.lib.colors import Color, black
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.core.dates import format_date
from app.core.persian import to_persian_digits
from app.printing import text as T
from app.printing.card_canvas import BAND, GREY, RED, CardCanvas
from app.printing.fonts import font_name, register_fonts
from app.printing.qr import draw_qr

CardSize = Literal["ID-1", "A7"]
SIZES: dict[str, tuple[float, float]] = {"ID-1": (85.6 * mm, 54.0 * mm), "A7": (74.0 * mm, 105.0 * mm)}


class PatientCardData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    qr_payload: str
    given_fa: str = ""
    given_latin: str = ""
    father_fa: str = ""
    father_latin: str = ""
    family_fa: str = ""
    family_latin: str = ""
    unit_en: str = ""
    unit_fa: str = ""
    issued_on: date
    reprint_count: int = Field(default=0, ge=0)
    size: CardSize = "ID-1"


_LABELS = {
    "programme": ("IOM Iran — Mobile health units", "واحدهای سیار سلامت — سازمان بین‌المللی مهاجرت"),
    "title": ("Patient card", "کارت بیمار"),
    "father": ("Father", "پدر"),
    "unit": ("Unit", "واحد"),
    "issued": ("Issued", "صدور"),
    "reprint": ("REPRINT", "المثنی"),
    "scan": ("Show this card at every visit", "این کارت را در هر مراجعه همراه داشته باشید"),
}


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def render_patient_card(data: PatientCardData) -> bytes:
    register_fonts()
    width, height = SIZES[data.size]
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"Patient card {data.code}")
    c.setAuthor("Sayyar")
    card = CardCanvas(c, width, height)
    if data.size == "ID-1":
        _layout_id1(card, data)
    else:
        _layout_a7(card, data)
    c.showPage()
    c.save()
    return buf.getvalue()


def _band(card: CardCanvas, y: float, h: float, data: PatientCardData) -> None:
    c = card.c
    c.setFillColor(BAND)
    c.rect(0, y, card.W, h, stroke=0, fill=1)
    white = Color(1, 1, 1)
    pad = 2.5 * mm
    card.latin(pad, y + h * 0.58, _LABELS["title"][0], 7.5, bold=True, color=white)
    card.persian(card.W - pad, y + h * 0.58, _LABELS["title"][1], 7.5, bold=True, color=white)
    card.latin(pad, y + h * 0.18, _LABELS["programme"][0], 4.6, color=white, max_width=card.W / 2 - pad)
    card.persian(card.W - pad, y + h * 0.18, _LABELS["programme"][1], 4.6, color=white, max_width=card.W / 2 - pad)


def _reprint_mark(card: CardCanvas, x: float, y: float, data: PatientCardData) -> None:
    if not data.reprint_count:
        return
    en, fa = _LABELS["reprint"]
    text = f"{en} {data.reprint_count}"
    fa = f"{fa} {to_persian_digits(str(data.reprint_count))}"
    card.c.saveState()
    card.c.setStrokeColor(RED)
    card.c.setLineWidth(0.8)
    w = T.width(text, font_name(True), 6.5) + T.width(fa, font_name(True), 6.5) + 5 * mm
    card.c.rect(x, y - 1.2 * mm, w, 4.2 * mm, stroke=1, fill=0)
    card.latin(x + 1.2 * mm, y, text, 6.5, bold=True, color=RED)
    card.persian(x + w - 1.2 * mm, y, fa, 6.5, bold=True, color=RED)
    card.c.restoreState()


def _names(card: CardCanvas, data: PatientCardData, x: float, right: float, top: float, size: float) -> float:
    """Names in both scripts between x and right, from ``top`` down; returns the y below them."""
    width = right - x
    y = top
    fa_name, latin_name = _join(data.given_fa, data.family_fa), _join(data.given_latin, data.family_latin)
    if fa_name:
        y -= size * 1.25
        card.persian(right, y, fa_name, size, bold=True, max_width=width)
    if latin_name:
        y -= size * 1.25
        card.latin(x, y, latin_name, size, bold=True, max_width=width)
    father_fa, father_latin = data.father_fa, data.father_latin
    small = size * 0.72
    if father_fa:
        y -= small * 1.35
        card.persian(right, y, f"{_LABELS['father'][1]}: {father_fa}", small, max_width=width)
    if father_latin:
        y -= small * 1.35
        card.latin(x, y, f"{_LABELS['father'][0]}: {father_latin}", small, max_width=width)
    return y


def _layout_id1(card: CardCanvas, data: PatientCardData) -> None:
    W, H = card.W, card.H
    pad = 2.5 * mm
    band_h = 8.5 * mm
    _band(card, H - band_h, band_h, data)
    qr = 24 * mm
    draw_qr(card.c, data.qr_payload, pad - 1 * mm, pad + 6.5 * mm, qr, border=2)
    card.latin(pad, pad + 3.2 * mm, data.code, 8.5, bold=True, max_width=qr + 4 * mm)
    x = pad + qr + 2 * mm
    right = W - pad
    y = _names(card, data, x, right, H - band_h - 1.2 * mm, 9.5)
    small = 5.6
    unit_y = max(pad + 5.2 * mm, y - small * 1.6)
    if data.unit_en:
        card.latin(x, unit_y, f"{_LABELS['unit'][0]}: {data.unit_en}", small, max_width=right - x, color=GREY)
    if data.unit_fa:
        card.persian(right, unit_y - small * 1.35, f"{_LABELS['unit'][1]}: {data.unit_fa}", small,
                     max_width=right - x, color=GREY)
    card.latin(x, pad + 2.6 * mm, f"{_LABELS['issued'][0]} {data.issued_on.isoformat()}", 5.2, color=GREY)
    card.persian(x + 20 * mm, pad, f"{_LABELS['issued'][1]} {format_date(data.issued_on, lang='fa')}", 5.2, color=GREY)
    _reprint_mark(card, x + 23 * mm, pad + 0.6 * mm, data)


def _layout_a7(card: CardCanvas, data: PatientCardData) -> None:
    W, H = card.W, card.H
    pad = 3.5 * mm
    band_h = 11 * mm
    _band(card, H - band_h, band_h, data)
    y = _names(card, data, pad, W - pad, H - band_h - 2 * mm, 11)
    qr = 34 * mm
    qr_y = max(22 * mm, y - 3 * mm - qr)
    draw_qr(card.c, data.qr_payload, (W - qr) / 2, qr_y, qr, border=2)
    card.c.setFont(font_name(True), 11)
    card.c.setFillColor(black)
    card.c.drawCentredString(W / 2, qr_y - 4.5 * mm, data.code)
    small = 6.5
    ly = qr_y - 9.5 * mm
    if data.unit_en:
        card.latin(pad, ly, f"{_LABELS['unit'][0]}: {data.unit_en}", small, max_width=W - 2 * pad, color=GREY)
        ly -= small * 1.4
    if data.unit_fa:
        card.persian(W - pad, ly, f"{_LABELS['unit'][1]}: {data.unit_fa}", small, max_width=W - 2 * pad, color=GREY)
    card.latin(pad, pad + 3.5 * mm, _LABELS["scan"][0], 5.6, color=GREY, max_width=W * 0.6)
    card.persian(W - pad, pad + 0.5 * mm, _LABELS["scan"][1], 5.6, color=GREY, max_width=W * 0.6)
    card.c.setFont(font_name(False), 5.2)
    card.c.setFillColor(GREY)
    card.c.drawRightString(W - pad, pad + 3.5 * mm, f"{_LABELS['issued'][0]} {data.issued_on.isoformat()}")
    fa_issued = f"{_LABELS['issued'][1]} {format_date(data.issued_on, lang='fa')}"
    card.persian(pad + T.width(fa_issued, font_name(False), 5.2), pad + 0.5 * mm, fa_issued, 5.2, color=GREY)
    _reprint_mark(card, pad, qr_y + qr + 1.5 * mm if y - qr_y - qr > 7 * mm else 17 * mm, data)
