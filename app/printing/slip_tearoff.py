"""Bottom of the slip's last page: referring clinician (signature, stamp) and the tear-off feedback part.

Positions are fixed offsets (scaled for A4) so that BOTTOM_HEIGHT is exact and the page plan can reserve it.
"""

from __future__ import annotations

from typing import Final, Protocol

from reportlab.lib.colors import white

from app.printing.data import ReferralSlipData
from app.printing.pen import GREY, Pen
from app.printing.slip_layout import checkbox


class SlipPage(Protocol):
    """What the bottom block needs from the slip being drawn (referral_slip._Slip), without importing it back."""

    pen: Pen
    d: ReferralSlipData
    s: float
    m: float
    cw: float
    BODY: float
    LABEL: float
    SMALL: float
    HEAD: float

    def L(self, key: str) -> str: ...

    def L2(self, key: str) -> str: ...

# Offsets from the top of the bottom block, in A5 points.
_BOX_TOP: Final = 11.0
_BOX_H: Final = 28.0
_CUT: Final = 46.0
_ROW: Final = 13.0
BOTTOM_HEIGHT: Final = _CUT + 31.0 + 6 * _ROW + 4.0


def scissors(pen: Pen, x: float, y: float, size: float) -> None:
    """Vector scissors centred on logical (x, y), blades pointing along the cut line into the page.

    Drawn rather than typed: Vazirmatn has no scissors glyph and ZapfDingbats is not embedded, so some viewers
    (poppler without URW fonts) show a box instead.
    """
    c = pen.c
    d = -1 if pen.rtl else 1  # blades point away from the start edge
    cx = pen.px(x)
    r = size * 0.17
    c.saveState()
    c.setStrokeColor(GREY)
    c.setFillColor(white)
    c.setLineWidth(size * 0.08)
    c.circle(cx - d * size * 0.32, y + size * 0.2, r, stroke=1, fill=1)
    c.circle(cx - d * size * 0.32, y - size * 0.2, r, stroke=1, fill=1)
    c.line(cx - d * size * 0.17, y + size * 0.13, cx + d * size * 0.5, y - size * 0.1)
    c.line(cx - d * size * 0.17, y - size * 0.13, cx + d * size * 0.5, y + size * 0.1)
    c.restoreState()


def draw_bottom(slip: SlipPage, top: float) -> None:
    pen, s, m, cw = slip.pen, slip.s, slip.m, slip.cw
    d = slip.d
    # --- referring clinician: name, signature box, stamp box ---
    y = top - slip.LABEL * 1.2
    w = pen.label_pair(m, y, slip.L("clinician"), slip.L2("clinician"), slip.LABEL)
    who = d.clinician_name + (f" ({d.clinician_role})" if d.clinician_role else "")
    pen.text_fit(m + w + 5 * s, y, who, slip.BODY, cw - w - 5 * s, bold=True)
    box_top = top - _BOX_TOP * s
    sig_w, stamp_w = cw * 0.55, cw * 0.32
    for x, bw, key in ((m, sig_w, "signature"), (m + cw - stamp_w, stamp_w, "stamp")):
        pen.rect(x, box_top - _BOX_H * s, bw, _BOX_H * s, line_width=0.5, stroke_color=GREY)
        pen.text(x + 3 * s, box_top - slip.SMALL * 1.3, f"{slip.L(key)} \u00b7 {slip.L2(key)}", slip.SMALL, color=GREY)

    # --- cut line across the whole sheet ---
    cut_y = top - _CUT * s
    pen.hline(0, pen.W, cut_y, line_width=0.6, dash=(3 * s, 2.5 * s), color=GREY)
    pen.rect(m - 2 * s, cut_y - 5 * s, 16 * s, 10 * s, stroke=False, fill=True, fill_color=white)
    scissors(pen, m + 6 * s, cut_y, 12 * s)
    cut_label = f"{slip.L('cut_here')} \u00b7 {slip.L2('cut_here')}"
    lw = pen.width(cut_label, slip.SMALL)
    pen.rect(m + cw - lw - 6 * s, cut_y - 3 * s, lw + 6 * s, 6 * s, stroke=False, fill=True, fill_color=white)
    pen.text(m + cw - 3 * s, cut_y - slip.SMALL * 0.35, cut_label, slip.SMALL, color=GREY, align="end")

    # --- feedback part for the receiving facility ---
    y = cut_y - 6 * s - slip.HEAD
    pen.text_fit(m, y, slip.L("feedback_title"), slip.HEAD, cw, bold=True)
    y -= slip.SMALL * 1.4
    pen.text(m, y, slip.L2("feedback_title"), slip.SMALL, color=GREY)
    y -= slip.BODY * 1.45
    # Enough to match the returned part to the referral and patient, with no clinical content.
    ident = (f"{slip.L('referral_no')} {pen.num(d.referral_number)} \u00b7 {slip.L('short_code')} {d.short_code}"
             f" \u00b7 {d.patient_name}" + (f" / {d.father_name}" if d.father_name else ""))
    pen.text_fit(m, y, ident, slip.BODY, cw)
    row = _ROW * s

    def ruled(y: float, key: str, x0: float = m, x1: float = m + cw, continuation: bool = False) -> None:
        w = 0.0 if continuation else pen.label_pair(x0, y, slip.L(key), "", slip.LABEL) + 4 * s
        pen.hline(x0 + w, x1, y - 1.5 * s, line_width=0.5, color=GREY, dash=(1, 1.5))

    y -= row
    half = cw * 0.42
    ruled(y, "date_seen", m, m + half)
    ruled(y, "name_sig", m + half + 10 * s, m + cw)
    y -= row
    ruled(y, "fb_findings")
    y -= row
    ruled(y, "fb_findings", continuation=True)
    y -= row
    x = m + pen.label_pair(m, y, slip.L("outcome"), "", slip.LABEL) + 6 * s
    for key in ("out_treated", "out_admitted", "out_onward", "out_not_seen"):
        x += checkbox(pen, x, y, slip.BODY) + 3 * s
        x += pen.text(x, y, slip.L(key), slip.BODY) + 9 * s
    y -= row
    ruled(y, "advice")
    y -= row
    ruled(y, "advice", continuation=True)
