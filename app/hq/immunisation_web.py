"""Headquarters' immunisation page and the monthly DHIS2 immunisation export, at /hq/immunisation (mounted with
the other /hq pages by app.hq.extension). Like every /hq page (issue 17): in the staff account's language (Persian
right to left with Persian digits), Solar Hijri dates with the Gregorian alongside, vaccines and outcomes by their
labels, absolute links, errors as pages in that language; a coordinator's figures are their own unit's."""

from __future__ import annotations

import json
from datetime import date, timedelta
from html import escape

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from app.hq.access import Actor, audit
from app.hq.immunisation import INDICATORS, adverse_events, campaign_totals, coverage, monthly_datavalueset
from app.hq.tables import FacilityInfo, facilities
from app.hq.tables import units as unit_table
from app.hq.web_i18n import code, day, num, t
from app.hq.web_page import PageError, _guard_lang, base, get_actor, get_connection, name, page, table
from app.security.roles import Action
from app.services.labels import label

router = APIRouter(tags=["headquarters"])
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")  # Persian and Arabic-Indic digits typed


def _share(given: int, children: int, lang: str) -> str:
    pct = 100 * given // children if children else 0
    return f'<span class="nw">{num(given, lang)} ({num(pct, lang)}{"٪" if lang == "fa" else "%"})</span>'


def _cohort(text: str | None, today: date, lang: str) -> int:
    if not text:
        return today.year - 1
    try:
        year = int(text.strip().translate(_DIGITS))
    except ValueError:
        year = 0
    if not 1900 <= year <= today.year:
        raise PageError(400, t("imm_bad_cohort", lang, cohort=text[:20], last=today.year,
                               example=num(today.year - 1, lang)), lang)
    return year


def _month(text: str | None, today: date, lang: str) -> tuple[int, int]:
    example = num(f"{(today.replace(day=1) - timedelta(days=1)):%Y-%m}", lang)
    if not text:
        raise PageError(400, t("imm_no_month", lang, example=example), lang)
    try:
        year, mon = (int(x) for x in text.strip().translate(_DIGITS).split("-"))
        date(year, mon, 1)
    except ValueError:
        raise PageError(400, t("imm_bad_month", lang, month=text[:20], example=example), lang) from None
    return year, mon


@router.get("/immunisation", response_class=HTMLResponse)
def immunisation_page(request: Request, cohort: str | None = None, conn: Connection = Depends(get_connection),
                      actor: Actor = Depends(get_actor)) -> HTMLResponse:
    """Coverage by vaccine and dose of a birth cohort per unit and facility, zero-dose children, campaign totals and
    the adverse events of the last 90 days; a coordinator's or unit administrator's own unit only."""
    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    b = base(request)
    today = date.today()
    year = _cohort(cohort, today, lang)
    cov = coverage(conn, actor, cohort=year, on=today)
    facs_by_id = facilities(conn)
    facs = {f.code: f for f in facs_by_id.values()}
    units = {u["code"]: u for u in unit_table(conn).values()}
    names = [n for n, _, _ in INDICATORS]

    def unit_cell(unit_code: str) -> str:
        u = units.get(unit_code)
        if u is None:
            return "—"
        return name(f"{unit_code} {u['name_en'] or ''}".strip(), f"{unit_code} {u['name_fa']}" if u["name_fa"] else "",
                    lang)

    rows = []
    for key in sorted(cov.children):
        n = cov.children[key]
        rows.append([unit_cell(key[0]), _facility(facs.get(key[1]), lang), num(n, lang), num(cov.zero_dose[key], lang),
                     *(_share(cov.given[key][i], n, lang) for i in names)])
    total = sum(cov.children.values())
    if rows:
        rows.append([f"<strong>{escape(t('imm_all', lang))}</strong>", "", f"<strong>{num(total, lang)}</strong>",
                     num(sum(cov.zero_dose.values()), lang),
                     *(_share(sum(g[i] for g in cov.given.values()), total, lang) for i in names)])
    camp = campaign_totals(conn, actor)
    events = adverse_events(conn, actor, since=today - timedelta(days=90))
    last_month_end = today.replace(day=1) - timedelta(days=1)
    none = f"<p>{escape(t('imm_none', lang))}</p>"
    body = [f'<form method="get" action="{b}/immunisation">{escape(t("imm_cohort", lang))} '
            f'<input name="cohort" value="{num(year, lang)}" size="6" dir="ltr" inputmode="numeric"> '
            f'<button>{escape(t("imm_show", lang))}</button></form>',
            f"<h2>{escape(t('imm_coverage', lang, year=year))}</h2>",
            f'<p class="muted">{day(date(year, 1, 1), lang)} – {day(date(year, 12, 31), lang)}</p>',
            table([t("unit", lang), t("imm_place", lang), t("imm_children", lang), t("imm_zero_dose", lang),
                   *(code("indicator", i, lang) for i in names)], rows, 2) if rows else none,
            f'<p class="muted">{escape(t("imm_note", lang))}</p>',
            f"<h2>{escape(t('imm_campaigns', lang))}</h2>",
            table([t("imm_round", lang), t("imm_name", lang), t("imm_vaccine", lang), t("imm_first_day", lang),
                   t("imm_last_day", lang), t("imm_vaccinated", lang), t("imm_never_before", lang),
                   t("imm_refused", lang), t("imm_absent", lang)],
                  [[f'<span dir="auto">{escape(c.code)}</span>', f'<span dir="auto">{escape(c.name)}</span>',
                    escape(label("vaccine", c.vaccine, lang)), day(c.first_day, lang), day(c.last_day, lang),
                    num(c.vaccinated, lang), num(c.zero_dose, lang), num(c.refused, lang), num(c.absent, lang)]
                   for c in camp], 5) if camp else none,
            f"<h2>{escape(t('imm_aefi', lang))}</h2>",
            table([t("imm_onset", lang), t("imm_reported", lang), t("facility", lang), t("imm_vaccine", lang),
                   t("imm_reaction", lang), t("imm_serious", lang), t("outcome", lang)],
                  [[day(e["onset_date"], lang), day(e["reported_on"], lang),
                    _facility(facs_by_id.get(e["facility_id"] or ""), lang), escape(label("vaccine", e["vaccine"], lang)),
                    f'<span dir="auto">{escape(e["reaction"])}</span>',
                    f'<span class="raised">{escape(t("yes", lang))}</span>' if e["serious"] else escape(t("no", lang)),
                    escape(label("aefi_outcome", e["outcome"], lang))] for e in events]) if events else none,
            f'<h2>DHIS2</h2><form method="get" action="{b}/immunisation/dhis2">'
            f'{escape(t("imm_dhis2_month", lang))} <input name="month" value="{num(f"{last_month_end:%Y-%m}", lang)}" size="8" '
            f'dir="ltr"> <button>{escape(t("imm_dhis2_button", lang))}</button></form>',
            f'<p class="muted">{escape(t("imm_dhis2_default", lang, month=num(f"{last_month_end:%Y-%m}", lang)))} '
            f"{day(last_month_end.replace(day=1), lang)} – {day(last_month_end, lang)}</p>"]
    return page(t("nav_immunisation", lang), "".join(body), request=request, lang=lang, actor=actor)


def _facility(f: FacilityInfo | None, lang: str) -> str:
    if f is None:
        return "—"
    return name(f"{f.code} {f.name_en}", f"{f.code} {f.name_fa}" if f.name_fa else "", lang)


@router.get("/immunisation/dhis2")
def immunisation_dhis2(month: str | None = None, conn: Connection = Depends(get_connection),
                       actor: Actor = Depends(get_actor)) -> Response:
    """The month's immunisation dataValueSets (a coordinator's: their unit's facilities only), audited."""
    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    year, mon = _month(month, date.today(), lang)
    label_month = f"{year:04d}-{mon:02d}"
    payload = monthly_datavalueset(conn, actor, year=year, month=mon)
    unit = None if actor.is_hq else unit_table(conn).get(actor.unit_id or "", {}).get("code", actor.unit_id)
    audit(conn, actor, "export_dhis2_immunisation", f"immunisation {label_month}", len(payload["dataValues"]),
          detail={"month": label_month, "unit": unit})
    return Response(json.dumps(payload, ensure_ascii=False, indent=1), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="dhis2-immunisation-{label_month}.json"'})
