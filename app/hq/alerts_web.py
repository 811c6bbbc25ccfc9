"""The alert pages: the alert desk (every unresolved alert, a page at a time), one alert with its cases, stages
and history, the EWARS steps posted from them, and the surveillance page (epidemic curves, the alerts of the last
weeks, the line list). Mounted with the other pages through ``app.hq.web.router``."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from html import escape
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection, select

from app.hq.access import Actor
from app.hq.alerts import OPEN_STATUSES, Alert, AlertTransitionError, alert_case_ids
from app.hq.forms import submitted_form
from app.hq.lifecycle import OUTCOMES, RISK_LEVELS, history, transition
from app.hq.registry import active_registry
from app.hq.settings import load_settings
from app.hq.surveillance import LineListQuery, line_list, test_results
from app.hq.svg import bar_chart
from app.hq.tables import facilities
from app.hq.tables import units as unit_table
from app.hq.web_i18n import ago, code, day, disease_name, num, t, week_name, when
from app.hq.web_page import (
    PageError,
    _guard_lang,
    _late,
    _where,
    _where_text,
    base,
    csrf_field,
    first_weekday,
    get_actor,
    get_connection,
    name,
    page,
    table,
)
from app.hq.weeks import last_weeks, week_of
from app.security.roles import Action

router = APIRouter(tags=["headquarters"])


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
            escape(week_name(a.week, lang)) + _late(a, fw, lang), num(a.case_count, lang),
            f'<span class="{a.status}">{escape(code("status", a.status, lang))}</span>',
            f'<a href="{b}/alerts/{escape(a.id)}">{escape(t("open_alert", lang))}</a>'])
    nav = paging.nav(f"{b}/alerts", {"status": status or ""}, lang)
    body = [f'<p class="muted">{escape(t("alerts_intro", lang))}</p>',
            _desk_counts(counts, status, b, lang) if counts.total else "", nav,
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
        (t("week", lang), escape(week_name(a.week, lang)) + _late(a, fw, lang)),
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
        return [escape(week_name(a.week, lang)) + _late(a, fw, lang),
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
             "".join(bar_chart(d, c, labels, lang=lang) for d, c in sorted(curves.items())) or "<p>—</p>", "</div>",
             f"<h2>{'Line list (no identities)' if not fa else 'فهرست موارد (بدون اطلاعات هویتی)'}</h2>", nav_c,
             table([t("disease", lang), t("classification", lang), t("onset", lang), t("week", lang),
                    t("facility", lang), t("unit", lang), t("age_band", lang), t("sex", lang)],
                   [[escape(disease_name(registry, c["disease"], lang)),
                     escape(code("classification", c["classification"], lang)),
                     day(c["onset_date"], lang) if c["onset_date"] else "", escape(week_name(c["epi_week"], lang)),
                     name(c["facility"], c["facility_fa"], lang), escape(c["unit"]),
                     escape(code("age_band", c["age_band"], lang)), escape(code("sex", c["sex"], lang))]
                    for c in cases]) + nav_c]
    return page(t("nav_surveillance", lang), "".join(body), request=request, lang=lang, actor=actor)


EARLIER_SHOWN = 20  # the surveillance page's sample of older open alerts; the desk has them all


def _convention_fa(fw: int) -> str:
    names = ["دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"]
    return t("week_convention", "fa", start=names[fw % 7], end=names[(fw + 6) % 7])


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
