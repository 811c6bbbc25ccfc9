"""The background engine never starts a round after it was paused (a lock, a sign-out), even when the pause lands
while it is asking the server whether it is there: that answer takes seconds on a field connection."""

from __future__ import annotations

import threading

import app.sync.engine as engine_module
from app.sync.engine import SyncEngine


class _SlowHealth:
    """The server's health answer, held until the test lets it go."""

    asked = threading.Event()
    answer = threading.Event()

    def __init__(self, url: str, token: str) -> None:
        pass

    def health(self) -> bool:
        _SlowHealth.asked.set()
        _SlowHealth.answer.wait(10)
        return True

    def close(self) -> None:
        pass


def test_a_pause_while_the_server_is_asked_starts_no_round(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rounds: list[object] = []
    monkeypatch.setattr(engine_module, "Api", _SlowHealth)
    monkeypatch.setattr(engine_module, "run_one_round", lambda *a, **kw: rounds.append(a))
    eng = SyncEngine(object(), object(), server_url="http://127.0.0.1:9", token="t", interval=60)  # type: ignore[arg-type]
    eng.start()
    try:
        assert _SlowHealth.asked.wait(10)
        eng.pause()  # the screen locks while the answer is on its way
        _SlowHealth.answer.set()
        eng._thread.join(1.0)  # type: ignore[union-attr]  # the loop goes back to waiting for resume
        assert rounds == [] and eng.state.paused and not eng.state.syncing
    finally:
        eng.stop(5)
