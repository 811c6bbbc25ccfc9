"""Headquarters' immunisation page (issue 17 applied to issue 18's page): in the staff account's language (Persian
right to left, Persian digits, Solar Hijri dates with the Gregorian alongside, labels instead of stored codes),
absolute links, errors as HTML pages in that language; a coordinator sees their own unit's children, campaigns and
adverse events only, on the page and in the audited monthly DHIS2 download."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient
from hq_helpers import add, add_patient, add_site
from sqlalchemy import select

from app.hq.models import hq_audit
from app.hq.staff import set_staff
from app.hq.web_i18n import day
from app.server.app import create_app
from app.server.db import open_database

PASSWORD = "immunisation-2026"
TODAY = date.today()
BORN = TODAY - timedelta(days=70)  # pentavalent 1 due at 6 weeks; zero-dose counts from 2 months


@pytest.fixture
def client(tmp_path):
    engine = open_database(str(tmp_path / "central.db"))
    with engine.begin() as conn:
        site = add_site(conn)
        f02, f17 = site["F02"], site["F17"]
        own, other = f02["unit_id"], f17["unit_id"]
        for fac, name in ((f02, "Zahra"), (f17, "Bibi")):
            kid = add_patient(conn, given_name_latin=name, date_of_birth=BORN, birth_year=BORN.year,
                              registered_unit_id=fac["unit_id"])
            for vaccine, on in (("bcg", BORN), ("penta", TODAY)):
                add(conn, "immunisation_dose", patient_id=kid["id"], vaccine=vaccine, source="given", given_on=on,
                    unit_id=fac["unit_id"], facility_id=fac["id"], place="unit")
        add_patient(conn, given_name_latin="Nobody", date_of_birth=BORN, birth_year=BORN.year,
                    registered_unit_id=other)  # never vaccinated: zero-dose, in the other unit
        for fac, code, vaccine, n in ((f02, "MR-ZAH-R1", "mr", 5), (f17, "POLIO-TAY-R2", "bopv", 7)):
            camp = add(conn, "campaign", code=code, name=f"Round {code}", vaccine=vaccine, start_date=TODAY,
                       end_date=TODAY, unit_id=fac["unit_id"], facility_id=fac["id"])
            add(conn, "campaign_tally", campaign_id=camp["id"], day=TODAY, age_band="12-59m", sex="male",
                nationality="afghan", outcome="vaccinated", zero_dose=False, count=n, facility_id=fac["id"])
        kid_own = add_patient(conn, birth_year=BORN.year, registered_unit_id=own)
        for fac, kid, vaccine, reaction, serious, outcome in (
                (f02, kid_own, "penta", "fever 39.5", False, "recovered"),
                (f17, kid_own, "bcg", "abscess at the site", True, "sequelae")):
            add(conn, "adverse_event", patient_id=kid["id"], vaccine=vaccine, onset_date=TODAY, reported_on=TODAY,
                reaction=reaction, serious=serious, outcome=outcome, unit_id=fac["unit_id"], facility_id=fac["id"])
    set_staff(engine, username="m.ahmadi", role="headquarters", password=PASSWORD, language="fa")
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD, language="en")
    set_staff(engine, username="h.rigi", role="coordinator", password=PASSWORD, unit_id=own, language="fa")
    set_staff(engine, username="s.noori", role="coordinator", password=PASSWORD, unit_id=own, language="en")
    with TestClient(create_app(engine=engine)) as c:
        c.engine = engine  # type: ignore[attr-defined]
        yield c
    engine.dispose()


def get(client, user: str, path: str, **params):
    return client.get(path, params=params, auth=(user, PASSWORD))


def text_of(html: str) -> str:
    """What the page says (no tags, no style sheet)."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_the_page_in_persian_is_right_to_left_with_labels_and_solar_hijri_dates(client):
    page = get(client, "m.ahmadi", "/hq/immunisation", cohort=BORN.year)
    assert page.status_code == 200
    html = page.text
    assert '<html lang="fa" dir="rtl">' in html
    words = text_of(html)
    # Headings and column names in Persian, the header's navigation and the signed-in account.
    for fa in ("پوشش ایمن‌سازی", "کودکان بدون هیچ دوز", "عوارض پس از ایمن‌سازی", "کاربر: m.ahmadi", "ایمن‌سازی",
               "میز هشدارها"):
        assert fa in words, fa
    for en in ("Birth cohort", "Coverage", "Children", "Zero-dose", "Campaigns", "Vaccinated", "Onset", "Reaction",
               "Serious", "Outcome", "Month", "Show", "All", "Penta1", "BCG", "yes", "no"):
        assert not re.search(rf"\b{en}\b", words), en
    # Stored codes are shown as labels: vaccines (the schedule's names), AEFI outcome, serious yes/no.
    assert "سرخک-سرخجه" in words and "فلج اطفال خوراکی دوظرفیتی" in words  # mr, bopv (campaigns)
    assert "پنج‌گانه" in words and "ب‌ث‌ژ" in words  # penta, bcg (adverse events, coverage columns)
    assert "بهبود با عارضه" in words and "بهبود یافته" in words and "بله" in words and "خیر" in words
    for raw in ("mr", "bopv", "penta", "bcg", "sequelae", "recovered"):
        assert f">{raw}<" not in html and not re.search(rf"\b{raw}\b", words), raw
    # Persian digits; Solar Hijri dates with the Gregorian alongside; facilities by name.
    assert "۱ (۱۰۰٪)" in words and "۷" in words  # Penta1 given to the child of F02; 7 vaccinated by POLIO-TAY-R2
    assert day(TODAY, "fa") in html and TODAY.isoformat() in words
    assert "مرکز شیرآباد" in words and "مرکز تایباد" in words
    # Absolute links and forms: the header's navigation, the cohort form and the DHIS2 form.
    assert 'href="/hq/immunisation"' in html and 'href="/hq/alerts"' in html
    assert 'action="/hq/immunisation/dhis2"' in html and 'action="/hq/immunisation"' in html
    assert not re.search(r'(action|href)="(?!/hq)', html)
    # The fields' own values in Persian digits too (issue 14: the cohort and the DHIS2 month were Latin).
    from app.core.persian import to_persian_digits

    assert f'name="cohort" value="{to_persian_digits(str(BORN.year))}"' in html
    assert re.search(r'name="month" value="[۰-۹]{4}-[۰-۹]{2}"', html)


def test_the_page_in_english_with_labels_and_both_calendars(client):
    html = get(client, "l.karimi", "/hq/immunisation", cohort=BORN.year).text
    assert '<html lang="en" dir="ltr">' in html
    words = text_of(html)
    assert "MR (measles-rubella, campaign)" in words and "bOPV (oral polio, campaign)" in words
    assert "Recovered with sequelae" in words and "Signed in as l.karimi" in words
    assert "Penta1" in words and "1 (100%)" in words
    assert day(TODAY, "en") in words  # "7 Azar 1405 (28 Nov 2026)"
    for raw in ("mr", "bopv"):
        assert not re.search(rf"\b{raw}\b", words), raw
    assert ">sequelae<" not in html and ">recovered<" not in html


def test_a_bad_month_or_cohort_is_an_html_page_in_the_accounts_language(client):
    for path, params in (("/hq/immunisation/dhis2", {"month": "November"}),
                         ("/hq/immunisation/dhis2", {"month": "2026-13"}), ("/hq/immunisation/dhis2", {}),
                         ("/hq/immunisation", {"cohort": "last year"})):
        fa = get(client, "m.ahmadi", path, **params)
        assert fa.status_code == 400 and fa.headers["content-type"].startswith("text/html"), (path, params)
        assert '<html lang="fa" dir="rtl">' in fa.text
        assert "درخواست پذیرفته نشد" in fa.text
        assert re.search("[\u0600-\u06ff]{3}", text_of(fa.text).split("درخواست پذیرفته نشد", 1)[1])
        assert "written like" not in fa.text and "not a month" not in fa.text
        en = get(client, "l.karimi", path, **params)
        assert en.status_code == 400 and '<html lang="en" dir="ltr">' in en.text
    fa = get(client, "m.ahmadi", "/hq/immunisation/dhis2", month="November")
    assert "ماه" in text_of(fa.text) and re.search("[۰-۹]{4}-[۰-۹]{2}", text_of(fa.text))  # the example, Persian digits


def test_a_coordinator_sees_their_own_units_children_campaigns_and_adverse_events(client):
    everyone = text_of(get(client, "l.karimi", "/hq/immunisation", cohort=BORN.year).text)
    assert "MR-ZAH-R1" in everyone and "POLIO-TAY-R2" in everyone
    assert "fever 39.5" in everyone and "abscess at the site" in everyone
    assert "MHU-TAY" in everyone and "MHU-ZAH" in everyone
    for user in ("s.noori", "h.rigi"):
        own = get(client, user, "/hq/immunisation", cohort=BORN.year)
        assert own.status_code == 200
        words = text_of(own.text)
        assert "MR-ZAH-R1" in words and "POLIO-TAY-R2" not in words
        assert "fever 39.5" in words and "abscess at the site" not in words
        assert "MHU-ZAH" in words and "MHU-TAY" not in words and "Facility F17" not in words
        assert "مرکز تایباد" not in words


def test_the_dhis2_download_is_scoped_to_the_coordinators_unit_and_audited(client):
    month = f"{TODAY:%Y-%m}"
    hq = get(client, "l.karimi", "/hq/immunisation/dhis2", month=month)
    assert hq.status_code == 200
    hq_values = {(v["orgUnit"], v["dataElement"]): v["value"] for v in hq.json()["dataValues"]}
    assert hq_values[("IR_F17_TAYBAD", "IMM_SIA_VACCINATED")] == "7"
    assert hq_values[("IR_F17_TAYBAD", "IMM_AEFI")] == "1" and ("IR_F17_TAYBAD", "IMM_PENTA1") in hq_values
    own = get(client, "h.rigi", "/hq/immunisation/dhis2", month=month)
    assert own.status_code == 200
    values = {(v["orgUnit"], v["dataElement"]): v["value"] for v in own.json()["dataValues"]}
    assert {org for org, _ in values} == {"IR_F02_ZAHEDAN"}, values  # nothing of the other unit's facilities
    assert values[("IR_F02_ZAHEDAN", "IMM_SIA_VACCINATED")] == "5" and values[("IR_F02_ZAHEDAN", "IMM_AEFI")] == "1"
    assert values[("IR_F02_ZAHEDAN", "IMM_PENTA1")] == "1"
    with client.engine.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(select(hq_audit).where(hq_audit.c.action == "export_dhis2_immunisation")
                            .order_by(hq_audit.c.id)).mappings().all()
    assert [(r["user"], r["role"], r["rows"]) for r in rows] == [
        ("l.karimi", "headquarters", len(hq_values)), ("h.rigi", "coordinator", len(values))]
    assert rows[1]["detail"]["unit"] == "MHU-ZAH" and rows[0]["detail"]["unit"] is None
    assert rows[1]["detail"]["month"] == month
