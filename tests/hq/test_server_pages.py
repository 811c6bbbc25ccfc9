"""The headquarters pages mounted on the real central server app: staff sign-in, then the pages answer."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.hq.staff import set_staff
from app.server.app import create_app
from app.server.db import open_database


@pytest.fixture
def client(tmp_path):
    engine = open_database(str(tmp_path / "central.db"))
    set_staff(engine, username="L.Karimi", role="headquarters", password="surveillance-2026")
    with TestClient(create_app(engine=engine)) as c:
        yield c
    engine.dispose()


def test_pages_need_a_staff_sign_in(client):
    assert client.get("/hq/").status_code == 401
    assert client.get("/hq/", auth=("l.karimi", "wrong password")).status_code == 401
    assert client.get("/hq/", auth=("nobody", "surveillance-2026")).status_code == 401
    page = client.get("/hq/", auth=("l.karimi", "surveillance-2026"))
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert client.get("/hq/surveillance", auth=("l.karimi", "surveillance-2026")).status_code == 200


def test_pages_stay_out_of_the_sync_api_description(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert not any(p.startswith("/hq") for p in paths) and "/v1/changes" in paths


def test_staff_command_rules(tmp_path):
    from app.hq.staff import StaffError

    engine = open_database(str(tmp_path / "c.db"))
    with pytest.raises(StaffError, match="8 characters"):
        set_staff(engine, username="x", role="headquarters", password="short")
    with pytest.raises(StaffError, match="unknown role"):
        set_staff(engine, username="x", role="king", password="long enough")
    # A coordinator without a unit used to see every unit's households (issue #12, hole 7).
    with pytest.raises(StaffError, match="one unit"):
        set_staff(engine, username="x", role="coordinator", password="long enough")
    engine.dispose()


def test_forms_from_another_site_are_refused(client):
    auth = ("l.karimi", "surveillance-2026")
    form = {"content-type": "application/x-www-form-urlencoded"}
    evil = client.post("/hq/alerts/x/close", content="note=x", auth=auth,
                       headers={**form, "origin": "https://evil.example"})
    assert evil.status_code == 403
    own = client.post("/hq/alerts/x/close", content="note=x", auth=auth,
                      headers={**form, "origin": "http://testserver"})
    assert own.status_code != 403  # reaches the page (which says the alert does not exist)


def test_a_coordinator_needs_a_unit_and_each_account_has_its_language(tmp_path):
    from app.hq.staff import StaffError

    engine = open_database(str(tmp_path / "c.db"))
    with pytest.raises(StaffError, match="--unit-id"):
        set_staff(engine, username="h.rigi", role="coordinator", password="long enough")
    set_staff(engine, username="m.ahmadi", role="headquarters", password="long enough", language="fa")
    with TestClient(create_app(engine=engine)) as c:
        page = c.get("/hq/alerts", auth=("m.ahmadi", "long enough"))
        assert '<html lang="fa" dir="rtl">' in page.text
    engine.dispose()


def test_errors_are_html_pages_in_the_staffs_language_and_the_api_keeps_json(tmp_path):
    engine = open_database(str(tmp_path / "c.db"))
    set_staff(engine, username="m.ahmadi", role="headquarters", password="long enough", language="fa")
    with TestClient(create_app(engine=engine)) as c:
        missing = c.get("/hq/alerts/no-such-alert", auth=("m.ahmadi", "long enough"))
        assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
        assert 'dir="rtl"' in missing.text and "چنین صفحه یا رکوردی نیست" in missing.text
        assert 'href="/hq/"' in missing.text
        anonymous = c.get("/hq/")
        assert anonymous.status_code == 401 and "WWW-Authenticate" not in anonymous.headers  # the sign-in page instead
        assert "<html" in anonymous.text and "Sign in" in anonymous.text and "وارد شوید" in anonymous.text
        bad = c.get("/hq/surveillance?weeks=many", auth=("m.ahmadi", "long enough"))
        assert bad.status_code == 400 and "<html" in bad.text and "weeks" in bad.text
        api = c.get("/v1/hello")
        assert api.headers["content-type"].startswith("application/json")
    engine.dispose()
