"""Headquarters pages on the central server: server-rendered HTML, inline SVG, no JavaScript, no external assets.

Mount: ``app.include_router(hq_router, prefix="/hq")`` and override the two dependencies::

    app.dependency_overrides[get_connection] = <yields a SQLAlchemy Connection inside a transaction>
    app.dependency_overrides[get_actor] = <returns app.hq.access.Actor of the signed-in person>

Both defaults refuse, so an unwired router never serves data. Forms post urlencoded bodies parsed here (no
python-multipart needed).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from html import escape
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection, select

from app.hq.access import Actor, NotAllowed
from app.hq.board import device_codes, import_history, visible_laptops
from app.hq.dhis2 import MappingError, dhis2_json
from app.hq.exports import export_dhis2, export_linelist
from app.hq.forms import submitted_form
from app.hq.insurance import enrolments_by_payer, expiring
from app.hq.overview import completeness, device_status, server_sync_info, visits_this_week
from app.hq.report_data import build_weekly_report
from app.hq.report_pdf import render_weekly_report
from app.hq.surveillance import LineListQuery
from app.hq.svg import heatmap
from app.hq.tables import facilities
from app.hq.web_i18n import ago, date_value, day, num, t, week_name, when
from app.hq.web_page import (  # noqa: F401 - the other page modules and the tests take these from here
    CSS,
    NAV,
    PageError,
    _dt,
    _guard,
    _guard_lang,
    _week,
    base,
    csrf_field,
    error_page,
    first_weekday,
    get_actor,
    get_connection,
    is_admin,
    lang_of,
    name,
    page,
    table,
)
from app.hq.weeks import week_of
from app.security.roles import Action

router = APIRouter(tags=["headquarters"])


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
    wk = _week(conn, week, lang)
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
    # A Persian week's name already says its Solar Hijri days; the range again (with its Gregorian days) repeated it.
    days = "" if lang == "fa" else f" ({day(wk.start, lang)} – {day(wk.end - timedelta(days=1), lang)})"
    body = [f"<p>{escape(t('week', lang))} <strong>{escape(wk.label if lang != 'fa' else week_name(wk, lang))}"
            f"</strong>{days} · {escape(t('visits', lang))} "
            f"{num(sum(v.visits for v in visits), lang)} · "
            f"{escape(t('reported_of', lang, n=reported, total=len(visits)))} · "
            f'<a href="{b}/alerts">{escape(awaiting)}</a></p>',
            f"<h2>{escape(t('visits', lang))}</h2>",
            table([t("facility", lang), t("unit", lang), t("visits", lang), t("new", lang), t("repeat", lang)],
                  [[name(v.facility, v.facility_fa, lang), escape(v.unit), num(v.visits, lang), num(v.new, lang),
                    num(v.follow_up, lang)] for v in visits], 2),
            f"<h2>{escape(t('completeness', lang))}</h2>", heatmap(comp, lang=lang),
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


@router.get("/board", response_class=HTMLResponse)
def reporting_board(request: Request, conn: Connection = Depends(get_connection),
                    actor: Actor = Depends(get_actor)) -> HTMLResponse:
    """Every enrolled laptop with its last contact (amber 3 days, red 7 or never), completeness per facility and week
    over the facilities expected to report, and the bundle import history."""
    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    now = datetime.now(timezone.utc)
    wk = week_of(date.today(), first_weekday(conn))
    rows, classes = [], []
    shown = visible_laptops(conn, actor)  # a coordinator or unit administrator sees their own unit's laptops only
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
                     num(x.queued, lang) if x.queued is not None else "—", refusals_link(request, x, lang)])
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
            table([t("facility", lang)] + [week_name(w, lang, short=True) for w in comp.weeks], comp_rows, 1),
            f"<h2>{escape(t('import_history', lang))}</h2>",
            table([t("when", lang), t("device", lang), t("changes", lang), t("applied", lang), t("quarantined", lang)]
                  + ([t("receipt", lang)] if actor.is_hq else []),
                  [[when(r["at"], lang), escape(r["device"]), f"{num(r['seq_from'], lang)}–{num(r['seq_to'], lang)}",
                    num(r["applied"], lang), num(r["rejected"], lang)]
                   + ([f'<a href="{base(request)}/import/{escape(r["bundle_id"])}/receipt">JSON</a>']
                      if actor.is_hq else []) for r in imports], 2) if imports else "<p>—</p>"]
    return page(t("board_title", lang), "".join(body), request=request, lang=lang, actor=actor)


@router.get("/report", response_class=HTMLResponse)
def report_page(request: Request, conn: Connection = Depends(get_connection),
                actor: Actor = Depends(get_actor)) -> HTMLResponse:
    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    wk = week_of(date.today(), first_weekday(conn)).shift(-1)
    title = "Weekly epidemiological report" if lang == "en" else "گزارش هفتگی اپیدمیولوژیک"
    button = "Download PDF" if lang == "en" else "دریافت PDF"
    return page(title, f'<form method="get" action="{base(request)}/report.pdf">{week_field(wk, lang)} '
                       f'<button>{button}</button></form>', request=request, lang=lang, actor=actor)


def week_field(wk: Any, lang: str) -> str:
    """The week a form sends: in English its DHIS2 id; in Persian its first day in Solar Hijri with Persian digits,
    the week named beside it (any day of the week, in either calendar, or the id, is read back: ``_week``)."""
    if lang != "fa":
        return (f'{escape(t("week", lang))} <input name="week" value="{escape(wk.label)}" dir="ltr" size="12" '
                'title="2026SatW48, or any day of the week: 2026-11-28">')
    return (f'{escape(t("week_day", lang))} <input name="week" value="{date_value(wk.start, lang)}" dir="ltr" '
            f'size="12" title="{escape(t("week_day_hint", lang))}"> <span class="muted">{escape(week_name(wk, lang))}'
            '</span>')


@router.get("/report.pdf")
def report_pdf(week: str | None = None, conn: Connection = Depends(get_connection),
               actor: Actor = Depends(get_actor)) -> Response:
    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    wk = _week(conn, week, lang)
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
    # Persian: Solar Hijri days in Persian digits typed as text (a browser's date picker is Gregorian, in the
    # browser's own language); either calendar is read back (_linelist).
    example = date_value(wk.start, lang)
    period = (f'تاریخ شروع بیماری (یا تاریخ گزارش) از <input name="since" dir="ltr" size="12" '
              f'placeholder="{example}"> تا <input name="until" dir="ltr" size="12" placeholder="{example}"> '
              "(هر دو روز شامل؛ به تاریخ خورشیدی)" if fa else
              'Onset date (reported date when unknown) from <input name="since" type="date"> to '
              '<input name="until" type="date"> (both included)')
    fmt = '<select name="format"><option>csv</option><option>xlsx</option></select>'
    export = "خروجی" if fa else "Export"
    return page(t("nav_exports", lang), (
        f'<h2>DHIS2</h2><form method="get" action="{b}/exports/dhis2">{week_field(wk, lang)} '
        f'<button>dataValueSets JSON</button></form>'
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
    wk = _week(conn, week, lang_of(actor))
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
    lang = lang_of(actor)
    if format not in ("csv", "xlsx"):
        raise HTTPException(400, "format is csv or xlsx")
    q = LineListQuery(since=_day_field(since, "since", lang), until=_day_field(until, "until", lang))
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


def _day_field(text: str | None, field: str, lang: str) -> date | None:
    """A line list's first or last day: ISO from an English page's date picker, Solar Hijri from a Persian page
    (any digits), or either typed by hand."""
    from app.core.dates import parse_either

    if not text or not text.strip():
        return None
    try:
        return parse_either(text)
    except ValueError:
        what = t("linelist_" + field, lang)
        raise PageError(400, t("bad_day", lang, field=what), lang) from None


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
    payers = enrolments_by_payer(conn, today=today, unit_id=unit_id)
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


from app.hq import alerts_web, refusals_web  # noqa: E402 - the alert desk, alert pages and surveillance page; a laptop's refusals
from app.hq.refusals_web import refusals_link  # noqa: E402

router.routes.extend(alerts_web.router.routes)  # the routes themselves (mounting this router mounts them too)
router.routes.extend(refusals_web.router.routes)
