"""A laptop's refused changes (issue 12: every refusal is quarantined with its reason and visible at headquarters).

The reporting board's "Rejected" count links here: every change the central server refused from that laptop
(``srv_rejected``, online rounds and bundles alike), newest first, a page at a time, each with when, the record type
by its name, the record id, the change's number and the reason in the account's language with the server's own
sentence beside it. Scoped like the board (a coordinator or unit administrator: their unit's laptops only; another
laptop is "no such page"). Record ids only: the server's sentences name record types, ids and devices, never a
record's values (app/sync/records.py keeps a bad value out of them).
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from app.hq.access import Actor
from app.hq.board import Laptop, visible_laptops
from app.hq.paging import Paging
from app.hq.web_i18n import code, num, t, when
from app.hq.web_page import PageError, _guard_lang, base, get_actor, get_connection, page, table
from app.security.roles import Action

router = APIRouter(tags=["headquarters"])


def refusals_path(request: Request, device_code: str) -> str:
    return f"{base(request)}/board/{quote(device_code, safe='')}/rejected"


def refusals_link(request: Request, laptop: Laptop, lang: str) -> str:
    """The board's Rejected cell: the count, a link to the list when there is one."""
    if not laptop.rejected:
        return num(0, lang)
    return f'<a href="{escape(refusals_path(request, laptop.code))}">{num(laptop.rejected, lang)}</a>'


@router.get("/board/{device_code}/rejected", response_class=HTMLResponse)
def laptop_refusals(device_code: str, request: Request, number: int | None = Query(None, alias="page"),
                    conn: Connection = Depends(get_connection), actor: Actor = Depends(get_actor)) -> HTMLResponse:
    from app.server.devices import count_rejected, list_rejected

    lang = _guard_lang(actor, Action.VIEW_UNIT_REPORTS)
    laptop = next((x for x in visible_laptops(conn, actor) if x.code == device_code), None)
    if laptop is None:  # not enrolled, or not on this account's board: the same answer, nothing is told
        raise PageError(404, t("not_found", lang), lang)
    paging = Paging.of(number, count_rejected(conn, laptop.device_id))
    refused = list_rejected(conn, laptop.device_id, offset=paging.offset, limit=paging.size)
    path = refusals_path(request, laptop.code)
    rows = [[when(r.at, lang), escape(code("entity", r.entity, lang)) or "—",
             f'<span dir="ltr" class="nw">{escape(r.record_id)}</span>',
             f'<span dir="ltr">{num(r.epoch, lang)} · {num(r.seq, lang)}</span>',
             f'<strong>{escape(code("rejection", r.code, lang))}</strong><br>'
             f'<span dir="ltr" lang="en" class="muted">{escape(r.reason)}</span>'] for r in refused]
    nav = paging.nav(path, {}, lang)
    b = base(request)
    body = [f'<p class="muted">{escape(t("refusals_intro", lang))}</p>',
            f"<p>{escape(t('unit', lang))}: {escape(laptop.unit or '—')}</p>", nav,
            table([t("when", lang), t("record_type", lang), t("record_id", lang), t("change_seq", lang),
                   t("reason", lang)], rows) + nav if rows else f"<p>{escape(t('no_refusals', lang))}</p>",
            f'<p><a href="{b}/board">{escape(t("back_board", lang))}</a></p>']
    return page(t("refusals_title", lang, device=laptop.code), "".join(body), request=request, lang=lang,
                actor=actor)


__all__ = ["laptop_refusals", "refusals_link", "refusals_path", "router"]
