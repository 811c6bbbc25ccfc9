"""Inline SVG charts for the headquarters pages: no JavaScript, no external assets, escaped text."""

from __future__ import annotations

from html import escape

from app.hq.overview import Completeness
from app.hq.web_i18n import num, week_name


def bar_chart(title: str, counts: list[int], labels: list[str], *, width: int = 360, height: int = 150,
              lang: str = "en") -> str:
    """A small epidemic curve: one bar per week, the count above each non-empty bar (numbers, week numbers and the
    weeks' names in the page's language: Persian digits and Solar Hijri days on a Persian page)."""
    left, bottom, top = 28, 22, 22
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max(counts + [1])
    step = plot_w / max(1, len(counts))
    every = max(1, -(-len(counts) * 18 // plot_w))  # thin the week labels so they never overlap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" class="curve">',
             f'<text x="4" y="14" font-size="12" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 8}" y2="{height - bottom}" stroke="#444"/>',
             f'<text x="{left - 4}" y="{top + 8}" font-size="9" text-anchor="end">{num(peak, lang)}</text>',
             f'<text x="{left - 4}" y="{height - bottom}" font-size="9" text-anchor="end">{num(0, lang)}</text>']
    for i, (n, lab) in enumerate(zip(counts, labels, strict=False)):
        h = plot_h * n / peak
        x = left + i * step + 1
        y = height - bottom - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(1.0, step - 2):.1f}" height="{h:.1f}" '
                     f'fill="#3366a6"><title>{escape(week_name(lab, lang))}: {num(n, lang)}</title></rect>')
        if n and step >= 12:
            parts.append(f'<text x="{x + step / 2 - 1:.1f}" y="{y - 2:.1f}" font-size="9" '
                         f'text-anchor="middle">{num(n, lang)}</text>')
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2 - 1:.1f}" y="{height - 8}" font-size="9" '
                         f'text-anchor="middle">{escape(num(lab.split("W")[-1], lang))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def heatmap(comp: Completeness, *, cell: int = 26, label_w: int = 300, lang: str = "en") -> str:
    """Facility x week: colour by visits received (white-red nothing, light to dark blue more)."""
    rows = len(comp.facilities)
    width = label_w + cell * len(comp.weeks) + 10
    height = 24 + cell * rows + 26
    peak = max([n for f in comp.facilities for n in comp.counts[f.id]] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             'aria-label="Reporting completeness" class="heatmap">']
    for j, w in enumerate(comp.weeks):
        parts.append(f'<text x="{label_w + j * cell + cell / 2}" y="16" font-size="10" '
                     f'text-anchor="middle">{escape(num(w.number, lang))}</text>')
    for i, f in enumerate(comp.facilities):
        y = 24 + i * cell
        # SVG text has no dir attribute semantics in all viewers; the English name keeps the axis readable and the
        # Persian one is in the tooltip and in the tables next to the chart (rendered with dir="auto").
        parts.append(f'<text x="{label_w - 6}" y="{y + cell * 0.65}" font-size="11" text-anchor="end">'
                     f'{escape((f.code + " " + f.name_en)[:46])}</text>')
        for j, n in enumerate(comp.counts[f.id]):
            if n == 0:
                fill = "#f4b6b6"
            else:
                shade = 0.25 + 0.75 * n / peak
                fill = f"rgb({int(235 - 180 * shade)},{int(242 - 140 * shade)},{int(250 - 60 * shade)})"
            parts.append(f'<rect x="{label_w + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                         f'fill="{fill}"><title>{escape(f.name_en)} / {escape(f.name_fa)} '
                         f'{escape(week_name(comp.weeks[j], lang))}: {num(n, lang)} '
                         f'{"مراجعه" if lang == "fa" else "visits"}</title></rect>')
    y = 24 + cell * rows + 8
    parts.append(f'<rect x="{label_w}" y="{y}" width="12" height="12" fill="#f4b6b6"/>'
                 f'<text x="{label_w + 16}" y="{y + 10}" font-size="10">{"چیزی نرسیده" if lang == "fa" else "nothing received"}</text>'
                 f'<rect x="{label_w + 130}" y="{y}" width="12" height="12" fill="rgb(55,102,190)"/>'
                 f'<text x="{label_w + 146}" y="{y + 10}" font-size="10">'
                 f'{"بیشترین مراجعه" if lang == "fa" else "most visits"} ({num(peak, lang)})</text>')
    parts.append("</svg>")
    return "".join(parts)
