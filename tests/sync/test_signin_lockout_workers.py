"""Per-account lockout with several server processes (issue 12, "cheap to say no"): `sayyar server --workers N`
counted each account's wrong passwords in each process and learnt another process's lock only at its next start,
so N processes allowed N times the tries and a locked account still signed in through the others. The processes now
count an account's failures and read its lock in the central database (app/hq/staff.py, ``count_failure``)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from helpers import server_engine, server_process

from app.hq.staff import set_staff
from app.server.app import create_app
from app.server.guard import Throttle

PASSWORD = "surveillance-2026"


def _sign_in(c: httpx.Client | TestClient, password: str) -> int:
    form = c.get("/hq/sign-in", headers={"accept": "text/html"})
    pre = re.search(r'name="pre" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    return c.post("/hq/sign-in", data={"pre": pre, "username": "l.karimi", "password": password},
                  follow_redirects=False).status_code


def _process(engine, several: bool) -> TestClient:  # type: ignore[no-untyped-def]
    """One server process's app on the shared central database (its own throttle, as a worker has)."""
    throttle = Throttle(base_delay_s=0.0, max_delay_s=0.0, per_account=10, per_client=1000, several_processes=several)
    return TestClient(create_app(engine=engine, throttle=throttle))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_ten_wrong_passwords_spread_over_two_processes_lock_the_account_in_both(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = str(tmp_path / "central.db") if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = server_engine(url)
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD)
    with _process(engine, True) as a, _process(engine, True) as b:
        for n in range(10):
            assert _sign_in(a if n % 2 else b, "wrong-password") == 401
        assert _sign_in(a, PASSWORD) == 429 and _sign_in(b, PASSWORD) == 429
        # HTTP Basic (scripts) is refused for the locked account too, in a process that never saw a failure of it.
        with _process(engine, True) as c:
            assert c.get("/hq/", auth=("l.karimi", PASSWORD)).status_code == 429
    # The same spread over two processes that count alone: five each, no lock anywhere (what happened before).
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD)
    with engine.begin() as conn:
        from app.hq.staff import hq_signin_lock

        conn.execute(hq_signin_lock.delete())
    with _process(engine, False) as a, _process(engine, False) as b:
        for n in range(10):
            assert _sign_in(a if n % 2 else b, "wrong-password") == 401
        assert _sign_in(a, PASSWORD) == 303
    engine.dispose()


def test_a_server_with_two_worker_processes_locks_an_account_after_ten_wrong_passwords(
        tmp_path: Path, pg_url: str) -> None:
    engine = server_engine(pg_url)
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD)
    try:
        with server_process(pg_url, tmp_path / "server-data") as url:
            for _ in range(10):  # a new connection each time: the two processes share them as they come
                with httpx.Client(base_url=url, timeout=30) as c:
                    assert _sign_in(c, "wrong-password") == 401
            for _ in range(4):
                with httpx.Client(base_url=url, timeout=30) as c:
                    assert _sign_in(c, PASSWORD) == 429
    finally:
        engine.dispose()
