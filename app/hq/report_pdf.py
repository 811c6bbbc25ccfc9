"""The weekly epidemiological report as PDF (reportlab platypus tables + graphics bar charts).

A4 landscape, in English or Persian (``render_weekly_report(report, lang="fa")``: the staff account's language, or
``sayyar hq report --lang fa``). Persian goes through the printing text engine exactly as on the referral slip:
wrapped in logical order, then each line shaped and reordered (``app/printing/text.py``), in the bundled Vazirmatn
font; nothing Persian is drawn raw. A Persian report is right to left: tables are mirrored (first column on the
right), paragraphs right-aligned, digits Persian, dates Solar Hijri with the Gregorian alongside.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import timedelta
from html import escape
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.core.dates import AGE_BANDS, format_date
from app.core.diseases import shipped_registry
from app.hq.report_data import LEGAL_STATUSES, REFERRAL_STATUSES, SEXES, WeeklyReport
from app.hq.settings import SiteSettings
from app.printing import text as T
from app.printing.fonts import BOLD, REGULAR, register_fonts

PAGE = landscape(A4)
MARGIN = 12 * mm
HEAD_BG = colors.Color(0.86, 0.90, 0.95)
ALERT_RED = colors.Color(0.75, 0.1, 0.1)
LEGAL_LABELS = {"iranian_national": "Iranian", "amayesh": "Amayesh", "headcount": "Head-count",
                "passport_visa": "Passport+visa", "residence_permit": "Res. permit", "undocumented": "Undocum.",
                "unknown": "Unknown"}
LEGAL_LABELS_FA = {"iranian_national": "ایرانی", "amayesh": "آمایش", "headcount": "سرشماری",
                   "passport_visa": "گذرنامه و روادید", "residence_permit": "پروانهٔ اقامت", "undocumented": "فاقد مدرک",
                   "unknown": "نامعلوم"}
SEX_FA = {"female": "زن", "male": "مرد", "unknown": "نامعلوم"}
REFERRAL_FA = {"issued": "صادرشده", "arrived": "رسیده", "seen": "ویزیت‌شده", "feedback_received": "بازخورد رسیده",
               "lost": "پیگیری‌نشده", "completed": "انجام‌شده", "not_arrived": "نرسیده", "cancelled": "لغوشده",
               "closed": "بسته"}
CLASS_FA = {"suspected": "مشکوک", "probable": "محتمل", "confirmed": "قطعی", "discarded": "ردشده، شمرده نمی‌شود"}

_LANG: ContextVar[str] = ContextVar("report_lang", default="en")


def fa() -> bool:
    return _LANG.get() == "fa"


def tr(en: str, persian: str) -> str:
    """The text in the report's language."""
    return persian if fa() else en


def n(value: Any) -> str:
    """A number as the report writes it (Persian digits in a Persian report)."""
    return T.localize_digits(str(value), "persian") if fa() else str(value)


class Done(str):
    """A cell already wrapped and reordered (``cell_text``): ``_table`` hands it to reportlab as it is."""


def para(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A paragraph. Persian: wrapped here in logical order, each line reordered, right-aligned (reportlab would
    otherwise wrap the reordered text and put the lines' words in the wrong order)."""
    if not fa():
        return Paragraph(escape(text), style)
    lines = T.wrap(text, style.fontName, style.fontSize, width)
    rtl_style = ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)
    return Paragraph("<br/>".join(escape(T.visual(line, True)) for line in lines), rtl_style)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=8.5, leading=11)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=16, leading=20),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3),
        "small": ParagraphStyle("small", parent=base, fontSize=7, leading=9, textColor=colors.grey),
    }


def cell_text(text: str, width: float, size: float = 7.5, bold: bool = False) -> str:
    """A table cell's string: each paragraph (``\n``) wrapped in logical order, then each line shaped and reordered.

    A paragraph holding Persian letters gets a right-to-left base direction; keep English and Persian in separate
    paragraphs (``_facility_label`` does) so neither is reordered inside the other.
    """
    font = BOLD if bold else REGULAR
    lines = [part for para_ in text.split("\n") for part in (T.wrap(para_, font, size, width - 6) or [""])] \
        if text else [""]
    if fa():  # Persian digits in Persian lines and bare numbers; an English name keeps its own digits
        lines = [T.localize_digits(line, "persian") if T.has_rtl(line) or not any(ch.isalpha() for ch in line)
                 else line for line in lines]
    return Done("\n".join(T.visual(line, T.has_rtl(line)) for line in lines))


def _cell(value: Any, width: float, size: float) -> Any:
    if isinstance(value, Done) or not isinstance(value, str | int | float) or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return n(value)
    return cell_text(value, width, size) if value else value


def _mirror_style(cmd: tuple[Any, ...], ncols: int) -> tuple[Any, ...]:
    """A table style command for the mirrored (right-to-left) table: columns counted from the other side, and
    LEFT and RIGHT alignment swapped."""
    name, (c0, r0), (c1, r1), *rest = cmd

    def m(c: int) -> int:
        return ncols - 1 - (c if c >= 0 else ncols + c)

    if name == "ALIGN" and rest:  # right-to-left: text starts at the right, numbers stay right-aligned
        rest = [{"LEFT": "RIGHT"}.get(rest[0], rest[0]), *rest[1:]]
    return (name, (m(c1), r0), (m(c0), r1), *rest)


def _table(rows: list[list[Any]], widths: Sequence[float], *, header_rows: int = 1, size: float = 7.5,
           extra: list[tuple[Any, ...]] | None = None) -> Table:
    widths = list(widths)
    rows = [[_cell(v, widths[i] if i < len(widths) else widths[-1], size) for i, v in enumerate(r)] for r in rows]
    if fa():
        ncols = len(widths)
        rows = [list(reversed(r)) for r in rows]
        widths = list(reversed(widths))
        extra = [_mirror_style(cmd, ncols) for cmd in (extra or [])]
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    style = [
        ("FONT", (0, 0), (-1, -1), REGULAR, size),
        ("FONT", (0, 0), (-1, header_rows - 1), BOLD, size),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.Color(0.6, 0.6, 0.6)),
        ("ALIGN", (1, header_rows), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEADING", (0, 0), (-1, -1), size * 1.25),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if fa():
        style = [("ALIGN", (0, 0), (-1, -1), "RIGHT") if cmd[0] == "ALIGN" else cmd for cmd in style]
    table.setStyle(TableStyle(style + (extra or [])))
    return table


def _facility_label(report: WeeklyReport, fid: str) -> str:
    f = report.facilities.get(fid)
    if f is None:
        return tr("(facility not in reference data)", "(مرکز در داده‌های مرجع نیست)") if fid else \
            tr("(no facility)", "(بدون مرکز)")
    if fa() and f.name_fa:  # the report's language first, the other name on its own line (shaped by cell_text)
        return f"{f.code} {f.name_fa}\n{f.name_en}"
    return f"{f.code} {f.name_en}" + (f"\n{f.name_fa}" if f.name_fa else "")


def _consultations_by_sex_age(report: WeeklyReport, width: float) -> Table:
    cube = report.by(0, 1, 2)
    bands = list(AGE_BANDS)
    sexes = list(SEXES)
    extra_sex = sorted({k[1] for k in cube} - set(sexes))
    def sex(s: str) -> str:
        return SEX_FA.get(s, s) if fa() else s.capitalize()

    header1 = [tr("Facility", "مرکز"), tr("Unit", "واحد")] + [sex(s) for s in sexes for _ in bands] + [
        sex(s) for s in extra_sex] + [tr("Total", "جمع")]
    header2 = ["", ""] + [_code("age_band", b) if fa() else b for _ in sexes for b in bands] + [
        tr("all", "همه") for _ in extra_sex] + [""]
    name_w = 78 * mm
    n_num = len(header1) - 2
    num_w = (width - name_w - 18 * mm) / n_num
    rows: list[list[Any]] = [header1, header2]
    totals = [0] * n_num
    for fid in report.facility_ids():
        f = report.facilities.get(fid)
        vals = [cube.get((fid, s, b), 0) for s in sexes for b in bands]
        vals += [sum(n for k, n in cube.items() if k[0] == fid and k[1] == s) for s in extra_sex]
        vals.append(sum(n for k, n in cube.items() if k[0] == fid))
        totals = [a + b for a, b in zip(totals, vals, strict=False)]
        rows.append([cell_text(_facility_label(report, fid), name_w), f.unit_code if f else ""] + vals)
    rows.append([tr("Total", "جمع"), ""] + totals)
    spans = [("SPAN", (2 + i * len(bands), 0), (1 + (i + 1) * len(bands), 0)) for i in range(len(sexes))]
    return _table(rows, [name_w, 18 * mm] + [num_w] * n_num, header_rows=2, extra=spans + [
        ("ALIGN", (2, 0), (-1, 1), "CENTER"), ("FONT", (0, -1), (-1, -1), BOLD, 7.5)])


def _consultations_by_legal(report: WeeklyReport, width: float) -> Table:
    cube = report.by(0, 3)
    statuses = list(LEGAL_STATUSES) + sorted({k[1] for k in cube} - set(LEGAL_STATUSES))
    types = report.by(0, 5)
    name_w = 78 * mm
    n_num = len(statuses) + 3
    num_w = (width - name_w) / n_num
    labels = LEGAL_LABELS_FA if fa() else LEGAL_LABELS
    rows: list[list[Any]] = [[tr("Facility", "مرکز")] + [labels.get(s, s) for s in statuses]
                             + [tr("New", "جدید"), tr("Repeat", "پیگیری"), tr("Total", "جمع")]]
    totals = [0] * n_num
    for fid in report.facility_ids():
        vals = [cube.get((fid, s), 0) for s in statuses]
        vals += [types.get((fid, "new"), 0), types.get((fid, "follow_up"), 0), sum(vals)]
        totals = [a + b for a, b in zip(totals, vals, strict=False)]
        rows.append([cell_text(_facility_label(report, fid), name_w)] + vals)
    rows.append([tr("Total", "جمع")] + totals)
    return _table(rows, [name_w] + [num_w] * n_num, extra=[("FONT", (0, -1), (-1, -1), BOLD, 7.5)])


def _diagnoses(report: WeeklyReport) -> Table:
    rows: list[list[Any]] = [["#", "ICD-10", tr("Diagnosis", "تشخیص"), tr("Visits", "مراجعه"),
                              tr("% of visits", "٪ مراجعه‌ها")]]
    total = report.total() or 1
    for i, (code, label, count) in enumerate(report.top_diagnoses, start=1):
        if fa():
            from app.core.reference import diagnosis_by_code

            known = diagnosis_by_code(code)
            label = f"{known.label_fa}\n{label}" if known is not None and known.label_fa else label
        rows.append([i, Done(code), cell_text(label, 110 * mm), count, f"{100 * count / total:.1f}"])
    if len(rows) == 1:
        rows.append(["", "", tr("No diagnoses recorded this week.", "این هفته تشخیصی ثبت نشده است."), "", ""])
    return _table(rows, [8 * mm, 18 * mm, 110 * mm, 18 * mm, 20 * mm], extra=[("ALIGN", (0, 1), (0, -1), "RIGHT"),
                                                                            ("ALIGN", (1, 1), (2, -1), "LEFT")])


def _referrals(report: WeeklyReport, width: float) -> list[Any]:
    statuses = list(REFERRAL_STATUSES) + sorted({s for v in report.referrals.values() for s in v}
                                                - set(REFERRAL_STATUSES))
    name_w = 78 * mm
    num_w = (width - name_w) / (len(statuses) + 1)
    rows: list[list[Any]] = [[tr("Referring facility", "مرکز ارجاع‌دهنده")]
                             + [REFERRAL_FA.get(s, s) if fa() else s.replace("_", " ") for s in statuses]
                             + [tr("Total", "جمع")]]
    totals = [0] * (len(statuses) + 1)
    for fid in sorted(report.referrals, key=lambda f: _facility_label(report, f)):
        vals = [report.referrals[fid].get(s, 0) for s in statuses]
        vals.append(sum(vals))
        totals = [a + b for a, b in zip(totals, vals, strict=False)]
        rows.append([cell_text(_facility_label(report, fid), name_w)] + vals)
    rows.append([tr("Total", "جمع")] + totals)
    out: list[Any] = [_table(rows, [name_w] + [num_w] * (len(statuses) + 1),
                             extra=[("FONT", (0, -1), (-1, -1), BOLD, 7.5)])]
    if report.referral_outcomes:
        text = "، ".join(f"{k.replace('_', ' ')}: {n(v)}" for k, v in sorted(report.referral_outcomes.items())) \
            if fa() else ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(report.referral_outcomes.items()))
        out.append(para(tr(f"Feedback outcomes of these referrals — {text}.", f"نتیجهٔ بازخورد این ارجاع‌ها — {text}."),
                        _styles()["small"], width))
    return out


def _cases(report: WeeklyReport, width: float) -> Table:
    classes = ["suspected", "probable", "confirmed", "discarded"]
    rows: list[list[Any]] = [[tr("Disease", "بیماری"), tr("Facility", "مرکز")]
                             + [CLASS_FA[c] if fa() else c.capitalize() for c in classes[:3]]
                             + [tr("Discarded (not counted)", CLASS_FA["discarded"]), tr("Cases", "موارد")]]
    keys = sorted({(d, f) for d, f, _ in report.cases},
                  key=lambda k: (_order(k[0]), k[1]))
    for disease, fid in keys:
        vals = [report.cases.get((disease, fid, c), 0) for c in classes]
        name = _disease_name(disease)
        rows.append([name, cell_text(_facility_label(report, fid), 100 * mm)] + vals + [sum(vals[:3])])
    if not keys:
        rows.append([tr("No notifiable cases with onset this week.", "این هفته موردی از بیماری‌های واگیر شروع نشده "
                                                                       "است."), "", "", "", "", "", ""])
    num_w = (width - 150 * mm) / 5
    return _table(rows, [50 * mm, 100 * mm] + [num_w] * 5, extra=[("ALIGN", (1, 1), (1, -1), "LEFT")])


def _alerts(report: WeeklyReport, width: float) -> Table:
    rows: list[list[Any]] = [[tr("Week", "هفته"), tr("Disease", "بیماری"), tr("Rule", "قاعده"), tr("Where", "محل"),
                              tr("Cases", "موارد"), tr("Threshold", "آستانه"), tr("Status", "وضعیت"),
                              tr("Arrived", "رسیدن")]]
    shown = report.alerts + [a for a in report.late if a not in report.alerts]
    fw = report.settings.first_weekday
    for a in shown:
        where = _facility_label(report, a.facility_id) if a.facility_id else tr(f"District {a.district}",
                                                                                 f"شهرستان {a.district}")
        late = a.weeks_late(fw)
        rows.append([Done(a.week), _disease_name(a.disease), _code("rule", a.rule), cell_text(where, 96 * mm),
                     a.case_count, Done(str(a.threshold)) if not fa() else a.threshold,
                     _code("status", a.status) + (f" ({_code('outcome', a.outcome)})" if a.outcome else ""),
                     (tr(f"reported {late} week{'s' if late != 1 else ''} late", f"{late} هفته دیرتر گزارش شد")
                      if late else tr("on time", "به‌موقع"))])
    if len(rows) == 1:
        rows.append(["", "", tr("No alerts for this week.", "این هفته هشداری نیست."), "", "", "", "", ""])
    w = [22 * mm, 30 * mm, 24 * mm, 96 * mm, 12 * mm, 18 * mm, 30 * mm]
    w.append(width - sum(w))
    extra = [("TEXTCOLOR", (6, i), (6, i), ALERT_RED) for i, a in enumerate(shown, start=1)
             if a.status == "raised"]
    return _table(rows, w, extra=extra + [("ALIGN", (0, 1), (3, -1), "LEFT")])


def _earlier(report: WeeklyReport) -> str:
    if not report.open_earlier:
        return tr("No alert of an earlier week is still open.", "هیچ هشداری از هفته‌های پیش باز نمانده است.")
    parts = [f"{_disease_name(disease)} {n(count)} {_code('status', status)}"
             for (disease, status), count in sorted(report.open_earlier.items())]
    if fa():
        return "هشدارهای هفته‌های پیش که هنوز بازند (همه در میز هشدارها): " + "، ".join(parts) + "."
    return "Alerts of earlier weeks still open (all of them are on the alert desk): " + ", ".join(parts) + "."


def _timeliness(report: WeeklyReport) -> str:
    t = report.timeliness
    if t is None or not t.alerts:
        return tr("Timeliness: no alert was raised or due this week.", "به‌موقع بودن: این هفته هشداری اعلام نشد.")
    if fa():
        def h_fa(h: float | None) -> str:
            return "—" if h is None else (f"{n(f'{h:.1f}')} ساعت" if h < 48 else f"{n(f'{h / 24:.1f}')} روز")

        pct = f" ({n(f'{100 * t.within_target_share:.0f}')}٪)" if t.within_target_share is not None else ""
        return (f"به‌موقع بودن {n(t.alerts)} هشدار: ثبت مورد ← هشدار، میانه {h_fa(t.case_to_alert_median_h)}؛ "
                f"هشدار ← تأیید، میانه {h_fa(t.verify_median_h)}، {n(t.verified_within_target)} از {n(t.verified)} "
                f"در ۲۴ ساعت تأیید شد{pct}؛ {n(t.awaiting)} در انتظار تأیید، {n(t.overdue)} از آن‌ها بیش از ۲۴ ساعت.")

    def hours(h: float | None) -> str:
        return "—" if h is None else (f"{h:.1f} h" if h < 48 else f"{h / 24:.1f} days")

    share = t.within_target_share
    return (f"Timeliness of {t.alerts} alert(s): case recorded → alert, median {hours(t.case_to_alert_median_h)}; "
            f"alert → verification, median {hours(t.verify_median_h)}, "
            f"{t.verified_within_target} of {t.verified} verified within 24 h"
            + (f" ({100 * share:.0f}%)" if share is not None else "")
            + f"; {t.awaiting} awaiting verification, {t.overdue} of them for more than 24 h.")


def epi_curve(disease: str, counts: list[int], labels: list[str], w: float = 84 * mm,
              h: float = 48 * mm) -> Drawing:
    """Cases per epi week, one bar per week (reportlab graphics, vector in the PDF)."""
    d = Drawing(w, h)
    name = _disease_name(disease)
    total = sum(counts)
    title = tr(f"{name} — {total} case{'' if total == 1 else 's'}", f"{name} — {n(total)} مورد")
    if fa():
        d.add(String(w - 4, h - 10, T.visual(title, True), fontName=BOLD, fontSize=8, textAnchor="end"))
    else:
        d.add(String(4, h - 10, title, fontName=BOLD, fontSize=8))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 22, 22, w - 30, h - 40
    chart.data = [counts]
    chart.bars[0].fillColor = colors.Color(0.20, 0.40, 0.65)
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    top = max(counts + [1])
    chart.valueAxis.valueMax = top + (1 if top < 5 else top // 5)
    chart.valueAxis.valueStep = max(1, (top + 4) // 5)
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 6
    chart.categoryAxis.categoryNames = [n(lab.split("W")[-1]) for lab in labels]
    if fa():
        chart.valueAxis.labelTextFormat = lambda v: n(int(v))
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 6
    chart.barSpacing = 1
    d.add(chart)
    d.add(String(w / 2, 4, T.visual(tr("epi week", "هفتهٔ اپیدمیولوژیک"), fa()), fontName=REGULAR, fontSize=6,
                 textAnchor="middle"))
    return d


def _curves(report: WeeklyReport, width: float) -> list[Any]:
    labels = [w.label for w in report.curve_weeks]
    drawings = [epi_curve(d, c, labels) for d, c in report.curves.items()]
    if not drawings:
        return [para(tr("No notifiable cases in the last 12 weeks.", "در ۱۲ هفتهٔ گذشته موردی از بیماری‌های واگیر "
                                                                         "نبوده است."), _styles()["base"], width)]
    per_row = 3
    rows = [drawings[i:i + per_row] + [""] * (per_row - len(drawings[i:i + per_row]))
            for i in range(0, len(drawings), per_row)]
    if fa():
        rows = [list(reversed(r)) for r in rows]
    return [Table(rows, colWidths=[width / per_row] * per_row)]


def _completeness(report: WeeklyReport, width: float) -> Table | None:
    comp = report.completeness
    if comp is None:
        return None
    name_w = 78 * mm
    cw = (width - name_w) / len(comp.weeks)
    rows: list[list[Any]] = [[tr("Facility", "مرکز")] + [w.label.split("W")[-1] for w in comp.weeks]]
    extra: list[tuple[Any, ...]] = []
    for r, f in enumerate(comp.facilities, start=1):
        counts = comp.counts[f.id]
        rows.append([cell_text(_facility_label(report, f.id), name_w)] + counts)
        extra += [("BACKGROUND", (c + 1, r), (c + 1, r), colors.Color(0.98, 0.80, 0.80))
                  for c, n in enumerate(counts) if n == 0]
    rows.append([tr("Facilities reporting", "مراکز گزارش‌دهنده")]
                + [tr(f"{round(100 * comp.rate(i))}%", f"{n(round(100 * comp.rate(i)))}٪") for i in range(len(comp.weeks))])
    return _table(rows, [name_w] + [cw] * len(comp.weeks), size=7,
                  extra=extra + [("FONT", (0, -1), (-1, -1), BOLD, 7)])


def render_weekly_report(report: WeeklyReport, lang: str = "en") -> bytes:
    """The PDF in ``lang`` (en or fa)."""
    token = _LANG.set("fa" if lang == "fa" else "en")
    try:
        return _render(report)
    finally:
        _LANG.reset(token)


def _period(week: Any) -> str:
    last_day = week.end - timedelta(days=1)
    if fa():
        return (f"{format_date(week.start, lang='fa', calendar='jalali', digits='persian', long=True)} تا "
                f"{format_date(last_day, lang='fa', calendar='jalali', digits='persian', long=True)} "
                f"({week.start.isoformat()} – {last_day.isoformat()})")
    return (f"{format_date(week.start, long=True)} – {format_date(last_day, long=True)} "
            f"({format_date(week.start, calendar='jalali', long=True)} – "
            f"{format_date(last_day, calendar='jalali', long=True)})")


def _render(report: WeeklyReport) -> bytes:
    from app.hq.web_i18n import TEHRAN, week_convention

    register_fonts()
    st = _styles()
    buf = io.BytesIO()
    week = report.week
    doc = SimpleDocTemplate(buf, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=tr(f"Weekly epidemiological report {week.label}",
                                                          f"گزارش هفتگی اپیدمیولوژیک {week.label}"),
                            author="Sayyar headquarters")
    width = PAGE[0] - 2 * MARGIN
    comp = report.completeness
    reporting = (tr(f"{sum(1 for f in comp.facilities if comp.counts[f.id][-1] > 0)} of {len(comp.facilities)}",
                    f"{n(sum(1 for f in comp.facilities if comp.counts[f.id][-1] > 0))} از {n(len(comp.facilities))}")
                 if comp else "n/a")
    open_alerts = sum(1 for a in report.alerts if a.open) + sum(report.open_earlier.values())
    types = report.by(5)
    generated = report.generated_at
    if fa():
        local = generated.astimezone(TEHRAN) if generated.tzinfo else generated
        stamp = (f"{format_date(local.date(), lang='fa', calendar='jalali', digits='persian', long=True)} "
                 f"{n(local.strftime('%H:%M'))} به وقت تهران")
        intro = (f"{_period(week)}. {week_convention(week.first_weekday, 'fa')}. تهیه‌شده در {stamp} از پایگاه داده "
                 "مرکزی. واحدهای سیار سلامت سازمان بین‌المللی مهاجرت در ایران (سیار).")
    else:
        intro = (f"{_period(week)}. {SiteSettings(first_weekday=week.first_weekday).convention()}. "
                 f"Generated {generated:%Y-%m-%d %H:%M} UTC from the central database. "
                 "IOM Iran mobile health units (Sayyar).")

    def h2(en: str, persian: str) -> Paragraph:
        return para(tr(en, persian), st["h2"], width)

    story: list[Any] = [
        para(tr(f"Weekly epidemiological report — {week.label}", f"گزارش هفتگی اپیدمیولوژیک — {week.label}"),
             st["title"], width),
        para(intro, st["small"], width),
        Spacer(1, 4),
        _table([[tr("Consultations", "مراجعه‌ها"), tr("New", "جدید"), tr("Repeat", "پیگیری"),
                 tr("Facilities reporting", "مراکز گزارش‌دهنده"), tr("Referrals issued", "ارجاع‌های صادرشده"),
                 tr("Notifiable cases", "موارد بیماری‌های واگیر"), tr("Open alerts", "هشدارهای باز")],
                [report.total(), types.get(("new",), 0), types.get(("follow_up",), 0), reporting,
                 sum(sum(v.values()) for v in report.referrals.values()), report.counted_cases(), open_alerts]],
               [width / 7] * 7, size=9, extra=[("ALIGN", (0, 0), (-1, -1), "CENTER")]),
        h2("1. Consultations by facility, sex and age band", "۱. مراجعه‌ها به تفکیک مرکز، جنس و گروه سنی"),
        _consultations_by_sex_age(report, width),
        CondPageBreak(60 * mm),
        h2("2. Consultations by facility and legal status; new and repeat visits",
           "۲. مراجعه‌ها به تفکیک مرکز و وضعیت اقامتی؛ مراجعهٔ جدید و پیگیری"),
        _consultations_by_legal(report, width),
        CondPageBreak(70 * mm),
        h2("3. Top diagnoses", "۳. تشخیص‌های پرتکرار"),
        _diagnoses(report),
        CondPageBreak(50 * mm),
        h2("4. Referrals issued this week and their status", "۴. ارجاع‌های صادرشده در این هفته و وضعیت آن‌ها"),
        *_referrals(report, width),
        CondPageBreak(50 * mm),
        h2("5. Notifiable cases (onset this week) and this week's alerts",
           "۵. موارد بیماری‌های واگیر (شروع در این هفته) و هشدارهای این هفته"),
        _cases(report, width),
        Spacer(1, 4),
        _alerts(report, width),
        para(_earlier(report), _styles()["small"], width),
        para(_timeliness(report), _styles()["small"], width),
        CondPageBreak(110 * mm),
        KeepTogether([h2("6. Epidemic curves, last 12 weeks (cases by onset week, discarded excluded)",
                         "۶. منحنی‌های همه‌گیری، ۱۲ هفتهٔ گذشته (موارد به تفکیک هفتهٔ شروع، بدون موارد ردشده)"),
                      *_curves(report, width)]),
    ]
    table = _completeness(report, width)
    if table is not None:
        story += [CondPageBreak(80 * mm), h2("7. Reporting completeness (visits received per facility and week; red: "
                                             "nothing received)", "۷. کامل بودن گزارش‌دهی (مراجعه‌های رسیده به تفکیک "
                                             "مرکز و هفته؛ قرمز: چیزی نرسیده)"), table]
    lang = _LANG.get()

    def footer(canvas: Any, doc_: Any) -> None:
        _footer(canvas, doc_, lang)

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def _footer(canvas: Any, doc: Any, lang: str = "en") -> None:
    canvas.saveState()
    canvas.setFont(REGULAR, 7)
    canvas.setFillColor(colors.grey)
    if lang == "fa":
        canvas.drawRightString(PAGE[0] - MARGIN, 6 * mm, T.visual(
            "سیار — گزارش هفتگی اپیدمیولوژیک. فقط آمار: بدون نام یا شمارهٔ مدرک.", True))
        canvas.drawString(MARGIN, 6 * mm, T.visual(f"صفحهٔ {T.localize_digits(str(doc.page), 'persian')}", True))
    else:
        canvas.drawString(MARGIN, 6 * mm, "Sayyar — weekly epidemiological report. Aggregates only: no names or "
                          "document numbers.")
        canvas.drawRightString(PAGE[0] - MARGIN, 6 * mm, f"page {doc.page}")
    canvas.restoreState()


def _code(kind: str, value: str) -> str:
    """A stored code's label in the report's language (the pages' labels)."""
    from app.hq.web_i18n import code

    return code(kind, value, _LANG.get()) if fa() else value.replace("_", " ")


def _order(disease: str) -> int:
    keys = shipped_registry().keys()
    return keys.index(disease) if disease in keys else len(keys)


def _disease_name(key: str) -> str:
    found = shipped_registry().disease(key)
    return found.name(_LANG.get()) if found else key
