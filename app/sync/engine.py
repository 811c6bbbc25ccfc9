"""The background sync engine: a plain thread the UI starts and stops (no Qt here; the UI marshals callbacks).

It probes the server's health endpoint; the moment the server answers it runs a round, then waits ``interval``.
While the server is away it backs off exponentially with jitter, capped at ``probe_delay`` (a health probe costs
almost nothing, and a server that comes back must be noticed within half a minute); after a failed round it backs
off up to ``max_delay`` (docs/architecture.md, guarantee 8). ``run_now()`` wakes it at once; ``pause()`` holds it
between rounds (nobody signed in, screen locked, the administrator turned it off); ``stop()`` ends it, cutting a
running round short between two batches. A round interrupted anywhere simply resumes next time.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

from app.security.keystore import Keystore
from app.store import Store
from app.sync import identity
from app.sync.client import Api, Progress, ProgressCallback, SyncError, SyncReport, run_sync_round

log = logging.getLogger("sayyar.sync")

# One round at a time in this process: the background engine and a "Sync now" click never send the same entries
# side by side (each would be harmless to the server, but the laptop's states would race).
ROUND_LOCK = threading.Lock()


def run_one_round(store: Store, ctx: object, url: str, token: str,
                  progress: ProgressCallback | None = None, *, keystore: Keystore | None = None) -> SyncReport:
    with ROUND_LOCK:
        return run_sync_round(store, ctx, url, token, progress, keystore=keystore)


@dataclass
class EngineState:
    running: bool = False
    online: bool = False
    syncing: bool = False
    failures: int = 0
    next_delay: float = 0.0
    last_report: SyncReport | None = None
    last_error: str = ""
    blocked: bool = False  # a non-transient error (e.g. restored laptop): waits for a person
    paused: bool = False
    progress: Progress | None = None  # of the running round


class Stopped(Exception):
    """Raised inside a round (from the progress callback) when the engine is told to stop."""


def backoff_delay(failures: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential with "equal jitter": between half and all of min(cap, base·2^n)."""
    rng = rng or random.Random()
    ceiling = min(cap, base * (2 ** min(failures, 30)))
    return ceiling / 2 + rng.random() * ceiling / 2


class SyncEngine:
    def __init__(self, store: Store, ctx: object, *, server_url: str | None = None, token: str | None = None,
                 interval: float = 120.0, base_delay: float = 2.0, max_delay: float = 300.0,
                 probe_delay: float = 15.0,
                 on_progress: ProgressCallback | None = None,
                 on_report: Callable[[SyncReport | None, str], None] | None = None,
                 on_state: Callable[[], None] | None = None, keystore: Keystore | None = None) -> None:
        self.store, self.ctx = store, ctx
        self.keystore = keystore  # the laptop's: each round presents its grant key and ends removed accounts' access
        self._server_url, self._token = server_url, token
        self.interval, self.base_delay, self.max_delay = interval, base_delay, max_delay
        self.probe_delay = probe_delay
        self.on_progress, self.on_report, self.on_state = on_progress, on_report, on_state
        self.state = EngineState()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._resume = threading.Event()
        self._resume.set()
        self._thread: threading.Thread | None = None

    def _config(self) -> tuple[str, str]:
        if self._server_url and self._token:
            return self._server_url, self._token
        ident = identity.identity(self.store)
        return self._server_url or ident.server_url, self._token or ident.token

    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self.state.running = True
        self._thread = threading.Thread(target=self._loop, name="sayyar-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop after the current step; a round cut short resumes on the next start. True if the thread ended
        within ``timeout`` (a request already on the wire may take longer: the thread is a daemon, and what it
        was writing commits whole or not at all)."""
        self._stop.set()
        self._resume.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)
        self.state.running = False
        return not (self._thread and self._thread.is_alive())

    def pause(self) -> None:
        """Hold the engine after the round in progress (if any); nothing is lost, the queue simply waits."""
        self.state.paused = True
        self._resume.clear()
        self._changed()

    def resume(self, *, now: bool = True) -> None:
        self.state.paused = False
        self._resume.set()
        if now:
            self.run_now()
        self._changed()

    def run_now(self) -> None:
        self.state.blocked = False
        self._wake.set()

    def _changed(self) -> None:
        if self.on_state:
            self.on_state()

    def _progress(self, p: Progress) -> None:
        if self._stop.is_set():
            raise Stopped()
        self.state.progress = p
        if self.on_progress:
            self.on_progress(p)

    def _loop(self) -> None:
        delay = 0.0
        while not self._stop.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            self._resume.wait()
            if self._stop.is_set():
                break
            if self.state.blocked:
                delay = self.interval
                continue
            delay = self._attempt()
            self.state.next_delay = delay
            self._changed()

    def _attempt(self) -> float:
        url, token = self._config()
        if not url or not token:
            self.state.last_error = "this laptop is not enrolled with a server"
            return self.interval
        api = Api(url, token)
        try:
            self.state.online = api.health()
        finally:
            api.close()
        if not self.state.online:
            self.state.failures += 1
            self.state.last_error = "the server could not be reached"
            return backoff_delay(self.state.failures, base=self.base_delay, cap=min(self.probe_delay, self.max_delay))
        if self.state.paused or self._stop.is_set():
            # Locked or signed out while the server was being asked: no round starts as the person who left (the
            # loop waits for resume, and the queue with it).
            return 0.0
        self.state.syncing = True
        self.state.progress = None
        self._changed()
        try:
            report = run_one_round(self.store, self.ctx, url, token, self._progress, keystore=self.keystore)
        except Stopped:
            log.info("sync round cut short: the engine was stopped")
            return 0.0
        except SyncError as err:
            self.state.last_error = str(err)
            self.state.failures += 1
            self.state.blocked = not err.transient
            log.warning("sync round failed (transient=%s)", err.transient)
            if self.on_report:
                self.on_report(None, str(err))
            return backoff_delay(self.state.failures, base=self.base_delay, cap=self.max_delay)
        except Exception as err:  # keep the thread alive; the panel shows the error
            self.state.last_error = f"unexpected error: {type(err).__name__}"
            self.state.failures += 1
            log.exception("sync round crashed")
            if self.on_report:
                self.on_report(None, self.state.last_error)
            return backoff_delay(self.state.failures, base=self.base_delay, cap=self.max_delay)
        finally:
            self.state.syncing = False
            self.state.progress = None
        self.state.failures = 0
        self.state.last_report, self.state.last_error = report, ""
        log.info("sync round done uploaded=%d acked=%d quarantined=%d downloaded=%d", report.uploaded, report.acked,
                 report.quarantined, report.downloaded)
        if self.on_report:
            self.on_report(report, "")
        return self.interval
