"""The local due table follows the calendar: refreshed when someone signs in and whenever the date changes while the
app is open (a laptop left running overnight), off the GUI thread (app.services.immunisation.refresh_due_table)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QTimer

from app.ui.ops import run_op

log = logging.getLogger("sayyar.ui.immunisation")
CHECK_MS = 5 * 60 * 1000  # how often the date is looked at


class DueRefresher(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.ctx: Any = None
        self.day: date | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)

    def watch(self, ctx: Any) -> None:
        """The person now signed in (their context opens the store); checks at once."""
        self.ctx = ctx
        self.timer.start()
        self.check()

    def check(self) -> None:
        ctx = self.ctx
        if ctx is None or ctx.today() == self.day:
            return
        self.day = ctx.today()
        from app.services.immunisation import refresh_due_table

        run_op(None, lambda: refresh_due_table(ctx), lambda n: log.info("due table brought to today: %d children", n),
               lambda err: log.warning("due table not refreshed: %s", type(err).__name__))
