"""Issue 17 in a real browser: Debian's Chromium (headless, driven by its DevTools protocol over a pipe) against the
real server on a loopback port. A laptop records cholera and measles and syncs; a headquarters officer signs in, sees
the alerts on the alert desk, opens one, verifies it, records the risk and closes it — in English and in Persian
(the page is right-to-left with Solar Hijri dates)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.hq.models import hq_alert
from app.hq.staff import set_staff
from app.services.patients import register_patient
from app.services.visits import record_visit
from app.sync.client import run_sync_round
from cdp import Browser, chromium_path
from helpers import LiveServer, enrol, facility_of, make_laptop, server_engine

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (apt-get install chromium)")
PASSWORD = "surveillance-2026"


def sign_in(browser: Browser, url: str, user: str, page: str = "/hq/alerts") -> None:
    """The sign-in page: a page asked for without a session leads to it, and back to the page afterwards."""
    browser.goto(f"{url}{page}")
    assert browser.js("location.pathname") == "/hq/sign-in"
    browser.click_and_wait(f"""(() => {{ const f = document.forms[0];
        f.username.value = {json.dumps(user)}; f.password.value = {json.dumps(PASSWORD)}; f.submit(); }})()""")
    assert browser.js("location.pathname") == page, browser.js("document.body.innerText")[:400]
    assert browser.js("document.cookie") == ""  # HttpOnly: no script on the page can read the session


def sign_out(browser: Browser) -> None:
    browser.click_and_wait("document.querySelector('form.signout').submit()")
    assert browser.js("location.pathname") == "/hq/sign-in"


def _walk_the_alert(browser: Browser, url: str, user: str, disease_label: str, lang: str) -> str:
    origin = url
    sign_in(browser, url, user)
    assert browser.js("document.documentElement.lang") == lang
    assert browser.js("document.documentElement.dir") == ("rtl" if lang == "fa" else "ltr")
    row = browser.js(f"""[...document.querySelectorAll('tbody tr')].find(r => r.innerText.includes({json.dumps(
        disease_label)})).innerText""")
    assert row, f"{disease_label} is not on the alert desk"
    if lang == "fa":
        assert "به وقت تهران" in row and "۱۴۰۵" in row  # Tehran time, Solar Hijri year
    else:
        assert "Tehran time" in row and "1405" in row
    href = browser.js(f"""[...document.querySelectorAll('tbody tr')].find(r => r.innerText.includes({json.dumps(
        disease_label)})).querySelector('a').getAttribute('href')""")
    assert href.startswith("/hq/alerts/")
    browser.goto(origin + href)
    for step, extra in (("verify", ""), ("assess", "f.querySelector('select').value = 'low';"),
                        ("close", "f.querySelector('select').value = 'no_outbreak';")):
        browser.click_and_wait(f"""(() => {{
            const f = [...document.forms].find(f => f.action.endsWith('/{step}'));
            {extra}
            f.querySelector('input[name=note]').value = 'step {step} by the browser';
            f.submit(); }})()""")
        assert browser.js("location.pathname") == href, (step, browser.js("document.body.innerText")[:600])
    return href.rsplit("/", 1)[1]


def test_sign_in_open_verify_and_close_alerts_raised_by_a_real_sync(tmp_path: Path) -> None:
    engine = server_engine(str(tmp_path / "central.db"))
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD, language="en")
    set_staff(engine, username="m.ahmadi", role="headquarters", password=PASSWORD, language="fa")
    laptop = make_laptop(tmp_path, "A1")
    browser = Browser(chromium_path())  # type: ignore[arg-type]
    try:
        pid = register_patient(laptop.ctx, {
            "given_name_latin": "Zarghuna", "father_name_latin": "Wali", "sex": "female", "birth_year": 1994,
            "nationality": "afghan", "legal_status": "amayesh", "consent_date": date.today().isoformat()}).patient_id
        for code in ("A00.9", "B05.9"):
            record_visit(laptop.ctx, {"patient_id": pid, "facility_id": facility_of(laptop), "complaint": "fever",
                                      "diagnoses": [{"code": code}]})
        with LiveServer(engine) as srv:
            enrol(engine, laptop, srv.url)
            run_sync_round(laptop.store, laptop.ctx, srv.url, laptop.token)
            cholera = _walk_the_alert(browser, srv.url, "l.karimi", "Cholera", "en")
            sign_out(browser)
            measles = _walk_the_alert(browser, srv.url, "m.ahmadi", "سرخک", "fa")
            text = browser.js("document.body.innerText")
            assert "بسته" in text and "step close by the browser" in text  # closed, its history on the page
            sign_out(browser)
            browser.goto(f"{srv.url}/hq/alerts")  # signed out: the pages ask for a sign-in again
            assert browser.js("location.pathname") == "/hq/sign-in"
        with engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(select(hq_alert))}
        for alert_id, who in ((cholera, "l.karimi"), (measles, "m.ahmadi")):
            r = rows[alert_id]
            assert (r.status, r.risk_level, r.outcome, r.verified_by, r.closed_by) == (
                "closed", "low", "no_outbreak", who, who)
    finally:
        browser.close()
        laptop.close()
        engine.dispose()
