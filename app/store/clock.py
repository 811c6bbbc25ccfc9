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
    def __init__(self, node: str, last: str = "", wall_ms: Callable[[], int] | None = None) -> None:
        self.node = node[:8]
        self._wall_ms = wall_ms or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()
        self._ms, self._counter = 0, 0
        if last:
            self._ms, self._counter, _ = parse_hlc(last)

    @property
    def last(self) -> str:
        return format_hlc(self._ms, self._counter, self.node) if self._ms else ""

    def tick(self) -> str:
        """A stamp greater than every stamp this clock has issued or observed."""
        with self._lock:
            wall = self._wall_ms()
            if wall > self._ms:
                self._ms, self._counter = wall, 0
            else:
                self._advance_counter()
            return format_hlc(self._ms, self._counter, self.node)

    def observe(self, remote: str) -> None:
        """Take in a stamp from another device, so our next stamp sorts after it whatever our wall clock says."""
        r_ms, r_counter, _ = parse_hlc(remote)
        with self._lock:
            if r_ms > self._ms:
                self._ms, self._counter = r_ms, r_counter
            elif r_ms == self._ms and r_counter > self._counter:
                self._counter = r_counter

    def _advance_counter(self) -> None:
        if self._counter >= _MAX_COUNTER:
            # More than 100k stamps in one millisecond only happens in bulk loads: borrow the next millisecond.
            self._ms, self._counter = self._ms + 1, 0
        else:
            self._counter += 1
