"""The central server is cheap to say no (issue #12, hole 6 and the small holes of 8): authentication before the
body, body limits, a capped bundle unpack off the event loop, failure delays outside transactions with lockout, NaN
refused with 422, security headers. Each attack goes to the real server on a loopback port."""

from __future__ import annotations

import socket
import time
import zlib
from pathlib import Path

import httpx
import pytest
from db_snapshot import changed_tables, table_checksums
from helpers import LiveServer, enrol, make_activity, make_laptop
from sqlalchemy import Engine

from app.server.guard import Throttle
from app.sync import bundle

MIB = 1024 * 1024


def _raw_post(url: str, path: str, headers: dict[str, str], first_bytes: bytes, timeout: float = 5.0) -> int:
    """Declare a body, send only its first bytes, and read the answer: a server that reads the body before saying
    no would wait here until the timeout."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{head}\r\n".encode() + first_bytes)
        answer = sock.recv(4096).decode("latin-1")
    return int(answer.split(" ", 2)[1])


def test_no_token_no_body_read_and_limits_before_reading(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    lap = make_laptop(tmp_path, "A1")
    token = enrol(central, lap, live.url)
    before = table_checksums(central)  # every table: what the attacks below leave must be what was there
    started = time.monotonic()
    # 128 MiB declared, no token: refused at once, without reading it.
    assert _raw_post(live.url, "/v1/changes", {"Content-Type": "application/json",
                                               "Content-Length": str(128 * MIB)}, b"{" * 1024) == 401
    # With a token, but larger than the route accepts (and a 600 MiB bundle): 413 before reading.
    auth = {"Authorization": f"Bearer {token}"}
    assert _raw_post(live.url, "/v1/changes", {**auth, "Content-Type": "application/json",
                                               "Content-Length": str(128 * MIB)}, b"{") == 413
    assert _raw_post(live.url, "/v1/bundles", {**auth, "Content-Type": "application/octet-stream",
                                               "Content-Length": str(600 * MIB)}, b"S") == 413
    assert time.monotonic() - started < 4.5
    # A body sent in chunks (no length declared) is cut off as soon as it passes the limit.

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(70):
            yield b"\0" * MIB

    resp = httpx.post(f"{live.url}/v1/bundles", content=chunks(), headers=auth, timeout=30)
    assert resp.status_code == 413
    # The headquarters sign-in form is read before anyone is known: a name and a password, never megabytes.
    assert _raw_post(live.url, "/hq/sign-in", {"Content-Type": "application/x-www-form-urlencoded",
                                               "Content-Length": str(4 * MIB)}, b"u") == 413
    assert httpx.post(f"{live.url}/hq/sign-in", content=(b"u" * 1024 for _ in range(64)),
                      headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30).status_code == 413
    assert table_checksums(central) == before, changed_tables(before, table_checksums(central))
    lap.close()


def test_nan_is_a_422_with_a_sentence_and_headers_are_set(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    lap = make_laptop(tmp_path, "A1")
    token = enrol(central, lap, live.url)
    entry = ('{"seq": %s, "entity": "visit", "record_id": "v1", "op": "insert", "payload": {"id": "v1", '
             '"temperature_c": %s}, "hlc": "1767225600000:00000:abc"}')
    for seq, value in (("NaN", "1"), ("1", "Infinity"), ("1", "-Infinity")):
        body = f'{{"device_id": "{lap.device_id}", "epoch": 1, "batch_id": "b1", "entries": [{entry % (seq, value)}]}}'
        resp = httpx.post(f"{live.url}/v1/changes", content=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert resp.status_code == 422, resp.text
        assert "NaN and Infinity" in resp.text and "abc" not in resp.text
    for answer in (resp, httpx.get(f"{live.url}/v1/health"), httpx.get(f"{live.url}/hq/")):
        assert answer.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["cache-control"] == "no-store" and answer.headers["x-content-type-options"] == "nosniff"
    # A page on another site posting to headquarters' pages (an identity export in the officer's name): refused.
    resp = httpx.post(f"{live.url}/hq/exports/linelist", data={"identities": "1"}, auth=("l.karimi", "x"),
                      headers={"Origin": "http://evil.example"})
    assert resp.status_code == 403 and "another site" in resp.text
    assert httpx.get(f"{live.url}/hq/exports/linelist?identities=1").status_code in (401, 405)
    lap.close()


def test_a_small_signed_bundle_cannot_unpack_into_gigabytes(tmp_path: Path, central: Engine, live: LiveServer,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    lap = make_laptop(tmp_path, "B2")
    token = enrol(central, lap, live.url)
    make_activity(lap, 3)
    real = zlib.compress
    # The laptop's own key signs it; the body unpacks to 200 MiB of padding from a file of a few hundred KiB.
    monkeypatch.setattr(bundle.zlib, "compress", lambda data, level=-1: real(data + b" " * (200 * MIB), 9))
    summary = bundle.export_bundle(lap.store, lap.coord, tmp_path / "bomb.sayyar")
    monkeypatch.setattr(bundle.zlib, "compress", real)
    assert summary.size < 1 * MIB
    before = table_checksums(central)
    started = time.monotonic()
    resp = httpx.post(f"{live.url}/v1/bundles", content=summary.path.read_bytes(), timeout=60,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"})
    assert resp.status_code == 400 and resp.json()["detail"]["code"] == "too_large"
    assert time.monotonic() - started < 10
    assert table_checksums(central) == before, changed_tables(before, table_checksums(central))
    lap.close()


def test_wrong_passwords_are_slowed_outside_the_transaction_and_lock_the_account(tmp_path: Path,
                                                                                 central: Engine) -> None:
    from app.hq.staff import set_staff

    set_staff(central, username="l.karimi", role="headquarters", password="right-password")
    throttle = Throttle(per_client=1000, per_account=5, base_delay_s=0.05, max_delay_s=0.2)
    lap = make_laptop(tmp_path, "A1")
    token = enrol(central, lap, "")
    with LiveServer(central, throttle=throttle) as srv:
        with httpx.Client(base_url=srv.url, timeout=30) as http:
            assert http.get("/hq/", auth=("l.karimi", "right-password")).status_code == 200
            # A device syncs while wrong passwords stream in: it is not held up by them (no sleep holds the
            # database), and every wrong answer is the same for unknown and known names.
            for i in range(5):
                assert http.get("/hq/", auth=("l.karimi", f"wrong-{i}")).status_code == 401
                assert http.get("/hq/", auth=(f"nobody{i}", "wrong")).status_code == 401
                assert http.get("/v1/devices/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
            # Locked now, even with the right password.
            resp = http.get("/hq/", auth=("l.karimi", "right-password"))
            assert resp.status_code == 429 and "locked" in resp.json()["detail"]
            # Unknown device tokens are slowed and counted as failures of the address too.
            started = time.monotonic()
            assert http.get("/v1/feed", headers={"Authorization": "Bearer forged"}).status_code == 401
            assert time.monotonic() - started >= 0.05
    lap.close()


def test_wrong_passwords_sent_at_once_are_checked_one_at_a_time(tmp_path: Path, central: Engine,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An argon2 check takes 64 MiB and most of a core: sixty wrong passwords sent together grew the server to
    2.5 GB and took both cores from the devices. They wait their turn on the event loop instead, each still 401."""
    import threading

    from app.hq import web_auth
    from app.hq.staff import set_staff

    set_staff(central, username="l.karimi", role="headquarters", password="right-password")
    running, most = [0], [0]
    lock = threading.Lock()
    real = web_auth.verify_staff

    def counted(row, password):  # type: ignore[no-untyped-def]
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.02)  # long enough for the others to pile up if nothing holds them back
            return real(row, password)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(web_auth, "verify_staff", counted)
    throttle = Throttle(per_client=10**6, per_account=10**6, base_delay_s=0.001, max_delay_s=0.01)
    answers: list[int] = []
    with LiveServer(central, throttle=throttle) as srv:
        def attempt(i: int) -> None:
            if i % 2:
                answers.append(httpx.get(f"{srv.url}/hq/", auth=(f"nobody{i}", "wrong"), timeout=60).status_code)
                return
            with httpx.Client(base_url=srv.url, timeout=60) as http:  # the sign-in form, as a browser posts it
                form = http.get("/hq/sign-in", headers={"accept": "text/html"}).text
                pre = form.split('name="pre" value="', 1)[1].split('"', 1)[0]
                answers.append(http.post("/hq/sign-in", data={"pre": pre, "username": f"l.karimi{i}",
                                                              "password": "wrong"}).status_code)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(set(answers)) == [401] and len(answers) == 16
        with httpx.Client(base_url=srv.url, timeout=30) as http:  # the right password still gets in
            assert http.get("/hq/", auth=("l.karimi", "right-password")).status_code == 200
    assert most[0] == 1, f"{most[0]} password checks ran at once"
