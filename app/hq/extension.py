"""Headquarters as an extension of the central server (``app.server.extensions``): its tables, the outbreak
alerts raised in the transaction that brought the cases, and the /hq pages for staff accounts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine


class Headquarters:
    def ensure_schema(self, engine: Engine) -> None:
        from app.hq.models import ensure_hq_schema

        ensure_hq_schema(engine)  # alerts, audit tables and report indexes live in the central database
        from app.hq.immunisation import coverage_table_empty, rebuild_coverage

        with engine.begin() as conn:  # a new coverage table (an upgraded central database): every child, once
            if coverage_table_empty(conn):
                rebuild_coverage(conn)

    def after_changes_applied(self, conn: Connection, touched: Mapping[str, list[str]]) -> None:
        # Outbreak alerts are raised in this same transaction, so headquarters sees them with the case that caused
        # them; a failure is contained in a savepoint and never costs the batch.
        if "surveillance_case" in touched:
            from app.hq.hooks import after_changes_applied

            after_changes_applied(conn, touched)
        # Immunisation coverage per child (hq_child_coverage): the children whose patient row, doses or visits the
        # batch touched are re-assessed here, in their own savepoint too.
        from app.hq import immunisation

        immunisation.after_changes_applied(conn, touched)

    def mount(self, app: Any, engine: Engine) -> None:
        """Headquarters' pages (overview, surveillance and alerts, weekly report, exports) at /hq, for staff
        accounts. They are HTML for people, so they stay out of the sync API's OpenAPI description."""
        from fastapi import Depends

        from app.hq import web, web_auth
        from app.hq.sessions import SessionPolicy

        def connection(_: Any = Depends(web.get_actor)):  # type: ignore[no-untyped-def]  # noqa: B008
            # Sign-in first (outside any transaction), then the page's one transaction.
            with engine.begin() as conn:
                yield conn

        app.include_router(web_auth.router, prefix="/hq", include_in_schema=False)  # sign-in, sign-out, staff
        app.include_router(web.router, prefix="/hq", include_in_schema=False)
        from app.hq import immunisation_web

        app.include_router(immunisation_web.router, prefix="/hq", include_in_schema=False)
        from app.hq import workspace_web

        app.include_router(workspace_web.router, prefix="/hq", include_in_schema=False)  # bundle upload, conflicts
        app.dependency_overrides[web.get_connection] = connection
        # Web sessions (sign-in page, idle timeout, CSRF tokens), Basic for scripts: app/hq/web_auth.py.
        app.state.hq_sessions = SessionPolicy()
        app.dependency_overrides[web.get_actor] = web_auth.session_actor(engine)
        web_auth.keep_locks(app, engine)
        # Forms from another site are refused by the server's guard (app/server/guard.py), before any page runs.
        _html_errors(app)


async def _account_lang(request: Any) -> str | None:
    """The signed-in account's language, for an error raised before the page could ask (a malformed parameter)."""
    from starlette.concurrency import run_in_threadpool

    from app.hq.sessions import COOKIE, find_session
    from app.hq.web_auth import _policy
    from app.hq.web_page import lang_of

    token = request.cookies.get(COOKIE)
    engine = getattr(request.app.state, "engine", None)
    if not token or engine is None:
        return None
    try:
        found = await run_in_threadpool(find_session, engine, token, _policy(request))
    except Exception:  # noqa: BLE001 - the error page still comes, in the browser's language
        return None
    return lang_of(found.actor) if found is not None else None


def _html_errors(app: Any) -> None:
    """Errors of the /hq pages come back as HTML pages in the staff's language (a page raised with the account's
    language; else the browser's Accept-Language; else both), never as the sync API's JSON. Other paths keep the
    API's JSON answers."""
    from fastapi.exception_handlers import http_exception_handler
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from app.hq.web import error_page
    from app.hq.web_i18n import t
    from app.server.guard import validation_answer

    def language(request: Any, exc: Any) -> str | None:
        lang = getattr(exc, "lang", None)
        if lang:
            return str(lang)
        accept = (request.headers.get("accept-language") or "").lower()
        return "fa" if accept.startswith("fa") else ("en" if accept.startswith("en") else None)

    def root(request: Any) -> str:
        return f"{request.scope.get('root_path', '')}/hq"

    async def http_error(request: Any, exc: Any) -> Any:
        if not request.url.path.startswith("/hq"):
            return await http_exception_handler(request, exc)
        response = error_page(exc.status_code, str(exc.detail), language(request, exc), root(request))
        for k, v in (getattr(exc, "headers", None) or {}).items():
            response.headers[k] = v  # Location: a browser without a session goes to the sign-in page
        return response

    async def validation_error(request: Any, exc: Any) -> Any:
        if not request.url.path.startswith("/hq"):
            return await validation_answer(request, exc)  # the API's answer, which echoes no value
        where = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()[:5])
        lang = await _account_lang(request) or language(request, exc)
        return error_page(400, t("bad_value", lang or "en", where=where), lang, root(request))

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)


def extension() -> Headquarters:
    return Headquarters()
