"""Referral slip: A5 portrait (A4 on request), one page for a normal referral, with a tear-off feedback part."""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.printing import slip_values as V
from app.printing.data import PrintOptions, ReferralSlipData
from app.printing.fonts import register_fonts
from app.printing.labels import label, other_lang
from app.printing.pen import GREY, Pen
from app.printing.qr import draw_qr, qr_payload
from app.printing.slip_layout import ORANGE, RED, Block, banner, footer, paginate, section_bar, watermark
from app.printing.slip_tearoff import BOTTOM_HEIGHT, draw_bottom
from app.printing.text import localize_digits


class _Slip:
    def __init__(self, data: ReferralSlipData, opts: PrintOptions, canvas: Canvas, size: tuple[float, float]) -> None:
        self.d, self.o = data, opts
        self.lang, self.digits = opts.lang, opts.digits
        # A4 keeps the A5 layout with larger type instead of leaving half the sheet empty.
        self.s = 1.0 if opts.paper == "A5" else 1.3
        s = self.s
        self.pen = Pen(canvas, size[0], size[1], opts.lang, opts.digits)
        self.m = 8.5 * mm * s
        self.cw = size[0] - 2 * self.m
        self.BODY, self.LABEL, self.SMALL = 7.6 * s, 7.0 * s, 5.9 * s
        self.HEAD, self.TITLE = 8.4 * s, 13.0 * s
        self.lead = self.BODY * 1.33
        self.footer_h = 9 * s

    def L(self, key: str) -> str:
        return label(key, self.lang)

    def L2(self, key: str) -> str:
        return label(key, other_lang(self.lang))

    # --- page furniture ------------------------------------------------------------------------------------------
    def _reprint_text(self) -> str:
        n = localize_digits(str(self.o.reprint_count), self.digits)
        return f"{self.L('reprint')} {n}"

    def start_page(self) -> float:
        """Watermark, urgency frame and reprint banner; returns the top y for content."""
        pen, m, s = self.pen, self.m, self.s
        top = pen.H - m
        if self.o.reprint_count:
            watermark(pen, self._reprint_text(), 58 * s)
        if self.d.urgency != "routine":
            # A coloured frame round the whole sheet: visible from across the room and on a photocopy as a heavy border.
            color = RED if self.d.urgency == "emergency" else ORANGE
            inset = m * 0.45
            pen.rect(inset, inset, pen.W - 2 * inset, pen.H - 2 * inset, line_width=3 * s if color is RED else 2 * s,
                     stroke_color=color)
        if self.o.reprint_count:
            n = localize_digits(str(self.o.reprint_count), self.digits)
            # The other language's half uses that language's own digits.
            n2 = str(self.o.reprint_count) if self.lang == "fa" else localize_digits(str(self.o.reprint_count), "persian")
            text = f"{self.L('reprint')} {n} \u00b7 {self.L2('reprint')} {n2}"
            top = banner(pen, m, top, self.cw, 11 * s, text, 7.5 * s, RED) - 3 * s
        return top

    def end_page(self, page: int, total: int) -> None:
        when = f"{V.date_short(self.o.printed_at.date(), self.lang, self.digits)} {self.pen.num(self.o.printed_at.strftime('%H:%M'))}"
        left = self.L("printed_by").format(who=self.o.printed_by or V.DASH, when=when)
        if self.o.reprint_count:
            left += f" \u00b7 {self._reprint_text()}"
        right = self.L("page_of").format(n=self.pen.num(str(page)), total=self.pen.num(str(total)))
        footer(self.pen, self.m, self.cw, self.m - 4 * self.s, self.SMALL, left, right)
        self.pen.c.showPage()

    # --- header ----------------------------------------------------------------------------------------------------
    def header(self, top: float) -> float:
        pen, d, m, s, cw = self.pen, self.d, self.m, self.s, self.cw
        qr = 21 * mm * s
        # The QR sits at the end edge (right in English, left in Persian); draw_qr takes physical coordinates.
        draw_qr(pen.c, qr_payload(d.referral_id), (pen.W - m - qr) if not pen.rtl else m, top - qr, qr)
        pen.text(m + cw - qr / 2, top - qr - 7 * s, d.short_code, 8 * s, bold=True, align="center")
        right = m + cw - qr - 8 * s  # header text never runs under the QR code
        y = top - self.HEAD
        programme = d.programme or self.L("programme")
        pen.text_fit(m, y, programme, self.HEAD, right - m, bold=True)
        y -= self.SMALL * 1.35
        pen.text_fit(m, y, self.L2("programme"), self.SMALL, right - m, color=GREY)
        for key, value in (("unit", d.unit_name), ("facility", d.facility_name)):
            y -= self.BODY * 1.45
            w = pen.label_pair(m, y, self.L(key), self.L2(key), self.LABEL) + 5 * s
            pen.text_fit(m + w, y, pen.num(value), self.BODY, right - m - w)
        y -= self.TITLE * 1.3
        w = pen.text(m, y, self.L("slip_title"), self.TITLE, bold=True)
        pen.text(m + w + 6 * s, y, self.L2("slip_title"), self.HEAD, color=GREY)
        y -= self.BODY * 1.5
        w = pen.label_pair(m, y, self.L("referral_no"), "", self.LABEL) + 4 * s
        w += pen.text_fit(m + w, y, pen.num(d.referral_number), self.BODY, (right - m) * 0.6 - w, bold=True) + 14 * s
        w += pen.label_pair(m + w, y, self.L("short_code"), "", self.LABEL) + 4 * s
        pen.text_fit(m + w, y, d.short_code, self.BODY, right - m - w, bold=True)
        y -= self.BODY * 1.45
        issued = d.issued_at
        time_text = pen.num(issued.strftime("%H:%M"))
        time_w = pen.width(self.L("time"), self.LABEL, True) + 4 * s + pen.width(time_text, self.BODY) + 12 * s
        w = pen.label_pair(m, y, self.L("date"), "", self.LABEL) + 4 * s
        w += pen.text_fit(m + w, y, V.date_both(issued.date(), self.lang, self.digits), self.BODY,
                          right - m - w - time_w) + 12 * s
        w += pen.label_pair(m + w, y, self.L("time"), "", self.LABEL) + 4 * s
        pen.text(m + w, y, time_text, self.BODY)
        y = min(y - 4 * s, top - qr - 11 * s)
        y = self.urgency(y)
        if d.isolation:
            # Diseases the receiving facility must isolate (CCHF, diphtheria, measles, cholera): a red banner in
            # both languages, above everything else a triage nurse reads.
            h = 14 * s
            text = self.L("isolate").format(diseases=f"{V.sep(self.lang)} ".join(d.isolation))
            banner(pen, m, y, cw, h, text, 8.5 * s, RED)
            y -= h + 5 * s
        return y

    def urgency(self, top: float) -> float:
        pen, s, u = self.pen, self.s, self.d.urgency
        text = f"{self.L('urgency')}: {self.L(u)} \u00b7 {self.L2(u)}"
        if u == "routine":
            h = 13 * s
            pen.rect(self.m, top - h, self.cw, h, line_width=0.6)
            pen.text(self.m + 5 * s, top - h + 4 * s, text, self.BODY, bold=True)
            return top - h - 5 * s
        h = 18 * s
        # Filled, white on colour, larger type: urgent and emergency must not be missed at a glance.
        banner(pen, self.m, top, self.cw, h, text.upper() if self.lang == "en" else text, 11 * s,
               RED if u == "emergency" else ORANGE)
        return top - h - 5 * s

    def continuation_header(self, top: float) -> float:
        pen, s = self.pen, self.s
        y = top - self.HEAD
        text = (f"{self.L('slip_title')} \u00b7 {self.L('referral_no')} {pen.num(self.d.referral_number)} \u00b7 "
                f"{self.d.short_code} \u2014 {self.L('continued')}")
        pen.text(self.m, y, text, self.HEAD, bold=True)
        pen.hline(self.m, self.m + self.cw, y - 4 * s)
        return y - 9 * s

    # --- flowing content -----------------------------------------------------------------------------------------
    def section(self, key: str) -> Block:
        h = 10.5 * self.s
        return Block(h + 2.5 * self.s, lambda y: section_bar(self.pen, self.m, y, self.cw, h, key, self.HEAD * 0.95),
                     keep_with_next=True)

    def label_cell(self, key: str, label_w: float) -> tuple[float, Callable[[float, float], None]]:
        """Label in the reader's language with the other language after it, or below it when the column is narrow."""
        pen, s = self.pen, self.s
        primary, secondary = self.L(key), self.L2(key)
        avail = label_w - 4 * s
        inline = pen.width(primary, self.LABEL, True) + 3 * s + pen.width(secondary, self.SMALL) <= avail
        plines = [primary] if inline else pen.wrap(primary, self.LABEL, avail, bold=True)
        sec_y = self.LABEL * 1.2 * len(plines) + self.SMALL * 0.1
        height = self.lead if inline else sec_y + self.SMALL * 1.25

        def draw(x: float, y: float) -> None:
            base = y - self.lead * 0.75
            if inline:
                pen.label_pair(x, base, primary, secondary, self.LABEL)
                return
            for i, line in enumerate(plines):
                pen.text(x, base - i * self.LABEL * 1.2, line, self.LABEL, bold=True)
            pen.text(x, y - sec_y - self.SMALL * 0.9, secondary, self.SMALL, color=GREY)

        return height, draw

    def field(self, x: float, w: float, label_w: float, key: str, value: str | list[str], bold: bool = False
              ) -> tuple[float, Callable[[float], None]]:
        """A label column and a wrapped value beside it."""
        pen, s = self.pen, self.s
        values = value if isinstance(value, list) else [value]
        lines = [ln for v in values for ln in pen.wrap(v, self.BODY, w - label_w - 4 * s, bold=bold)]
        label_h, draw_label = self.label_cell(key, label_w)
        h = max(len(lines) * self.lead, label_h) + 2.5 * s

        def draw(y: float) -> None:
            draw_label(x, y)
            pen.lines(x + label_w, y, w - label_w, lines, self.BODY, self.lead, bold=bold)

        return h, draw

    def row(self, *cells: tuple[float, Callable[[float], None]]) -> Block:
        h = max(c[0] for c in cells)

        def draw(y: float) -> None:
            for _, fn in cells:
                fn(y)

        return Block(h, draw)

    def blocks(self) -> list[Block]:
        d, pen, m, s, cw = self.d, self.pen, self.m, self.s, self.cw
        lang, digits = self.lang, self.digits
        half = (cw - 8 * s) / 2
        lw = 50 * s
        x2 = m + half + 8 * s
        on = d.issued_at.date()
        age = V.age_text(d.age_years, d.date_of_birth, d.dob_estimated, on, lang, digits, d.age_months)
        out = [
            self.section("patient"),
            self.row(self.field(m, half, lw, "patient_name", d.patient_name, bold=True),
                     self.field(x2, half, lw, "father_name", d.father_name or V.DASH, bold=True)),
        ]
        if d.other_script_name:
            out.append(self.row(self.field(m, cw, lw, "name_other_script", d.other_script_name)))
        out += [
            self.row(self.field(m, half, lw, "sex", V.sex_text(d.sex, lang)),
                     self.field(x2, half, lw, "age", age)),
            self.row(self.field(m, half, lw, "document", V.document_text(d, digits)),
                     self.field(x2, half, lw, "phone", pen.num(d.phone or V.DASH))),
            self.row(self.field(m, cw, lw, "insurance", V.insurance_text(d, lang, digits))),
        ]
        pregnancy = V.pregnancy_text(d, lang, digits)
        if pregnancy:
            out.append(self.row(self.field(m, cw, lw, "pregnancy", pregnancy, bold=True)))
        if d.allergies:
            out.append(self.row(self.field(m, cw, lw, "allergies", V.free(d.allergies, digits), bold=True)))
        out.append(self.section("clinical"))
        clw = 72 * s
        clinical: list[tuple[str, str | list[str], bool]] = [
            ("complaint", V.free(d.complaint, digits), False),
            ("findings", V.free(d.findings, digits), False),
            ("vitals", V.vitals_text(d, lang, digits), False),
        ]
        investigations = ([V.free(d.investigations, digits)] if d.investigations else []) + [
            localize_digits(x, digits) for x in d.investigation_lines]
        if investigations:
            clinical.append(("investigations", investigations, False))
        clinical += [
            ("diagnosis", V.diagnosis_lines(d, lang, digits), False),
            ("treatment", V.free(d.treatment_given, digits), False),
            *([("medicines", V.medicine_lines(d, lang, digits), False)] if d.medicines else []),
            ("reason", V.free(d.reason_for_referral, digits), True),
        ]
        for key, value, bold in clinical:
            # One block per wrapped field so a very long finding can continue on the next page.
            out.extend(self._split_field(clw, key, value, bold))
        out.append(self.section("referred_to"))
        # Wider label column for "Receiving facility", so the label does not take three lines.
        wide = cw * 0.6
        out.append(self.row(self.field(m, wide, 72 * s, "receiving_facility", pen.num(d.receiving_facility), bold=True),
                            self.field(m + wide + 8 * s, cw - wide - 8 * s, 44 * s, "department",
                                       pen.num(d.receiving_department or V.DASH))))
        return out

    def _split_field(self, label_w: float, key: str, value: str | list[str], bold: bool) -> list[Block]:
        pen, s, m, cw = self.pen, self.s, self.m, self.cw
        values = value if isinstance(value, list) else [value]
        lines = [ln for v in values for ln in pen.wrap(v, self.BODY, cw - label_w - 4 * s, bold=bold)]
        label_h, draw_label = self.label_cell(key, label_w)
        chunk = 4  # lines per block: lets a long field fill the page before it flows on, keeps short ones whole
        blocks = []
        for i in range(0, len(lines), chunk):
            part = lines[i:i + chunk]
            first = i == 0
            h = max(len(part) * self.lead, label_h if first else 0) + (2.5 * s if i + chunk >= len(lines) else 0)

            def draw(y: float, part: list[str] = part, first: bool = first) -> None:
                if first:
                    draw_label(m, y)
                pen.lines(m + label_w, y, cw - label_w, part, self.BODY, self.lead, bold=bold)

            blocks.append(Block(h, draw))
        return blocks

    # --- signature and tear-off ----------------------------------------------------------------------------------
    def bottom_height(self) -> float:
        return BOTTOM_HEIGHT * self.s

    def bottom(self, top: float) -> None:
        draw_bottom(self, top)


def render_referral_slip(data: ReferralSlipData, options: PrintOptions) -> bytes:
    register_fonts()
    size = A5 if options.paper == "A5" else A4
    buf = io.BytesIO()
    # invariant: no timestamp or random id in the file, so the same slip gives the same bytes (tests, audit hashes).
    canvas = Canvas(buf, pagesize=size, invariant=1, pageCompression=1)
    canvas.setTitle(f"{label('slip_title', 'en')} {data.referral_number}")
    canvas.setAuthor(options.printed_by)
    canvas.setCreator("Sayyar")
    slip = _Slip(data, options, canvas, size)
    first_top = slip.header(slip.start_page())
    blocks = slip.blocks()
    limit = slip.m + slip.footer_h
    # Same furniture on every following page; measured once from constants, not drawn.
    reprint_h = 14 * slip.s if options.reprint_count else 0
    next_top = size[1] - slip.m - reprint_h - slip.HEAD - 9 * slip.s
    pages = paginate(blocks, first_top, next_top, limit, slip.bottom_height())
    for index, page_blocks in enumerate(pages):
        if index == 0:
            y = first_top
        else:
            y = slip.continuation_header(slip.start_page())
        for block in page_blocks:
            block.draw(y)
            y -= block.height
        if index == len(pages) - 1:
            slip.bottom(limit + slip.bottom_height())
        slip.end_page(index + 1, len(pages))
    canvas.save()
    return buf.getvalue()

