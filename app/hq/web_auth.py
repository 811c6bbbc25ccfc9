"""Signing in to the headquarters pages (issue 17, item 5): the sign-in page, sign-out, the session behind every page,
CSRF tokens on every form, lockout after wrong passwords, and the staff list for a headquarters administrator.

- A browser signs in on ``/hq/sign-in`` and gets a session cookie (HttpOnly, SameSite=Strict, Secure over TLS,
  path /hq). A page asked for without a session sends the browser to the sign-in page (303), and back afterwards.
- Every POST made with a session must carry the session's CSRF token (``csrf`` form field, put into every form by
  ``csrf_field``), in addition to the server guard's same-origin check. The form is read and checked here, in the
  sign-in dependency, before any page runs; pages take it with ``Depends(submitted_form)`` (app/hq/forms.py).
- Wrong passwords on the sign-in form count against the account and the address in the server guard's throttle
  (``app.state.throttle``): after 10 in 5 minutes the account is locked for 15 minutes whatever password comes next,
  from any address, and the lock is kept in the database (``keep_locks``: a restart does not lift it).
- Scripts may still send HTTP Basic credentials (no session, no cookie; never asked for by the server, so a browser
  never keeps them); the guard counts their failures the same way.
- Database work (the session lookup, the argon2 check) runs on worker threads, never on the event loop.
- One password check at a time per server process (``PASSWORD_CHECKS``): an argon2 check takes 64 MiB and most of a
  core, so sixty wrong passwords sent together grew the server to 2.5 GB and took both cores from the devices. The
  others wait on the event loop, holding no worker thread.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool

from app.hq.access import Actor
from app.hq.forms import read_form, submitted_form
from app.hq.sessions import COOKIE, SessionPolicy, end_session, find_session, same_token, start_session
from app.hq.staff import (
    MAX_PASSWORD_CHARS,
    StaffError,
    find_staff,
    hash_password,
    list_staff,
    set_active,
    set_password_hash,
    verify_staff,
)
from app.hq.web import PageError, base, csrf_field, get_actor, get_connection, is_admin, lang_of, page, table
from app.hq.web_i18n import code, t, when

router = APIRouter(tags=["headquarters"])

PRE_COOKIE = "sayyar_hq_signin"  # the sign-in form's own token (a form posted from elsewhere signs no one in)
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def _engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def _policy(request: Request) -> SessionPolicy:
    policy = getattr(request.app.state, "hq_sessions", None)
    if policy is None:
        policy = request.app.state.hq_sessions = SessionPolicy()
    return policy  # type: ignore[no-any-return]


def _throttle(request: Request) -> Any:
    return _throttle_of(request.app)


def _browser_lang(request: Request) -> str:
    chosen = request.query_params.get("lang")
    if chosen in ("en", "fa"):
        return chosen
    return "fa" if (request.headers.get("accept-language") or "").lower().startswith("fa") else "en"


# --- who is asking -------------------------------------------------------------------------------------------------


def _basic(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None
    name, sep, password = decoded.partition(":")
    return (name, password) if sep else None


PASSWORD_CHECKS = 1
_checks: RunVar[CapacityLimiter] = RunVar("sayyar_password_checks")  # one per event loop, as anyio's own limiter


def _check_password(engine: Engine, username: str, password: str) -> Actor | None:
    with engine.connect() as conn:  # a short read; the slow argon2 check runs after the connection is back
        row = find_staff(conn, username)
    return verify_staff(row, password)


async def _checked_password(engine: Engine, username: str, password: str) -> Actor | None:
    try:
        limiter = _checks.get()
    except LookupError:
        limiter = CapacityLimiter(PASSWORD_CHECKS)
        _checks.set(limiter)
    return await anyio.to_thread.run_sync(_check_password, engine, username, password, limiter=limiter)


def session_actor(engine: Engine) -> Callable[[Request], Awaitable[Actor]]:
    """The dependency behind ``app.hq.web.get_actor``: the session's account (and the CSRF check of a POST), else a
    script's Basic credentials, else the sign-in page (browsers) or 401."""
    from app.hq.staff import ensure_staff_table

    ensure_staff_table(engine)

    async def actor(request: Request) -> Actor:
        token = request.cookies.get(COOKIE)
        if token:
            found = await run_in_threadpool(find_session, engine, token, _policy(request))
            if found is not None:
                request.state.hq_csrf, request.state.hq_admin = found.csrf, found.admin
                if request.method not in _SAFE:
                    form = await read_form(request)
                    if not same_token(form.get("csrf"), found.csrf):
                        lang = lang_of(found.actor)
                        raise PageError(403, t("csrf_refused", lang), lang)
                return found.actor
        creds = _basic(request.headers.get("authorization"))
        if creds is not None:
            signed = await _checked_password(engine, *creds)
            if signed is None:
                # The guard (app/server/guard.py) delays this 401 and locks the account after repeated failures.
                raise HTTPException(401, "Sign in with your headquarters account.")
            if request.method not in _SAFE:
                await read_form(request)
            return signed
        if request.method in _SAFE and "text/html" in (request.headers.get("accept") or ""):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            where = f"{base(request)}/sign-in?next={quote(target, safe='')}" + ("&ended=1" if token else "")
            raise HTTPException(303, "Sign in first.", headers={"Location": where})
        accept = (request.headers.get("accept-language") or "").lower()
        if not accept.startswith(("fa", "en")):
            raise HTTPException(401, t("session_ended" if token else "sign_in_needed", "en"))  # both languages
        lang = "fa" if accept.startswith("fa") else "en"
        raise PageError(401, t("session_ended" if token else "sign_in_needed", lang), lang)

    return actor


def keep_locks(app: Any, engine: Engine) -> None:
    """Account locks outlive a restart: the guard's throttle writes each new one to the database and takes those
    still running when the server starts. With ``--workers N`` the processes also count an account's failures in
    the database and read its lock there (``count_failure``, ``lock_left``): ten wrong passwords lock it in every
    process, not ten per process. (An address's short lock is each process's own.)"""
    from app.hq.staff import count_failure, keep_lock, kept_locks, lock_left

    throttle = _throttle_of(app)
    throttle.on_account_lock = lambda key, seconds: keep_lock(engine, key, seconds)
    if throttle.several_processes:
        throttle.shared_failure = lambda key, limit, window_s, lock_s: count_failure(engine, key, limit, window_s,
                                                                                      lock_s)
        throttle.shared_lock_left = lambda key: lock_left(engine, key)
    for key, seconds in kept_locks(engine).items():
        throttle.lock(key, seconds)


def _throttle_of(app: Any) -> Any:
    throttle = getattr(app.state, "throttle", None)
    if throttle is None:
        from app.server.guard import Throttle

        throttle = app.state.throttle = Throttle()
    return throttle


# --- the sign-in page ------------------------------------------------------------------------------------------------


def _next(request: Request, value: str | None) -> str:
    """Only a page of these pages (no open redirect to another site)."""
    b = base(request)
    if value and value.startswith(b + "/") and "//" not in value and "\\" not in value and "\r" not in value \
            and "\n" not in value and not value.startswith(b + "/sign-"):
        return value
    return b + "/"


def _sign_in_page(request: Request, lang: str, *, message: str = "", status: int = 200, username: str = "",
                  next_url: str = "") -> HTMLResponse:
    import secrets

    pre = secrets.token_urlsafe(24)
    b = base(request)
    other = "fa" if lang == "en" else "en"
    query = f"lang={other}" + (f"&next={quote(next_url, safe='')}" if next_url else "")
    body = (f'<p class="raised" role="alert">{escape(message)}</p>' if message else "") + (
        f'<form method="post" action="{b}/sign-in" class="signin">'
        f'<input type="hidden" name="pre" value="{pre}"><input type="hidden" name="next" value="{escape(next_url)}">'
        f'<input type="hidden" name="lang" value="{lang}">'
        f'<p><label>{escape(t("username", lang))}<br><input name="username" value="{escape(username)}" dir="ltr" '
        f'autocomplete="username" required autofocus></label></p>'
        f'<p><label>{escape(t("password", lang))}<br><input name="password" type="password" dir="ltr" '
        f'autocomplete="current-password" required></label></p>'
        f'<p><button>{escape(t("sign_in", lang))}</button></p></form>'
        f'<p class="muted"><a href="{b}/sign-in?{escape(query)}" lang="{other}">{escape(t("other_language", lang))}</a></p>')
    response = page(t("sign_in_title", lang), body, request=request, lang=lang, nav=False)
    response.status_code = status
    response.set_cookie(PRE_COOKIE, pre, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        path=b)
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str | None = None, lang: str | None = None,  # noqa: A002
                 ended: int = 0, out: int = 0) -> HTMLResponse:
    language = lang if lang in ("en", "fa") else _browser_lang(request)
    message = t("session_ended", language) if ended else (t("signed_out", language) if out else "")
    return _sign_in_page(request, language, message=message, next_url=_next(request, next) if next else "")


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    from app.server.guard import client_key, record_failure

    form = await read_form(request)
    lang = form.get("lang") if form.get("lang") in ("en", "fa") else _browser_lang(request)
    name = form.get("username", "").strip().lower()[:60]
    next_url = _next(request, form.get("next"))
    if not same_token(form.get("pre"), request.cookies.get(PRE_COOKIE) or ""):
        return _sign_in_page(request, lang, message=t("sign_in_form_old", lang), status=400, username=name,
                             next_url=next_url)
    throttle = _throttle(request)
    client = client_key(request.scope)
    for key, text in ((f"account:{name}", "account_locked"), (client, "address_locked")):
        if wait := (await throttle.account_locked_for(key) if key != client else throttle.locked_for(key)):
            response = _sign_in_page(request, lang, message=t(text, lang, n=max(1, math.ceil(wait / 60))),
                                     status=429, username=name, next_url=next_url)
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
    signed = await _checked_password(_engine(request), name, form.get("password", ""))
    if signed is None:
        await record_failure(throttle, client, name or None)  # counted and slowed outside any transaction
        return _sign_in_page(request, lang, message=t("wrong_password", lang), status=401, username=name,
                             next_url=next_url)
    if old := request.cookies.get(COOKIE):  # a sign-in over an older session replaces it (no session left behind)
        await run_in_threadpool(end_session, _engine(request), old)
    token, _ = await run_in_threadpool(start_session, _engine(request), signed.username, _policy(request))
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        path=base(request))
    response.delete_cookie(PRE_COOKIE, path=base(request))
    return response


@router.post("/sign-out")
def sign_out(request: Request, actor: Actor = Depends(get_actor)) -> Response:  # noqa: B008
    token = request.cookies.get(COOKIE)
    if token:
        end_session(_engine(request), token)
    response = RedirectResponse(f"{base(request)}/sign-in?out=1&lang={lang_of(actor)}", status_code=303)
    response.delete_cookie(COOKIE, path=base(request))
    return response


# --- the staff list ----------------------------------------------------------------------------------------------------


def _require_admin(request: Request, actor: Actor) -> str:
    lang = lang_of(actor)
    if not is_admin(request):
        raise PageError(403, t("admins_only", lang), lang)
    return lang


@router.get("/staff", response_class=HTMLResponse)
def staff_page(request: Request, reset: str = "", conn: Connection = Depends(get_connection),  # noqa: B008
               actor: Actor = Depends(get_actor)) -> HTMLResponse:  # noqa: B008
    from app.hq.tables import units as unit_table

    lang = _require_admin(request, actor)
    units = {k: v.get("code", "") for k, v in unit_table(conn).items()}
    b = base(request)
    rows, classes = [], []
    for s in list_staff(conn):
        step = "deactivate" if s.active else "reactivate"
        who = quote(s.username, safe="")
        button = "" if s.username == actor.username else (
            f'<form class="inline" method="post" action="{b}/staff/{who}/{step}">'
            f'{csrf_field(request)}<button>{escape(t(step, lang))}</button></form>')
        button += (f'<form class="inline" method="post" action="{b}/staff/{who}/password">{csrf_field(request)}'
                   f'<input type="password" name="password" minlength="8" autocomplete="new-password" size="12" '
                   f'dir="ltr" placeholder="{escape(t("new_password", lang))}" required> '
                   f'<button>{escape(t("reset_password", lang))}</button></form>')
        classes.append("" if s.active else "closed")
        rows.append([f'<span dir="ltr">{escape(s.username)}</span>', escape(code("role", s.role, lang)),
                     escape(units.get(s.unit_id or "", s.unit_id or "—")), escape(code("language", s.language, lang)),
                     escape(t("yes" if s.active else "no", lang)), escape(t("yes" if s.admin else "no", lang)),
                     when(s.last_sign_in_at, lang), button])
    known = {s.username for s in list_staff(conn)}
    done = (f'<p class="verified">{escape(t("password_set", lang, who=reset))}</p>' if reset in known else "")
    body = (done + f'<p class="muted">{escape(t("staff_intro", lang))}</p>'
            + table([t("username", lang), t("role", lang), t("unit", lang), t("language", lang), t("active", lang),
                     t("administrator", lang), t("last_sign_in", lang), ""], rows, row_classes=classes))
    return page(t("staff_title", lang), body, request=request, lang=lang, actor=actor)


@router.post("/staff/{username}/password")
def staff_password(username: str, request: Request, form: dict[str, str] = Depends(submitted_form),  # noqa: B008
                   conn: Connection = Depends(get_connection),  # noqa: B008
                   actor: Actor = Depends(get_actor)) -> Response:  # noqa: B008
    """A staff administrator gives an account a new password (told to its owner in person); its sessions end."""
    lang = _require_admin(request, actor)
    password = form.get("password", "")
    try:
        hashed = hash_password(password)  # argon2 before the transaction's first statement
    except StaffError:
        too_long = len(password) > MAX_PASSWORD_CHARS
        raise PageError(400, t("password_long" if too_long else "password_short", lang, most=MAX_PASSWORD_CHARS),
                        lang) from None
    if not set_password_hash(conn, username, hashed, by=actor):
        raise PageError(404, t("no_such_account", lang, who=username[:60]), lang)
    return RedirectResponse(f"{base(request)}/staff?reset={quote(username.strip().lower()[:60], safe='')}",
                            status_code=303)


@router.post("/staff/{username}/{step}")
def staff_step(username: str, step: str, request: Request, conn: Connection = Depends(get_connection),  # noqa: B008
               actor: Actor = Depends(get_actor)) -> Response:  # noqa: B008
    lang = _require_admin(request, actor)
    if step not in ("deactivate", "reactivate"):
        raise PageError(404, t("not_found", lang), lang)
    try:
        done = set_active(conn, username, step == "reactivate", by=actor)
    except StaffError:
        raise PageError(400, t("not_own_account", lang), lang) from None
    if not done:
        raise PageError(404, t("no_such_account", lang, who=username[:60]), lang)
    return RedirectResponse(f"{base(request)}/staff", status_code=303)
