"""Issue 17 (speed): the long lists of the headquarters pages come a page at a time, say how many there are, and
lose nothing: every unresolved alert is on some page of the alert desk (no window hides one), the surveillance
page's epidemic curves count every case (not the newest thousand), and the renewal list pages through every cover
that ends soon. Checked on SQLite here; the same queries on PostgreSQL in test_postgres.py."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, insert

from app.hq.access import Actor
from app.hq.models import hq_alert
from app.hq.web import get_actor, get_connection, router
from app.hq.weeks import last_weeks, week_of
from hq_helpers import add, add_case, add_patient, add_site, central_sqlite

TODAY = date.today()
NOW = datetime.now(timezone.utc)
SATURDAY = 5  # the site's default week convention
_batch = itertools.count()


@pytest.fixture
def client(tmp_path):
    engine = central_sqlite(str(tmp_path / "central.db"))
    with engine.begin() as conn:
        site = add_site(conn)
    app = FastAPI()
    app.include_router(router, prefix="/hq")

    def connection():
        with engine.begin() as conn:
            yield conn

    who = {"actor": Actor("l.karimi", "headquarters")}
    app.dependency_overrides[get_connection] = connection
    app.dependency_overrides[get_actor] = lambda: who["actor"]
    with TestClient(app) as c:
        c.who, c.engine, c.site = who, engine, site  # type: ignore[attr-defined]
        yield c
    engine.dispose()


def add_alerts(conn: Connection, n: int, *, status: str, raised_ago: timedelta, week_day: date = TODAY,
               tag: str = "") -> list[str]:
    """``n`` district alerts (one per district name, so their keys differ) raised ``raised_ago`` ago."""
    wk = week_of(week_day, SATURDAY)
    tag = f"{tag}{next(_batch)}-"
    rows = [dict(id=f"alert-{tag}{status}-{i:04d}", rule="cluster_district", disease="dengue", facility_id="",
                 district=f"{tag}{status}{i}", week=wk.label, week_start=wk.start.isoformat(), unit_id="",
                 case_count=3, threshold="3", status=status, raised_at=NOW - raised_ago - timedelta(seconds=i),
                 updated_at=NOW, notes="") for i in range(n)]
    conn.execute(insert(hq_alert), rows)
    return [r["id"] for r in rows]


def walk(client, first: str, pattern: str) -> list[list[str]]:
    """Follow the rel="next" links from ``first``: what ``pattern`` finds on each page."""
    pages, url = [], first
    while url:
        html = client.get(url).text
        pages.append(re.findall(pattern, html))
        nxt = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
        assert len(pages) < 50
    return pages


ALERT_LINK = r'href="/hq/alerts/([^"?/]+)"'


def test_the_alert_desk_pages_through_every_unresolved_alert_overdue_first(client) -> None:
    with client.engine.begin() as conn:
        overdue = add_alerts(conn, 120, status="raised", raised_ago=timedelta(days=3))
        fresh = add_alerts(conn, 60, status="raised", raised_ago=timedelta(hours=1))
        verified = add_alerts(conn, 50, status="verified", raised_ago=timedelta(days=10))
        closed = add_alerts(conn, 30, status="closed", raised_ago=timedelta(days=20))
        old = add_alerts(conn, 1, status="raised", raised_ago=timedelta(days=2), week_day=TODAY - timedelta(weeks=40),
                         tag="old")
    html = client.get("/hq/alerts").text
    assert "231 unresolved alerts" in html and "181 awaiting verification (121 overdue for verification)" in html
    assert "50 verified" in html and "Showing 1–100 of 231" in html and "page 1 of 3" in html
    pages = walk(client, "/hq/alerts", ALERT_LINK)
    assert [len(p) for p in pages] == [100, 100, 31]
    seen = [a for p in pages for a in p]
    assert len(seen) == len(set(seen)) == 231 and not set(closed) & set(seen)
    # Overdue first (oldest raised first: the 3-day-old ones, then the 40-week-old alert raised 2 days ago), then
    # the others oldest first (verified 10 days ago, then those raised an hour ago).
    assert seen == sorted(overdue, reverse=True) + old + sorted(verified, reverse=True) + sorted(fresh, reverse=True)
    assert client.get("/hq/alerts?page=999").text.count('<tr class="overdue">') == 0  # the last page: not overdue
    only = client.get("/hq/alerts?status=verified").text
    assert "Showing 1–50 of 50" in only and set(re.findall(ALERT_LINK, only)) == set(verified)
    assert old[0] in pages[1] and "reported 40 weeks late" in client.get("/hq/alerts?page=2").text


def test_the_alert_desk_in_persian_says_how_many_with_persian_digits(client) -> None:
    with client.engine.begin() as conn:
        add_alerts(conn, 130, status="raised", raised_ago=timedelta(days=3))
    client.who["actor"] = Actor("m.ahmadi", "headquarters", lang="fa")
    html = client.get("/hq/alerts?page=2").text
    assert '<html lang="fa" dir="rtl">' in html
    assert "۱۳۰ هشدار حل‌نشده" in html and "نمایش ۱۰۱ تا ۱۳۰ از ۱۳۰" in html and "صفحهٔ ۲ از ۲" in html
    assert 'rel="prev">قبلی</a>' in html and len(re.findall(ALERT_LINK, html)) == 30


def test_epidemic_curves_count_every_case_not_the_newest_thousand(client) -> None:
    """The curves were counted from the line list's first 1,000 rows (newest first): 1,000 dengue cases this week
    left no room for the 3 cholera cases two weeks earlier, whose curve was missing."""
    span = last_weeks(week_of(TODAY, SATURDAY), 12)
    with client.engine.begin() as conn:
        f02 = client.site["F02"]
        for _ in range(1000):
            add_case(conn, "dengue", f02, span[-1].start)
        for _ in range(3):
            add_case(conn, "cholera", f02, span[-3].start + timedelta(days=1))
        add_case(conn, "cholera", f02, span[-3].start, classification="discarded")  # never counted
    html = client.get("/hq/surveillance").text
    curves = dict(re.findall(r'aria-label="(\w+)" class="curve">(.*?)</svg>', html))
    assert set(curves) == {"cholera", "dengue"}
    assert f"<title>{span[-3].label}: 3</title>" in curves["cholera"]
    assert f"<title>{span[-1].label}: 1000</title>" in curves["dengue"]
    # The line list below them is paged, with the count: every case of the weeks, the discarded one included.
    assert "Showing 1–100 of 1004" in html
    assert "Showing 1001–1004 of 1004" in client.get("/hq/surveillance?cases_page=11").text


def test_the_surveillance_page_pages_its_weeks_alerts_and_points_at_the_desk_for_older_open_ones(client) -> None:
    with client.engine.begin() as conn:
        recent = add_alerts(conn, 130, status="raised", raised_ago=timedelta(hours=2))
        older = add_alerts(conn, 25, status="verified", raised_ago=timedelta(days=200),
                           week_day=TODAY - timedelta(weeks=30), tag="older")
        add_alerts(conn, 5, status="closed", raised_ago=timedelta(days=200), week_day=TODAY - timedelta(weeks=30),
                   tag="gone")
    pages = walk(client, "/hq/surveillance", ALERT_LINK)
    html = client.get("/hq/surveillance").text
    assert "Showing 1–100 of 130" in html and "Still open from earlier weeks: 25" in html
    # Every alert of the weeks is on one of the pages; of the older open ones, the 20 raised most recently are shown
    # on each page and every one is on the alert desk.
    window = [a for p in pages for a in p if a in recent]
    assert sorted(window) == sorted(recent) and len(window) == 130
    assert {a for p in pages for a in p} - set(recent) <= set(older)
    assert len(set(re.findall(ALERT_LINK, html)) & set(older)) == 20
    assert set(older) <= {a for p in walk(client, "/hq/alerts", ALERT_LINK) for a in p}


def test_the_renewal_list_pages_through_every_cover_ending_soon(client) -> None:
    today = TODAY
    with client.engine.begin() as conn:
        head = add_patient(conn, given_name_latin="Ali")
        unit = client.site["F02"]["unit_id"]
        for i in range(135):
            days = i % 31 if i < 130 else 40  # 130 end within 30 days, 5 later
            end = today + timedelta(days=days)
            hh = add(conn, "household", code=f"H{i:05d}", head_patient_id=head["id"], unit_id=unit)
            add(conn, "enrolment", household_id=hh["id"], head_patient_id=head["id"], scheme="uphi",
                category="vulnerable", payer="iom", enrolment_date=end - timedelta(days=364),
                coverage_start=end - timedelta(days=364), coverage_end=end, unit_id=unit)
    html = client.get("/hq/insurance").text
    assert "Showing 1–100 of 130" in html
    pages = walk(client, "/hq/insurance", r"<td[^>]*>(H\d{5})</td>")
    assert [len(p) for p in pages] == [100, 30]
    seen = [h for p in pages for h in p]
    assert sorted(seen) == [f"H{i:05d}" for i in range(130)]
    ends = {f"H{i:05d}": i % 31 for i in range(130)}
    assert [ends[h] for h in seen] == sorted(ends[h] for h in seen)  # soonest first, across the pages
    assert "Showing 1–100 of 135" in client.get("/hq/insurance?days=45").text


def check_against_a_recount(conn: Connection) -> None:
    """The paged and counted queries over a generated dataset equal what plain Python counts from the raw rows
    (called on SQLite below and on PostgreSQL in test_postgres.py)."""
    from sqlalchemy import select, update

    from app.hq import tables as t
    from app.hq.alerts import OPEN_STATUSES, evaluate_alerts
    from app.hq.desk import desk_alerts, desk_counts
    from app.hq.insurance import count_expiring, enrolments_by_payer, expiring
    from app.hq.surveillance import LineListQuery, epi_curves, line_list

    evaluate_alerts(conn)
    ids = sorted(conn.execute(select(hq_alert.c.id)).scalars())
    assert len(ids) >= 4
    for k, alert_id in enumerate(ids):  # a mix: overdue, fresh, verified, closed
        status = ("raised", "raised", "verified", "closed")[k % 4]
        conn.execute(update(hq_alert).where(hq_alert.c.id == alert_id).values(
            status=status, raised_at=NOW - timedelta(days=3 if k % 4 == 0 else 0, minutes=k)))
    rows = conn.execute(select(hq_alert)).mappings().all()
    open_rows = [r for r in rows if r["status"] in OPEN_STATUSES]
    expected = [r["id"] for r in sorted(open_rows, key=lambda r: (
        not (r["status"] == "raised" and r["raised_at"] < NOW - timedelta(hours=24)), r["raised_at"], r["id"]))]
    counts = desk_counts(conn, now=NOW)
    late = [r for r in open_rows if r["status"] == "raised" and r["raised_at"] < NOW - timedelta(hours=24)]
    assert counts.total == len(open_rows) and counts.overdue == len(late) > 0
    assert counts.by_status["verified"] == sum(1 for r in rows if r["status"] == "verified")
    paged = [a.id for off in range(0, counts.total, 5) for a in desk_alerts(conn, now=NOW, offset=off, limit=5)]
    assert paged == expected

    weeks = last_weeks(week_of(date(2026, 11, 29), SATURDAY), 104)
    cases = line_list(conn, LineListQuery(), first_weekday=SATURDAY)
    labels = [w.label for w in weeks]
    recount: dict[str, list[int]] = {}
    for c in cases:
        if c["classification"] != "discarded" and c["epi_week"] in labels:
            recount.setdefault(c["disease"], [0] * len(weeks))[labels.index(c["epi_week"])] += 1
    assert recount and epi_curves(conn, weeks) == recount

    today = date(2026, 11, 1)
    units = t.units(conn)
    live_e = [r for r in conn.execute(select(t.enrolment)).mappings() if not r["deleted"]]
    members: dict[str, int] = {}
    for m in conn.execute(select(t.enrolment_member)).mappings():
        if not m["deleted"]:
            members[m["enrolment_id"]] = members.get(m["enrolment_id"], 0) + 1
    by_payer: dict[tuple[str, str], list[int]] = {}
    for e in live_e:
        cell = by_payer.setdefault((units[e["unit_id"]]["code"], e["payer"]), [0, 0, 0])
        running = (t.as_date(e["coverage_start"]) <= today <= t.as_date(e["coverage_end"])
                   and (e["status"] or "active") == "active")
        cell[0], cell[1], cell[2] = cell[0] + 1, cell[1] + members.get(e["id"], 0), cell[2] + running
    assert {(p.unit, p.payer): [p.enrolments, p.members, p.active]
            for p in enrolments_by_payer(conn, today=today)} == by_payer
    whole = expiring(conn, today=today, days=60)
    assert whole and count_expiring(conn, today=today, days=60) == len(whole)
    assert [e for off in range(0, len(whole), 4) for e in expiring(conn, today=today, days=60, limit=4, offset=off)
            ] == whole


def test_the_paged_queries_equal_a_recount_from_raw_rows_on_sqlite() -> None:
    from app.hq.synthetic import generate

    engine = central_sqlite()
    with engine.begin() as conn:
        generate(conn, visits=12000, end=date(2026, 11, 29), years=2, seed=3)
        check_against_a_recount(conn)
    engine.dispose()
