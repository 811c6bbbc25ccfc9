"""The vaccination card (A5 portrait) in Persian and English, in the look of the referral slip and the patient card:
the child's names in both scripts, the birth date in both calendars, every dose recorded (vaccine, dose, date in both
calendars, batch, where), what is due next and when, and a QR code holding only the patient code and a check value
(the same as the patient card: scanning it opens the chart). Reprints say so. Plain data in, PDF bytes out."""

from __future__ import annotations

import io
from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.core.dates import format_date
from app.core.persian import to_persian_digits
from app.printing import text as T
from app.printing.card_canvas import BAND, GREY, LINE, RED, CardCanvas
from app.printing.fonts import font_name, register_fonts
from app.printing.qr import draw_qr


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
    "continued": ("continued", "ادامه"),
    "more": ("More doses on the next page.", "نوبت‌های دیگر در صفحهٔ بعد."),
    "page": ("Page {n} of {total}", "صفحهٔ {n} از {total}"),
}
ROW = 5.2 * mm  # one dose line
PAD = 8 * mm
BOTTOM = 52 * mm  # where the first page's dose table stops: the due box and the foot are below
CONT_BOTTOM = 18 * mm  # on a continuation page only the page number is below the table


def _fa_date(d: date) -> str:
    return format_date(d, lang="fa", calendar="jalali")


class _Columns:
    """The dose table's columns, left to right: vaccine, dose, date (Gregorian), date (Solar Hijri), batch, where,
    and the vaccine's Persian name at the right edge."""

    def __init__(self, right: float) -> None:
        self.right = right
        self.dose, self.date, self.fa_date_right = PAD + 32 * mm, PAD + 39 * mm, PAD + 72 * mm
        self.batch, self.where, self.where_end = PAD + 74 * mm, PAD + 88 * mm, right - 21 * mm


def _band(p: CardCanvas, *, continued: bool) -> float:
    c, W, H = p.c, p.W, p.H
    right = W - PAD
    white = Color(1, 1, 1)
    band = 15 * mm
    c.setFillColor(BAND)
    c.rect(0, H - band, W, band, stroke=0, fill=1)
    en, fa = L["title"]
    if continued:
        en, fa = f"{en} ({L['continued'][0]})", f"{fa} ({L['continued'][1]})"
    p.latin(PAD, H - 7.5 * mm, en, 13, bold=True, color=white)
    p.persian(right, H - 7.5 * mm, fa, 13, bold=True, color=white)
    p.latin(PAD, H - 12.5 * mm, L["programme"][0], 7, color=white, max_width=W / 2 - PAD)
    p.persian(right, H - 12.5 * mm, L["programme"][1], 7, color=white, max_width=W / 2 - PAD)
    return H - band


def _table_head(p: CardCanvas, cols: _Columns, y: float) -> float:
    c = p.c
    c.setFillColor(Color(0.92, 0.94, 0.97))
    c.rect(PAD - 1 * mm, y - 1.8 * mm, p.W - 2 * PAD + 2 * mm, 5.6 * mm, stroke=0, fill=1)
    for x, key in ((PAD, "vaccine"), (cols.dose, "dose"), (cols.date, "date"), (cols.batch, "batch"),
                   (cols.where, "where")):
        p.latin(x, y, L[key][0], 7, bold=True)
    p.persian(cols.fa_date_right, y, L["date"][1], 7, bold=True)
    p.persian(cols.right, y, L["vaccine"][1], 7, bold=True)
    return y - 6 * mm


def _dose_rows(p: CardCanvas, cols: _Columns, doses: list[CardDose], y: float, bottom: float) -> int:
    """Draws as many doses as fit above ``bottom``; returns how many."""
    c = p.c
    drawn = 0
    for d in doses:
        if y < bottom:
            break
        p.latin(PAD, y, d.vaccine_en, 7.5, max_width=cols.dose - PAD - 1 * mm)
        p.latin(cols.dose, y, d.dose, 7.5, max_width=cols.date - cols.dose - 1 * mm)
        if d.given_on is not None:
            p.latin(cols.date, y, d.given_on.isoformat(), 7.5)
            p.persian(cols.fa_date_right, y, _fa_date(d.given_on), 7.5)
        else:
            p.latin(cols.date, y, L["undated"][0], 6.5, color=GREY, max_width=16 * mm)
            p.persian(cols.fa_date_right, y, L["undated"][1], 6.5, color=GREY, max_width=14 * mm)
        p.latin(cols.batch, y, d.batch, 7, max_width=cols.where - cols.batch - 1 * mm)
        where = cols.where_end - cols.where - 1 * mm
        if d.place_fa and d.place_fa != d.place_en:
            # Two short lines in the row: the place for the English reader, and under it for the Persian one.
            p.latin(cols.where, y + 1.2 * mm, d.place_en, 5.5, color=GREY, max_width=where)
            p.persian(cols.where_end - 1 * mm, y - 1.2 * mm, d.place_fa, 5.5, color=GREY, max_width=where)
        else:
            p.latin(cols.where, y, d.place_en, 6.5, color=GREY, max_width=where)
        p.persian(cols.right, y, d.vaccine_fa, 7.5, max_width=20 * mm)
        c.setStrokeColor(LINE)
        c.setLineWidth(0.3)
        c.line(PAD - 1 * mm, y - 1.8 * mm, cols.right + 1 * mm, y - 1.8 * mm)
        y -= ROW
        drawn += 1
    return drawn


def _capacity(top: float, bottom: float) -> int:
    """How many dose lines fit from ``top`` down to ``bottom`` (the loop above draws while y >= bottom)."""
    return max(0, int((top - bottom) // ROW) + 1) if top >= bottom else 0


def _page_number(p: CardCanvas, n: int, total: int) -> None:
    if total > 1:
        en, fa = L["page"]
        p.latin(PAD, 3 * mm, en.format(n=n, total=total), 7, color=GREY)
        p.persian(p.W - PAD, 3 * mm, fa.format(n=to_persian_digits(str(n)), total=to_persian_digits(str(total))), 7,
                  color=GREY)


def _identity(p: CardCanvas, data: VaccinationCardData, y: float, *, short: bool = False) -> float:
    """Names, birth date, sex and unit, the code; ``short``: names and code only (continuation pages)."""
    right, half = p.W - PAD, p.W / 2 - PAD - 2 * mm
    if data.given_latin:
        p.latin(PAD, y, data.given_latin, 13 if not short else 10, bold=True, max_width=half)
    if data.given_fa:
        p.persian(right, y, data.given_fa, 13 if not short else 10, bold=True, max_width=half)
    if short:
        p.latin(PAD, y - 5 * mm, data.code, 9, bold=True)
        return y - 11 * mm
    y -= 5.5 * mm
    if data.father_latin:
        p.latin(PAD, y, f"{L['father'][0]}: {data.father_latin}", 9, max_width=half)
    if data.father_fa:
        p.persian(right, y, f"{L['father'][1]}: {data.father_fa}", 9, max_width=half)
    y -= 5.5 * mm
    if data.born is not None:
        est_en = f" {L['estimated'][0]}" if data.born_estimated else ""
        est_fa = f" {L['estimated'][1]}" if data.born_estimated else ""
        p.latin(PAD, y, f"{L['born'][0]}: {format_date(data.born, lang='en', long=True)}{est_en}", 9, max_width=half)
        p.persian(right, y, f"{L['born'][1]}: {format_date(data.born, lang='fa', long=True)}{est_fa}", 9,
                  max_width=half)
    y -= 5 * mm
    if data.sex_en:
        p.latin(PAD, y, f"{L['sex'][0]}: {data.sex_en}   {L['unit'][0]}: {data.unit_en}", 7.5, color=GREY,
                max_width=half)
    if data.sex_fa:
        p.persian(right, y, f"{L['sex'][1]}: {data.sex_fa}   {L['unit'][1]}: {data.unit_fa}", 7.5, color=GREY,
                  max_width=half)
    p.latin(PAD, y - 5 * mm, f"{data.code}", 9, bold=True)
    return y - 10 * mm


def _due_box(p: CardCanvas, data: VaccinationCardData) -> None:
    """What is due: next date and vaccines, and anything still owed today."""
    c, right, half = p.c, p.W - PAD, p.W / 2 - PAD - 2 * mm
    box_top = BOTTOM - 2 * mm
    c.setStrokeColor(BAND)
    c.setLineWidth(0.8)
    c.rect(PAD - 1 * mm, box_top - 20 * mm, p.W - 2 * PAD + 2 * mm, 20 * mm, stroke=1, fill=0)
    ty = box_top - 5 * mm
    if data.today_en or data.today_fa:
        p.latin(PAD + 1 * mm, ty, f"{L['behind'][0]}: {', '.join(data.today_en)}", 8, bold=True, color=RED,
                max_width=half)
        p.persian(right - 1 * mm, ty, f"{L['behind'][1]}: {'، '.join(data.today_fa)}", 8, bold=True, color=RED,
                  max_width=half)
        ty -= 6 * mm
    if data.next_due is not None:
        p.latin(PAD + 1 * mm, ty, f"{L['next'][0]}: {format_date(data.next_due, lang='en', long=True)}", 9,
                bold=True, max_width=half)
        p.persian(right - 1 * mm, ty, f"{L['next'][1]}: {format_date(data.next_due, lang='fa', long=True)}", 9,
                  bold=True, max_width=half)
        ty -= 5 * mm
        p.latin(PAD + 1 * mm, ty, ", ".join(data.next_en), 7.5, max_width=half)
        p.persian(right - 1 * mm, ty, "، ".join(data.next_fa), 7.5, max_width=half)
    elif not (data.today_en or data.today_fa):
        p.latin(PAD + 1 * mm, ty, L["complete"][0], 9, bold=True)
        p.persian(right - 1 * mm, ty, L["complete"][1], 9, bold=True)


def _foot(p: CardCanvas, data: VaccinationCardData, band_bottom: float) -> None:
    """QR, issue date, reprint mark, the reminder."""
    c, W, right = p.c, p.W, p.W - PAD
    qr = 22 * mm
    draw_qr(c, data.qr_payload, PAD - 1 * mm, 6 * mm, qr, border=2)
    fx = PAD + qr + 3 * mm
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
        c.rect(x, band_bottom - 3.2 * mm - 4.5 * mm, w, 5.6 * mm, stroke=1, fill=0)
        p.latin(x + 1.5 * mm, band_bottom - 6.2 * mm, en, 9, bold=True, color=RED)
        p.persian(x + w - 1.5 * mm, band_bottom - 6.2 * mm, fa, 9, bold=True, color=RED)
        c.restoreState()


def render_vaccination_card(data: VaccinationCardData) -> bytes:
    """Page 1: the child, as many doses as fit, what is due and the QR. Doses that do not fit go on to further
    pages (the child's names and code at the top, page numbers at the foot); page 1 says so."""
    register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A5, pageCompression=1)
    c.setTitle(f"Vaccination card {data.code}")
    c.setAuthor("Sayyar")
    p = CardCanvas(c, *A5, min_scale=0.55)
    cols = _Columns(p.W - PAD)
    band_bottom = _band(p, continued=False)
    y = _table_head(p, cols, _identity(p, data, band_bottom - 8 * mm))
    doses = list(data.doses)
    first = _capacity(y, BOTTOM)
    if len(doses) > first:
        first = max(0, first - 1)  # the last line of page 1 says the list goes on
    # Continuation pages: the same band, the names and code, the table head, then rows down to CONT_BOTTOM.
    cont_top = A5[1] - 15 * mm - 8 * mm - 11 * mm - 6 * mm
    per_page = _capacity(cont_top, CONT_BOTTOM)
    rest = max(0, len(doses) - first)
    total = 1 + -(-rest // per_page)
    if not doses:
        p.latin(PAD, y, L["no_doses"][0], 8, color=GREY)
        p.persian(cols.right, y, L["no_doses"][1], 8, color=GREY)
    drawn = _dose_rows(p, cols, doses[:first], y, BOTTOM)
    if rest:
        y -= drawn * ROW
        p.latin(PAD, y, L["more"][0], 7.5, bold=True, color=BAND)
        p.persian(cols.right, y, L["more"][1], 7.5, bold=True, color=BAND)
    _due_box(p, data)
    _foot(p, data, band_bottom)
    _page_number(p, 1, total)
    c.showPage()
    for n in range(2, total + 1):
        top = _band(p, continued=True)
        y = _table_head(p, cols, _identity(p, data, top - 8 * mm, short=True))
        chunk = doses[first + (n - 2) * per_page:first + (n - 1) * per_page]
        _dose_rows(p, cols, chunk, y, CONT_BOTTOM)
        _page_number(p, n, total)
        c.showPage()
    c.save()
    return buf.getvalue()
