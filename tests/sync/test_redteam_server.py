"""Issue 12 re-checked as an attacker (session 8): each attack goes to the real server under uvicorn on a loopback
port. What a previous round left open: NaN in the small JSON bodies (a 500 with a traceback, and the values sent
echoed back in every 422), a staff account whose password hash is unusable answering at once (so its name is seen
to exist), long passwords going to argon2, and lockouts forgotten by a restart."""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

import httpx
import pytest
from helpers import LiveServer, enrol, make_laptop
from sqlalchemy import Engine

from app.hq.staff import hq_staff, set_staff
from app.server.guard import Throttle

SMALL_BODIES = ("/v1/devices/me/status", "/v1/devices/me/anchor", "/v1/conflicts/c1/resolve", "/v1/patients/lookup")


def test_nan_or_a_wrong_value_in_any_json_body_is_a_422_that_echoes_nothing(
        tmp_path: Path, central: Engine, live: LiveServer, capfd: pytest.CaptureFixture[str]) -> None:
    lap = make_laptop(tmp_path, "A1")
    token = enrol(central, lap, live.url)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for path in SMALL_BODIES:
        for body in ('{"grant_public": NaN, "patient_code": Infinity, "queued": NaN, "resolution": -Infinity, '
                     '"reason": "Zahra Rezaei"}',
                     '{"grant_public": 7, "patient_code": 5, "queued": "Zahra Rezaei", "resolution": "Zahra Rezaei", '
                     '"reason": "Zahra Rezaei", "note": "Zahra Rezaei"}'):
            resp = httpx.post(f"{live.url}{path}", content=body, headers=auth)
            assert resp.status_code == 422, (path, resp.status_code, resp.text)
            assert "Zahra" not in resp.text and "input" not in resp.json()["detail"][0], (path, resp.text)
            assert all(e["loc"] and e["msg"] for e in resp.json()["detail"])
        assert "NaN and Infinity" in httpx.post(f"{live.url}{path}", content='{"queued": NaN, "grant_public": NaN, '
                                                '"patient_code": NaN, "resolution": NaN}', headers=auth).text
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "Zahra" not in out + err
    lap.close()


def _sign_in_form(http: httpx.Client, username: str, password: str) -> httpx.Response:
    pre = re.search(r'name="pre" value="([^"]+)"', http.get("/hq/sign-in").text)
    assert pre
    return http.post("/hq/sign-in", data={"pre": pre.group(1), "username": username, "password": password})


def test_a_name_costs_the_same_whether_it_exists_or_not_and_long_passwords_never_reach_argon2(
        central: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.hq import staff

    set_staff(central, username="l.karimi", role="headquarters", password="right-password")
    set_staff(central, username="no.hash", role="headquarters", password="right-password")
    set_staff(central, username="gone", role="headquarters", password="right-password")
    with central.begin() as conn:  # an account whose hash is unusable (written by hand, or by another tool)
        conn.execute(hq_staff.update().where(hq_staff.c.username == "no.hash").values(password_hash="!"))
        conn.execute(hq_staff.update().where(hq_staff.c.username == "gone").values(active=False))
    checks: list[int] = []

    class Counted(type(staff._hasher)):  # type: ignore[misc]
        def verify(self, hash: str, password: str | bytes) -> bool:  # noqa: A002
            checks.append(len(password))
            return super().verify(hash, password)

    monkeypatch.setattr(staff, "_hasher", Counted())
    throttle = Throttle(per_client=10**6, per_account=10**6, base_delay_s=0.0, max_delay_s=0.0)
    kinds = {"known": "l.karimi", "unknown": "nobody", "no hash": "no.hash", "deactivated": "gone",
             "odd unicode": "l.kar\u0131mi\u200f\u0301", "over-long": "x" * 5000}
    with LiveServer(central, throttle=throttle) as srv, httpx.Client(base_url=srv.url, timeout=60) as http:
        times: dict[str, list[float]] = {k: [] for k in kinds}
        for _ in range(3):
            for kind, name in kinds.items():
                started = time.perf_counter()
                assert _sign_in_form(http, name, "wrong-password").status_code == 401
                times[kind].append(time.perf_counter() - started)
        median = {k: statistics.median(v) for k, v in times.items()}
        # Every kind costs one argon2 check: the unusable hash answered in 3 ms against 120 ms for the others.
        assert min(median.values()) > 0.5 * max(median.values()), median
        # A password longer than any account can have is refused before argon2, for every name alike (the form
        # takes 16 KiB, Basic credentials 60 KiB: each an argon2 check before).
        checks.clear()
        for name in ("l.karimi", "nobody"):
            assert _sign_in_form(http, name, "p" * 12_000).status_code == 401
            assert http.get("/hq/", auth=(name, "p" * 60_000)).status_code == 401
        assert checks == []
        assert http.get("/hq/", auth=("l.karimi", "right-password")).status_code == 200


def test_the_lockout_survives_a_restart_and_says_the_same_for_an_unknown_name(central: Engine) -> None:
    set_staff(central, username="l.karimi", role="headquarters", password="right-password")

    def throttle() -> Throttle:
        return Throttle(per_client=10**6, per_account=3, base_delay_s=0.0, max_delay_s=0.0)

    with LiveServer(central, throttle=throttle()) as srv, httpx.Client(base_url=srv.url, timeout=60) as http:
        for i in range(3):  # from three client addresses (the proxy's X-Forwarded-For): counted for the account
            for name in ("l.karimi", "nobody"):
                resp = http.get("/hq/", auth=(name, "wrong"), headers={"X-Forwarded-For": f"10.0.0.{i}"})
                assert resp.status_code == 401
        known = http.get("/hq/", auth=("l.karimi", "right-password"))
        unknown = http.get("/hq/", auth=("nobody", "right-password"))
        assert known.status_code == unknown.status_code == 429 and known.text == unknown.text
        assert _sign_in_form(http, "l.karimi", "right-password").status_code == 429
    # The server is restarted (a new process has a new throttle): the account is still locked.
    with LiveServer(central, throttle=throttle()) as srv, httpx.Client(base_url=srv.url, timeout=60) as http:
        assert http.get("/hq/", auth=("l.karimi", "right-password")).status_code == 429
        resp = _sign_in_form(http, "l.karimi", "right-password")
        assert resp.status_code == 429 and "locked" in resp.text
        assert http.get("/hq/", auth=("nobody", "right-password")).status_code == 429


# A GET of these paths is another page (the form, or a download without identities); its POST is the state change.
GET_TWINS = {"/hq/exports/linelist", "/hq/import", "/hq/sign-in"}


def _routes(routes: list, prefix: str = "") -> list[tuple[str, str]]:  # type: ignore[type-arg]
    out = []
    for r in routes:
        if hasattr(r, "original_router"):  # a router included with a prefix (FastAPI's _IncludedRouter)
            out += _routes(r.original_router.routes, prefix + r.include_context.prefix)
            continue
        out += [(m, prefix + r.path) for m in getattr(r, "methods", None) or ()]
    return out


def test_every_state_change_on_the_pages_is_a_same_origin_post(central: Engine, live: LiveServer) -> None:
    set_staff(central, username="l.karimi", role="headquarters", password="right-password", admin=True)
    set_staff(central, username="m.ahmadi", role="headquarters", password="right-password")
    routes = _routes(live.app.routes)
    posts = sorted({p for m, p in routes if m == "POST" and p.startswith("/hq")})
    gets = {p for m, p in routes if m == "GET"}
    assert len(posts) >= 8 and {p for p in posts if p in gets} == GET_TWINS
    with httpx.Client(base_url=live.url, auth=("l.karimi", "right-password"), timeout=30) as http:
        for path in posts:
            url = re.sub(r"\{[a-z_]+\}", "x", path.replace("{username}", "m.ahmadi").replace("{step}", "deactivate"))
            if path not in GET_TWINS:
                assert http.get(url, follow_redirects=False).status_code == 405, path
            for foreign in ({"Origin": "http://evil.example"}, {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
                            {"Sec-Fetch-Site": "cross-site"}):
                resp = http.post(url, data={"password": "another-password"}, headers=foreign, follow_redirects=False)
                assert resp.status_code == 403 and "another site" in resp.text, (path, foreign)
            page = http.get("/hq/", follow_redirects=False)
            assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
    with central.connect() as conn:  # nothing changed: the account is active and its password the same
        row = conn.execute(hq_staff.select().where(hq_staff.c.username == "m.ahmadi")).one()
    assert row.active
    with httpx.Client(base_url=live.url, timeout=30) as http:
        assert http.get("/hq/", auth=("m.ahmadi", "right-password")).status_code == 200


def test_another_sites_link_to_an_audited_download_writes_no_audit_row(central: Engine, live: LiveServer) -> None:
    """The exports without identities are plain links (GET) and each writes an audit row in the officer's name: an
    image on another site's page made the officer's browser add such rows. A cross-site GET is now refused like a
    cross-site POST; the officer's own click (same-origin, or the address typed: no Sec-Fetch-Site) still works."""
    from sqlalchemy import func, select

    from app.hq.models import hq_audit

    set_staff(central, username="l.karimi", role="headquarters", password="right-password")
    downloads = ("/hq/exports/dhis2", "/hq/exports/linelist?format=csv", "/hq/immunisation/dhis2?month=2026-11")

    def rows() -> int:
        with central.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(hq_audit)).scalar_one())

    with httpx.Client(base_url=live.url, auth=("l.karimi", "right-password"), timeout=30) as http:
        http.get("/hq/")
        before = rows()
        for url in downloads:
            for foreign in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                            {"Origin": "http://evil.example"}):
                resp = http.get(url, headers=foreign)
                assert resp.status_code == 403 and "another site" in resp.text, (url, foreign)
        assert rows() == before
        for url in downloads:
            assert http.get(url, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200, url
            assert http.get(url).status_code == 200, url
    assert rows() == before + 2 * len(downloads)


def test_odd_names_on_postgresql_are_wrong_passwords_not_500s(capfd: pytest.CaptureFixture[str]) -> None:
    """PostgreSQL refuses a NUL in text (psycopg raises before sending): a name with one must be a wrong password,
    not a 500 with a traceback, on the form and in Basic credentials alike."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from postgres_required import fresh_database

    from app.server.db import open_database

    with fresh_database("redteam") as url:
        engine = open_database(url)
        set_staff(engine, username="l.karimi", role="headquarters", password="right-password")
        with LiveServer(engine) as srv, httpx.Client(base_url=srv.url, timeout=60) as http:
            for name in ("l.karimi\x00", "\x00", "\ufeffl.karimi", "x" * 300):
                assert _sign_in_form(http, name, "wrong-password").status_code == 401, repr(name)
                assert http.get("/hq/", auth=(name, "wrong-password")).status_code == 401, repr(name)
            assert _sign_in_form(http, "l.karimi", "right\x00password").status_code == 401
            assert http.get("/hq/", auth=("l.karimi", "right-password")).status_code == 200
        engine.dispose()
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def test_a_copy_of_the_enrolment_file_cannot_have_its_own_grant_key_certified_first(
        tmp_path: Path, central: Engine, live: LiveServer) -> None:
    """A laptop enrolled before requests named its grant key: the server used to certify whichever key came first
    with the laptop's token, and the token is in the enrolment file (on a USB stick, in a mailbox). The laptop's
    device key, which never leaves its encrypted database, must sign the key now."""
    from app.security.keystore.grants import new_root
    from app.sync import anchor, crypto
    from app.sync.client import Api, Refused
    from app.sync.identity import identity

    lap = make_laptop(tmp_path, "A1")
    token = enrol(central, lap, live.url)  # no grant key in the request: the laptop of before
    ident = identity(lap.store)
    assert ident.hq_sign_public
    hq_id = crypto.key_id(ident.hq_sign_public)
    _, thief_key = new_root()
    thief_private, _ = crypto.new_signing_key()
    auth = {"Authorization": f"Bearer {token}"}
    for signature in ("", crypto.b64(crypto.sign(thief_private, crypto.grant_anchor_message(
            ident.device_id, thief_key, hq_id)))):
        resp = httpx.post(f"{live.url}/v1/devices/me/anchor", headers=auth, json={
            "grant_public": crypto.b64(thief_key), "hq_key_id": hq_id, "device_signature": signature})
        assert resp.status_code == 409 and resp.json()["detail"]["code"] == "anchor_unsigned", resp.text
    # The laptop's own round: its key, signed by its device key, is the one certified.
    _, laptop_key = new_root()
    api = Api(live.url, token)
    anchor.present(lap.store, api, laptop_key)
    assert anchor.certified_grant_key(lap.store) == laptop_key
    # The thief, even with a signature, is now refused as a changed key (and it shows at headquarters).
    with pytest.raises(Refused) as refused:
        from app.sync.protocol import GrantAnchor

        api.anchor(GrantAnchor(grant_public=crypto.b64(thief_key), hq_key_id=hq_id))
    assert refused.value.code == "anchor_changed"
    api.close()
    lap.close()
