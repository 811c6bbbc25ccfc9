"""One sync round with the central server: check this laptop is who the server thinks it is, upload, download.

``run_sync_round`` is what ``sayyar sync`` runs and what the background engine (``app.sync.engine``) calls. Every
step can be interrupted anywhere: entries stay ``sent`` until acknowledged and are sent again (the server answers
duplicates as held), a feed page and its cursor commit together.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
from pydantic import ValidationError
from sqlalchemy import select

from app.models import DeviceState, SyncConflict
from app.security.keystore import Keystore
from app.security.roles import Action, require_role
from app.store import Store
from app.sync import access, anchor, identity, inbox, outbox, repair
from app.sync.protocol import (
    MAX_BATCH,
    BatchAck,
    ConflictResolution,
    DeviceHello,
    DeviceStatus,
    FeedPage,
    GrantAnchor,
    GrantCertificate,
    NewEpoch,
    PatientLookup,
    PatientLookupAnswer,
)

log = logging.getLogger("sayyar.sync.client")

# Upload batches start at BATCH_SIZE entries and double, up to the protocol's MAX_BATCH, while the server answers a
# batch within FAST_ANSWER_S: a good link sends a backlog in fewer, larger batches (fewer commits on both sides); a
# slow or flaky one keeps small batches, so a cut connection costs little to send again. Each round starts small.
BATCH_SIZE = 2000
FAST_ANSWER_S = 2.0
PAGE_SIZE = 1000


@dataclass
class Progress:
    phase: str  # "upload" | "download"
    done: int
    total: int  # upload: entries to send; download: unknown (0) until the last page


ProgressCallback = Callable[[Progress], None]


@dataclass
class SyncReport:
    uploaded: int = 0
    acked: int = 0
    quarantined: int = 0
    downloaded: int = 0
    parked: int = 0
    conflicts: int = 0
    batches: int = 0
    pages: int = 0
    reasons: list[str] = field(default_factory=list)
    new_epoch: int = 0  # set when this round gave a restored or copied laptop a new identity
    restamped: int = 0
    removed: list[str] = field(default_factory=list)  # accounts whose access headquarters ended (key replaced)
    recovery_key: str | None = None  # a new recovery key to show once, when replacing the key had to make one


class SyncError(Exception):
    """A round stopped. ``transient`` errors (server away, network cut, server busy or full) are retried later."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


class Refused(SyncError):
    """The server said no to this request with a reason and a code (``code``); trying again unchanged will not help."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, transient=False)
        self.code = code


class DeviceRestored(SyncError):
    """The server holds more of this laptop's history than the laptop itself: restored from backup, or cloned."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=False)


class Api:
    def __init__(self, server_url: str, token: str, *, timeout: float = 60.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.http = httpx.Client(base_url=server_url.rstrip("/"), timeout=timeout, transport=transport,
                                 headers={"Authorization": f"Bearer {token}"})

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, **kw: object) -> httpx.Response:
        try:
            try:
                resp = self.http.request(method, path, **kw)  # type: ignore[arg-type]
            except (httpx.RemoteProtocolError, httpx.ReadError):
                # The server closed a kept-alive connection just as we reused it (a slow laptop between two calls):
                # once more on a new connection. Safe: every call is idempotent (pushes are keyed by sequence).
                resp = self.http.request(method, path, **kw)  # type: ignore[arg-type]
        except httpx.HTTPError as err:
            raise SyncError(f"the server could not be reached ({type(err).__name__})", transient=True) from None
        if resp.status_code == 429 and _code(resp) == "too_many_lookups":
            raise Refused("too_many_lookups", f"the server refused the request (429): {_detail(resp)}")
        if resp.status_code >= 500 or resp.status_code == 429:
            raise SyncError(f"the server is unavailable ({resp.status_code}: {_detail(resp)})", transient=True)
        if resp.status_code == 409 and _code(resp) == "clone_detected":
            raise DeviceRestored(_detail(resp))
        if resp.status_code in (401, 403):
            raise SyncError(f"the server refused this laptop ({resp.status_code}): {_detail(resp)}. Ask the "
                            "administrator to enrol it again.", transient=False)
        if resp.status_code >= 400 and _code(resp):
            raise Refused(_code(resp), f"the server refused the request ({resp.status_code}): {_detail(resp)}")
        if resp.status_code >= 400:
            raise SyncError(f"the server refused the request ({resp.status_code}): {_detail(resp)}", transient=False)
        return resp

    def health(self) -> bool:
        try:
            return self.http.get("/v1/health", timeout=5.0).status_code == 200
        except httpx.HTTPError:
            return False

    def hello(self) -> DeviceHello:
        return DeviceHello.model_validate_json(self._call("GET", "/v1/devices/me").content)

    def report_status(self, status: DeviceStatus) -> None:
        """Tell the server what waits here. Bookkeeping only: a server that refuses it does not stop the round."""
        try:
            self._call("POST", "/v1/devices/me/status", json=status.model_dump())
        except SyncError as err:
            if err.transient:
                raise
            log.warning("the server did not take this laptop's status: %s", type(err).__name__)

    def anchor(self, body: GrantAnchor) -> GrantCertificate:
        resp = self._call("POST", "/v1/devices/me/anchor", json=body.model_dump())
        return GrantCertificate.model_validate_json(resp.content)

    def new_epoch(self) -> int:
        return NewEpoch.model_validate_json(self._call("POST", "/v1/devices/me/epoch").content).epoch

    def push(self, body: bytes) -> BatchAck:
        resp = self._call("POST", "/v1/changes", content=body, headers={"Content-Type": "application/json"})
        return BatchAck.model_validate_json(resp.content)

    def feed(self, cursor: int, limit: int) -> FeedPage:
        resp = self._call("GET", "/v1/feed", params={"cursor": cursor, "limit": limit})
        return FeedPage.model_validate_json(resp.content)

    def lookup(self, request: PatientLookup) -> PatientLookupAnswer:
        resp = self._call("POST", "/v1/patients/lookup", json=request.model_dump())
        return PatientLookupAnswer.model_validate_json(resp.content)

    def resolve(self, conflict_id: str, resolution: ConflictResolution) -> None:
        self._call("POST", f"/v1/conflicts/{conflict_id}/resolve", json=resolution.model_dump())


def _detail(resp: httpx.Response) -> str:
    try:
        detail = resp.json().get("detail")
    except ValueError:
        return resp.text[:200]
    if isinstance(detail, dict):
        return str(detail.get("message", detail))
    return str(detail)[:500]


def _code(resp: httpx.Response) -> str:
    try:
        detail = resp.json().get("detail")
    except ValueError:
        return ""
    return detail.get("code", "") if isinstance(detail, dict) else ""


def check_not_restored(store: Store, hello: DeviceHello) -> None:
    """Refuse to go on if the server holds sequences of our epoch beyond anything this laptop ever numbered."""
    epoch = store.device.epoch
    held = next((e for e in hello.epochs if e.epoch == epoch), None)
    local = identity.local_max_seq(store)
    if held is not None and held.max_seq > local:
        raise DeviceRestored(
            f"The server holds changes {local + 1}–{held.max_seq} of this laptop (epoch {epoch}) that this laptop no "
            "longer has: it was restored from a backup or copied. To protect those records nothing was sent. Start "
            "a new epoch (`sayyar sync new-epoch`, or 'Start new epoch' in the Sync panel) and sync again; "
            "unsent work is kept and sent under the new epoch.")


def recover_identity(store: Store, api: Api, report: SyncReport) -> None:
    """A restored or copied laptop takes a new identity by itself: a new epoch from the server (the database
    hands it out) and a fresh number range; everything unsent goes under it (docs/architecture.md, "Repairs")."""
    epoch = api.new_epoch()
    identity.start_new_epoch(store, epoch)
    report.new_epoch = epoch
    log.warning("sync: this laptop was restored or copied; it continues under epoch %d", epoch)


def upload(store: Store, api: Api, report: SyncReport, progress: ProgressCallback | None = None) -> None:
    """Send everything pending; entries the server rejected with a code the laptop can mend are mended and sent
    again (a few passes at most: a parent accepted in one pass lets its children through in the next)."""
    for _ in range(3):
        sent_before = report.acked
        _upload_once(store, api, report, progress)
        if not repair.repair_rejections(store) or report.acked == sent_before:
            return


def _upload_once(store: Store, api: Api, report: SyncReport, progress: ProgressCallback | None = None) -> None:
    """One pass over the queue, a batch at a time. While the server applies a batch the laptop records the previous
    batch's answer (marking, compacting and packing what was acknowledged) and reads and encodes the next one: the
    laptop's work and the server's overlap; batches still reach the server one after another, and an answer is
    always recorded before the next one is waited for, so a round cut anywhere loses no acknowledgement."""
    order = outbox.upload_order(store)
    total = len(order)
    if not total:
        return
    size, taken = BATCH_SIZE, 0
    done = 0

    def next_batch() -> list[int]:
        nonlocal taken
        batch = order[taken : taken + size]
        taken += len(batch)
        return batch

    def record(sent: list[int], ack: BatchAck) -> None:
        nonlocal done
        _record_ack(store, sent, ack, report)
        done += len(sent)
        if progress:
            progress(Progress("upload", min(done, total), total))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sayyar-push") as pool:
        prepared: tuple[bytes, list[int]] | None = _prepare(store, next_batch())
        answered: tuple[list[int], BatchAck] | None = None
        while prepared is not None:
            body, sent = prepared
            outbox.mark(store, sent, "sent")
            started = time.monotonic()
            answer = pool.submit(api.push, body)
            if answered is not None:
                record(*answered)
            following = next_batch()
            prepared = _prepare(store, following) if following else None
            answered = (sent, answer.result())
            if time.monotonic() - started <= FAST_ANSWER_S and len(sent) == size:
                size = min(size * 2, MAX_BATCH)  # from the batch after the one just prepared
        if answered is not None:
            record(*answered)


def _prepare(store: Store, seqs: list[int]) -> tuple[bytes, list[int]]:
    return outbox.batch_json(store, seqs, str(uuid.uuid4()))


def _record_ack(store: Store, sent: list[int], ack: BatchAck, report: SyncReport) -> None:
    rejected = {r.seq: r.reason for r in ack.rejected}
    outbox.mark(store, [s for s in sent if s not in rejected], "acked")
    if rejected:
        outbox.mark(store, list(rejected), "quarantined", rejected, {r.seq: r.code for r in ack.rejected})
        log.warning("upload: the server quarantined %d of %d entries (first seq %d)", len(rejected), len(sent),
                    min(rejected))
        report.reasons.extend(f"seq {k}: {v}" for k, v in list(rejected.items())[:20])
    report.uploaded += len(sent)
    report.acked += len(sent) - len(rejected)
    report.quarantined += len(rejected)
    report.batches += 1


def download(store: Store, api: Api, report: SyncReport, progress: ProgressCallback | None = None) -> None:
    while True:
        with store.read() as s:
            raw = s.scalar(select(DeviceState.feed_cursor)) or "0"
        cursor = int(raw) if raw.isdigit() else 0
        page = api.feed(cursor, PAGE_SIZE)
        if page.items or page.next_cursor != cursor or report.pages == 0:  # the first also retries parked ones
            result = inbox.apply_page(store, page)
            report.downloaded += result.applied
            report.parked = result.parked
            report.conflicts += result.conflicts
        report.pages += 1
        if progress:
            progress(Progress("download", report.downloaded, 0 if page.more else report.downloaded))
        if not page.more:
            return


def send_resolutions(store: Store, api: Api) -> None:
    with store.read() as s:
        todo = [(c.id, c.pending_resolution) for c in s.scalars(select(SyncConflict).where(
            SyncConflict.pending_resolution != ""))]
    for conflict_id, resolution in todo:
        api.resolve(conflict_id, ConflictResolution(resolution=resolution))  # type: ignore[arg-type]
        with store.write(None) as s:
            row = s.get(SyncConflict, conflict_id)
            if row is not None:
                row.pending_resolution = ""


def run_sync_round(store: Store, ctx: object, server_url: str, token: str, progress: ProgressCallback | None = None,
                   *, transport: httpx.BaseTransport | None = None, keystore: Keystore | None = None) -> SyncReport:
    """One full round. Raises SyncError (``transient`` says whether trying again later can help).

    With the laptop's ``keystore`` (the app and the command line pass it): the round first presents the laptop's
    grant key to the server, which refuses a laptop whose key changed (app.sync.anchor), and ends by removing the
    accounts headquarters deactivated and replacing the database key (app.sync.access)."""
    require_role(ctx, Action.RUN_SYNC)
    report = SyncReport()
    api = Api(server_url, token, transport=transport)
    try:
        store.refresh_device()
        hello = api.hello()
        if keystore is not None and keystore.grant_public:
            anchor.present(store, api, keystore.grant_public)
        api.report_status(device_status(store))  # what waits here, known at headquarters even if uploads fail
        report.restamped = repair.align_clock(store, hello.server_ms, hello.clock_margin_ms)
        try:
            check_not_restored(store, hello)
        except DeviceRestored:
            recover_identity(store, api, report)
        repair.repair_rejections(store)  # what waited for a parent, or for a fixed clock, goes again
        try:
            upload(store, api, report, progress)
        except DeviceRestored:
            # The server holds our numbers with other content (a copy that synced first): new identity, once.
            recover_identity(store, api, report)
            upload(store, api, report, progress)
        send_resolutions(store, api)
        download(store, api, report, progress)
        api.report_status(device_status(store))
    except SyncError as err:
        log.warning("sync round stopped: %s (transient=%s) after %d uploaded, %d downloaded", type(err).__name__,
                    err.transient, report.uploaded, report.downloaded)
        identity.record_attempt(store, error=str(err))
        raise
    except ValidationError as invalid:
        # Something answered that is not a Sayyar server of this protocol version (a captive portal, an old
        # server): stop, say so, keep everything queued.
        log.warning("sync round stopped: the server's answer is not of this protocol version (%d errors)",
                    invalid.error_count())
        unreadable = SyncError("the server's answer could not be read (is it a Sayyar server of the same version?)",
                               transient=True)
        identity.record_attempt(store, error=str(unreadable))
        raise unreadable from None
    finally:
        api.close()
    identity.record_attempt(store, error=None)
    if keystore is not None:
        rotation = access.rotate_for_removed(store, keystore)
        if rotation is not None:
            report.removed, report.recovery_key = rotation.removed, rotation.recovery_key
    outbox.catch_up(store)  # what acknowledgements left waiting (an upgraded laptop's history), a step at a time
    log.info("sync round done: uploaded %d (acked %d, quarantined %d), downloaded %d, conflicts %d", report.uploaded,
             report.acked, report.quarantined, report.downloaded, report.conflicts)
    return report


def device_status(store: Store) -> DeviceStatus:
    from app.sync.status import sync_status

    st = sync_status(store)
    return DeviceStatus(queued=st.pending, quarantined=st.counts.get("quarantined", 0), parked=st.parked,
                        conflicts=st.open_conflicts)


@dataclass
class LookupReport:
    patient_id: str
    applied: int
    parked: int


def lookup_patient(store: Store, ctx: object, server_url: str, token: str, *, reason: str, patient_code: str = "",
                   referral_number: str = "", transport: httpx.BaseTransport | None = None) -> LookupReport:
    """Fetch one patient of another unit from the server on demand (a person referred or moving between units turns
    up): by the code on their card or a referral number, with the reason, which the server keeps in its central
    audit. The records are stored like a feed page, without moving the feed cursor; later changes to that patient
    reach this laptop through the feed. Raises ``Refused`` (with its code) when the server says no."""
    require_role(ctx, Action.LOOKUP_PATIENT)
    api = Api(server_url, token, transport=transport)
    try:
        answer = api.lookup(PatientLookup(patient_code=patient_code, referral_number=referral_number,
                                          reason=reason, user_id=str(getattr(ctx, "user_id", "") or "")))
    finally:
        api.close()
    result = inbox.apply_page(store, FeedPage(cursor=0, next_cursor=0, more=False, items=answer.items),
                              move_cursor=False)
    log.info("patient look-up: %d records stored, %d parked", result.applied, result.parked)
    return LookupReport(patient_id=answer.patient_id, applied=result.applied, parked=result.parked)


def new_epoch_from_server(store: Store, server_url: str, token: str) -> int:
    api = Api(server_url, token)
    try:
        epoch = api.new_epoch()
    finally:
        api.close()
    return identity.start_new_epoch(store, epoch)
