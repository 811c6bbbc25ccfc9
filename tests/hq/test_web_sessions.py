"""Issue 17, item 5: web sessions for the headquarters pages — sign-in page, sign-out, idle timeout and lifetime,
HttpOnly + SameSite=Strict (+ Secure over TLS) cookie, CSRF tokens on every form, lockout after wrong passwords, the
staff list with deactivation for an administrator, one staff list for the pages and the command line."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from app.hq.models import hq_audit
from app.hq.staff import hq_staff, set_staff
from app.server.app import create_app
from app.server.db import open_database
from app.server.guard import Throttle

PASSWORD = "surveillance-2026"
HTML = {"accept": "text/html,application/xhtml+xml"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def engine(tmp_path):
    engine = open_database(str(tmp_path / "central.db"))
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD, admin=True)
    set_staff(engine, username="m.ahmadi", role="headquarters", password=PASSWORD, language="fa")
    yield engine
    engine.dispose()


@pytest.fixture
def clock():
    return Clock()


def _client(engine, clock, base_url="http://testserver", **throttle):
    app = create_app(engine=engine, throttle=Throttle(base_delay_s=0.0, max_delay_s=0.0, **throttle))
    app.state.hq_sessions.clock = clock
    return TestClient(app, base_url=base_url)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page's forms carry no CSRF token"
    return found.group(1)


def sign_in(c: TestClient, user: str, password: str = PASSWORD, **extra):
    form = c.get("/hq/sign-in", headers=HTML)
    pre = re.search(r'name="pre" value="([^"]+)"', form.text).group(1)
    return c.post("/hq/sign-in", data={"pre": pre, "username": user, "password": password, **extra},
                  follow_redirects=False)


def test_a_browser_without_a_session_is_sent_to_the_sign_in_page_and_back(engine, clock):
    with _client(engine, clock) as c:
        first = c.get("/hq/alerts", headers=HTML, follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/hq/sign-in?next=%2Fhq%2Falerts"
        assert "www-authenticate" not in first.headers  # the browser never keeps Basic credentials
        form = c.get(first.headers["location"], headers=HTML)
        assert form.status_code == 200 and 'type="password"' in form.text and 'action="/hq/sign-in"' in form.text
        pre = re.search(r'name="pre" value="([^"]+)"', form.text).group(1)
        done = c.post("/hq/sign-in", data={"pre": pre, "username": "L.Karimi ", "password": PASSWORD,
                                           "next": "/hq/alerts"}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/hq/alerts"
        cookie = done.headers["set-cookie"]
        assert "sayyar_hq=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict",
                                                                                                       "strict")
        assert "Path=/hq" in cookie and "Secure" not in cookie  # plain HTTP on loopback: no Secure flag
        desk = c.get("/hq/alerts", headers=HTML)
        assert desk.status_code == 200 and "Signed in as l.karimi" in desk.text
        assert 'action="/hq/sign-out"' in desk.text  # every page offers sign-out
        # Only a page of these pages may be the way back: never another site.
        first_cookie = c.cookies.get("sayyar_hq")
        again = sign_in(c, "l.karimi", next="https://evil.example/")
        assert again.headers["location"] == "/hq/"
        # Signing in again replaces the session: the earlier cookie signs no one in.
        from app.hq.sessions import find_session

        assert find_session(engine, first_cookie, c.app.state.hq_sessions) is None


def test_the_cookie_is_secure_over_tls(engine, clock):
    with _client(engine, clock, base_url="https://testserver") as c:
        done = sign_in(c, "l.karimi")
        assert done.status_code == 303 and "Secure" in done.headers["set-cookie"]


def test_wrong_passwords_lock_the_account_on_the_sign_in_page(engine, clock):
    with _client(engine, clock, per_account=3, per_client=1000) as c:
        for _ in range(3):
            bad = sign_in(c, "l.karimi", "not-the-password")
            assert bad.status_code == 401 and "Wrong user name or password" in bad.text
        locked = sign_in(c, "l.karimi", PASSWORD)
        assert locked.status_code == 429 and "locked" in locked.text and "sayyar_hq=" not in locked.headers.get(
            "set-cookie", "")
        # The lock is the guard's per-account lock: HTTP Basic for that account is refused as well.
        assert c.get("/hq/", auth=("l.karimi", PASSWORD)).status_code == 429
        # Another account from the same computer still signs in.
        assert sign_in(c, "m.ahmadi").status_code == 303
        # An unknown name gets the same answer as a wrong password.
        assert sign_in(c, "nobody", PASSWORD).status_code == 401


def test_a_sign_in_form_from_elsewhere_signs_no_one_in(engine, clock):
    with _client(engine, clock) as c:
        forged = c.post("/hq/sign-in", data={"pre": "guess", "username": "l.karimi", "password": PASSWORD},
                        follow_redirects=False)
        assert forged.status_code == 400 and "sayyar_hq=" not in forged.headers.get("set-cookie", "")


def test_every_form_carries_a_csrf_token_and_a_post_without_it_is_refused(engine, clock):
    with _client(engine, clock) as c:
        sign_in(c, "l.karimi")
        exports = c.get("/hq/exports", headers=HTML).text
        token = _csrf(exports)
        assert exports.count('name="csrf"') >= 2  # both line-list forms (and sign-out)
        form = {"content-type": "application/x-www-form-urlencoded", "origin": "http://testserver"}
        refused = c.post("/hq/alerts/x/close", content="note=x", headers=form)
        assert refused.status_code == 403 and "current session" in refused.text
        wrong = c.post("/hq/alerts/x/close", content="note=x&csrf=forged", headers=form)
        assert wrong.status_code == 403
        own = c.post("/hq/alerts/x/close", content=f"note=x&csrf={token}", headers=form)
        assert own.status_code == 200 and "Alert not changed" in own.text  # reached the page: no such alert
        # The same-origin check still runs first (another site's page, even with a stolen token).
        evil = c.post("/hq/alerts/x/close", content=f"note=x&csrf={token}",
                      headers={**form, "origin": "https://evil.example"})
        assert evil.status_code == 403 and "another site" in evil.text


def test_sign_out_ends_the_session_on_the_server(engine, clock):
    with _client(engine, clock) as c:
        sign_in(c, "m.ahmadi")
        home = c.get("/hq/", headers=HTML)
        assert 'dir="rtl"' in home.text and "خروج" in home.text
        cookie = c.cookies.get("sayyar_hq")
        out = c.post("/hq/sign-out", data={"csrf": _csrf(home.text)}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"].startswith("/hq/sign-in?out=1")
        assert "از سامانه خارج شدید" in c.get(out.headers["location"], headers=HTML).text
        # The old cookie, replayed, signs no one in.
        c.cookies.set("sayyar_hq", cookie, path="/hq")
        replay = c.get("/hq/", headers=HTML, follow_redirects=False)
        assert replay.status_code == 303 and "ended=1" in replay.headers["location"]
        assert c.get("/hq/").status_code == 401  # a script's answer: 401, no redirect


def test_sessions_end_after_30_idle_minutes_and_after_12_hours(engine, clock):
    with _client(engine, clock) as c:
        sign_in(c, "l.karimi")
        clock.now += timedelta(minutes=29)
        assert c.get("/hq/alerts", headers=HTML, follow_redirects=False).status_code == 200
        clock.now += timedelta(minutes=31)
        idle = c.get("/hq/alerts", headers=HTML, follow_redirects=False)
        assert idle.status_code == 303 and "ended=1" in idle.headers["location"]
        assert "idle for 30 minutes" in c.get(idle.headers["location"], headers=HTML).text
        sign_in(c, "l.karimi")
        for _ in range(37):  # busy all day: a page every 20 minutes for over 12 hours
            clock.now += timedelta(minutes=20)
            last = c.get("/hq/alerts", headers=HTML, follow_redirects=False)
        assert last.status_code == 303, "a session outlived its 12 hours"


def test_an_administrator_lists_and_deactivates_accounts_and_the_session_ends_at_once(engine, clock):
    with _client(engine, clock) as admin, _client(engine, clock) as officer:
        sign_in(officer, "m.ahmadi")
        assert officer.get("/hq/", headers=HTML).status_code == 200
        assert officer.get("/hq/staff", headers=HTML).status_code == 403  # not an administrator
        sign_in(admin, "l.karimi")
        staff = admin.get("/hq/staff", headers=HTML)
        assert staff.status_code == 200 and "m.ahmadi" in staff.text and "Staff administrator" in staff.text
        assert 'href="/hq/staff"' in staff.text
        assert "/hq/staff/l.karimi/deactivate" not in staff.text  # not one's own account
        done = admin.post("/hq/staff/m.ahmadi/deactivate", data={"csrf": _csrf(staff.text)}, follow_redirects=False)
        assert done.status_code == 303
        assert officer.get("/hq/", headers=HTML, follow_redirects=False).status_code == 303  # signed out at once
        assert sign_in(officer, "m.ahmadi").status_code == 401
        assert officer.get("/hq/", auth=("m.ahmadi", PASSWORD)).status_code == 401
        again = admin.get("/hq/staff", headers=HTML)
        assert "/hq/staff/m.ahmadi/reactivate" in again.text
        admin.post("/hq/staff/m.ahmadi/reactivate", data={"csrf": _csrf(again.text)})
        assert sign_in(officer, "m.ahmadi").status_code == 303
    with engine.connect() as conn:
        rows = conn.execute(select(hq_audit.c.user, hq_audit.c.action, hq_audit.c.what)).all()
    assert ("l.karimi", "staff_deactivate", "m.ahmadi") in rows and ("l.karimi", "staff_activate", "m.ahmadi") in rows


def test_a_coordinator_without_a_unit_cannot_sign_in(engine, clock):
    from argon2 import PasswordHasher

    with engine.begin() as conn:  # an account made before units were required
        conn.execute(insert(hq_staff).values(username="h.rigi", role="coordinator", unit_id=None, active=True,
                                             password_hash=PasswordHasher().hash(PASSWORD), language="en",
                                             admin=False))
    with _client(engine, clock) as c:
        assert sign_in(c, "h.rigi").status_code == 401
        assert c.get("/hq/", auth=("h.rigi", PASSWORD)).status_code == 401


def test_scripts_still_use_http_basic_without_a_session(engine, clock):
    with _client(engine, clock) as c:
        page = c.get("/hq/", auth=("l.karimi", PASSWORD))
        assert page.status_code == 200 and "sayyar_hq=" not in page.headers.get("set-cookie", "")
        assert 'name="csrf"' not in page.text


def test_one_staff_list_for_the_pages_and_the_command_line(engine, tmp_path, monkeypatch, capsys):
    """An account made for the pages signs in to `sayyar hq` commands, and a deactivated one to neither."""
    from app.cli import main
    from app.hq.access import Actor
    from app.hq.staff import set_active

    db = str(tmp_path / "central.db")
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)
    assert main(["--user", "m.ahmadi", "hq", "conflicts", "--db", db]) == 0
    assert "open conflict" in capsys.readouterr().out
    with engine.begin() as conn:
        set_active(conn, "m.ahmadi", False, by=Actor("l.karimi", "headquarters"))
    assert main(["--user", "m.ahmadi", "hq", "conflicts", "--db", db]) != 0
    assert "headquarters staff account" in capsys.readouterr().err


def test_a_staff_list_made_before_sessions_gains_its_columns(tmp_path, monkeypatch, capsys):
    """A central database whose hq_staff table predates the administrator and last sign-in columns."""
    from app.cli import main

    db = tmp_path / "old.db"
    engine = open_database(str(db))
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE hq_staff DROP COLUMN admin")
        conn.exec_driver_sql("ALTER TABLE hq_staff DROP COLUMN last_sign_in_at")
    engine.dispose()
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)
    assert main(["--user", "l.karimi", "hq", "report", "--db", str(db), "--out", str(tmp_path / "w.pdf")]) == 0


def test_an_administrator_sets_a_new_password_and_the_old_one_and_its_sessions_end(engine, clock):
    with _client(engine, clock) as admin, _client(engine, clock) as officer:
        sign_in(officer, "m.ahmadi")
        sign_in(admin, "l.karimi")
        staff = admin.get("/hq/staff", headers=HTML).text
        assert 'action="/hq/staff/m.ahmadi/password"' in staff
        short = admin.post("/hq/staff/m.ahmadi/password", data={"csrf": _csrf(staff), "password": "short"})
        assert short.status_code == 400 and "at least 8 characters" in short.text
        long = admin.post("/hq/staff/m.ahmadi/password", data={"csrf": _csrf(staff), "password": "p" * 1025})
        assert long.status_code == 400 and "at most 1024 characters" in long.text and "at least" not in long.text
        done = admin.post("/hq/staff/m.ahmadi/password", data={"csrf": _csrf(staff), "password": "a-new-one-1405"},
                          follow_redirects=False)
        assert done.status_code == 303
        assert "m.ahmadi has a new password" in admin.get(done.headers["location"], headers=HTML).text
        assert officer.get("/hq/", headers=HTML, follow_redirects=False).status_code == 303  # signed out
        assert sign_in(officer, "m.ahmadi").status_code == 401
        assert sign_in(officer, "m.ahmadi", "a-new-one-1405").status_code == 303
        # Not an administrator: refused.
        page = officer.get("/hq/", headers=HTML).text
        assert officer.post("/hq/staff/l.karimi/password", data={"csrf": _csrf(page), "password": "x" * 12}
                            ).status_code == 403
    with engine.connect() as conn:
        assert ("l.karimi", "staff_password", "m.ahmadi") in conn.execute(
            select(hq_audit.c.user, hq_audit.c.action, hq_audit.c.what)).all()
