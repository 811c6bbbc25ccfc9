"""Headquarters pages through FastAPI's TestClient on a SQLite central database."""

from __future__ import annotations

import json
from datetime import date, timedelta

import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.hq.access import Actor
from app.hq.alerts import evaluate_alerts
from app.hq.dhis2 import schema
from app.hq.models import hq_alert, hq_audit
from app.hq.weeks import week_of
from app.hq.web import get_actor, get_connection, router
from hq_helpers import add_case, add_patient, add_site, add_visit, central_sqlite

TODAY = date.today()


@pytest.fixture
def client(tmp_path):
    engine = central_sqlite(str(tmp_path / "central.db"))
    with engine.begin() as conn:
        site = add_site(conn)
        p = add_patient(conn)
        for f in ("F02", "F05"):
            add_visit(conn, p, site[f], TODAY)
        add_case(conn, "cholera", site["F02"], TODAY, patient=p)
        evaluate_alerts(conn)
    app = FastAPI()
    app.include_router(router, prefix="/hq")

    def connection():
        with engine.begin() as conn:
            yield conn

    who = {"actor": Actor("l.karimi", "headquarters")}
    app.dependency_overrides[get_connection] = connection
    app.dependency_overrides[get_actor] = lambda: who["actor"]
    with TestClient(app) as c:
        c.who = who  # type: ignore[attr-defined]
        c.engine = engine  # type: ignore[attr-defined]
        yield c
    engine.dispose()


def test_overview_page(client) -> None:
    r = client.get("/hq/")
    assert r.status_code == 200
    html = r.text
    assert "<svg" in html and 'aria-label="Reporting completeness"' in html
    assert 'dir="auto"' in html and "مرکز شیرآباد" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "1 alerts awaiting verification" in html


def test_surveillance_verify_and_close(client) -> None:
    html = client.get("/hq/surveillance").text
    assert "Cholera" in html and 'class="raised"' in html and "<svg" in html
    with client.engine.connect() as conn:
        alert_id = conn.execute(select(hq_alert.c.id)).scalar_one()
    form = {"content-type": "application/x-www-form-urlencoded"}
    r = client.post(f"/hq/alerts/{alert_id}/close", content="note=too+early&outcome=no_outbreak", headers=form,
                    follow_redirects=False)
    assert r.status_code == 200 and "cannot be closed now" in r.text and 'href="/hq/surveillance"' in r.text
    r = client.post(f"/hq/alerts/{alert_id}/verify", content="note=confirmed+by+RDT", headers=form,
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/hq/alerts/{alert_id}"
    client.post(f"/hq/alerts/{alert_id}/assess", content="risk_level=moderate&note=", headers=form)
    r = client.post(f"/hq/alerts/{alert_id}/close", content="note=&outcome=no_outbreak", headers=form)
    assert "closing note" in r.text
    client.post(f"/hq/alerts/{alert_id}/close", content="note=done&outcome=no_outbreak", headers=form)
    with client.engine.connect() as conn:
        row = conn.execute(select(hq_alert)).mappings().one()
    assert (row["status"], row["risk_level"], row["outcome"]) == ("closed", "moderate", "no_outbreak")
    assert row["verified_by"] == "l.karimi" and "done" in row["notes"]


def test_roles_are_enforced(client) -> None:
    client.who["actor"] = Actor("h.rigi", "coordinator", None)
    assert client.get("/hq/surveillance").status_code == 403
    assert client.post("/hq/exports/linelist", data={"identities": "1"}).status_code == 403
    assert client.get("/hq/").status_code == 200
    client.who["actor"] = Actor("m", "clinician")
    assert client.get("/hq/").status_code == 403


def test_unwired_router_refuses() -> None:
    app = FastAPI()
    app.include_router(router, prefix="/hq")
    with TestClient(app) as c:
        assert c.get("/hq/").status_code in (401, 503)


def test_report_and_exports_download(client) -> None:
    week = week_of(TODAY, 5)  # the site's default: Saturday weeks
    r = client.get(f"/hq/report.pdf?week={week.label}")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert client.get("/hq/report.pdf?week=nonsense").status_code == 400
    r = client.get(f"/hq/exports/dhis2?week={week.label}")
    jsonschema.validate(json.loads(r.content), schema())
    # Identities only by POST from the page (a cross-site image or link cannot export them in the officer's name).
    assert client.get("/hq/exports/linelist?format=csv&identities=1").status_code == 405
    r = client.post("/hq/exports/linelist", data={"format": "csv", "identities": "1"})
    assert r.status_code == 200 and "given_name" in r.content.decode("utf-8-sig")
    r = client.get(f"/hq/exports/linelist?format=xlsx&since={(TODAY - timedelta(days=7)).isoformat()}")
    assert r.content[:2] == b"PK"
    for path in ("/hq/exports", "/hq/report", "/hq/insurance"):
        assert client.get(path).status_code == 200
    with client.engine.connect() as conn:
        actions = [a for (a,) in conn.execute(select(hq_audit.c.action))]
    assert actions == ["export_dhis2", "export_linelist", "export_linelist"]


def test_an_open_alert_from_40_weeks_ago_is_not_hidden_by_the_window(client) -> None:
    from datetime import datetime, timezone

    from app.hq.tables import facility

    with client.engine.begin() as conn:
        f17 = dict(conn.execute(select(facility).where(facility.c.code == "F17")).mappings().one())
        add_case(conn, "diphtheria", f17, TODAY - timedelta(weeks=40))
        evaluate_alerts(conn, now=datetime.now(timezone.utc))
    html = client.get("/hq/surveillance?weeks=4").text
    assert "Diphtheria" in html and "reported 40 weeks late" in html
    # And on the alert desk, which has no window at all: oldest first, overdue (raised over 24 h ago, unverified).
    from app.hq.models import hq_alert

    assert "reported 40 weeks late" in client.get("/hq/alerts").text
    with client.engine.begin() as conn:
        conn.execute(hq_alert.update().where(hq_alert.c.disease == "diphtheria")
                     .values(raised_at=datetime.now(timezone.utc) - timedelta(days=3)))
    desk = client.get("/hq/alerts").text
    assert desk.index("Diphtheria") < desk.index("Cholera")
    assert '<tr class="overdue">' in desk and "3 days ago" in desk and "verification overdue" in desk


def test_alert_page_cases_stages_history_and_a_long_note_that_wraps(client) -> None:
    from app.hq.models import hq_alert

    with client.engine.connect() as conn:
        alert_id = conn.execute(select(hq_alert.c.id)).scalar_one()
    form = {"content-type": "application/x-www-form-urlencoded"}
    long_note = "verified+by+telephone+with+the+district+health+centre+" * 12
    client.post(f"/hq/alerts/{alert_id}/verify", content=f"note={long_note}", headers=form)
    html = client.get(f"/hq/alerts/{alert_id}").text
    assert "Alert: Cholera" in html and '<span class="verified">verified</span>' in html
    assert "awaiting verification → verified" in html
    assert '<p class="notes" dir="auto">' in html and "white-space:pre-wrap" in html  # notes wrap
    assert "18–59" in html and "female" in html and "Tehran time" in html  # its de-identified case, labelled
    assert "Record risk" in html and ">Verify</button>" not in html  # the next stages only
    assert "l.karimi" in html  # history: who did what when
    assert 'href="/hq/alerts"' in html and 'href="./"' not in html  # absolute links
    assert client.get("/hq/alerts/no-such-alert").status_code == 404


def test_pages_in_persian_are_right_to_left_with_solar_hijri_dates(client) -> None:
    client.who["actor"] = Actor("m.ahmadi", "headquarters", lang="fa")
    for path in ("/hq/", "/hq/alerts", "/hq/board", "/hq/surveillance", "/hq/report", "/hq/exports",
                 "/hq/insurance"):
        html = client.get(path).text
        assert '<html lang="fa" dir="rtl">' in html, path
        assert "سیار" in html and "Overview" not in html, path
    desk = client.get("/hq/alerts").text
    assert "وبا" in desk and "به وقت تهران" in desk and "در انتظار تأیید" in desk
    assert any(month in desk for month in ("آذر", "دی", "آبان", "بهمن"))  # Solar Hijri month names
    font = client.get("/hq/static/vazirmatn.ttf")
    assert font.status_code == 200 and font.headers["content-type"] == "font/ttf"


def test_overview_and_board_work_out_each_laptops_status_once(client, monkeypatch) -> None:
    """Issue 17 (speed): the overview computed every device's status twice (once for the laptop codes, once for the
    table), and read every bundle import's receipt for the board; now once per page."""
    from app.hq import board, overview, web

    calls = {"device_status": 0, "server_sync_info": 0}

    def counted(name, real):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            calls[name] += 1
            return real(*a, **k)
        return wrapper

    for module in (web, board):
        monkeypatch.setattr(module, "device_status", counted("device_status", overview.device_status))
        monkeypatch.setattr(module, "server_sync_info", counted("server_sync_info", overview.server_sync_info))
    for path in ("/hq/", "/hq/board"):
        calls.update(device_status=0, server_sync_info=0)
        assert client.get(path).status_code == 200
        assert calls["device_status"] == 1, path
        assert calls["server_sync_info"] <= 1, path


def test_a_coordinator_sees_only_their_units_facilities_on_the_overview_and_board(client) -> None:
    """Issue 17, item 5: coordinators belong to a unit and see only it (the overview and board showed every
    unit's facilities)."""
    with client.engine.connect() as conn:
        from app.hq import tables as t

        units = {r.code: r.id for r in conn.execute(select(t.T["unit"].c.code, t.T["unit"].c.id))}
    client.who["actor"] = Actor("h.rigi", "coordinator", units["MHU-TAY"])
    for path in ("/hq/", "/hq/board"):
        html = client.get(path).text
        assert "F17" in html and "F02" not in html and "F05" not in html, path
    with client.engine.begin() as conn:  # an enrolment in another unit stays out of their insurance page
        from hq_helpers import add, add_patient

        head = add_patient(conn)
        add(conn, "enrolment", household_id="h9", head_patient_id=head["id"], scheme="uphi", category="vulnerable",
            payer="unhcr", enrolment_date=TODAY, coverage_start=TODAY, coverage_end=TODAY, unit_id=units["MHU-ZAH"])
    html = client.get("/hq/insurance").text
    assert "MHU-ZAH" not in html, "another unit's enrolments on a coordinator's insurance page"
    # The weekly PDF too: their unit's facilities and alerts only.
    import io

    import pdfplumber

    wk = week_of(TODAY, 5).label  # the site's convention: Saturday weeks
    with pdfplumber.open(io.BytesIO(client.get(f"/hq/report.pdf?week={wk}").content)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
    assert "F17" in text and "F02" not in text and "Cholera" not in text  # the cholera alert is at F02
    from app.hq.exports import export_dhis2

    with client.engine.begin() as conn:  # DHIS2 likewise: the unit's facilities only
        export = export_dhis2(conn, client.who["actor"], week_of(TODAY, 5))
    assert not {"F02", "F05"} & set(export.facilities + export.silent + export.unmapped)
    client.who["actor"] = Actor("l.karimi", "headquarters")
    html = client.get("/hq/").text
    assert "F17" in html and "F02" in html
    with pdfplumber.open(io.BytesIO(client.get(f"/hq/report.pdf?week={wk}").content)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
    assert "F17" in text and "F02" in text and "Cholera" in text
