"""Background sync in the app: the engine (``app.sync.engine``, a plain thread) started after sign-in on an enrolled
laptop, held while nobody is signed in or the screen is locked, woken when the network comes back, stopped on quit.

The engine's callbacks arrive on its own thread; they only emit signals of this object, which lives on the GUI
thread, so Qt queues them there (the GUI never waits on the network or the database). A round runs as whoever is
signed in (their role is checked like any other action: clinicians, coordinators and administrators sync;
headquarters staff signed in on a laptop do not).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("sayyar.ui.sync")

STOP_WAIT_S = 5.0  # on quit: a request already on the wire is not waited for longer (it commits whole or not at all)


class BackgroundSync(QObject):
    progress = Signal(object)  # app.sync.client.Progress of the running round
    round_done = Signal(object, str)  # SyncReport or None, and the error sentence ("" after a good round)
    state_changed = Signal()

    def __init__(self, store: Any, *, enabled: bool = True, interval: float = 120.0, probe_delay: float = 15.0,
                 parent: QObject | None = None, keystore: Any = None) -> None:
        super().__init__(parent)
        from app.security.roles import SCHEDULED_ROUND
        from app.sync.engine import SyncEngine

        self.enabled = enabled
        self.engine = SyncEngine(store, SCHEDULED_ROUND, interval=interval, probe_delay=probe_delay,
                                 on_progress=self.progress.emit, on_report=self.round_done.emit,
                                 on_state=self.state_changed.emit, keystore=keystore)
        self.engine.pause()
        self._network: Any = None

    @property
    def state(self) -> Any:
        return self.engine.state

    def start(self) -> None:
        """Start the thread, held until ``resume``; listen for network changes where the system reports them."""
        self.engine.start()
        self._watch_network()

    def resume(self, ctx: Any = None) -> None:
        """Someone is signed in and the screen is open: sync now, then on schedule (unless turned off)."""
        from app.security.roles import Action, can

        if ctx is not None:
            self.engine.ctx = ctx
        if self.enabled and self.engine.ctx is not None and can(self.engine.ctx.role, Action.RUN_SYNC):
            self.engine.resume()
        else:
            self.engine.pause()

    def pause(self) -> None:
        self.engine.pause()

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        self.resume()

    def run_now(self) -> None:
        self.engine.run_now()

    def stop(self) -> None:
        if not self.engine.stop(STOP_WAIT_S):
            log.warning("sync thread still busy at quit; its work commits whole or not at all")

    def _watch_network(self) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        try:
            loaded = QNetworkInformation.loadDefaultBackend()
        except (AttributeError, RuntimeError):
            loaded = False
        info = QNetworkInformation.instance() if loaded else None
        if info is None:
            return  # no backend on this system: the engine's probes notice the server all the same
        self._network = info
        info.reachabilityChanged.connect(self._reachability)

    def _reachability(self, reachability: Any) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability in (QNetworkInformation.Reachability.Online, QNetworkInformation.Reachability.Site,
                            QNetworkInformation.Reachability.Local):
            log.info("network changed: trying the server now")
            self.engine.run_now()


def is_enrolled(store: Any) -> bool:
    """Worker thread: has the administrator loaded an enrolment (server address and token) on this laptop?"""
    from app.sync.status import sync_status

    status = sync_status(store)
    return bool(status.enrolled and status.server_url)
