"""The weekly epidemiological report as PDF (reportlab platypus tables + graphics bar charts).

English, A4 landscape. Persian facility names go through the printing text engine (shaped, reordered, wrapped in
logical order) and the bundled Vazirmatn font, exactly as on the referral slip: nothing Persian is drawn raw.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
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
    lines = T.wrap(text, font, size, width - 6) if text else [""]
    return "\n".join(T.visual(line, T.has_rtl(line)) for line in lines)


def _table(rows: list[list[Any]], widths: Sequence[float], *, header_rows: int = 1, size: float = 7.5,
           extra: list[tuple[Any, ...]] | None = None) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=header_rows)
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
    table.setStyle(TableStyle(style + (extra or [])))
    return table


def _facility_label(report: WeeklyReport, fid: str) -> str:
    f = report.facilities.get(fid)
    if f is None:
        return "(facility not in reference data)" if fid else "(no facility)"
    # English name first; the Persian one follows for readers at the units (shaped by cell_text).
    return f"{f.code} {f.name_en}" + (f"\n{f.name_fa}" if f.name_fa else "")


def _consultations_by_sex_age(report: WeeklyReport, width: float) -> Table:
    cube = report.by(0, 1, 2)
    bands = list(AGE_BANDS)
    sexes = list(SEXES)
    extra_sex = sorted({k[1] for k in cube} - set(sexes))
    header1 = ["Facility", "Unit"] + [s.capitalize() for s in sexes for _ in bands] + [s.capitalize()
                                                                                     for s in extra_sex] + ["Total"]
    header2 = ["", ""] + [b for _ in sexes for b in bands] + ["all" for _ in extra_sex] + [""]
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
    rows.append(["Total", ""] + totals)
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
    rows: list[list[Any]] = [["Facility"] + [LEGAL_LABELS.get(s, s) for s in statuses] + ["New", "Repeat", "Total"]]
    totals = [0] * n_num
    for fid in report.facility_ids():
        vals = [cube.get((fid, s), 0) for s in statuses]
        vals += [types.get((fid, "new"), 0), types.get((fid, "follow_up"), 0), sum(vals)]
        totals = [a + b for a, b in zip(totals, vals, strict=False)]
        rows.append([cell_text(_facility_label(report, fid), name_w)] + vals)
    rows.append(["Total"] + totals)
    return _table(rows, [name_w] + [num_w] * n_num, extra=[("FONT", (0, -1), (-1, -1), BOLD, 7.5)])


def _diagnoses(report: WeeklyReport) -> Table:
    rows: list[list[Any]] = [["#", "ICD-10", "Diagnosis", "Visits", "% of visits"]]
    total = report.total() or 1
    for i, (code, label, n) in enumerate(report.top_diagnoses, start=1):
        rows.append([i, code, cell_text(label, 110 * mm), n, f"{100 * n / total:.1f}"])
    if len(rows) == 1:
        rows.append(["", "", "No diagnoses recorded this week.", "", ""])
    return _table(rows, [8 * mm, 18 * mm, 110 * mm, 18 * mm, 20 * mm], extra=[("ALIGN", (0, 1), (0, -1), "RIGHT"),
                                                                            ("ALIGN", (1, 1), (2, -1), "LEFT")])


def _referrals(report: WeeklyReport, width: float) -> list[Any]:
    statuses = list(REFERRAL_STATUSES) + sorted({s for v in report.referrals.values() for s in v}
                                                - set(REFERRAL_STATUSES))
    name_w = 78 * mm
    num_w = (width - name_w) / (len(statuses) + 1)
    rows: list[list[Any]] = [["Referring facility"] + [s.replace("_", " ") for s in statuses] + ["Total"]]
    totals = [0] * (len(statuses) + 1)
    for fid in sorted(report.referrals, key=lambda f: _facility_label(report, f)):
        vals = [report.referrals[fid].get(s, 0) for s in statuses]
        vals.append(sum(vals))
        totals = [a + b for a, b in zip(totals, vals, strict=False)]
        rows.append([cell_text(_facility_label(report, fid), name_w)] + vals)
    rows.append(["Total"] + totals)
    out: list[Any] = [_table(rows, [name_w] + [num_w] * (len(statuses) + 1),
                             extra=[("FONT", (0, -1), (-1, -1), BOLD, 7.5)])]
    if report.referral_outcomes:
        text = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(report.referral_outcomes.items()))
        out.append(Paragraph(f"Feedback outcomes of these referrals — {text}.", _styles()["small"]))
    return out


def _cases(report: WeeklyReport, width: float) -> Table:
    classes = ["suspected", "probable", "confirmed", "discarded"]
    rows: list[list[Any]] = [["Disease", "Facility", "Suspected", "Probable", "Confirmed", "Discarded (not counted)",
                              "Cases"]]
    keys = sorted({(d, f) for d, f, _ in report.cases},
                  key=lambda k: (_order(k[0]), k[1]))
    for disease, fid in keys:
        vals = [report.cases.get((disease, fid, c), 0) for c in classes]
        name = _disease_name(disease)
        rows.append([name, cell_text(_facility_label(report, fid), 100 * mm)] + vals + [sum(vals[:3])])
    if not keys:
        rows.append(["No notifiable cases with onset this week.", "", "", "", "", "", ""])
    num_w = (width - 150 * mm) / 5
    return _table(rows, [50 * mm, 100 * mm] + [num_w] * 5, extra=[("ALIGN", (1, 1), (1, -1), "LEFT")])


def _alerts(report: WeeklyReport, width: float) -> Table:
    rows: list[list[Any]] = [["Week", "Disease", "Rule", "Where", "Cases", "Threshold", "Status", "Arrived"]]
    shown = report.alerts + [a for a in report.late if a not in report.alerts]
    fw = report.settings.first_weekday
    for a in shown:
        where = _facility_label(report, a.facility_id) if a.facility_id else f"District {a.district}"
        late = a.weeks_late(fw)
        rows.append([a.week, _disease_name(a.disease), a.rule.replace("_", " "), cell_text(where, 96 * mm),
                     a.case_count, a.threshold, a.status + (f" ({a.outcome.replace('_', ' ')})" if a.outcome else ""),
                     f"reported {late} week{'s' if late != 1 else ''} late" if late else "on time"])
    if len(rows) == 1:
        rows.append(["", "", "No alerts for this week.", "", "", "", "", ""])
    w = [22 * mm, 30 * mm, 24 * mm, 96 * mm, 12 * mm, 18 * mm, 30 * mm]
    w.append(width - sum(w))
    extra = [("TEXTCOLOR", (6, i), (6, i), ALERT_RED) for i, a in enumerate(shown, start=1)
             if a.status == "raised"]
    return _table(rows, w, extra=extra + [("ALIGN", (0, 1), (3, -1), "LEFT")])


def _earlier(report: WeeklyReport) -> str:
    if not report.open_earlier:
        return "No alert of an earlier week is still open."
    parts = [f"{_disease_name(disease)} {n} {status}" for (disease, status), n in sorted(report.open_earlier.items())]
    return "Alerts of earlier weeks still open (all of them are on the alert desk): " + ", ".join(parts) + "."


def _timeliness(report: WeeklyReport) -> str:
    t = report.timeliness
    if t is None or not t.alerts:
        return "Timeliness: no alert was raised or due this week."

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
    d.add(String(4, h - 10, f"{name} — {total} case{'' if total == 1 else 's'}", fontName=BOLD, fontSize=8))
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
    chart.categoryAxis.categoryNames = [lab.split("W")[-1] for lab in labels]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 6
    chart.barSpacing = 1
    d.add(chart)
    d.add(String(w / 2, 4, "epi week", fontName=REGULAR, fontSize=6, textAnchor="middle"))
    return d


def _curves(report: WeeklyReport, width: float) -> list[Any]:
    labels = [w.label for w in report.curve_weeks]
    drawings = [epi_curve(d, c, labels) for d, c in report.curves.items()]
    if not drawings:
        return [Paragraph("No notifiable cases in the last 12 weeks.", _styles()["base"])]
    per_row = 3
    rows = [drawings[i:i + per_row] + [""] * (per_row - len(drawings[i:i + per_row]))
            for i in range(0, len(drawings), per_row)]
    return [Table(rows, colWidths=[width / per_row] * per_row)]


def _completeness(report: WeeklyReport, width: float) -> Table | None:
    comp = report.completeness
    if comp is None:
        return None
    name_w = 78 * mm
    cw = (width - name_w) / len(comp.weeks)
    rows: list[list[Any]] = [["Facility"] + [w.label.split("W")[-1] for w in comp.weeks]]
    extra: list[tuple[Any, ...]] = []
    for r, f in enumerate(comp.facilities, start=1):
        counts = comp.counts[f.id]
        rows.append([cell_text(_facility_label(report, f.id), name_w)] + counts)
        extra += [("BACKGROUND", (c + 1, r), (c + 1, r), colors.Color(0.98, 0.80, 0.80))
                  for c, n in enumerate(counts) if n == 0]
    rows.append(["Facilities reporting"] + [f"{round(100 * comp.rate(i))}%" for i in range(len(comp.weeks))])
    return _table(rows, [name_w] + [cw] * len(comp.weeks), size=7,
                  extra=extra + [("FONT", (0, -1), (-1, -1), BOLD, 7)])


def render_weekly_report(report: WeeklyReport) -> bytes:
    register_fonts()
    st = _styles()
    buf = io.BytesIO()
    week = report.week
    doc = SimpleDocTemplate(buf, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=f"Weekly epidemiological report {week.label}",
                            author="Sayyar headquarters")
    width = PAGE[0] - 2 * MARGIN
    last_day = week.end - timedelta(days=1)
    period = (f"{format_date(week.start, long=True)} – {format_date(last_day, long=True)} "
              f"({format_date(week.start, calendar='jalali', long=True)} – "
              f"{format_date(last_day, calendar='jalali', long=True)})")
    comp = report.completeness
    reporting = (f"{sum(1 for f in comp.facilities if comp.counts[f.id][-1] > 0)} of {len(comp.facilities)}"
                 if comp else "n/a")
    open_alerts = sum(1 for a in report.alerts if a.open) + sum(report.open_earlier.values())
    types = report.by(5)
    story: list[Any] = [
        Paragraph(f"Weekly epidemiological report — {week.label}", st["title"]),
        Paragraph(f"{period}. {SiteSettings(first_weekday=week.first_weekday).convention()}. "
                  f"Generated {report.generated_at:%Y-%m-%d %H:%M} UTC from the central database. "
                  "IOM Iran mobile health units (Sayyar).", st["small"]),
        Spacer(1, 4),
        _table([["Consultations", "New", "Repeat", "Facilities reporting", "Referrals issued",
                 "Notifiable cases", "Open alerts"],
                [report.total(), types.get(("new",), 0), types.get(("follow_up",), 0), reporting,
                 sum(sum(v.values()) for v in report.referrals.values()), report.counted_cases(), open_alerts]],
               [width / 7] * 7, size=9, extra=[("ALIGN", (0, 0), (-1, -1), "CENTER")]),
        Paragraph("1. Consultations by facility, sex and age band", st["h2"]),
        _consultations_by_sex_age(report, width),
        CondPageBreak(60 * mm),
        Paragraph("2. Consultations by facility and legal status; new and repeat visits", st["h2"]),
        _consultations_by_legal(report, width),
        CondPageBreak(70 * mm),
        Paragraph("3. Top diagnoses", st["h2"]),
        _diagnoses(report),
        CondPageBreak(50 * mm),
        Paragraph("4. Referrals issued this week and their status", st["h2"]),
        *_referrals(report, width),
        CondPageBreak(50 * mm),
        Paragraph("5. Notifiable cases (onset this week) and this week's alerts", st["h2"]),
        _cases(report, width),
        Spacer(1, 4),
        _alerts(report, width),
        Paragraph(_earlier(report), _styles()["small"]),
        Paragraph(_timeliness(report), _styles()["small"]),
        CondPageBreak(110 * mm),
        KeepTogether([Paragraph("6. Epidemic curves, last 12 weeks (cases by onset week, discarded excluded)",
                                st["h2"]), *_curves(report, width)]),
    ]
    table = _completeness(report, width)
    if table is not None:
        story += [CondPageBreak(80 * mm), Paragraph("7. Reporting completeness (visits received per facility and "
                                                    "week; red: nothing received)", st["h2"]), table]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buf.getvalue()


def _footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(REGULAR, 7)
    canvas.setFillColor(colors.grey)
    canvas.drawString(MARGIN, 6 * mm, "Sayyar — weekly epidemiological report. Aggregates only: no names or "
                      "document numbers.")
    canvas.drawRightString(PAGE[0] - MARGIN, 6 * mm, f"page {doc.page}")
    canvas.restoreState()


def _order(disease: str) -> int:
    keys = shipped_registry().keys()
    return keys.index(disease) if disease in keys else len(keys)


def _disease_name(key: str) -> str:
    found = shipped_registry().disease(key)
    return found.name_en if found else key
