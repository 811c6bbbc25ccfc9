"""Python's cyclic garbage collector runs only on the GUI thread while the app is up.

Left automatic, a collection starts in whichever thread happens to allocate; when that is a worker of
``app.ui.ops`` it finalises Qt objects of the GUI thread there (a form's timers, a closed window's helpers).
Qt forbids that ("Timers cannot be stopped from another thread") and the result is undefined: lost timer events,
a save whose answer never arrives. So the automatic collector is switched off and a GUI-thread timer collects with
the same generation thresholds Python uses. Full collections are rate-limited, as Python's own heuristic does for
big heaps, so a bulk import on a worker does not make the window stutter.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

TICK_MS = 250
FULL_EVERY_S = 60.0


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._last_full = time.monotonic()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(TICK_MS)

    def collect_due(self) -> int | None:
        """Collect the oldest generation whose threshold is crossed; return it (None: nothing due)."""
        t0, t1, t2 = gc.get_threshold()
        c0, c1, c2 = gc.get_count()
        if t0 == 0 or c0 < t0:
            return None
        generation = 0
        if c1 >= t1:
            generation = 1
            if c2 >= t2 and time.monotonic() - self._last_full >= FULL_EVERY_S:
                generation = 2
        gc.collect(generation)
        if generation == 2:
            self._last_full = time.monotonic()
        return generation

    def stop(self) -> None:
        """Hand collection back to Python (tests that go on without a GUI after this one)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


_installed: list[GuiThreadCollector] = []


def install(app: QObject) -> GuiThreadCollector:
    """Once per application; later calls return the running collector."""
    if not _installed:
        _installed.append(GuiThreadCollector(app))
    return _installed[0]


def uninstall() -> None:
    while _installed:
        collector = _installed.pop()
        collector.stop()
        collector.deleteLater()
