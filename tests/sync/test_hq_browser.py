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
from app.server import models as m
from app.services.patients import register_patient, update_patient
from app.services.visits import record_visit
from app.sync.bundle import export_bundle
from app.sync.client import run_sync_round
from cdp import Browser, chromium_path
from helpers import (
    SAME_UNIT,
    LiveServer,
    enrol,
    facility_of,
    make_activity,
    make_laptop,
    patient_input,
    server_engine,
)

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


SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _shot(browser: Browser, name: str, lang: str) -> None:
    """docs/screenshots/hq-page-NAME-LANG.png when SAYYAR_SCREENSHOTS is set (looked at before committing)."""
    import os

    if os.environ.get("SAYYAR_SCREENSHOTS"):
        browser.screenshot(str(SHOTS / f"hq-page-{name}-{lang}.png"))


def test_upload_a_bundle_resolve_a_conflict_and_keep_the_staff_list(tmp_path: Path) -> None:
    """A data manager in each language: the sign-in page, a USB bundle uploaded through the file dialog (then the
    same file again), a conflict between two laptops resolved, the staff list, likely duplicates, sign-out."""
    engine = server_engine(str(tmp_path / "central.db"))
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD, language="en", admin=True)
    set_staff(engine, username="m.ahmadi", role="headquarters", password=PASSWORD, language="fa", admin=True)
    set_staff(engine, username="h.rigi", role="coordinator", password=PASSWORD, unit_id="u1")
    # A and B of one unit edit the same patient (a conflict); C3 syncs by USB bundle only.
    a, b = make_laptop(tmp_path, "A1", unit=SAME_UNIT), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    usb = make_laptop(tmp_path, "C3")
    browser = Browser(chromium_path())  # type: ignore[arg-type]
    try:
        with LiveServer(engine) as srv:
            for lap in (a, b):
                enrol(engine, lap)
            enrol(engine, usb)
            person = patient_input(1)
            pid = register_patient(a.ctx, person, override_reason="test").patient_id
            for lap in (a, b):
                run_sync_round(lap.store, lap.ctx, srv.url, lap.token)
            update_patient(a.ctx, pid, {"phone": "09121111111"})
            update_patient(b.ctx, pid, {"phone": "09122222222"})  # the later stamp wins; A's value is kept aside
            for lap in (a, b):
                run_sync_round(lap.store, lap.ctx, srv.url, lap.token)
            make_activity(usb, 10)
            # The same person registered by the other unit's laptop: a likely pair across units.
            register_patient(usb.ctx, {**person, "phone": "09150000000"}, override_reason="test")
            stick = export_bundle(usb.store, usb.coord, tmp_path / "C3-2026-12-01.sayyar").path
            for user, lang in (("l.karimi", "en"), ("m.ahmadi", "fa")):
                browser.goto(f"{srv.url}/hq/sign-in?lang={lang}")
                assert browser.js("document.documentElement.dir") == ("rtl" if lang == "fa" else "ltr")
                _shot(browser, "sign-in", lang)
                sign_in(browser, srv.url, user, "/hq/import")
                browser.set_file("input[type=file]", str(stick))
                browser.click_and_wait("document.querySelector('form[enctype]').submit()")
                text = browser.js("document.body.innerText")
                if lang == "en":
                    assert "Imported" in text and "C3" in text, text[:600]
                else:
                    assert "پیش‌تر وارد شده بود" in text, text[:600]  # the same file again: nothing changes
                assert browser.js("document.querySelector('a.receipt') !== null")
                _shot(browser, "import", lang)
                browser.goto(f"{srv.url}/hq/conflicts")
                rows = browser.js("[...document.querySelectorAll('tbody tr')].map(r => r.innerText).join('\\n')")
                if lang == "en":
                    assert "09122222222" in rows and "09121111111" in rows and "A1" in rows and "B2" in rows
                    _shot(browser, "conflicts", lang)
                else:
                    browser.click_and_wait("""(() => { const f = document.querySelector('form[action$="/keep"]');
                        f.note.value = 'با خانواده تلفنی بررسی شد'; f.submit(); })()""")
                    assert "تعارض بازی نیست" in browser.js("document.body.innerText")
                    _shot(browser, "conflicts", lang)
                browser.goto(f"{srv.url}/hq/staff")
                assert "h.rigi" in browser.js("document.body.innerText")
                _shot(browser, "staff", lang)
                browser.goto(f"{srv.url}/hq/duplicates?run=1")
                dups = browser.js("document.body.innerText")
                assert "C3-" in dups and "A1-" in dups, dups[:800]  # codes of both records, never a name
                assert person["given_name_latin"] not in dups
                _shot(browser, "duplicates", lang)
                for name, path in (("overview", "/hq/"), ("alerts", "/hq/alerts"), ("board", "/hq/board"),
                                   ("exports", "/hq/exports")):
                    browser.goto(f"{srv.url}{path}")
                    _shot(browser, name, lang)
                sign_out(browser)
            # The coordinator is deactivated on the staff page; the sign-in is refused afterwards.
            sign_in(browser, srv.url, "l.karimi", "/hq/staff")
            browser.click_and_wait("document.querySelector('form[action$=\"/h.rigi/deactivate\"]').submit()")
            assert browser.js("location.pathname") == "/hq/staff"
            sign_out(browser)
            browser.goto(f"{srv.url}/hq/sign-in")
            browser.click_and_wait(f"""(() => {{ const f = document.forms[0]; f.username.value = 'h.rigi';
                f.password.value = {json.dumps(PASSWORD)}; f.submit(); }})()""")
            assert "Wrong user name or password" in browser.js("document.body.innerText")
        with engine.connect() as conn:
            k = conn.execute(select(m.conflict)).mappings().one()
            assert (k["status"], k["resolved_by"]) == ("resolved", "hq:m.ahmadi")
    finally:
        browser.close()
        for lap in (a, b, usb):
            lap.close()
        engine.dispose()


def test_the_immunisation_page_in_both_languages(tmp_path: Path) -> None:
    """Doses, a campaign round and adverse events recorded on two units' laptops and synced; an officer in each
    language opens the immunisation page (right to left in Persian, labels, both calendars) and asks for the DHIS2
    file of a month that is not one (an error page in the account's language)."""
    from dataclasses import replace
    from datetime import timedelta

    from app.services.campaigns import TallyKey, start_campaign, tally_child
    from app.services.immunisation import record_adverse_event, record_dose

    engine = server_engine(str(tmp_path / "central.db"))
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD, language="en")
    set_staff(engine, username="m.ahmadi", role="headquarters", password=PASSWORD, language="fa")
    laptops = [make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2")]
    browser = Browser(chromium_path())  # type: ignore[arg-type]
    today = date.today()
    cohort = today.year - 1
    try:
        for k, lap in enumerate(laptops):
            ctx = replace(lap.ctx, facility_id=facility_of(lap))
            coord = replace(lap.coord, facility_id=facility_of(lap))
            for i in range(4 + 2 * k):
                born = date(cohort, 1 + (i * 2 + k) % 12, 5 + i)
                pid = register_patient(ctx, {**patient_input(10 * k + i + 1), "date_of_birth": born.isoformat(),
                                             "birth_year": born.year}, override_reason="test").patient_id
                plan = [("bcg", 0), ("hepb", 0), ("opv", 0), ("penta", 60), ("opv", 60), ("penta", 120),
                        ("opv", 120), ("ipv", 120), ("penta", 180), ("opv", 180), ("mmr", 365)][:11 - 2 * i]
                for vaccine, age in plan:
                    on = born + timedelta(days=age)
                    if on <= today:
                        record_dose(ctx, {"patient_id": pid, "vaccine": vaccine, "given_on": on.isoformat(),
                                          "batch": "L7", "expiry": (on + timedelta(days=200)).isoformat(),
                                          "site": "oral" if vaccine == "opv" else "left_thigh"})
                if i == 1:
                    record_adverse_event(ctx, {"patient_id": pid, "vaccine": "penta",
                                               "onset_date": (today - timedelta(days=3 + k)).isoformat(),
                                               "reaction": ["fever 39.5, swelling at the site",
                                                            "تب و بی‌قراری"][k],
                                               "serious": bool(k), "outcome": ["recovered", "recovering"][k]})
            cid = start_campaign(coord, {"code": ["MR-ZAH-R1", "POLIO-CHB-R2"][k],
                                         "name": ["Measles-rubella, Zahedan", "Polio, Chabahar"][k],
                                         "vaccine": ["mr", "bopv"][k], "start_date": today.isoformat(),
                                         "end_date": (today + timedelta(days=4)).isoformat()})
            for band, sex, outcome, n in (("12-59m", "male", "vaccinated", 6 + 3 * k),
                                          ("0-11m", "female", "vaccinated", 4),
                                          ("12-59m", "female", "refused", 1), ("12-59m", "male", "absent", 2)):
                for _ in range(n):
                    tally_child(coord, campaign_id=cid, key=TallyKey(age_band=band, sex=sex, outcome=outcome))
        with LiveServer(engine) as srv:
            for lap in laptops:
                enrol(engine, lap, srv.url)
                assert run_sync_round(lap.store, lap.ctx, srv.url, lap.token).quarantined == 0
            for user, lang in (("l.karimi", "en"), ("m.ahmadi", "fa")):
                sign_in(browser, srv.url, user, "/hq/immunisation")
                browser.goto(f"{srv.url}/hq/immunisation?cohort={cohort}")
                assert browser.js("document.documentElement.dir") == ("rtl" if lang == "fa" else "ltr")
                text = browser.js("document.body.innerText")
                if lang == "fa":
                    assert "سرخک-سرخجه" in text and "پنج‌گانه" in text and "۱۴۰۴" in text, text[:800]
                else:
                    assert "MR (measles-rubella, campaign)" in text and "Penta3" in text and "1404" in text
                assert "POLIO-CHB-R2" in text and "MR-ZAH-R1" in text
                _shot(browser, "immunisation", lang)
                browser.click_and_wait("""(() => { const f = document.querySelector('form[action$="/dhis2"]');
                    f.month.value = 'November'; f.submit(); })()""")
                assert browser.js("document.documentElement.dir") == ("rtl" if lang == "fa" else "ltr")
                error = browser.js("document.body.innerText")
                assert ("درخواست پذیرفته نشد" if lang == "fa" else "Something was refused") in error, error
                browser.goto(f"{srv.url}/hq/immunisation")
                sign_out(browser)
    finally:
        browser.close()
        for lap in laptops:
            lap.close()
        engine.dispose()
