"""A campaign's daily tally on one A4 page, in the reader's language with the other one beside each heading:
children vaccinated by age band and sex and by nationality, refusals, absences, children never vaccinated before.
Plain data in, PDF bytes out."""

from __future__ import annotations

import io
from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.core.dates import format_date
from app.core.persian import to_persian_digits
from app.printing import text as T
from app.printing.fonts import font_name, register_fonts

BAND = Color(0.12, 0.33, 0.55)


class CampaignDayData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    vaccine_en: str
    vaccine_fa: str
    site: str = ""
    unit_en: str = ""
    unit_fa: str = ""
    day: date
    bands: list[tuple[str, str]]  # (English, Persian) labels, in row order
    vaccinated: list[tuple[int, int]]  # (female, male) per band
    refused: int = 0
    absent: int = 0
    zero_dose: int = 0
    by_nationality: list[tuple[str, str, int]] = Field(default_factory=list)  # vaccinated: (English, Persian, count)


def render_campaign_day(data: CampaignDayData) -> bytes:
    register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(f"Campaign day {data.code} {data.day.isoformat()}")
    c.setAuthor("Sayyar")
    W, H = A4
    pad = 15 * mm
    right = W - pad
    half = W / 2 - pad - 4 * mm  # each language keeps to its own half of the page

    def fit(s: str, size: float, bold: bool, max_width: float | None) -> float:
        if max_width is None:
            return size
        w = T.width(s, font_name(bold), size)
        return size if w <= max_width else size * max_width / w

    def latin(x: float, y: float, s: str, size: float, bold: bool = False, color: Color = black,
              max_width: float | None = half) -> None:
        c.setFont(font_name(bold), fit(s, size, bold, max_width))
        c.setFillColor(color)
        c.drawString(x, y, T.visual(s, False))

    def persian(x: float, y: float, s: str, size: float, bold: bool = False, color: Color = black,
                max_width: float | None = half) -> None:
        # Counts in Persian digits, as the dates beside them: the Persian side is read by Persian readers.
        s = to_persian_digits(s)
        c.setFont(font_name(bold), fit(s, size, bold, max_width))
        c.setFillColor(color)
        c.drawRightString(x, y, T.visual(s, True))

    white = Color(1, 1, 1)
    c.setFillColor(BAND)
    c.rect(0, H - 22 * mm, W, 22 * mm, stroke=0, fill=1)
    latin(pad, H - 12 * mm, "Vaccination campaign — daily tally", 15, True, white)
    persian(right, H - 12 * mm, "کارزار واکسیناسیون — شمارش روزانه", 15, True, white)
    latin(pad, H - 18.5 * mm, f"{data.code} · {data.name}", 9, False, white)
    persian(right, H - 18.5 * mm, f"{data.vaccine_fa} · {format_date(data.day, lang='fa', long=True)}", 9, False,
            white)
    y = H - 32 * mm
    latin(pad, y, f"Vaccine: {data.vaccine_en}    Day: {format_date(data.day, lang='en', long=True)}", 10)
    persian(right, y, f"واکسن: {data.vaccine_fa}", 10)
    y -= 6 * mm
    if data.unit_en or data.unit_fa:
        latin(pad, y, f"Unit: {data.unit_en}", 10)
        persian(right, y, f"واحد: {data.unit_fa}", 10)
        y -= 6 * mm
    if data.site:
        latin(pad, y, f"Site: {data.site}", 10, max_width=right - pad)  # free text, as typed: one line across
        y -= 6 * mm
    y -= 4 * mm
    cols = [pad, pad + 60 * mm, pad + 90 * mm, pad + 120 * mm]
    for x, (en, fa) in zip(cols, (("Age band", "گروه سنی"), ("Girls", "دختر"), ("Boys", "پسر"), ("Total", "جمع")),
                           strict=True):
        latin(x, y, en, 10, True)
        # Each Persian heading under its English one, its right edge at the English word's (the band labels
        # below are right-aligned at the band column's edge, so that heading goes there).
        edge = x + 55 * mm if x == pad else x + T.width(en, font_name(True), 10)
        persian(edge, y - 4.5 * mm, fa, 9, True)
    y -= 11 * mm
    total_f = total_m = 0
    for (en, fa), (f, m) in zip(data.bands, data.vaccinated, strict=True):
        latin(cols[0], y, en, 10)
        persian(cols[0] + 55 * mm, y, fa, 10)
        for x, n in zip(cols[1:], (f, m, f + m), strict=True):
            latin(x, y, str(n), 11)
        total_f, total_m = total_f + f, total_m + m
        c.setStrokeColor(Color(0.8, 0.8, 0.8))
        c.line(pad, y - 2.5 * mm, right, y - 2.5 * mm)
        y -= 8 * mm
    latin(cols[0], y, "Vaccinated", 10, True)
    persian(cols[0] + 55 * mm, y, "واکسینه شده", 10, True)
    for x, n in zip(cols[1:], (total_f, total_m, total_f + total_m), strict=True):
        latin(x, y, str(n), 11, True)
    y -= 14 * mm
    for en, fa, n in (("Never vaccinated before (zero-dose)", "بدون سابقهٔ واکسن", data.zero_dose),
                      ("Refused", "امتناع", data.refused), ("Absent / not seen", "غایب", data.absent)):
        latin(pad, y, f"{en}: {n}", 11)
        persian(right, y, f"{fa}: {n}", 11)
        y -= 7 * mm
    y -= 5 * mm
    latin(pad, y, "Vaccinated, by nationality", 10, True)
    persian(right, y, "واکسینه شده، بر پایهٔ ملیت", 10, True)
    y -= 7 * mm
    for en, fa, n in data.by_nationality:
        latin(pad, y, f"{en}: {n}", 10)
        persian(right, y, f"{fa}: {n}", 10)
        y -= 6 * mm
    c.showPage()
    c.save()
    return buf.getvalue()
