"""Issue 14: on a Persian page the exports' date fields and the weeks were Latin (Gregorian dates from the
browser's date picker, "2026SatW48"); a Persian reader reads and types Solar Hijri days in Persian digits. The
pages now show the week by its number and its Solar Hijri days, offer a Solar Hijri day for the week, and read
back either calendar in any digits."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from test_web import TODAY, client  # noqa: F401 - the fixture

from app.core.dates import format_date
from app.hq.access import Actor
from app.hq.web_i18n import week_name
from app.hq.weeks import Week, week_of

LATIN_WEEK = re.compile(r"\d{4}(Sat|Sun|Wed|Thu)?-?W\d")
FA = Actor("m.ahmadi", "headquarters", lang="fa")


def _visible(html: str) -> str:
    """The text a reader sees (tags, attributes and the download file names left out)."""
    return re.sub(r"<[^>]+>", " ", html)


def test_week_names_in_persian_are_solar_hijri_days_in_persian_digits() -> None:
    week = Week(2026, 48, 5)  # Saturday 28 Nov 2026 = 7 Azar 1405
    assert week_name(week, "en") == "2026SatW48"
    assert week_name(week, "fa") == "هفتهٔ ۴۸ (۷ تا ۱۳ آذر ۱۴۰۵)"
    assert week_name("2026SatW48", "fa", short=True) == "هفتهٔ ۴۸ (از ۷ آذر)"
    # Across two months and across a Solar Hijri new year.
    assert week_name(Week(2026, 47, 5), "fa") == "هفتهٔ ۴۷ (۳۰ آبان تا ۶ آذر ۱۴۰۵)"
    assert week_name(week_of(date(2027, 3, 21), 5), "fa") == "هفتهٔ ۱۲ (۲۹ اسفند ۱۴۰۵ تا ۶ فروردین ۱۴۰۶)"


def test_the_persian_exports_page_offers_solar_hijri_days_and_names_the_week_in_persian(client) -> None:  # noqa: F811
    client.who["actor"] = FA
    html = client.get("/hq/exports").text
    assert 'type="date"' not in html  # a browser's date picker is Gregorian, in the browser's language
    wk = week_of(TODAY, 5).shift(-1)
    first_day = format_date(wk.start, lang="fa", calendar="jalali")
    assert f'name="week" value="{first_day}"' in html
    assert week_name(wk, "fa") in html
    assert not LATIN_WEEK.search(_visible(html)) and wk.label not in html
    assert 'name="since"' in html and "۱۴۰۵/" in html or "۱۴۰۶/" in html


def test_a_solar_hijri_day_in_persian_digits_picks_its_week_and_line_list_days(client) -> None:  # noqa: F811
    client.who["actor"] = FA
    wk = week_of(TODAY, 5)
    typed = format_date(wk.start + timedelta(days=3), lang="fa", calendar="jalali")  # a Tuesday, Persian digits
    r = client.get("/hq/exports/dhis2", params={"week": typed})
    assert r.status_code == 200, r.text
    assert f"dhis2-{wk.label}.json" in r.headers["content-disposition"]
    assert client.get("/hq/exports/dhis2", params={"week": wk.start.isoformat()}).status_code == 200
    assert client.get("/hq/report.pdf", params={"week": typed}).status_code == 200
    # The cholera case of today, inside the Solar Hijri days typed (Persian digits), outside the day after.
    since = format_date(TODAY - timedelta(days=2), lang="fa", calendar="jalali")
    until = format_date(TODAY, lang="fa", calendar="jalali")
    r = client.post("/hq/exports/linelist", data={"format": "csv", "since": since, "until": until})
    assert r.status_code == 200, r.text
    assert len(list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))) == 1
    later = format_date(TODAY + timedelta(days=1), lang="fa", calendar="jalali")
    r = client.post("/hq/exports/linelist", data={"format": "csv", "since": later})
    assert len(list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))) == 0


def test_an_unreadable_day_or_week_is_a_persian_sentence_naming_the_field(client) -> None:  # noqa: F811
    client.who["actor"] = FA
    r = client.post("/hq/exports/linelist", data={"format": "csv", "since": "۱۴۰۵/۱۳/۰۱"})
    assert r.status_code == 400 and "تاریخ شروع بیماری از" in r.text and "خورشیدی" in r.text
    r = client.get("/hq/exports/dhis2", params={"week": "هفتهٔ بعد"})
    assert r.status_code == 400 and "روزی از هفته" in r.text


def test_other_persian_pages_name_weeks_in_persian(client) -> None:  # noqa: F811
    client.who["actor"] = FA
    wk = week_of(TODAY, 5)
    for path in ("/hq/", "/hq/report", "/hq/board", "/hq/surveillance", "/hq/alerts"):
        html = client.get(path).text
        assert not LATIN_WEEK.search(_visible(html)), (path, LATIN_WEEK.search(_visible(html)))
    overview = client.get("/hq/").text
    assert week_name(wk, "fa") in overview
    # The week's line says its days once, in Solar Hijri and Persian digits (the range was repeated after the name
    # with its Gregorian days in Latin digits).
    week_line = _visible(overview.split("<p>", 1)[1].split("</p>", 1)[0])
    assert not re.search("[0-9]", week_line), week_line
    assert week_name(wk, "fa") in client.get("/hq/surveillance").text  # the cholera alert's week
    # English pages keep the DHIS2 ids.
    client.who["actor"] = Actor("l.karimi", "headquarters")
    assert f'value="{wk.shift(-1).label}"' in client.get("/hq/exports").text
