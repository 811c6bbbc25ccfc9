"""Hybrid logical clock: orders changes across laptops whose wall clocks are wrong (docs/architecture.md, guarantee 9).

A stamp is ``<physical ms, 13 digits>:<counter, 5 digits>:<node>`` so that plain string comparison orders stamps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

_MAX_COUNTER = 99_999


def parse_hlc(stamp: str) -> tuple[int, int, str]:
    ms, counter, node = stamp.split(":", 2)
    return int(ms), int(counter), node


def format_hlc(ms: int, counter: int, node: str) -> str:
    return f"{ms:013d}:{counter:05d}:{node}"


class HybridClock:
    def __init__(self, node: str, last: str = "", wall_ms: Callable[[], int] | None = None,
                 offset_ms: int = 0) -> None:
        self.node = node[:8]
        self._system_ms = wall_ms or (lambda: time.time_ns() // 1_000_000)
        # Server time minus this machine's clock (learnt at sync): a laptop whose clock is years off still stamps
        # near the real time.
        self.offset_ms = offset_ms
        self._lock = threading.Lock()
        self._ms, self._counter = 0, 0
        if last:
            self._ms, self._counter, _ = parse_hlc(last)

    @property
    def last(self) -> str:
        return format_hlc(self._ms, self._counter, self.node) if self._ms else ""

    def _wall_ms(self) -> int:
        return self._system_ms() + self.offset_ms

    def now_ms(self) -> int:
        """This clock's idea of the real time (the machine's clock corrected by the offset)."""
        return self._wall_ms()

    def rebase(self) -> None:
        """Forget stamps beyond the corrected wall clock (they came from a clock that ran ahead and the server
        refuses them); the entries stamped with them are stamped again (app.sync.repair)."""
        with self._lock:
            wall = self._wall_ms()
            if self._ms > wall:
                self._ms, self._counter = wall, 0

    def tick(self) -> str:
        """A stamp greater than every stamp this clock has issued or observed."""
        with self._lock:
            wall = self._wall_ms()
            if wall > self._ms:
                self._ms, self._counter = wall, 0
            else:
                self._advance_counter()
            return format_hlc(self._ms, self._counter, self.node)

    def observe(self, remote: str, limit_ms: int | None = None) -> bool:
        """Take in a stamp from another device, so our next stamp sorts after it whatever our wall clock says.
        A stamp beyond ``limit_ms`` (the server's clock plus its margin) is not adopted: one bad clock must not
        drag every laptop's stamps into the future. Returns whether it was taken in."""
        r_ms, r_counter, _ = parse_hlc(remote)
        if limit_ms is not None and r_ms > limit_ms:
            return False
        with self._lock:
            if r_ms > self._ms:
                self._ms, self._counter = r_ms, r_counter
            elif r_ms == self._ms and r_counter > self._counter:
                self._counter = r_counter
        return True

    def _advance_counter(self) -> None:
        if self._counter >= _MAX_COUNTER:
            # More than 100k stamps in one millisecond only happens in bulk loads: borrow the next millisecond.
            self._ms, self._counter = self._ms + 1, 0
        else:
            self._counter += 1
