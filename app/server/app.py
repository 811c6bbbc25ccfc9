"""The central server (FastAPI): push change batches, read the change feed, upload bundles, health. OpenAPI docs at
``/docs``. Every endpoint except health needs an enrolled, not revoked device's bearer token."""


import errno
import logging
import math
import tempfile
import threading
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from app.server import devices, feed, scope
from app.server import models as m
from app.server.apply import DEFAULT_CLOCK_MARGIN_MS, ApplyHook, BatchRefused, apply_changes, apply_isolated, now_ms
from app.server.db import feed_connection, open_database
from app.server.extensions import extensions
from app.server.guard import LIMITS, Guard, Throttle, validation_answer
from app.server.hq_import import BundleRejected, import_bundle_bytes
from app.sync.protocol import (
    BatchAck,
    ChangeBatch,
    ConflictItem,
    ConflictResolution,
    DeviceHello,
    DeviceStatus,
    EpochState,
    FeedPage,
    GrantAnchor,
    GrantCertificate,
    Health,
    NewEpoch,
    PatientLookup,
    PatientLookupAnswer,
    SignedReceipt,
)
from app.sync.records import paused_gc

log = logging.getLogger("sayyar.server")
MAX_BUNDLE_BYTES = dict(LIMITS)["/v1/bundles"]  # online uploads; larger bundles are imported at headquarters
MAX_UPLOAD_BODY = 48 * 1024 * 1024  # what an uploaded bundle may unpack to (about 40,000 changes)
_bearer = HTTPBearer(auto_error=False)
_RESPONSES: dict[int | str, dict[str, Any]] = {401: {"description": "No valid device token"}}


def _storage_error(err: BaseException) -> HTTPException | None:
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return HTTPException(503, "The server's storage is full; nothing from this request was stored. Try later.")
    if isinstance(err, OperationalError) and ("full" in str(err.orig) or "locked" in str(err.orig)):
        return HTTPException(503, "The server's database is busy or full; nothing was stored. Try later.")
    return None


def create_app(db_url: str | None = None, *, engine: Engine | None = None,
               apply_hook: ApplyHook | None = None, clock_margin_ms: int = DEFAULT_CLOCK_MARGIN_MS,
               throttle: Throttle | None = None) -> FastAPI:
    if engine is None:
        engine = open_database(db_url or "sayyar-central.db")
    app = FastAPI(title="Sayyar central server", version="1", description=__doc__)
    app.add_exception_handler(RequestValidationError, validation_answer)
    app.state.engine = engine
    app.state.apply_hook = apply_hook
    app.state.clock_margin_ms = clock_margin_ms
    # One applier at a time: feed positions are handed out in commit order (the database lock does it too; this
    # keeps SQLite from making threads wait on its busy timeout).
    lock = threading.Lock()
    app.state.apply_lock = lock  # the HQ pages' bundle upload takes it too

    def device(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> devices.Device:
        if creds is None or creds.scheme.lower() != "bearer":
            raise HTTPException(401, "a device token is required", headers={"WWW-Authenticate": "Bearer"})
        with engine.connect() as conn:
            found = devices.device_for_token(conn, creds.credentials)
        if found is None:
            raise HTTPException(401, "unknown or revoked device token", headers={"WWW-Authenticate": "Bearer"})
        return found

    Dev = Annotated[devices.Device, Depends(device)]

    @app.get("/v1/health", response_model=Health)
    def health() -> Health:
        with engine.connect() as conn:
            conn.execute(select(1))
        return Health()

    @app.get("/v1/devices/me", response_model=DeviceHello, responses=_RESPONSES)
    def hello(dev: Dev) -> DeviceHello:
        de = m.device_epoch
        with engine.connect() as conn:
            rows = conn.execute(select(de).where(de.c.device_id == dev.device_id).order_by(de.c.epoch)).all()
        return DeviceHello(device_id=dev.device_id, device_code=dev.device_code,
                           epochs=[EpochState(epoch=r.epoch, held_through=r.held_through, max_seq=r.max_seq)
                                   for r in rows], server_ms=now_ms(), clock_margin_ms=clock_margin_ms)

    @app.post("/v1/devices/me/status", responses={**_RESPONSES, 400: {"description": "The body is not JSON"}})
    def report_status(body: DeviceStatus, dev: Dev) -> dict[str, bool]:
        with engine.begin() as conn:
            devices.record_report(conn, dev.device_id, queued=body.queued, quarantined=body.quarantined,
                                  parked=body.parked, conflicts=body.conflicts)
        return {"recorded": True}

    @app.post("/v1/devices/me/anchor", response_model=GrantCertificate, responses={
        **_RESPONSES, 400: {"description": "The body is not JSON"},
        409: {"description": "The laptop's grant key or headquarters key changed (refused, recorded), or a key "
                              "not recorded yet came without the device key's signature"}})
    def anchor(body: GrantAnchor, dev: Dev) -> GrantCertificate:
        try:
            with engine.begin() as conn:
                signature = devices.certify_grant_key(conn, dev.device_id, body.grant_public, body.hq_key_id,
                                                      body.device_signature)
        except devices.AnchorUnsigned as err:
            log.warning("device %s: a grant key without the device key's signature was not certified",
                        dev.device_code)
            raise HTTPException(409, {"code": err.code, "message": str(err)}) from None
        except devices.AnchorChanged as err:
            log.warning("device %s refused: its grant key or headquarters key changed", dev.device_code)
            with engine.begin() as conn:
                devices.record_anchor_refusal(conn, dev.device_id, body.grant_public)
            raise HTTPException(409, {"code": err.code, "message": str(err)}) from None
        return GrantCertificate(device_id=dev.device_id, grant_public=body.grant_public, signature=signature)

    @app.post("/v1/devices/me/epoch", response_model=NewEpoch, responses=_RESPONSES)
    def next_epoch(dev: Dev) -> NewEpoch:
        with lock, engine.begin() as conn:
            return NewEpoch(epoch=devices.new_epoch(conn, dev.device_id))

    @app.post("/v1/changes", response_model=BatchAck, responses={
        **_RESPONSES, 400: {"description": "The body is not JSON"},
        403: {"description": "The batch names another device"},
        409: {"description": "Batch refused (e.g. a restored or cloned laptop)"},
        415: {"description": "The body is not application/json"},
        422: {"description": "Validation Error", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}},
        503: {"description": "Storage full or busy; nothing stored, try later"}},
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ChangeBatch"}}}}})
    def push(batch: Annotated[ChangeBatch, Depends(_parse_batch)], dev: Dev) -> BatchAck:
        if batch.device_id != dev.device_id:
            raise HTTPException(403, "the batch's device is not the device this token belongs to")
        try:
            with lock, paused_gc():
                try:
                    with engine.begin() as conn:
                        result = apply_changes(conn, dev, batch.entries, epoch=batch.epoch, batch_id=batch.batch_id,
                                               via="push", hook=app.state.apply_hook,
                                               clock_margin_ms=clock_margin_ms)
                except (BatchRefused, OSError, OperationalError):
                    raise
                except Exception as err:  # noqa: BLE001 - an unforeseen failure: isolate the record that causes it
                    log.error("batch failed (%s); applying its entries one by one device=%s", type(err).__name__,
                              dev.device_id)
                    result = apply_isolated(engine, dev, batch.entries, epoch=batch.epoch, batch_id=batch.batch_id,
                                            via="push", hook=app.state.apply_hook, clock_margin_ms=clock_margin_ms)
        except BatchRefused as err:
            log.warning("batch refused device=%s epoch=%s code=%s", dev.device_id, batch.epoch, err.code)
            raise HTTPException(409, {"code": err.code, "message": str(err)}) from None
        except (OSError, OperationalError) as err:
            mapped = _storage_error(err)
            if mapped is None:
                raise
            log.error("storage error on push device=%s: %s", dev.device_id, type(err).__name__)
            raise mapped from None
        log.info("batch device=%s epoch=%s entries=%d applied=%d dup=%d stale=%d rejected=%d", dev.device_id,
                 batch.epoch, len(batch.entries), result.applied, result.duplicates, result.stale, len(result.rejected))
        return BatchAck(device_id=dev.device_id, epoch=batch.epoch, batch_id=batch.batch_id,
                        held_through=result.held_through, max_seq=result.max_seq, applied=result.applied,
                        duplicates=result.duplicates, stale=result.stale, conflicts=result.conflicts,
                        rejected=result.rejected)

    @app.get("/v1/feed", response_model=FeedPage, responses=_RESPONSES)
    def read(dev: Dev, cursor: Annotated[int, Query(ge=0, le=2**53 - 1)] = 0,
             limit: Annotated[int, Query(ge=1, le=feed.MAX_PAGE)] = 500) -> FeedPage:
        with feed_connection(engine) as conn:
            page = feed.read_feed(conn, cursor, limit, scope.FeedScope(dev.unit_id))
        page.server_ms, page.clock_margin_ms = now_ms(), clock_margin_ms
        return page

    @app.post("/v1/bundles", response_model=SignedReceipt,
              responses={**_RESPONSES, 400: {"description": "Bundle refused"}, 413: {"description": "Too large"},
                         503: {"description": "Storage full or busy; nothing stored, try later"}},
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
    async def upload_bundle(request: Request, dev: Dev) -> SignedReceipt:
        # Streamed to a temporary file (the bundle is encrypted to headquarters) with its size checked as it
        # comes, then verified and applied on a worker thread: the event loop keeps serving everyone else.
        with tempfile.TemporaryFile() as spool:
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BUNDLE_BYTES:
                    raise HTTPException(413, "bundle too large; import it at headquarters (`sayyar hq import`)")
                spool.write(chunk)

            def run() -> Any:
                spool.seek(0)
                data = spool.read()
                with lock:
                    return import_bundle_bytes(engine, data, via=f"upload:{dev.device_id}",
                                               max_body=MAX_UPLOAD_BODY)

            try:
                outcome = await anyio.to_thread.run_sync(run)
            except BundleRejected as err:
                raise HTTPException(400, {"code": err.code, "message": str(err)}) from None
        return outcome.receipt  # type: ignore[no-any-return]

    @app.get("/v1/conflicts", response_model=list[ConflictItem], responses=_RESPONSES)
    def conflicts(dev: Dev, status: Annotated[str, Query(pattern="^(open|resolved)$")] = "open") -> list[ConflictItem]:
        c = m.conflict
        with engine.connect() as conn:
            rows = conn.execute(select(c).where(c.c.status == status, scope.conflict_visible(
                scope.FeedScope(dev.unit_id))).order_by(c.c.srv_seq).limit(1000)).mappings()
            return [ConflictItem(**{k: r[k] for k in ConflictItem.model_fields}) for r in rows]

    @app.post("/v1/conflicts/{conflict_id}/resolve", responses={
        **_RESPONSES, 400: {"description": "The body is not JSON"}, 404: {"description": "No such conflict"}})
    def resolve(conflict_id: str, body: ConflictResolution, dev: Dev) -> dict[str, bool]:
        with lock, engine.begin() as conn:
            done = feed.resolve_conflict(conn, conflict_id, resolution=body.resolution, note=body.note,
                                         by=dev.device_id, scope=scope.FeedScope(dev.unit_id))
        if not done:  # also another unit's: a laptop may resolve only what GET /v1/conflicts shows it
            raise HTTPException(404, "no such conflict")
        return {"resolved": True}

    throttle = throttle or Throttle()
    app.state.throttle = throttle  # the guard's failure counts, shared with sign-in forms of extensions

    @app.post("/v1/patients/lookup", response_model=PatientLookupAnswer, responses={
        **_RESPONSES, 400: {"description": "No reason, or not exactly one of code and referral number"},
        403: {"description": "The laptop has no unit"}, 404: {"description": "No such patient"},
        429: {"description": "Too many look-ups from this laptop in 24 hours"}})
    def lookup(body: PatientLookup, dev: Dev) -> PatientLookupAnswer:
        """One patient of another unit, asked for explicitly with a reason; every request is in the central audit
        (``srv_patient_lookup``). From then on the patient's changes reach this unit's laptops by the feed."""
        err: scope.LookupRefused | None = None
        try:
            with lock, engine.begin() as conn:
                try:
                    patient_id, records, pos = scope.lookup(
                        conn, dev, patient_code=body.patient_code, referral_number=body.referral_number,
                        reason=body.reason, user_id=body.user_id)
                except scope.LookupRefused as refused:
                    err = refused  # the audit row is committed with the transaction
                else:
                    items = feed.items_for(conn, pos, records)
        except OperationalError as exc:
            mapped = _storage_error(exc)
            if mapped is None:
                raise
            raise mapped from None
        if err is not None:
            log.info("patient look-up refused device=%s code=%s", dev.device_id, err.code)
            raise HTTPException(err.status, {"code": err.code, "message": str(err)})
        log.info("patient look-up device=%s patient=%s records=%d", dev.device_id, patient_id, len(items))
        return PatientLookupAnswer(patient_id=patient_id, items=items)

    for ext in extensions():  # headquarters' pages, and whatever else plugs in (app/server/extensions.py)
        ext.mount(app, engine)
    _refuse_unknown_query_parameters(app)
    _document_batch_body(app)
    # Outermost: tokens, body limits, failure delays and security headers before anything reads the request.
    app.add_middleware(Guard, engine=engine, throttle=throttle)
    return app


async def _parse_batch(request: Request) -> ChangeBatch:
    """Parse the batch straight from the bytes (pydantic's JSON parser): several times faster than FastAPI's
    json-then-validate for 5,000 entries, which is most of the cost of an upload."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise HTTPException(415, "send the batch as application/json")
    body = await request.body()
    try:
        with paused_gc():  # 2,000 entries make a hundred thousand objects, none cyclic (app.sync.records)
            batch = ChangeBatch.model_validate_json(body)
    except ValidationError as err:
        if any(e["type"] == "json_invalid" for e in err.errors()):
            raise HTTPException(400, "The body is not JSON") from None
        # Never the values sent (they can be a patient's, and NaN cannot even be written back as JSON): where and why.
        raise RequestValidationError([{"type": e["type"], "loc": ("body", *e["loc"]), "msg": _message(e)}
                                      for e in err.errors()[:50]]) from None
    if b"NaN" in body or b"Infinity" in body:  # rare: look closer only then (a name may contain "NaN")
        bad = [{"type": "finite_number", "loc": ("body", "entries", i, "payload", key),
                "msg": "NaN and Infinity are not numbers a record can hold"}
               for i, e in enumerate(batch.entries) for key, v in e.payload.items()
               if isinstance(v, float) and not math.isfinite(v)]
        if bad:
            raise RequestValidationError(bad[:50])
    return batch


def _message(error: Any) -> str:
    if error["type"] in ("finite_number", "int_from_float", "int_parsing") and isinstance(error.get("input"), float) \
            and not math.isfinite(error["input"]):
        return "NaN and Infinity are not accepted here; send a finite number"
    return str(error["msg"])


def _document_batch_body(app: FastAPI) -> None:
    """The batch is parsed by hand (above), so its schema is added to the OpenAPI description explicitly."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema = ChangeBatch.model_json_schema(ref_template="#/components/schemas/{model}")
            components = doc.setdefault("components", {}).setdefault("schemas", {})
            components.update(schema.pop("$defs", {}))
            components["ChangeBatch"] = schema
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _refuse_unknown_query_parameters(app: FastAPI) -> None:
    """A misspelt parameter (``?cursr=``) must not silently mean "from the start": unknown ones are refused."""
    from fastapi.routing import APIRoute
    from starlette.responses import JSONResponse
    from starlette.routing import Match

    routes = [(r, {p.alias for p in r.dependant.query_params}
               | {p.alias for d in r.dependant.dependencies for p in d.query_params})
              for r in app.routes if isinstance(r, APIRoute)]

    @app.middleware("http")
    async def check_query(request: Request, call_next):  # type: ignore[no-untyped-def]
        if request.query_params:
            for route, allowed in routes:
                if route.matches(request.scope)[0] == Match.FULL:
                    unknown = sorted(set(request.query_params.keys()) - allowed)
                    if unknown and allowed:  # routes without query parameters ignore a stray query
                        return JSONResponse({"detail": [
                            {"type": "extra_forbidden", "loc": ["query", name[:60]], "msg": "Unknown query parameter"}
                            for name in unknown[:10]]}, 422)
                    break
        return await call_next(request)
