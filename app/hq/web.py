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

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection, select

from app.hq.access import Actor, NotAllowed, require
from app.hq.alerts import OPEN_STATUSES, Alert, AlertTransitionError, alert_case_ids
from app.hq.board import device_codes, import_history, laptops
from app.hq.dhis2 import MappingError, dhis2_json
from app.hq.exports import export_dhis2, export_linelist
from app.hq.forms import submitted_form
from app.hq.insurance import enrolments_by_payer, expiring
from app.hq.lifecycle import OUTCOMES, RISK_LEVELS, history, transition
from app.hq.overview import completeness, device_status, server_sync_info, visits_this_week
from app.hq.registry import active_registry
from app.hq.report_data import build_weekly_report
from app.hq.report_pdf import render_weekly_report
from app.hq.settings import load_settings
from app.hq.surveillance import LineListQuery, line_list, test_results
from app.hq.svg import bar_chart, heatmap
from app.hq.tables import facilities
from app.hq.tables import units as unit_table
from app.hq.web_i18n import ago, code, day, disease_name, num, t, when
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


CSS = """@font-face{font-family:'Vazirmatn';src:url('%(base)s/static/vazirmatn.ttf') format('truetype')}
@font-face{font-family:'Vazirmatn';font-weight:bold;src:url('%(base)s/static/vazirmatn-bold.ttf') format('truetype')}
body{font:14px/1.45 'Vazirmatn',system-ui,sans-serif;margin:0;color:#222}header{background:#1d3f6e;color:#fff;
padding:8px 16px;display:flex;flex-wrap:wrap;gap:4px 14px;align-items:baseline}header a{color:#fff;
text-decoration:none}header .who{margin-inline-start:auto;font-size:12px;opacity:.85}main{padding:12px 16px;
max-width:1400px}table{border-collapse:collapse;margin:6px 0 14px;max-width:100%}td,th{border:1px solid #bbb;
padding:3px 6px;vertical-align:top}th{background:#dde6f1;text-align:start}td.n{text-align:end}
.raised,.red{color:#b00;font-weight:bold}.verified,.amber{color:#a60;font-weight:bold}.closed{color:#666}
tr.overdue td{background:#fde8e8}tr.amber td{background:#fff4dc}tr.red td{background:#fde8e8}
form.inline{display:inline-block;margin:2px}
header form.signout{margin:0 0 0 6px}header form.signout button{font-size:12px}.curves svg{margin:4px}.muted{color:#666;font-size:12px}
.notes{white-space:pre-wrap;overflow-wrap:anywhere;max-width:36em;margin:0}td.notes-cell{max-width:36em}
.heatmap{direction:ltr}"""


def lang_of(actor: Actor) -> str:
    return "fa" if getattr(actor, "lang", "en") == "fa" else "en"


def csrf_field(request: Request | None) -> str:
    """The hidden CSRF field every POST form of the pages carries (none for a script signed in with Basic)."""
    token = getattr(request.state, "hq_csrf", "") if request is not None else ""
    return f'<input type="hidden" name="csrf" value="{escape(token)}">' if token else ""


def is_admin(request: Request | None) -> bool:
    """A headquarters staff administrator signed in with a session (the Staff page)."""
    return bool(getattr(request.state, "hq_admin", False)) if request is not None else False


NAV: tuple[tuple[str, str], ...] = (
    ("/", "nav_overview"), ("/alerts", "nav_alerts"), ("/board", "nav_board"), ("/surveillance", "nav_surveillance"),
    ("/report", "nav_report"), ("/exports", "nav_exports"), ("/insurance", "nav_insurance"),
    ("/immunisation", "nav_immunisation"))


def page(title: str, body: str, *, request: Request | None = None, lang: str = "en",
         actor: Actor | None = None, nav: bool = True) -> HTMLResponse:
    """A whole page in the account's language: right-to-left for Persian, absolute links, no script."""
    b = base(request) if request is not None else "/hq"
    links = list(NAV)
    if actor is not None and actor.is_hq:  # headquarters' data-manager pages (app/hq/workspace_web.py)
        links += [("/import", "nav_import"), ("/conflicts", "nav_conflicts"), ("/duplicates", "nav_duplicates")]
    if is_admin(request):
        links.append(("/staff", "nav_staff"))
    nav_html = "".join(f'<a href="{b}{h}">{escape(t(k, lang))}</a>' for h, k in links) if nav else ""
    signout = (f' <form class="inline signout" method="post" action="{b}/sign-out">{csrf_field(request)}'
               f'<button>{escape(t("sign_out", lang))}</button></form>') if actor and csrf_field(request) else ""
    who = (f'<span class="who">{escape(t("signed_in_as", lang, who=actor.username))}{signout}</span>'
           if actor else "")
    direction = "rtl" if lang == "fa" else "ltr"
    html = (f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)} — {escape(t("app", lang))}</title>'
            f'<style>{CSS.replace("%(base)s", b)}</style></head><body><header><strong>{escape(t("app", lang))}</strong>'
            f'{nav_html}{who}</header><main><h1>{escape(title)}</h1>{body}</main></body></html>')
    return HTMLResponse(html)


def error_page(status: int, message: str, lang: str | None, root: str = "/hq") -> HTMLResponse:
    """An error as a page in the staff's language (both languages when it is not known yet, e.g. before sign-in)."""
    langs = [lang] if lang in ("en", "fa") else ["en", "fa"]
    main = langs[0]
    parts = []
    for lg in langs:
        parts.append(f'<section lang="{lg}" dir="{"rtl" if lg == "fa" else "ltr"}"><h2>{escape(t("error_title", lg))}'
                     f'</h2><p class="raised">{escape(message if lg == main or len(langs) == 1 else _generic(status, lg))}'
                     f'</p><p><a href="{root}/">{escape(t("back_overview", lg))}</a>'
                     + (f' · <a href="{root}/sign-in?lang={lg}">{escape(t("sign_in", lg))}</a>' if status == 401 else "")
                     + "</p></section>")
    html = (f'<!doctype html><html lang="{main}" dir="{"rtl" if main == "fa" else "ltr"}"><head><meta charset="utf-8">'
            f'<title>{status} — {escape(t("app", main))}</title><style>{CSS.replace("%(base)s", root)}</style></head><body>'
            f'<main>{"".join(parts)}</main></body></html>')
    return HTMLResponse(html, status_code=status)


def _generic(status: int, lang: str) -> str:
    return t({401: "sign_in_needed", 403: "not_allowed", 404: "not_found"}.get(status, "error_title"), lang)


class PageError(HTTPException):
    """An HTTP error raised by a page, with the language of the account that asked (for the error page)."""

    def __init__(self, status: int, detail: str, lang: str = "en") -> None:
        super().__init__(status, detail)
        self.lang = lang


def name(en: str, fa: str = "", lang: str = "en") -> str:
    """The name in the page's language, the other one after it in its own direction-isolated span."""
    first, second, second_lang = (fa or en, en if fa else "", "en") if lang == "fa" else (en, fa, "fa")
    out = escape(first)
    if second and second != first:
        out += f' <span dir="auto" lang="{second_lang}" class="muted">{escape(second)}</span>'
    return out


def table(headers: list[str], rows: list[list[Any]], numeric_from: int = 99,
          row_classes: list[str] | None = None) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        (f'<tr class="{row_classes[k]}">' if row_classes and row_classes[k] else "<tr>") + "".join(
            f'<td class="n">{c}</td>' if i >= numeric_from else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>"
        for k, r in enumerate(rows))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _dt(value: datetime | None, lang: str = "en") -> str:
    return when(value, lang)


def _guard_lang(actor: Actor, action: Action) -> str:
    lang = lang_of(actor)
    try:
        require(actor, action)
    except NotAllowed as err:
        raise PageError(403, str(err), lang) from None
    return lang


def _late(a: Any, fw: int, lang: str) -> str:
    late = a.weeks_late(fw)
    if not late:
        return ""
    text = t("reported_late_1", lang) if late == 1 else t("reported_late", lang, n=late)
    return f'<br><span class="raised">{escape(text)}</span>'


@router.get("/static/{font}")
def static_font(font: str) -> Response:
    """The Persian typeface of the pages (the printing font, Vazirmatn): Persian reads right on any browser."""
    from app.resources import resource_path

    files = {"vazirmatn.ttf": "Vazirmatn-Regular.ttf", "vazirmatn-bold.ttf": "Vazirmatn-Bold.ttf"}
    if font not in files:
        raise HTTPException(404, "No such file.")
    return Response(resource_path("fonts", files[font]).read_bytes(), media_type="font/ttf",
                    headers={"Cache-Control": "max-age=86400"})


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, week: str | None = None, conn: Connection = Depends(get_connection),
             actor: Actor = Depends(get_actor)) -> HTMLResponse:
    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    wk = _week(conn, week)
    visits = visits_this_week(conn, wk)
    comp = completeness(conn, wk, 12)
    codes = device_codes(conn)  # the laptops' codes alone: the device status is worked out once, below
    devices = device_status(conn, server_sync_info)
    awaiting_n = _count_raised(conn, None if actor.is_hq else actor.unit_id)
    if not actor.is_hq:  # a coordinator or unit administrator sees their own unit only
        facs = facilities(conn)
        visits = [v for v in visits if (f := facs.get(v.facility_id)) is not None and f.unit_id == actor.unit_id]
        comp = _unit_only(comp, actor.unit_id)
        devices = [d for d in devices if d.unit_id == actor.unit_id]
    b = base(request)
    reported = sum(1 for v in visits if v.visits)
    awaiting = (f"{num(awaiting_n, lang)} alerts awaiting verification" if lang == "en" else
                f"{num(awaiting_n, lang)} هشدار در انتظار تأیید")
    body = [f"<p>{escape(t('week', lang))} <strong>{escape(wk.label)}</strong> ({day(wk.start, lang)} – "
            f"{day(wk.end - timedelta(days=1), lang)}) · {escape(t('visits', lang))} "
            f"{num(sum(v.visits for v in visits), lang)} · "
            f"{escape(t('reported_of', lang, n=reported, total=len(visits)))} · "
            f'<a href="{b}/alerts">{escape(awaiting)}</a></p>',
            f"<h2>{escape(t('visits', lang))}</h2>",
            table([t("facility", lang), t("unit", lang), t("visits", lang), t("new", lang), t("repeat", lang)],
                  [[name(v.facility, v.facility_fa, lang), escape(v.unit), num(v.visits, lang), num(v.new, lang),
                    num(v.follow_up, lang)] for v in visits], 2),
            f"<h2>{escape(t('completeness', lang))}</h2>", heatmap(comp),
            f"<h2>{escape(t('device', lang))}</h2>",
            table([t("unit", lang), t("device", lang), t("newest_record", lang), t("last_contact", lang),
                   t("last_bundle", lang), t("queued", lang), t("quarantined", lang)],
                  [[escape(d.unit), escape(codes.get(d.device_id, d.device_id[:8])), _dt(d.last_record_at, lang),
                    _dt(d.sync.last_sync_at if d.sync else None, lang),
                    _dt(d.sync.last_bundle_at if d.sync else None, lang),
                    num(d.sync.pending, lang) if d.sync and d.sync.pending is not None else "—",
                    num(d.sync.rejected, lang) if d.sync else "—"] for d in devices]),
            f'<p class="muted"><a href="{b}/board">{escape(t("nav_board", lang))}</a></p>']
    return page(t("nav_overview", lang), "".join(body), request=request, lang=lang, actor=actor)


def _unit_only(comp: Any, unit_id: str | None) -> Any:
    """The completeness matrix of one unit's facilities."""
    from app.hq.overview import Completeness

    keep = [f for f in comp.facilities if f.unit_id == unit_id]
    return Completeness(comp.weeks, keep, {f.id: comp.counts[f.id] for f in keep})


def _count_raised(conn: Connection, unit_id: str | None) -> int:
    """Alerts awaiting verification (a count, not the rows)."""
    from sqlalchemy import func

    from app.hq.models import hq_alert

    q = select(func.count()).select_from(hq_alert).where(hq_alert.c.status == "raised")
    if unit_id:
        q = q.where(hq_alert.c.unit_id == unit_id)
    return int(conn.execute(q).scalar() or 0)


@router.get("/alerts", response_class=HTMLResponse)
def alert_desk(request: Request, number: int | None = Query(None, alias="page"), status: str | None = None,
               conn: Connection = Depends(get_connection), actor: Actor = Depends(get_actor)) -> HTMLResponse:
    """Every unresolved alert, whatever its week, a page at a time: how many there are (by status, overdue), the
    overdue ones first, oldest first; time since raised; overdue (over 24 h unverified) in red."""
    from app.hq.desk import desk_alerts, desk_counts
    from app.hq.paging import Paging

    lang = _guard_lang(actor, Action.VIEW_SURVEILLANCE)
    status = status if status in OPEN_STATUSES else None
    fw = first_weekday(conn)
    registry = active_registry(conn)
    now = datetime.now(timezone.utc)
    unit_id = None if actor.is_hq else actor.unit_id
    counts = desk_counts(conn, now=now, unit_id=unit_id)
    paging = Paging.of(number, counts.by_status[status] if status else counts.total)
    alerts = desk_alerts(conn, now=now, offset=paging.offset, limit=paging.size, unit_id=unit_id, status=status)
    facs = facilities(conn)
    units = {k: v.get("code", "") for k, v in unit_table(conn).items()}
    b = base(request)
    rows, classes = [], []
    for a in alerts:
        overdue = a.status == "raised" and now - _aware(a.raised_at) > timedelta(hours=24)
        classes.append("overdue" if overdue else "")
        rows.append([
            when(a.raised_at, lang),
            escape(ago(a.raised_at, lang, now)) + (f'<br><span class="raised">{escape(t("overdue", lang))}</span>'
                                                   if overdue else ""),
            escape(disease_name(registry, a.disease, lang)), escape(code("rule", a.rule, lang)),
            _where(facs, a.facility_id, a.district, lang), escape(units.get(a.unit_id, "")),
            escape(a.week) + _late(a, fw, lang), num(a.case_count, lang),
            f'<span class="{a.status}">{escape(code("status", a.status, lang))}</span>',
            f'<a href="{b}/alerts/{escape(a.id)}">{escape(t("open_alert", lang))}</a>'])
    nav = paging.nav(f"{b}/alerts", {"status": status or ""}, lang)
    body = [f'<p class="muted">{escape(t("alerts_intro", lang))}</p>', _desk_counts(counts, status, b, lang), nav,
            table([t("raised", lang), t("since_raised", lang), t("disease", lang), t("rule", lang), t("where", lang),
                   t("unit", lang), t("week", lang), t("cases", lang), t("status", lang), ""], rows, 7, classes)
            + nav if rows else f"<p>{escape(t('no_alerts', lang))}</p>"]
    return page(t("alerts_title", lang), "".join(body), request=request, lang=lang, actor=actor)


def _desk_counts(counts: Any, status: str | None, b: str, lang: str) -> str:
    """"2,905 unresolved alerts: 2,900 awaiting verification (2,890 overdue), 5 verified …", each a filter link."""
    def link(label: str, value: str | None) -> str:
        href = f"{b}/alerts" + (f"?status={value}" if value else "")
        return f"<strong>{escape(label)}</strong>" if value == status else f'<a href="{href}">{escape(label)}</a>'

    parts = []
    for s, n in counts.by_status.items():
        text = f"{num(n, lang)} {code('status', s, lang)}"
        if s == "raised" and counts.overdue:
            text += f" ({t('desk_overdue', lang, n=counts.overdue)})"
        parts.append(link(text, s))
    head, tail = t("desk_counts", lang, n=counts.total, parts="\x00").split("\x00")
    sep = "، " if lang == "fa" else ", "
    return (f'<p class="counts">{escape(head)}{sep.join(parts)}{escape(tail)} '
            f'{link(t("desk_all", lang), None)}</p>')


def _aware(v: datetime) -> datetime:
    return v if v.tzinfo else v.replace(tzinfo=timezone.utc)


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(alert_id: str, request: Request, conn: Connection = Depends(get_connection),
               actor: Actor = Depends(get_actor)) -> HTMLResponse:
    """One alert: its de-identified cases, the EWARS stages still open to it, its notes and its history."""
    from app.hq.models import hq_alert

    lang = _guard_lang(actor, Action.VIEW_SURVEILLANCE)
    row = conn.execute(select(hq_alert).where(hq_alert.c.id == alert_id)).first()
    if row is None or (not actor.is_hq and row.unit_id != actor.unit_id):
        raise PageError(404, t("not_found", lang), lang)
    a = Alert.from_row(row)
    fw = first_weekday(conn)
    registry = active_registry(conn)
    facs = facilities(conn)
    ids = alert_case_ids(conn, a.id)
    cases = line_list(conn, LineListQuery(case_ids=tuple(ids)), first_weekday=fw) if ids else []
    results = test_results(conn, ids)
    b = base(request)
    case_rows = []
    for c in cases:
        tests = "<br>".join(escape(f"{_test_name(registry, x['test'], lang)}: {code('test_outcome', x['outcome'], lang)}"
                                   f"{' (' + x['subtype'] + ')' if x['subtype'] else ''}")
                            for x in results.get(c["case_id"], []))
        case_rows.append([escape(c["unit"]), name(c["facility"], c["facility_fa"], lang),
                          escape(code("age_band", c["age_band"], lang)), escape(code("sex", c["sex"], lang)),
                          day(c["onset_date"] or c["reported_date"], lang),
                          escape(code("classification", c["classification"], lang)), tests or "—"])
    events = history(conn, a.id)
    hist_rows = [[when(e["at"], lang), escape(e["by"] or ""),
                  escape(code("status", e["from_status"], lang)) + " → " + escape(code("status", e["to_status"], lang)),
                  f'<p class="notes" dir="auto">{escape(e["note"] or "")}</p>'] for e in events]
    facts = [
        (t("status", lang), f'<span class="{a.status}">{escape(code("status", a.status, lang))}</span>'
         + (f" · {escape(code('outcome', a.outcome, lang))}" if a.outcome else "")),
        (t("rule", lang), escape(code("rule", a.rule, lang)) + (f" ({escape(a.threshold)})" if a.threshold else "")),
        (t("week", lang), escape(a.week) + _late(a, fw, lang)),
        (t("raised", lang), f"{when(a.raised_at, lang)} ({escape(ago(a.raised_at, lang))})"),
        (t("cases", lang), num(a.case_count, lang)),
        (t("risk", lang), escape(code("risk", a.risk_level, lang)) or "—"),
        (t("response", lang), f'<p class="notes" dir="auto">{escape(a.response)}</p>' if a.response else "—"),
        (t("notes", lang), f'<p class="notes" dir="auto">{escape(a.notes)}</p>' if a.notes else "—"),
    ]
    body = ["<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in facts) + "</table>",
            f"<h2>{escape(t('next_step', lang))}</h2>", _forms(request, a, lang) or "—",
            f"<h2>{escape(t('alert_cases', lang))}</h2>",
            table([t("unit", lang), t("facility", lang), t("age_band", lang), t("sex", lang), t("onset", lang),
                   t("classification", lang), t("tests", lang)], case_rows) if case_rows else "<p>—</p>",
            f"<h2>{escape(t('history', lang))}</h2>",
            table([t("when", lang), t("who", lang), t("what", lang), t("notes", lang)], hist_rows)
            if hist_rows else "<p>—</p>",
            f'<p><a href="{b}/alerts">{escape(t("back_alerts", lang))}</a></p>']
    title = t("alert_title", lang, disease=disease_name(registry, a.disease, lang),
              where=_where_text(facs, a.facility_id, a.district, lang))
    return page(title, "".join(body), request=request, lang=lang, actor=actor)


def _test_name(registry: Any, key: str, lang: str) -> str:
    test = registry.test(key)
    return (test.name_fa if lang == "fa" else test.name_en) if test is not None else key


@router.get("/board", response_class=HTMLResponse)
def reporting_board(request: Request, conn: Connection = Depends(get_connection),
                    actor: Actor = Depends(get_actor)) -> HTMLResponse:
    """Every enrolled laptop with its last contact (amber 3 days, red 7 or never), completeness per facility and week
    over the facilities expected to report, and the bundle import history."""
    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    now = datetime.now(timezone.utc)
    wk = week_of(date.today(), first_weekday(conn))
    rows, classes = [], []
    shown = laptops(conn)
    if not actor.is_hq:  # a coordinator or unit administrator sees their own unit's laptops only
        own = unit_table(conn).get(actor.unit_id or "", {}).get("code", "")
        shown = [x for x in shown if own and x.unit == own]
    for x in shown:
        level = x.level(now)
        classes.append("" if level == "ok" else level)
        covered = (f"<br><span class=\"muted\">#{num(x.bundle_covered[0], lang)}–{num(x.bundle_covered[1], lang)} "
                   f"({num(x.bundle_covered[2], lang)})</span>" if x.bundle_covered else "")
        rows.append([f"<strong>{escape(x.code)}</strong>" + (" ✕" if x.revoked else ""), escape(x.unit or "—"),
                     f'<span class="{level}">{escape(ago(x.last_contact, lang, now))}</span><br>'
                     f'<span class="muted">{when(x.last_contact, lang) if x.last_contact else ""}</span>',
                     (when(x.last_bundle_at, lang) if x.last_bundle_at else "—") + covered,
                     when(x.newest_record, lang) if x.newest_record else "—",
                     num(x.queued, lang) if x.queued is not None else "—", num(x.rejected, lang)])
    comp = completeness(conn, wk, 8)
    if not actor.is_hq:
        comp = _unit_only(comp, actor.unit_id)
    expected = len(comp.facilities)
    comp_rows = [[name(f"{f.code} {f.name_en}", f.name_fa, lang)] + [
        ("✓ " + num(n, lang)) if n else '<span class="red">✗</span>' for n in comp.counts[f.id]]
        for f in comp.facilities]
    comp_rows.append([f"<strong>{escape(t('reported', lang))}</strong>"] + [
        escape(t("reported_of", lang, n=sum(1 for f in comp.facilities if comp.counts[f.id][i]), total=expected))
        for i in range(len(comp.weeks))])
    imports = import_history(conn)
    if not actor.is_hq:
        kept = {x.code for x in shown}
        imports = [r for r in imports if r["device"] in kept]
    body = [f'<p class="muted">{escape(t("board_intro", lang))}</p>',
            table([t("device", lang), t("unit", lang), t("last_contact", lang), t("last_bundle", lang),
                   t("newest_record", lang), t("queued", lang), t("quarantined", lang)], rows, 5, classes)
            if rows else "<p>—</p>",
            f"<h2>{escape(t('completeness', lang))}</h2>",
            table([t("facility", lang)] + [w.label for w in comp.weeks], comp_rows, 1),
            f"<h2>{escape(t('import_history', lang))}</h2>",
            table([t("when", lang), t("device", lang), t("changes", lang), t("applied", lang), t("quarantined", lang)]
                  + ([t("receipt", lang)] if actor.is_hq else []),
                  [[when(r["at"], lang), escape(r["device"]), f"{num(r['seq_from'], lang)}–{num(r['seq_to'], lang)}",
                    num(r["applied"], lang), num(r["rejected"], lang)]
                   + ([f'<a href="{base(request)}/import/{escape(r["bundle_id"])}/receipt">JSON</a>']
                      if actor.is_hq else []) for r in imports], 2) if imports else "<p>—</p>"]
    return page(t("board_title", lang), "".join(body), request=request, lang=lang, actor=actor)


@router.get("/surveillance", response_class=HTMLResponse)
def surveillance(request: Request, weeks: int = 12, alerts_page: int | None = None, cases_page: int | None = None,
                 conn: Connection = Depends(get_connection), actor: Actor = Depends(get_actor)) -> HTMLResponse:
    """Epidemic curves of the last weeks (counted in SQL over every case), the alerts of those weeks (a page at a
    time) with their next steps, the alerts still open from earlier weeks (every one on the alert desk), and the
    de-identified line list of those weeks (a page at a time)."""
    from app.hq.desk import earlier_open, week_alert_count, week_alerts
    from app.hq.paging import Paging
    from app.hq.surveillance import count_cases, epi_curves

    lang = _guard_lang(actor, Action.VIEW_SURVEILLANCE)
    settings = load_settings(conn)
    fw = settings.first_weekday
    registry = active_registry(conn)
    current = week_of(date.today(), fw)
    n_weeks = max(1, min(weeks, 104))
    span = last_weeks(current, n_weeks)
    facs = facilities(conn)
    b = base(request)
    asked = {"weeks": str(n_weeks), "alerts_page": str(alerts_page or ""), "cases_page": str(cases_page or "")}
    alert_paging = Paging.of(alerts_page, week_alert_count(conn, since=span[0].start))
    alerts = week_alerts(conn, since=span[0].start, offset=alert_paging.offset, limit=alert_paging.size)
    n_earlier, earlier = earlier_open(conn, before=span[0].start, limit=EARLIER_SHOWN)

    def alert_row(a: Any) -> list[str]:
        return [escape(a.week) + _late(a, fw, lang),
                f'<a href="{b}/alerts/{escape(a.id)}">{escape(disease_name(registry, a.disease, lang))}</a>',
                escape(code("rule", a.rule, lang)),
                _where(facs, a.facility_id, a.district, lang), num(a.case_count, lang), escape(a.threshold),
                f'<span class="{a.status}">{escape(code("status", a.status, lang))}</span>'
                + (f"<br>{escape(code('outcome', a.outcome, lang))}" if a.outcome else ""),
                f'<p class="notes" dir="auto">{escape(a.notes)}</p>' if a.notes else "",
                _forms(request, a, lang)]

    heads = [t("week", lang), t("disease", lang), t("rule", lang), t("where", lang), t("cases", lang),
             t("threshold", lang), t("status", lang), t("notes", lang), t("next_step", lang)]
    labels = [w.label for w in span]
    curves = epi_curves(conn, span)
    query = LineListQuery(since=span[0].start, until=span[-1].last_day)
    case_paging = Paging.of(cases_page, count_cases(conn, query))
    cases = line_list(conn, query, first_weekday=fw, limit=case_paging.size, offset=case_paging.offset)
    fa = lang == "fa"
    intro = (f"{settings.convention()}. The alerts of these weeks; below them, the alerts still open from earlier "
             "weeks (every open alert, whatever its week, is on the alert desk)." if not fa else
             f"{_convention_fa(fw)}. هشدارهای این هفته‌ها؛ پس از آن‌ها، هشدارهایی از هفته‌های پیشین که هنوز بازند "
             "(همهٔ هشدارهای باز، هر هفته‌ای که باشند، در میز هشدارها هستند).")
    earlier_title = (f"هشدارهای باز از هفته‌های پیشین: {num(n_earlier, lang)}" if fa else
                     f"Still open from earlier weeks: {n_earlier}")
    earlier_note = (f"{num(len(earlier), lang)} مورد که تازه‌تر اعلام شده‌اند؛ همه در " if fa else
                    f"The {len(earlier)} raised most recently; all {n_earlier} on the ")
    nav_a = alert_paging.nav(f"{b}/surveillance", {k: v for k, v in asked.items() if k != "alerts_page"}, lang,
                             param="alerts_page")
    nav_c = case_paging.nav(f"{b}/surveillance", {k: v for k, v in asked.items() if k != "cases_page"}, lang,
                            param="cases_page")
    body = [f'<p class="muted">{escape(intro)}</p>',
            f"<h2>{escape(t('nav_alerts', lang))}</h2>", nav_a,
            table(heads, [alert_row(a) for a in alerts], 4) + nav_a
            if alerts else f"<p>{escape(t('no_alerts', lang))}</p>"]
    if n_earlier:
        body += [f"<h2>{escape(earlier_title)}</h2>",
                 f'<p class="muted">{escape(earlier_note)}<a href="{b}/alerts">{escape(t("nav_alerts", lang))}</a>'
                 ".</p>",
                 table(heads, [alert_row(a) for a in earlier], 4)]
    body += ['<h2>Epidemic curves</h2><div class="curves">' if not fa else
             '<h2>منحنی‌های همه‌گیری</h2><div class="curves" dir="ltr">',
             "".join(bar_chart(d, c, labels) for d, c in sorted(curves.items())) or "<p>—</p>", "</div>",
             f"<h2>{'Line list (no identities)' if not fa else 'فهرست موارد (بدون اطلاعات هویتی)'}</h2>", nav_c,
             table([t("disease", lang), t("classification", lang), t("onset", lang), t("week", lang),
                    t("facility", lang), t("unit", lang), t("age_band", lang), t("sex", lang)],
                   [[escape(disease_name(registry, c["disease"], lang)),
                     escape(code("classification", c["classification"], lang)),
                     day(c["onset_date"], lang) if c["onset_date"] else "", c["epi_week"],
                     name(c["facility"], c["facility_fa"], lang), escape(c["unit"]),
                     escape(code("age_band", c["age_band"], lang)), escape(code("sex", c["sex"], lang))]
                    for c in cases]) + nav_c]
    return page(t("nav_surveillance", lang), "".join(body), request=request, lang=lang, actor=actor)


EARLIER_SHOWN = 20  # the surveillance page's sample of older open alerts; the desk has them all


def _convention_fa(fw: int) -> str:
    names = ["دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"]
    return t("week_convention", "fa", start=names[fw % 7], end=names[(fw + 6) % 7])


def _where_text(facs: dict[str, Any], facility_id: str, district: str, lang: str = "en") -> str:
    if not facility_id:
        return t("district", lang, d=district)
    f = facs.get(facility_id)
    if f is None:
        return t("unknown_facility", lang)
    return f"{f.code} {f.name_fa if lang == 'fa' and f.name_fa else f.name_en}"


def _where(facs: dict[str, Any], facility_id: str, district: str, lang: str = "en") -> str:
    if not facility_id:
        return escape(t("district", lang, d=district))
    f = facs.get(facility_id)
    return name(f"{f.code} {f.name_en}", f"{f.code} {f.name_fa}" if f.name_fa else "", lang) if f else \
        escape(t("unknown_facility", lang))


def base(request: Request) -> str:
    """The absolute path of the headquarters pages (behind a proxy's root path too)."""
    return f"{request.scope.get('root_path', '')}/hq"


def _forms(request: Request, a: Any, lang: str = "en") -> str:
    from app.hq.lifecycle import ACTIONS

    out = []
    for step, (frm, _) in ACTIONS.items():
        if a.status not in frm:
            continue
        extra = ""
        if step == "assess":
            extra = '<select name="risk_level">' + "".join(
                f'<option value="{r}">{escape(code("risk", r, lang))}</option>' for r in RISK_LEVELS) + "</select> "
        elif step == "close":
            extra = '<select name="outcome">' + "".join(
                f'<option value="{o}">{escape(code("outcome", o, lang))}</option>' for o in OUTCOMES[:2]) + "</select> "
        out.append(f'<form class="inline" method="post" action="{base(request)}/alerts/{escape(a.id)}/{step}">'
                   f'{csrf_field(request)}{extra}'
                   f'<input name="note" placeholder="{escape(t("note", lang))}" size="24" dir="auto"> '
                   f"<button>{escape(t('step_' + step, lang))}</button></form>")
    return "".join(out)


@router.post("/alerts/{alert_id}/{action}")
def alert_action(alert_id: str, action: str, request: Request, form: dict[str, str] = Depends(submitted_form),
                 conn: Connection = Depends(get_connection), actor: Actor = Depends(get_actor)) -> Response:
    # A plain def: FastAPI runs it on a worker thread (the form's CSRF token was checked by get_actor).
    lang = _guard_lang(actor, Action.VIEW_SURVEILLANCE)
    back = f"{base(request)}/alerts/{alert_id}" if _alert_exists(conn, alert_id) else f"{base(request)}/alerts"
    try:
        transition(conn, alert_id, action, by=actor.username, note=form.get("note", ""),
                   risk_level=form.get("risk_level", ""), outcome=form.get("outcome", ""))
    except AlertTransitionError as err:
        return page(t("not_changed", lang), f"<p class=\"raised\">{escape(str(err))}</p>"
                                            f'<p><a href="{back}">{escape(t("back_alerts", lang))}</a> · '
                                            f'<a href="{base(request)}/surveillance">'
                                            f'{escape(t("nav_surveillance", lang))}</a></p>',
                    request=request, lang=lang, actor=actor)
    return RedirectResponse(back, status_code=303)


def _alert_exists(conn: Connection, alert_id: str) -> bool:
    from app.hq.models import hq_alert

    return conn.execute(select(hq_alert.c.id).where(hq_alert.c.id == alert_id)).first() is not None


@router.get("/report", response_class=HTMLResponse)
def report_page(request: Request, conn: Connection = Depends(get_connection),
                actor: Actor = Depends(get_actor)) -> HTMLResponse:
    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    wk = week_of(date.today(), first_weekday(conn)).shift(-1)
    title = "Weekly epidemiological report" if lang == "en" else "گزارش هفتگی اپیدمیولوژیک"
    button = "Download PDF" if lang == "en" else "دریافت PDF"
    return page(title, f'<form method="get" action="{base(request)}/report.pdf">{escape(t("week", lang))} '
                       f'<input name="week" value="{wk.label}" dir="ltr"> <button>{button}</button></form>',
                request=request, lang=lang, actor=actor)


@router.get("/report.pdf")
def report_pdf(week: str | None = None, conn: Connection = Depends(get_connection),
               actor: Actor = Depends(get_actor)) -> Response:
    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    wk = _week(conn, week)
    # In the account's language; a coordinator's or unit administrator's report covers their unit only.
    report = build_weekly_report(conn, wk, unit_id=None if actor.is_hq else actor.unit_id)
    pdf = render_weekly_report(report, lang=lang)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="sayyar-weekly-{wk.label}.pdf"'})


@router.get("/exports", response_class=HTMLResponse)
def exports_page(request: Request, conn: Connection = Depends(get_connection),
                 actor: Actor = Depends(get_actor)) -> HTMLResponse:
    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    wk = week_of(date.today(), first_weekday(conn)).shift(-1)
    b = base(request)
    fa = lang == "fa"
    ident = ('<label><input type="checkbox" name="identities" value="1"> '
             + ("با نام، مدرک و تلفن (ثبت در حسابرسی)" if fa else "with names, documents and phones (audited)")
             + "</label>") if actor.is_hq else ""
    period = ("تاریخ شروع بیماری (یا تاریخ گزارش) از <input name=\"since\" type=\"date\"> تا "
              "<input name=\"until\" type=\"date\"> (هر دو روز شامل)" if fa else
              'Onset date (reported date when unknown) from <input name="since" type="date"> to '
              '<input name="until" type="date"> (both included)')
    fmt = '<select name="format"><option>csv</option><option>xlsx</option></select>'
    export = "خروجی" if fa else "Export"
    return page(t("nav_exports", lang), (
        f'<h2>DHIS2</h2><form method="get" action="{b}/exports/dhis2">{escape(t("week", lang))} '
        f'<input name="week" value="{wk.label}" dir="ltr"> <button>dataValueSets JSON</button></form>'
        f'<h2>{"فهرست موارد بیماری‌های واگیر" if fa else "Line list of notifiable cases"}</h2>'
        f'<form method="post" action="{b}/exports/linelist">{csrf_field(request)}{period} {fmt} {ident} '
        f'<button>{export}</button></form>'
        f'<h2>{"فهرست موارد مالاریا (گونه، آزمایش‌ها، بررسی مورد)" if fa else "Malaria line list (species, tests, case investigation)"}</h2>'
        f'<form method="post" action="{b}/exports/linelist">{csrf_field(request)}'
        f'<input type="hidden" name="malaria" value="1">'
        f'{period} {fmt} {ident} <button>{export}</button></form>'), request=request, lang=lang, actor=actor)


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
    if identities:
        # A link or an image on another site could otherwise export identities in the officer's name.
        raise HTTPException(405, "Line lists with identities are exported with the button on the Exports page "
                                 "(a POST from this site), never by following a link.")
    return _linelist(conn, actor, format, since, until, identities=False, malaria=bool(malaria))


@router.post("/exports/linelist")
def exports_linelist_post(form: dict[str, str] = Depends(submitted_form), conn: Connection = Depends(get_connection),
                          actor: Actor = Depends(get_actor)) -> Response:
    return _linelist(conn, actor, form.get("format", "csv"), form.get("since") or None, form.get("until") or None,
                     identities=form.get("identities", "") not in ("", "0"),
                     malaria=form.get("malaria", "") not in ("", "0"))


def _linelist(conn: Connection, actor: Actor, format: str, since: str | None, until: str | None, *,  # noqa: A002
              identities: bool, malaria: bool = False) -> Response:
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
def insurance(request: Request, days: int = 30, number: int | None = Query(None, alias="page"),
              conn: Connection = Depends(get_connection), actor: Actor = Depends(get_actor)) -> HTMLResponse:
    """Enrolments by unit and payer; the renewal list (cover ending in the next ``days`` days), a page at a time,
    soonest first, with how many there are."""
    from app.hq.insurance import count_expiring
    from app.hq.paging import Paging
    from app.services.labels import label as value_label

    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    fa = lang == "fa"
    today = date.today()
    days = max(0, min(days, 366))
    unit_id = None if actor.is_hq else actor.unit_id
    payers = enrolments_by_payer(conn, today=today)
    paging = Paging.of(number, count_expiring(conn, today=today, days=days, unit_id=unit_id))
    soon = expiring(conn, today=today, days=days, unit_id=unit_id, limit=paging.size, offset=paging.offset)
    nav = paging.nav(f"{base(request)}/insurance", {"days": str(days)}, lang)
    body = [f"<h2>{'ثبت‌نام‌ها به تفکیک پرداخت‌کننده' if fa else 'Enrolments by payer'}</h2>",
            table(["واحد", "پرداخت‌کننده", "ثبت‌نام‌ها", "افراد تحت پوشش", "پوشش جاری"] if fa else
                  ["Unit", "Payer", "Enrolments", "People covered", "Cover running today"],
                  [[escape(p.unit), escape(value_label("payer", p.payer, lang)), num(p.enrolments, lang),
                    num(p.members, lang), num(p.active, lang)] for p in payers], 2),
            f"<h2>{escape(f'پوشش‌هایی که تا {num(days, lang)} روز دیگر تمام می‌شوند (پیگیری تمدید)' if fa else f'Cover ending in the next {days} days (renewal follow-up)')}</h2>",
            nav,
            table(["واحد", "پایان", "روز مانده", "خانوار", "سرپرست", "تلفن", "پرداخت‌کننده", "کارت هدیه"] if fa else
                  ["Unit", "Ends", "Days left", "Household", "Head", "Phone", "Payer", "Voucher"],
                  [[escape(e["unit"]), day(e["coverage_end"], lang), num(e["days_left"], lang), escape(e["household"]),
                    name(e["head_name"], e["head_name_fa"], lang), f'<span dir="ltr">{escape(e["phone"])}</span>',
                    escape(value_label("payer", e["payer"], lang)), escape(e["voucher"])] for e in soon], 2) + nav]
    return page(t("nav_insurance", lang), "".join(body), request=request, lang=lang, actor=actor)
