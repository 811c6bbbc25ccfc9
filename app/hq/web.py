"""Headquarters pages on the central server: server-rendered HTML, inline SVG, no JavaScript, no external assets.

Mount: ``app.include_router(hq_router, prefix="/hq")`` and override the two dependencies::

    app.dependency_overrides[get_connection] = <yields a SQLAlchemy Connection inside a transaction>
    app.dependency_overrides[get_actor] = <returns app.hq.access.Actor of the signed-in person>

Both defaults refuse, so an unwired router never serves data. Forms post urlencoded bodies parsed here (no
python-multipart needed).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from html import escape
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from app.hq.access import Actor, NotAllowed, require
from app.hq.alerts import OPEN_STATUSES, AlertTransitionError, list_alerts
from app.hq.dhis2 import MappingError, dhis2_json
from app.hq.exports import export_dhis2, export_linelist
from app.hq.insurance import enrolments_by_payer, expiring
from app.hq.lifecycle import OUTCOMES, RISK_LEVELS, transition
from app.hq.overview import completeness, device_status, server_sync_info, visits_this_week
from app.hq.report_data import build_weekly_report
from app.hq.report_pdf import render_weekly_report
from app.hq.settings import load_settings
from app.hq.surveillance import LineListQuery, line_list
from app.hq.svg import bar_chart, heatmap
from app.hq.tables import facilities
from app.hq.weeks import Week, last_weeks, parse_week, week_of
from app.security.roles import Action

router = APIRouter(tags=["headquarters"])


def get_connection() -> Iterator[Connection]:
    raise HTTPException(503, "Headquarters pages are not connected to the central database (override get_connection).")
    yield  # pragma: no cover - makes this a generator dependency like the override


def get_actor() -> Actor:
    raise HTTPException(401, "Sign in as headquarters staff (override get_actor).")


def first_weekday(conn: Connection) -> int:
    """The site's epi-week convention (``sayyar hq config``): the same on every page, report and export."""
    return load_settings(conn).first_weekday


def _week(conn: Connection, text: str | None) -> Week:
    fw = first_weekday(conn)
    if not text:
        return week_of(date.today(), fw)
    try:
        return parse_week(text, fw, strict=True)
    except ValueError as err:
        raise HTTPException(400, str(err)) from None


def _guard(actor: Actor, action: Action) -> None:
    try:
        require(actor, action)
    except NotAllowed as err:
        raise HTTPException(403, str(err)) from None


CSS = """body{font:14px/1.4 system-ui,'Vazirmatn',sans-serif;margin:0;color:#222}header{background:#1d3f6e;color:#fff;
padding:8px 16px}header a{color:#fff;margin-right:14px;text-decoration:none}main{padding:12px 16px}
table{border-collapse:collapse;margin:6px 0 14px}td,th{border:1px solid #bbb;padding:3px 6px;vertical-align:top}
th{background:#dde6f1;text-align:left}td.n{text-align:right}.raised{color:#b00;font-weight:bold}
.verified{color:#a60}.closed{color:#666}form.inline{display:inline-block;margin:2px}.curves svg{margin:4px}
.muted{color:#666;font-size:12px}"""


def page(title: str, body: str) -> HTMLResponse:
    nav = "".join(f'<a href="{h}">{n}</a>' for h, n in (
        ("./", "Overview"), ("surveillance", "Surveillance"), ("report", "Weekly report"), ("exports", "Exports"),
        ("insurance", "Insurance")))
    html = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} — Sayyar HQ</title>'
            f'<style>{CSS}</style></head><body><header><strong>Sayyar HQ</strong> &nbsp; {nav}</header>'
            f'<main><h1>{escape(title)}</h1>{body}</main></body></html>')
    return HTMLResponse(html)


def name(en: str, fa: str = "") -> str:
    """English name, then the Persian one in its own direction-isolated span (dir="auto")."""
    out = escape(en)
    if fa:
        out += f' <span dir="auto" lang="fa">{escape(fa)}</span>'
    return out


def table(headers: list[str], rows: list[list[Any]], numeric_from: int = 99) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(
        f'<td class="n">{c}</td>' if i >= numeric_from else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _dt(value: datetime | None) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M") if value else "—"


@router.get("/", response_class=HTMLResponse)
def overview(week: str | None = None, conn: Connection = Depends(get_connection),
             actor: Actor = Depends(get_actor)) -> HTMLResponse:
    _guard(actor, Action.VIEW_UNIT_REPORTS)
    wk = _week(conn, week)
    visits = visits_this_week(conn, wk)
    comp = completeness(conn, wk, 12)
    devices = device_status(conn, server_sync_info)
    open_alerts = [a for a in list_alerts(conn, status="raised", limit=100_000)]
    body = [f"<p>Week <strong>{escape(wk.label)}</strong> ({wk.start} – {wk.end - timedelta(days=1)})"
            f" · visits {sum(v.visits for v in visits)} · facilities reporting "
            f"{sum(1 for v in visits if v.visits)}/{len(visits)} · "
            f'<a href="surveillance">{len(open_alerts)} alerts awaiting verification</a></p>',
            "<h2>Visits this week</h2>",
            table(["Facility", "Unit", "Visits", "New", "Repeat"],
                  [[name(v.facility, v.facility_fa), escape(v.unit), v.visits, v.new, v.follow_up] for v in visits], 2),
            "<h2>Reporting completeness (visits received per week)</h2>", heatmap(comp),
            "<h2>Devices</h2>",
            table(["Unit", "Device", "Newest record (laptop time)", "Clock stamp", "Last sync", "Last bundle",
                   "Pending", "Rejected"],
                  [[escape(d.unit), escape(d.device_id[:13]), _dt(d.last_record_at), escape(d.last_hlc[:13]),
                    _dt(d.sync.last_sync_at if d.sync else None), _dt(d.sync.last_bundle_at if d.sync else None),
                    d.sync.pending if d.sync and d.sync.pending is not None else "—",
                    d.sync.rejected if d.sync else "—"] for d in devices]),
            '<p class="muted">Laptop clocks can be wrong: devices are compared by hybrid clock stamp; "pending" is '
            "what a laptop numbered that the server does not hold yet.</p>"]
    return page("Overview", "".join(body))


@router.get("/surveillance", response_class=HTMLResponse)
def surveillance(request: Request, weeks: int = 12, conn: Connection = Depends(get_connection),
                 actor: Actor = Depends(get_actor)) -> HTMLResponse:
    _guard(actor, Action.VIEW_SURVEILLANCE)
    settings = load_settings(conn)
    fw = settings.first_weekday
    current = week_of(date.today(), fw)
    span = last_weeks(current, max(1, min(weeks, 104)))
    # Every open alert, however old its week (a late bundle can bring one from months ago), then the recent ones.
    shown = {a.id: a for a in list_alerts(conn, status=OPEN_STATUSES, limit=100_000)}
    shown.update({a.id: a for a in list_alerts(conn, since=span[0].start) if a.id not in shown})
    facs = facilities(conn)
    rows = []
    for a in sorted(shown.values(), key=lambda a: (not a.open, a.week_start), reverse=False):
        late = a.weeks_late(fw)
        rows.append([escape(a.week) + (f'<br><span class="raised">reported {late} week{"s" if late != 1 else ""} '
                                       "late</span>" if late else ""),
                     escape(a.disease), escape(a.rule.replace("_", " ")),
                     _where(facs, a.facility_id, a.district), a.case_count, escape(a.threshold),
                     f'<span class="{a.status}">{a.status}</span>'
                     + (f"<br>{escape(a.outcome.replace('_', ' '))}" if a.outcome else ""),
                     f'<pre dir="auto">{escape(a.notes)}</pre>' if a.notes else "", _forms(request, a)])
    cases = line_list(conn, LineListQuery(since=span[0].start), first_weekday=fw, limit=1000)
    index = {w.label: i for i, w in enumerate(span)}
    curves: dict[str, list[int]] = {}
    for c in cases:
        if c["classification"] != "discarded" and c["epi_week"] in index:
            curves.setdefault(c["disease"], [0] * len(span))[index[c["epi_week"]]] += 1
    labels = [w.label for w in span]
    body = [f'<p class="muted">{escape(settings.convention())}. Every open alert is listed, whatever its week.</p>',
            "<h2>Alerts</h2>", table(["Week", "Disease", "Rule", "Where", "Cases", "Threshold", "Status", "Notes",
                                      "Next step"], rows, 4) if rows else "<p>No alerts.</p>",
            '<h2>Epidemic curves</h2><div class="curves">',
            "".join(bar_chart(d, c, labels) for d, c in curves.items()) or "<p>No cases.</p>", "</div>",
            "<h2>Line list (no identities)</h2>",
            table(["Disease", "Class.", "Onset", "Week", "Facility", "Unit", "Age", "Sex", "Legal status"],
                  [[escape(c["disease"]), escape(c["classification"]), c["onset_date"] or "", c["epi_week"],
                    name(c["facility"], c["facility_fa"]), escape(c["unit"]),
                    c["age"] if c["age"] is not None else "", escape(c["sex"]), escape(c["legal_status"])]
                   for c in cases])]
    return page("Surveillance", "".join(body))


def _where(facs: dict[str, Any], facility_id: str, district: str) -> str:
    if not facility_id:
        return f"district {escape(district)}"
    f = facs.get(facility_id)
    return name(f"{f.code} {f.name_en}", f.name_fa) if f else "(facility not in reference data)"


def base(request: Request) -> str:
    """The absolute path of the headquarters pages (behind a proxy's root path too)."""
    return f"{request.scope.get('root_path', '')}/hq"


_STEP_LABELS = {"verify": "Verify", "discard": "Discard (false alarm)", "assess": "Record risk", "respond":
                "Record response", "close": "Close"}


def _forms(request: Request, a: Any) -> str:
    from app.hq.lifecycle import ACTIONS

    out = []
    for step, (frm, _) in ACTIONS.items():
        if a.status not in frm:
            continue
        extra = ""
        if step == "assess":
            extra = '<select name="risk_level">' + "".join(
                f'<option value="{r}">{r.replace("_", " ")}</option>' for r in RISK_LEVELS) + "</select> "
        elif step == "close":
            extra = '<select name="outcome">' + "".join(
                f'<option value="{o}">{o.replace("_", " ")}</option>' for o in OUTCOMES[:2]) + "</select> "
        out.append(f'<form class="inline" method="post" action="{base(request)}/alerts/{escape(a.id)}/{step}">'
                   f'{extra}<input name="note" placeholder="note" size="24" dir="auto"> '
                   f"<button>{_STEP_LABELS[step]}</button></form>")
    return "".join(out)


async def _form_body(request: Request) -> dict[str, str]:
    raw = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


@router.post("/alerts/{alert_id}/{action}")
async def alert_action(alert_id: str, action: str, request: Request, conn: Connection = Depends(get_connection),
                       actor: Actor = Depends(get_actor)) -> Response:
    _guard(actor, Action.VIEW_SURVEILLANCE)
    form = await _form_body(request)
    try:
        transition(conn, alert_id, action, by=actor.username, note=form.get("note", ""),
                   risk_level=form.get("risk_level", ""), outcome=form.get("outcome", ""))
    except AlertTransitionError as err:
        return page("Alert not changed", f"<p class=\"raised\">{escape(str(err))}</p>"
                                         f'<p><a href="{base(request)}/surveillance">Back to surveillance</a></p>')
    return RedirectResponse(f"{base(request)}/surveillance", status_code=303)


@router.get("/report", response_class=HTMLResponse)
def report_page(conn: Connection = Depends(get_connection), actor: Actor = Depends(get_actor)) -> HTMLResponse:
    _guard(actor, Action.VIEW_UNIT_REPORTS)
    wk = week_of(date.today(), first_weekday(conn)).shift(-1)
    return page("Weekly epidemiological report",
                f'<form method="get" action="report.pdf">Week <input name="week" value="{wk.label}"> '
                "<button>Download PDF</button></form>")


@router.get("/report.pdf")
def report_pdf(week: str | None = None, conn: Connection = Depends(get_connection),
               actor: Actor = Depends(get_actor)) -> Response:
    _guard(actor, Action.VIEW_UNIT_REPORTS)
    wk = _week(conn, week)
    pdf = render_weekly_report(build_weekly_report(conn, wk))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="sayyar-weekly-{wk.label}.pdf"'})


@router.get("/exports", response_class=HTMLResponse)
def exports_page(conn: Connection = Depends(get_connection), actor: Actor = Depends(get_actor)) -> HTMLResponse:
    _guard(actor, Action.VIEW_UNIT_REPORTS)
    wk = week_of(date.today(), first_weekday(conn)).shift(-1)
    ident = ('<label><input type="checkbox" name="identities" value="1"> with names, documents and phones '
             "(audited)</label>") if actor.is_hq else ""
    return page("Exports", (
        f'<h2>DHIS2</h2><form method="get" action="exports/dhis2">Week <input name="week" value="{wk.label}"> '
        "<button>dataValueSets JSON</button></form>"
        '<h2>Line list of notifiable cases</h2><form method="get" action="exports/linelist">'
        'Onset date (reported date when unknown) from <input name="since" type="date"> to '
        '<input name="until" type="date"> (both included) '
        '<select name="format"><option>csv</option><option>xlsx</option></select> '
        f"{ident} <button>Export</button></form>"))


@router.get("/exports/dhis2")
def exports_dhis2(week: str | None = None, conn: Connection = Depends(get_connection),
                  actor: Actor = Depends(get_actor)) -> Response:
    wk = _week(conn, week)
    try:
        export = export_dhis2(conn, actor, wk)
    except NotAllowed as err:
        raise HTTPException(403, str(err)) from None
    except MappingError as err:
        raise HTTPException(400, str(err)) from None
    return Response(dhis2_json(export), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="dhis2-{wk.label}.json"'})


@router.get("/exports/linelist")
def exports_linelist(format: str = "csv", since: str | None = None, until: str | None = None,  # noqa: A002
                     identities: int = 0, malaria: int = 0, conn: Connection = Depends(get_connection),
                     actor: Actor = Depends(get_actor)) -> Response:
    if format not in ("csv", "xlsx"):
        raise HTTPException(400, "format is csv or xlsx")
    try:
        q = LineListQuery(since=date.fromisoformat(since) if since else None,
                          until=date.fromisoformat(until) if until else None)
    except ValueError:
        raise HTTPException(400, "Dates are YYYY-MM-DD.") from None
    try:
        data = export_linelist(conn, actor, q, format, identities=bool(identities),  # type: ignore[arg-type]
                               first_weekday=first_weekday(conn), malaria=bool(malaria))
    except NotAllowed as err:
        raise HTTPException(403, str(err)) from None
    media = "text/csv; charset=utf-8" if format == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, media_type=media,
                    headers={"Content-Disposition":
                             f'attachment; filename="{"malaria" if malaria else "notifiable"}-cases.{format}"'})


@router.get("/insurance", response_class=HTMLResponse)
def insurance(days: int = 30, conn: Connection = Depends(get_connection),
              actor: Actor = Depends(get_actor)) -> HTMLResponse:
    _guard(actor, Action.VIEW_UNIT_REPORTS)
    today = date.today()
    payers = enrolments_by_payer(conn, today=today)
    soon = expiring(conn, today=today, days=days, unit_id=None if actor.is_hq else actor.unit_id)
    body = ["<h2>Enrolments by payer</h2>",
            table(["Unit", "Payer", "Enrolments", "People covered", "Cover running today"],
                  [[escape(p.unit), escape(p.payer), p.enrolments, p.members, p.active] for p in payers], 2),
            f"<h2>Cover ending in the next {days} days (renewal follow-up)</h2>",
            table(["Unit", "Ends", "Days left", "Household", "Head", "Phone", "Payer", "Voucher"],
                  [[escape(e["unit"]), e["coverage_end"], e["days_left"], escape(e["household"]),
                    name(e["head_name"], e["head_name_fa"]), escape(e["phone"]), escape(e["payer"]),
                    escape(e["voucher"])] for e in soon], 2)]
    return page("Insurance", "".join(body))
