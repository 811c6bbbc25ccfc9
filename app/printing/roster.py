"""Daily roster: A4 landscape table of patients planned or due for follow-up, for the unit coordinator's clipboard."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.core.dates import age_years
from app.printing import slip_values as V
from app.printing.data import PrintOptions, RosterData, RosterPatientLine
from app.printing.fonts import BOLD, REGULAR, register_fonts
from app.printing.labels import label, other_lang
from app.printing.pen import GREY, LIGHT, Pen
from app.printing.slip_layout import checkbox
from app.printing.text import fit, localize_digits, persian_number, wrap

ZEBRA = Color(0.965, 0.965, 0.965)
# (label key, width in points; None = takes the rest). Logical order: the Pen mirrors them for Persian.
COLUMNS: tuple[tuple[str, float | None], ...] = (
    ("col_no", 24), ("col_code", 78), ("col_name", 100), ("col_father", 90), ("col_sex", 40), ("col_age", 30),
    ("col_phone", 72), ("col_reason", 170), ("col_seen", 36), ("col_notes", None),
)
MARGIN = 12 * mm
SIZE = 7.8
LEAD = SIZE * 1.3
ROW_H = 2 * LEAD + 4  # two lines per cell; fixed so the page count is predictable and notes have room to write
HEAD_ROW_H = 22.0
PAGE_HEADER_H = 46.0
FOOTER_H = 16.0


@dataclass(frozen=True)
class _Geometry:
    width: float
    height: float
    staff_lines: list[str]
    note_lines: list[str]
    first_rows: int
    rows: int


def _staff_text(data: RosterData) -> str:
    parts = [s.name + (f" ({s.role})" if s.role else "") for s in data.staff]
    return "\u00a0\u00b7 ".join(parts) if parts else V.DASH


def _geometry(data: RosterData, options: PrintOptions) -> _Geometry:
    register_fonts()
    width, height = landscape(A4)
    pen_w = width - 2 * MARGIN
    label_w = 80.0
    staff_lines = wrap(localize_digits(_staff_text(data), options.digits), REGULAR, 8.5, pen_w - label_w)
    note = localize_digits(data.site_note or "", options.digits).strip()
    note_lines = wrap(note, REGULAR, 8.5, pen_w - label_w) if note else []
    staff_h = (len(staff_lines) + len(note_lines)) * 8.5 * 1.35 + 8 + (4 if note_lines else 0)
    body = height - 2 * MARGIN - PAGE_HEADER_H - FOOTER_H - HEAD_ROW_H
    rows = int(body // ROW_H)
    first_rows = int((body - staff_h) // ROW_H)
    return _Geometry(width, height, staff_lines, note_lines, max(first_rows, 1), rows)


def roster_rows_per_page(data: RosterData, options: PrintOptions) -> tuple[int, int]:
    """Patient rows on the first page (below the staff list) and on every following page."""
    g = _geometry(data, options)
    return g.first_rows, g.rows


def roster_page_count(data: RosterData, options: PrintOptions) -> int:
    first, rest = roster_rows_per_page(data, options)
    n = len(data.patients)
    return 1 if n <= first else 1 + math.ceil((n - first) / rest)


class _Roster:
    def __init__(self, data: RosterData, opts: PrintOptions, canvas: Canvas, g: _Geometry) -> None:
        self.d, self.o, self.g = data, opts, g
        self.lang, self.digits = opts.lang, opts.digits
        self.pen = Pen(canvas, g.width, g.height, opts.lang, opts.digits)
        self.cw = g.width - 2 * MARGIN
        fixed = sum(w for _, w in COLUMNS if w)
        self.cols = [(key, w if w else self.cw - fixed) for key, w in COLUMNS]
        self.date_text = V.date_both(data.day, self.lang, self.digits)

    def L(self, key: str) -> str:
        return label(key, self.lang)

    def page_header(self) -> float:
        pen, m = self.pen, MARGIN
        top = self.g.height - m
        y = top - 14
        w = pen.text(m, y, self.L("roster_title"), 14, bold=True)
        pen.text(m + w + 6, y, label("roster_title", other_lang(self.lang)), 9, color=GREY)
        pen.text(m + self.cw, y, self.date_text, 11, bold=True, align="end")
        y -= 17
        n = len(self.d.patients)
        count = self.L("patients_count").format(n=persian_number(n, self.digits))
        end = m + self.cw - pen.width(count, 9) - 20  # unit and facility names stop short of the patient count
        pen.text(m + self.cw, y, count, 9, align="end")
        x = m
        for key, value in (("unit", self.d.unit), ("facility", self.d.facility)):
            x += pen.label_pair(x, y, self.L(key), label(key, other_lang(self.lang)), 8.5) + 5
            x += pen.text_fit(x, y, pen.num(value), 9, min(end - x, (end - m) / 2 - 30)) + 22
        pen.hline(m, m + self.cw, top - PAGE_HEADER_H + 8, line_width=0.8)
        return top - PAGE_HEADER_H

    def staff(self, top: float) -> float:
        pen, m = self.pen, MARGIN
        y = top - 8.5 * 1.1
        pen.label_pair(m, y, self.L("staff_on_duty"), "", 8.5)
        for i, line in enumerate(self.g.staff_lines):
            pen.text(m + 80, y - i * 8.5 * 1.35, line, 8.5)
        if self.g.note_lines:  # where the unit parks, water, security: the site note the coordinator wrote
            y -= len(self.g.staff_lines) * 8.5 * 1.35 + 4
            pen.label_pair(m, y, self.L("site_note"), "", 8.5)
            for i, line in enumerate(self.g.note_lines):
                pen.text(m + 80, y - i * 8.5 * 1.35, line, 8.5)
        lines = len(self.g.staff_lines) + len(self.g.note_lines)
        return top - (lines * 8.5 * 1.35 + 8 + (4 if self.g.note_lines else 0))

    def header_row(self, top: float) -> float:
        pen, x = self.pen, MARGIN
        pen.rect(MARGIN, top - HEAD_ROW_H, self.cw, HEAD_ROW_H, stroke=False, fill=True, fill_color=LIGHT)
        other = other_lang(self.lang)
        for key, w in self.cols:
            pen.text(x + 3, top - 9.5, self.L(key), 7.8, bold=True)
            if key != "col_no":
                pen.text(x + 3, top - 18, label(key, other), 6, color=GREY)
            x += w
        pen.hline(MARGIN, MARGIN + self.cw, top - HEAD_ROW_H, line_width=0.8)
        return top - HEAD_ROW_H

    def cells(self, index: int, p: RosterPatientLine) -> list[str]:
        num = self.pen.num
        age = p.age_years
        if age is None and p.date_of_birth is not None and p.date_of_birth <= self.d.day:
            age = age_years(p.date_of_birth, self.d.day)
        reason = p.reason or ""
        if p.due_date is not None and p.due_date != self.d.day:
            # Overdue follow-ups show when they were due: the coordinator phones those first.
            due = f"{self.L('due')} {V.date_short(p.due_date, self.lang, self.digits)}"
            reason = f"{reason} ({due})" if reason else due
        return [
            persian_number(index, self.digits), p.code, p.name, p.father_name or "", V.sex_text(p.sex, self.lang)
            if p.sex else "", persian_number(age, self.digits) if age is not None else "", num(p.phone or ""),
            num(reason), "", num(p.notes or ""),
        ]

    def row(self, top: float, index: int, p: RosterPatientLine) -> None:
        pen = self.pen
        if index % 2 == 0:
            pen.rect(MARGIN, top - ROW_H, self.cw, ROW_H, stroke=False, fill=True, fill_color=ZEBRA)
            # The fill covers the rule under the previous row; draw it again.
            pen.hline(MARGIN, MARGIN + self.cw, top, line_width=0.3, color=GREY)
        x = MARGIN
        for (key, w), value in zip(self.cols, self.cells(index, p), strict=False):
            if key == "col_seen":
                checkbox(pen, x + (w - 8) / 2, top - ROW_H / 2 - 3.5, 10)
            elif key == "col_code":
                # A patient code is read aloud and typed into search: one line, never broken at its hyphen.
                pen.text_fit(x + 3, top - (ROW_H + SIZE * 0.7) / 2, value, SIZE, w - 6)
            elif value:
                lines = fit(value, BOLD if key == "col_name" else REGULAR, SIZE, w - 6, 2)
                # Vertically centred: one-line cells sit in the middle of the row, like the tick box.
                y = top - (ROW_H - len(lines) * LEAD) / 2
                pen.lines(x + 3, y, w - 6, lines, SIZE, LEAD, bold=key == "col_name")
            x += w
        pen.hline(MARGIN, MARGIN + self.cw, top - ROW_H, line_width=0.3, color=GREY)

    def grid(self, top: float, bottom: float) -> None:
        # Column rules drawn once per page over the whole table: faster than per-cell borders and cleaner on paper.
        x = MARGIN
        for _, w in self.cols[:-1]:
            x += w
            self.pen.vline(x, top, bottom, line_width=0.3, color=GREY)
        self.pen.rect(MARGIN, bottom, self.cw, top - bottom, line_width=0.6)

    def footer(self, page: int, total: int) -> None:
        pen, o = self.pen, self.o
        who = self.d.printed_by or o.printed_by or V.DASH
        at = self.d.printed_at or o.printed_at
        when = f"{V.date_short(at.date(), self.lang, self.digits)} {pen.num(at.strftime('%H:%M'))}"
        y = MARGIN - 2
        pen.text(MARGIN, y, self.L("printed_by").format(who=who, when=when), 7.5, color=GREY)
        pen.text(MARGIN + self.cw / 2, y, f"{self.d.unit} \u00b7 {self.date_text}", 7.5, color=GREY, align="center")
        page_text = self.L("page_of").format(n=persian_number(page, self.digits), total=persian_number(total, self.digits))
        pen.text(MARGIN + self.cw, y, page_text, 8, bold=True, align="end")


def render_roster(data: RosterData, options: PrintOptions) -> bytes:
    g = _geometry(data, options)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(g.width, g.height), invariant=1, pageCompression=1)
    canvas.setTitle(f"{label('roster_title', 'en')} {data.day.isoformat()}")
    canvas.setCreator("Sayyar")
    r = _Roster(data, options, canvas, g)
    patients = data.patients
    # Page plan first, so "page X of Y" is known while drawing each page.
    chunks = [patients[:g.first_rows]]
    for start in range(g.first_rows, len(patients), g.rows):
        chunks.append(patients[start:start + g.rows])
    total = len(chunks)
    index = 0
    for page, chunk in enumerate(chunks, start=1):
        y = r.page_header()
        if page == 1:
            y = r.staff(y)
        table_top = y
        y = r.header_row(y)
        if not chunk:
            r.pen.text(MARGIN + 6, y - 16, r.L("no_patients"), 9)
            y -= ROW_H
        for p in chunk:
            index += 1
            r.row(y, index, p)
            y -= ROW_H
        r.grid(table_top, y)
        r.footer(page, total)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()

