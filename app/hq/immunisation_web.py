"""Headquarters' immunisation page and the monthly DHIS2 immunisation export, at /hq/immunisation (mounted with
the other /hq pages by app.hq.extension)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from html import escape

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from app.hq.access import Actor, audit
from app.hq.immunisation import INDICATORS, adverse_events, campaign_totals, coverage, monthly_datavalueset
from app.hq.web import _guard, get_actor, get_connection, page, table
from app.security.roles import Action

router = APIRouter(tags=["headquarters"])


@router.get("/immunisation", response_class=HTMLResponse)
def immunisation_page(cohort: int | None = None, conn: Connection = Depends(get_connection),
                      actor: Actor = Depends(get_actor)) -> HTMLResponse:
    _guard(actor, Action.VIEW_UNIT_REPORTS)
    today = date.today()
    year = cohort or today.year - 1
    cov = coverage(conn, actor, cohort=year, on=today)
    names = [n for n, _, _ in INDICATORS]
    rows = []
    for key in sorted(cov.children):
        n = cov.children[key]
        rows.append([escape(key[0]), escape(key[1] or "—"), n, cov.zero_dose[key],
                     *(f"{cov.given[key][i]} ({100 * cov.given[key][i] // n if n else 0}%)" for i in names)])
    total = sum(cov.children.values())
    rows.append(["<strong>All</strong>", "", total, sum(cov.zero_dose.values()),
                 *(f"{sum(g[i] for g in cov.given.values())}" for i in names)])
    camp = campaign_totals(conn, actor)
    events = adverse_events(conn, actor, since=today - timedelta(days=90))
    body = [f'<form method="get">Birth cohort <input name="cohort" value="{year}" size="6"> <button>Show</button>'
            "</form>",
            f"<h2>Coverage, children born in {year}</h2>",
            table(["Unit", "Facility (last vaccinated or seen)", "Children", "Zero-dose", *names], rows, 2),
            '<p class="muted">A dose counts when the schedule engine counts it (minimum ages and intervals); '
            "zero-dose: no DTP-containing dose (pentavalent 1) from 2 months of age.</p>",
            "<h2>Campaigns</h2>",
            table(["Round", "Name", "Vaccine", "First day", "Last day", "Vaccinated", "Never vaccinated before",
                   "Refused", "Absent"],
                  [[escape(c.code), escape(c.name), escape(c.vaccine), c.first_day, c.last_day, c.vaccinated,
                    c.zero_dose, c.refused, c.absent] for c in camp], 5),
            "<h2>Adverse events following immunisation (90 days)</h2>",
            table(["Onset", "Reported", "Vaccine", "Reaction", "Serious", "Outcome"],
                  [[e["onset_date"], e["reported_on"], escape(e["vaccine"]), escape(e["reaction"]),
                    "yes" if e["serious"] else "no", escape(e["outcome"])] for e in events]),
            f'<h2>DHIS2</h2><form method="get" action="immunisation/dhis2">Month <input name="month" '
            f'value="{(today.replace(day=1) - timedelta(days=1)):%Y-%m}" size="8"> '
            "<button>Monthly immunisation dataValueSets JSON</button></form>"]
    return page("Immunisation", "".join(body))


@router.get("/immunisation/dhis2")
def immunisation_dhis2(month: str, conn: Connection = Depends(get_connection),
                       actor: Actor = Depends(get_actor)) -> Response:
    _guard(actor, Action.VIEW_UNIT_REPORTS)
    try:
        year, mon = (int(x) for x in month.split("-"))
        date(year, mon, 1)
    except ValueError:
        raise HTTPException(400, f"{month!r} is not a month written like 2026-11.") from None
    payload = monthly_datavalueset(conn, actor, year=year, month=mon)
    audit(conn, actor, "export_dhis2_immunisation", f"immunisation {month}", len(payload["dataValues"]))
    return Response(json.dumps(payload, ensure_ascii=False, indent=1), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="dhis2-immunisation-{month}.json"'})
