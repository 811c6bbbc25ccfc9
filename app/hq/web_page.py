"""What every headquarters page is made of: the two dependencies the server overrides (the connection and the
signed-in person), the page frame in the account's language (right to left for Persian), tables, names in both
languages, role checks that answer with a page, and where an alert is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from html import escape
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from app.hq.access import Actor, NotAllowed, require
from app.hq.settings import load_settings
from app.hq.web_i18n import t, when
from app.hq.weeks import Week, parse_week, week_of
from app.security.roles import Action


def get_connection() -> Iterator[Connection]:
    raise HTTPException(503, "Headquarters pages are not connected to the central database (override get_connection).")
    yield  # pragma: no cover - makes this a generator dependency like the override


def get_actor() -> Actor:
    raise HTTPException(401, "Sign in as headquarters staff (override get_actor).")


def first_weekday(conn: Connection) -> int:
    """The site's epi-week convention (``sayyar hq config``): the same on every page, report and export."""
    return load_settings(conn).first_weekday


def _week(conn: Connection, text: str | None, lang: str = "en") -> Week:
    """The week a form asked for: its DHIS2 id (``2026SatW48``, any digits) or any day in it, Solar Hijri or
    Gregorian (a Persian page offers ``۱۴۰۵/۰۹/۰۸``: its readers think in Solar Hijri days, not Gregorian week
    numbers). Unreadable: an error page in the reader's language naming the field."""
    from app.core.dates import parse_either

    fw = first_weekday(conn)
    if not text or not text.strip():
        return week_of(date.today(), fw)
    try:
        return parse_week(text, fw, strict=True)
    except ValueError as err:
        why = str(err)
    try:
        return week_of(parse_either(text), fw)
    except ValueError:
        pass
    if lang == "fa":
        why = ("هفته خوانده نشد: روزی از هفته را به تاریخ خورشیدی بنویسید، مثلاً ۱۴۰۵/۰۹/۰۸ "
               "(یا شناسهٔ DHIS2 هفته، مانند 2026SatW48).")
    else:
        why = f"Week: {why} Or give any day of the week, e.g. 2026-11-28 or 1405/09/07."
    raise PageError(400, why, lang)


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
.heatmap{direction:ltr}.nw{white-space:nowrap}"""


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
