"""The vaccination card (A5 portrait) in Persian and English, in the look of the referral slip and the patient card:
the child's names in both scripts, the birth date in both calendars, every dose recorded (vaccine, dose, date in both
calendars, batch, where), what is due next and when, and a QR code holding only the patient code and a check value
(the same as the patient card: scanning it opens the chart). Reprints say so. Plain data in, PDF bytes out."""

from __future__ import annotations

import io
from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.core.dates import format_date
from app.core.persian import to_persian_digits
from app.printing import text as T
from app.printing.fonts import font_name, register_fonts
from app.printing.qr import draw_qr

GREY = Color(0.35, 0.35, 0.35)
BAND = Color(0.12, 0.33, 0.55)
RED = Color(0.7, 0, 0)
LINE = Color(0.75, 0.75, 0.75)


class CardDose(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    vaccine_en: str
    vaccine_fa: str
    dose: str = ""  # "1", "birth", "booster"
    given_on: date | None = None
    source_en: str = ""
    source_fa: str = ""
    batch: str = ""
    place_en: str = ""
    place_fa: str = ""


class VaccinationCardData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    qr_payload: str
    given_fa: str = ""
    given_latin: str = ""
    father_fa: str = ""
    father_latin: str = ""
    born: date | None = None
    born_estimated: bool = False
    sex_en: str = ""
    sex_fa: str = ""
    unit_en: str = ""
    unit_fa: str = ""
    doses: list[CardDose] = Field(default_factory=list)
    next_due: date | None = None
    next_en: list[str] = Field(default_factory=list)  # vaccines due next
    next_fa: list[str] = Field(default_factory=list)
    today_en: list[str] = Field(default_factory=list)  # still to give today (behind schedule)
    today_fa: list[str] = Field(default_factory=list)
    issued_on: date
    reprint_count: int = Field(default=0, ge=0)


L = {
    "programme": ("IOM Iran — Mobile health units", "واحدهای سیار سلامت — سازمان بین‌المللی مهاجرت"),
    "title": ("Vaccination card", "کارت واکسیناسیون"),
    "father": ("Father", "پدر"),
    "born": ("Born", "تاریخ تولد"),
    "estimated": ("(estimated)", "(تقریبی)"),
    "sex": ("Sex", "جنس"),
    "unit": ("Unit", "واحد"),
    "vaccine": ("Vaccine", "واکسن"),
    "dose": ("Dose", "نوبت"),
    "date": ("Date", "تاریخ"),
    "batch": ("Batch", "سری"),
    "where": ("Where", "محل"),
    "no_doses": ("No dose recorded yet.", "هنوز نوبتی ثبت نشده است."),
    "undated": ("date unknown", "تاریخ نامعلوم"),
    "next": ("Next due", "نوبت بعدی"),
    "behind": ("Still due (behind schedule)", "هنوز مانده (عقب‌افتاده)"),
    "complete": ("Nothing more is due.", "نوبت دیگری نمانده است."),
    "bring": ("Bring this card to every visit and to every vaccination.",
              "این کارت را در هر مراجعه و هر واکسیناسیون همراه داشته باشید."),
    "issued": ("Issued", "صدور"),
    "reprint": ("REPRINT", "المثنی"),
}


class _Page:
    def __init__(self, c: Canvas) -> None:
        self.c = c
        self.W, self.H = A5

    def latin(self, x: float, y: float, s: str, size: float, *, bold: bool = False, max_width: float | None = None,
              color: Color = black) -> None:
        size = self._fit(s, size, bold, max_width)
        self.c.setFont(font_name(bold), size)
        self.c.setFillColor(color)
        self.c.drawString(x, y, T.visual(s, False))

    def persian(self, x_right: float, y: float, s: str, size: float, *, bold: bool = False,
                max_width: float | None = None, color: Color = black) -> None:
        size = self._fit(s, size, bold, max_width)
        self.c.setFont(font_name(bold), size)
        self.c.setFillColor(color)
        self.c.drawRightString(x_right, y, T.visual(s, True))

    def _fit(self, s: str, size: float, bold: bool, max_width: float | None) -> float:
        if max_width is None or not s:
            return size
        w = T.width(s, font_name(bold), size)
        return size if w <= max_width else max(size * max_width / w, size * 0.55)


def _fa_date(d: date) -> str:
    return format_date(d, lang="fa", calendar="jalali")


def render_vaccination_card(data: VaccinationCardData) -> bytes:
    register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A5, pageCompression=1)
    c.setTitle(f"Vaccination card {data.code}")
    c.setAuthor("Sayyar")
    p = _Page(c)
    W, H = p.W, p.H
    pad = 8 * mm
    right = W - pad
    white = Color(1, 1, 1)
    band = 15 * mm
    c.setFillColor(BAND)
    c.rect(0, H - band, W, band, stroke=0, fill=1)
    p.latin(pad, H - 7.5 * mm, L["title"][0], 13, bold=True, color=white)
    p.persian(right, H - 7.5 * mm, L["title"][1], 13, bold=True, color=white)
    p.latin(pad, H - 12.5 * mm, L["programme"][0], 7, color=white, max_width=W / 2 - pad)
    p.persian(right, H - 12.5 * mm, L["programme"][1], 7, color=white, max_width=W / 2 - pad)
    # Names: Latin on the left, Persian on the right.
    y = H - band - 8 * mm
    half = W / 2 - pad - 2 * mm
    if data.given_latin:
        p.latin(pad, y, data.given_latin, 13, bold=True, max_width=half)
    if data.given_fa:
        p.persian(right, y, data.given_fa, 13, bold=True, max_width=half)
    y -= 5.5 * mm
    if data.father_latin:
        p.latin(pad, y, f"{L['father'][0]}: {data.father_latin}", 9, max_width=half)
    if data.father_fa:
        p.persian(right, y, f"{L['father'][1]}: {data.father_fa}", 9, max_width=half)
    y -= 5.5 * mm
    if data.born is not None:
        est_en = f" {L['estimated'][0]}" if data.born_estimated else ""
        est_fa = f" {L['estimated'][1]}" if data.born_estimated else ""
        p.latin(pad, y, f"{L['born'][0]}: {format_date(data.born, lang='en', long=True)}{est_en}", 9, max_width=half)
        p.persian(right, y, f"{L['born'][1]}: {format_date(data.born, lang='fa', long=True)}{est_fa}", 9,
                  max_width=half)
    y -= 5 * mm
    if data.sex_en:
        p.latin(pad, y, f"{L['sex'][0]}: {data.sex_en}   {L['unit'][0]}: {data.unit_en}", 7.5, color=GREY,
                max_width=half)
    if data.sex_fa:
        p.persian(right, y, f"{L['sex'][1]}: {data.sex_fa}   {L['unit'][1]}: {data.unit_fa}", 7.5, color=GREY,
                  max_width=half)
    p.latin(pad, y - 5 * mm, f"{data.code}", 9, bold=True)
    y -= 10 * mm
    # The table of doses, left to right: vaccine, dose, date (Gregorian), date (Solar Hijri), batch, where, and the
    # vaccine's Persian name at the right edge.
    x_dose, x_date, x_fa_date_right, x_batch, x_where = (pad + 32 * mm, pad + 39 * mm, pad + 72 * mm,
                                                        pad + 74 * mm, pad + 88 * mm)
    x_where_end = right - 21 * mm
    c.setFillColor(Color(0.92, 0.94, 0.97))
    c.rect(pad - 1 * mm, y - 1.8 * mm, W - 2 * pad + 2 * mm, 5.6 * mm, stroke=0, fill=1)
    for x, key in ((pad, "vaccine"), (x_dose, "dose"), (x_date, "date"), (x_batch, "batch"), (x_where, "where")):
        p.latin(x, y, L[key][0], 7, bold=True)
    p.persian(x_fa_date_right, y, L["date"][1], 7, bold=True)
    p.persian(right, y, L["vaccine"][1], 7, bold=True)
    y -= 6 * mm
    bottom = 52 * mm
    if not data.doses:
        p.latin(pad, y, L["no_doses"][0], 8, color=GREY)
        p.persian(right, y, L["no_doses"][1], 8, color=GREY)
        y -= 6 * mm
    for d in data.doses:
        if y < bottom:
            break
        p.latin(pad, y, d.vaccine_en, 7.5, max_width=x_dose - pad - 1 * mm)
        p.latin(x_dose, y, d.dose, 7.5, max_width=x_date - x_dose - 1 * mm)
        if d.given_on is not None:
            p.latin(x_date, y, d.given_on.isoformat(), 7.5)
            p.persian(x_fa_date_right, y, _fa_date(d.given_on), 7.5)
        else:
            p.latin(x_date, y, L["undated"][0], 6.5, color=GREY, max_width=16 * mm)
            p.persian(x_fa_date_right, y, L["undated"][1], 6.5, color=GREY, max_width=14 * mm)
        p.latin(x_batch, y, d.batch, 7, max_width=x_where - x_batch - 1 * mm)
        p.latin(x_where, y, d.place_en, 6.5, color=GREY, max_width=x_where_end - x_where - 1 * mm)
        p.persian(right, y, d.vaccine_fa, 7.5, max_width=20 * mm)
        c.setStrokeColor(LINE)
        c.setLineWidth(0.3)
        c.line(pad - 1 * mm, y - 1.8 * mm, right + 1 * mm, y - 1.8 * mm)
        y -= 5.2 * mm
    # What is due: next date and vaccines, and anything still owed today.
    box_top = bottom - 2 * mm
    c.setStrokeColor(BAND)
    c.setLineWidth(0.8)
    c.rect(pad - 1 * mm, box_top - 20 * mm, W - 2 * pad + 2 * mm, 20 * mm, stroke=1, fill=0)
    ty = box_top - 5 * mm
    if data.today_en or data.today_fa:
        p.latin(pad + 1 * mm, ty, f"{L['behind'][0]}: {', '.join(data.today_en)}", 8, bold=True, color=RED,
                max_width=half)
        p.persian(right - 1 * mm, ty, f"{L['behind'][1]}: {'، '.join(data.today_fa)}", 8, bold=True, color=RED,
                  max_width=half)
        ty -= 6 * mm
    if data.next_due is not None:
        p.latin(pad + 1 * mm, ty, f"{L['next'][0]}: {format_date(data.next_due, lang='en', long=True)}", 9,
                bold=True, max_width=half)
        p.persian(right - 1 * mm, ty, f"{L['next'][1]}: {format_date(data.next_due, lang='fa', long=True)}", 9,
                  bold=True, max_width=half)
        ty -= 5 * mm
        p.latin(pad + 1 * mm, ty, ", ".join(data.next_en), 7.5, max_width=half)
        p.persian(right - 1 * mm, ty, "، ".join(data.next_fa), 7.5, max_width=half)
    elif not (data.today_en or data.today_fa):
        p.latin(pad + 1 * mm, ty, L["complete"][0], 9, bold=True)
        p.persian(right - 1 * mm, ty, L["complete"][1], 9, bold=True)
    # Foot: QR, issue date, reprint mark, the reminder.
    qr = 22 * mm
    draw_qr(c, data.qr_payload, pad - 1 * mm, 6 * mm, qr, border=2)
    fx = pad + qr + 3 * mm
    p.latin(fx, 22 * mm, L["bring"][0], 7, color=GREY, max_width=right - fx)
    p.persian(right, 17.5 * mm, L["bring"][1], 7, color=GREY, max_width=right - fx)
    p.latin(fx, 11 * mm, f"{L['issued'][0]} {data.issued_on.isoformat()}", 7, color=GREY)
    p.persian(right, 11 * mm, f"{L['issued'][1]} {format_date(data.issued_on, lang='fa')}", 7, color=GREY)
    if data.reprint_count:
        en = f"{L['reprint'][0]} {data.reprint_count}"
        fa = f"{L['reprint'][1]} {to_persian_digits(str(data.reprint_count))}"
        c.saveState()
        c.setStrokeColor(RED)
        c.setLineWidth(1)
        w = T.width(en, font_name(True), 9) + T.width(fa, font_name(True), 9) + 8 * mm
        x = (W - w) / 2
        c.rect(x, H - band - 3.2 * mm - 4.5 * mm, w, 5.6 * mm, stroke=1, fill=0)
        p.latin(x + 1.5 * mm, H - band - 6.2 * mm, en, 9, bold=True, color=RED)
        p.persian(x + w - 1.5 * mm, H - band - 6.2 * mm, fa, 9, bold=True, color=RED)
        c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue()
