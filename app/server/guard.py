"""Cheap to say no (trust rules, docs/architecture.md): the central server's outermost layer, an ASGI middleware.

- A device token is checked before a byte of the body is read; a request without a valid one gets 401 at once.
- Each route has a body limit: a declared ``Content-Length`` above it is refused before reading, and a body that
  grows past it while streaming is cut off with 413.
- Failed sign-ins and unknown tokens are slowed by an asynchronous delay, outside any transaction and without
  holding a worker thread; a client address with too many failures is turned away (429) for a while, and so is a
  headquarters account (per-account lockout), whatever password comes next. An account's lock is kept in the
  database by headquarters (``on_account_lock``), so a restart does not lift it; an address's is short and not kept.
- A state change on a headquarters page (POST), or an audited download by link (GET), from another site's page is
  refused (``Origin``/``Sec-Fetch-Site``).
- Every answer carries security headers: no framing, no sniffing, no referrer, ``Cache-Control: no-store``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
from sqlalchemy import Engine

from app.server import devices

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KIB, MIB = 1024, 1024 * 1024
# Body limits by path prefix (first match wins); everything else gets DEFAULT_LIMIT.
LIMITS: tuple[tuple[str, int], ...] = (
    ("/v1/changes", 48 * MIB),  # 5,000 entries with room to spare
    ("/v1/bundles", 64 * MIB),  # larger bundles go through `sayyar hq import` at headquarters
    ("/hq/import", 64 * MIB),  # a USB bundle uploaded on the headquarters import page (as /v1/bundles)
    ("/hq/sign-in", 16 * KIB),  # read before anyone is known: a name and a password, never megabytes
    ("/hq", 4 * MIB),  # forms, a disease registry to publish
)
DEFAULT_LIMIT = 64 * KIB

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
)


@dataclass
class Throttle:
    """Failures per key (a client address, an account) in a sliding window. In memory: one server process."""

    window_s: float = 300.0
    per_client: int = 30  # failures from one address before it is turned away
    per_account: int = 10  # failed passwords for one account before it is locked
    client_lock_s: float = 60.0  # short: behind a proxy without forwarded addresses every client is one address
    account_lock_s: float = 900.0
    base_delay_s: float = 0.25
    max_delay_s: float = 4.0
    clock: Callable[[], float] = time.monotonic
    # Called (on a worker thread, outside any transaction) when an account is locked, with its key and the seconds
    # of the lock: headquarters keeps it in its database so that a restart does not lift it (app/hq/web_auth.py).
    on_account_lock: Callable[[str, float], None] | None = None
    # With several server processes (``--workers N``) an account's failures and lock are counted in the database
    # instead, so that N processes do not allow N times the tries, nor a lock in one leave the others open:
    # ``shared_failure(key, limit, window_s, lock_s)`` counts one and says whether it locked the account;
    # ``shared_lock_left(key)`` is the seconds left of its lock. Both on a worker thread, each its own transaction.
    several_processes: bool = False  # set by the runner for ``--workers N`` above 1; headquarters sets the hooks
    shared_failure: Callable[[str, int, float, float], bool] | None = None
    shared_lock_left: Callable[[str], float] | None = None
    _fails: dict[str, list[float]] = field(default_factory=dict)
    _locked: dict[str, float] = field(default_factory=dict)
    _mutex: threading.Lock = field(default_factory=threading.Lock)

    def failed(self, key: str, limit: int, lock_s: float) -> bool:
        """Count a failure; True when it locks ``key`` (never with ``limit`` 0: counted for the delay only)."""
        now = self.clock()
        with self._mutex:
            if len(self._fails) > 50_000:  # bounded: forget the oldest half
                for k in sorted(self._fails, key=lambda k: self._fails[k][-1])[:25_000]:
                    del self._fails[k]
            recent = [t for t in self._fails.get(key, []) if now - t < self.window_s]
            recent.append(now)
            self._fails[key] = recent[-max(limit, 8) * 2:]
            if limit and len(recent) >= limit:
                self._locked[key] = now + lock_s
                return True
            return False

    def lock(self, key: str, seconds: float) -> None:
        """Lock ``key`` for ``seconds`` from now (a lock kept from before a restart)."""
        with self._mutex:
            self._locked[key] = max(self._locked.get(key, 0.0), self.clock() + seconds)

    def locked_for(self, key: str) -> float:
        """Seconds until ``key`` may try again (0: now)."""
        with self._mutex:
            until = self._locked.get(key, 0.0)
            left = until - self.clock()
            if left <= 0 and key in self._locked:
                del self._locked[key]
            return max(0.0, left)

    async def account_locked_for(self, key: str) -> float:
        """Seconds until the account ``key`` may try again: this process's lock, else the database's (several
        processes), which is then kept here too."""
        if wait := self.locked_for(key):
            return wait
        if self.shared_lock_left is None:
            return 0.0
        wait = await anyio.to_thread.run_sync(self.shared_lock_left, key)
        if wait > 0:
            self.lock(key, wait)
        return max(0.0, wait)

    def delay(self, key: str) -> float:
        with self._mutex:
            n = len(self._fails.get(key, []))
        return float(min(self.max_delay_s, self.base_delay_s * (2 ** min(n, 8)) / 2))


class BodyTooLarge(Exception):
    pass


def _too_large(err: BaseException | None, depth: int = 0) -> bool:
    """BodyTooLarge, also when a middleware's task group wrapped it in an exception group."""
    if err is None or depth > 8:
        return False
    if isinstance(err, BodyTooLarge):
        return True
    if isinstance(err, BaseExceptionGroup):
        return any(_too_large(e, depth + 1) for e in err.exceptions)
    return _too_large(err.__cause__ or err.__context__, depth + 1)


def _limit(path: str) -> int:
    for prefix, size in LIMITS:
        if path.startswith(prefix):
            return size
    return DEFAULT_LIMIT


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k.lower() == name:
            return str(v.decode("latin-1"))
    return None


def _basic_username(authorization: str | None) -> str | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None
    return decoded.split(":", 1)[0].strip().lower()[:60] or None


def _bearer(authorization: str | None) -> str | None:
    if not authorization or not authorization.lower().startswith("bearer "):
        return None
    return authorization[7:].strip() or None


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Downloads by a plain link (GET) that write an audit row in the signed-in officer's name: an image or a link on
# another site must not add rows to that officer's audit trail, so they too must come from this server's pages.
_AUDITED_DOWNLOADS = ("/hq/exports/", "/hq/immunisation/dhis2")


def _same_origin(scope: Scope) -> bool:
    """A state change (POST) on a headquarters page must come from a page of this server: browsers name the page's
    site in ``Origin`` (or ``Sec-Fetch-Site``); scripts and the command line send neither and are let through."""
    origin = _header(scope, b"origin")
    fetch_site = _header(scope, b"sec-fetch-site")
    if origin == "null":
        # Chromium hides the origin of a page opened with credentials in its address; its own Sec-Fetch-Site
        # still tells a same-origin form from another site's (a sandboxed frame elsewhere says "cross-site").
        return fetch_site == "same-origin"
    if origin is not None:
        return urlsplit(origin).netloc.lower() == (_header(scope, b"host") or "").lower()
    return fetch_site in (None, "same-origin", "none")


def _needs_device(path: str) -> bool:
    return path.startswith("/v1/") and path != "/v1/health"


class Guard:
    def __init__(self, app: ASGIApp, engine: Engine, throttle: Throttle | None = None) -> None:
        self.app = app
        self.engine = engine
        self.throttle = throttle or Throttle()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        client = client_key(scope)
        send = self._with_headers(send)
        authorization = _header(scope, b"authorization")
        account = _basic_username(authorization) if path.startswith("/hq") else None
        if _needs_device(path):
            token = _bearer(authorization)
            known = token is not None and await anyio.to_thread.run_sync(self._known_token, token)
            if not known:
                if wait := self.throttle.locked_for(client):
                    await _answer(send, 429, "Too many failed attempts from this address; try again later.", wait)
                    return
                await self._fail(client, None)
                await _answer(send, 401, "unknown or revoked device token" if token else "a device token is required",
                              headers=[(b"www-authenticate", b"Bearer")])
                return
        else:
            method = scope.get("method", "GET")
            if (method not in _SAFE_METHODS or path.startswith(_AUDITED_DOWNLOADS)) and not _same_origin(scope):
                await _answer(send, 403, "A page from another site may not change anything here.")
                return
            if wait := self.throttle.locked_for(client):
                await _answer(send, 429, "Too many failed attempts from this address; try again later.", wait)
                return
            if account and (wait := await self.throttle.account_locked_for(f"account:{account}")):
                await _answer(send, 429, "This account is locked after too many wrong passwords; try again later.",
                              wait)
                return
        limit = _limit(path)
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _answer(send, 413, f"The request body is larger than this address accepts ({limit // KIB} KiB).")
            return
        started = False
        size = 0

        async def counted_receive() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > limit:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if int(message["status"]) == 401 and path.startswith("/hq") and authorization:
                    # A wrong password: slowed here, after the page's transaction has ended.
                    await self._fail(client, account)
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except Exception as err:
            if not _too_large(err):
                raise
            if not started:
                await _answer(send, 413, f"The request body is larger than this address accepts ({limit // KIB} KiB).")

    def _known_token(self, token: str) -> bool:
        with self.engine.connect() as conn:
            return devices.device_for_token(conn, token) is not None

    async def _fail(self, client: str, account: str | None) -> None:
        await record_failure(self.throttle, client, account)

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(k, v) for k, v in SECURITY_HEADERS if k not in have]]
            await send(message)

        return wrapped


def client_key(scope: Scope) -> str:
    """The throttle's key for a request's client address."""
    return f"client:{(scope.get('client') or ('?', 0))[0]}"


async def record_failure(throttle: Throttle, client: str, account: str | None) -> None:
    """A failed sign-in: counted for the address and the account (lockout), then slowed on the event loop, outside
    any transaction. The headquarters sign-in form uses it too (the account's name is in the form, not a header)."""
    throttle.failed(client, throttle.per_client, throttle.client_lock_s)
    delay = throttle.delay(client)
    if account:
        key = f"account:{account}"
        if throttle.shared_failure is not None:  # several processes: the database's count decides
            throttle.failed(key, 0, 0.0)  # counted here for the delay only
            if await anyio.to_thread.run_sync(throttle.shared_failure, key, throttle.per_account,
                                              throttle.window_s, throttle.account_lock_s):
                throttle.lock(key, throttle.account_lock_s)
        elif throttle.failed(key, throttle.per_account, throttle.account_lock_s) and throttle.on_account_lock:
            await anyio.to_thread.run_sync(throttle.on_account_lock, key, throttle.account_lock_s)
        delay = max(delay, throttle.delay(key))
    await asyncio.sleep(delay)


def validation_errors(errors: Any) -> list[dict[str, Any]]:
    """What a 422 says: where and why, never the value sent (it can be a patient's name, and NaN or Infinity cannot
    even be written back as JSON: echoing them made every small JSON body's NaN a 500 with a traceback)."""
    out = []
    for e in list(errors)[:50]:
        value = e.get("input")
        nan = isinstance(value, float) and not math.isfinite(value)
        out.append({"type": str(e.get("type", "")), "loc": [str(p) for p in e.get("loc", ())],
                    "msg": "NaN and Infinity are not accepted here; send a finite number" if nan
                    else str(e.get("msg", ""))})
    return out


async def validation_answer(request: Any, exc: Any) -> Any:
    """The API's answer to a body or query that does not fit (FastAPI's own handler echoes the values)."""
    from fastapi.responses import JSONResponse

    return JSONResponse(status_code=422, content={"detail": validation_errors(exc.errors())})


async def _answer(send: Send, status: int, message: str, retry_after: float = 0.0,
                  headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": message}).encode("utf-8")
    extra = list(headers or [])
    if retry_after:
        extra.append((b"retry-after", str(int(retry_after) + 1).encode()))
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})
