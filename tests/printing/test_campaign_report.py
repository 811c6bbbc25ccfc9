"""The campaign's daily report (issue 18, item 5) read back from the real PDF with pdfplumber: every figure is the
day's tally as recorded (other days and other rounds left out), both languages are on the page, the Persian side
reads right to left in Persian digits, and each Persian column heading stands over its own column."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pdfplumber
import pytest
from printing.pdf_tools import logical_rtl, logical_rtl_numbers, page_texts, visual_lines
from services.conftest import TODAY, clinician, coordinator, store  # noqa: F401  (fixtures)
from sqlalchemy import select

from app.models import AuditEntry
from app.services.campaigns import TallyKey, campaign_day_pdf, start_campaign, tally_child

# (age band, sex, nationality, outcome, never vaccinated before, how many children)
TODAY_TALLY = [
    ("0-11m", "female", "afghan", "vaccinated", False, 7),
    ("0-11m", "male", "afghan", "vaccinated", True, 3),
    ("12-59m", "female", "iranian", "vaccinated", False, 4),
    ("12-59m", "male", "afghan", "vaccinated", False, 11),
    ("12-59m", "male", "afghan", "refused", False, 2),
    ("12-59m", "female", "afghan", "absent", False, 5),
]


def _campaign(ctx, code: str) -> str:
    return start_campaign(
        ctx,
        {
            "code": code,
            "name": "Polio round 2 (bOPV), Dogharoun crossing",
            "vaccine": "bopv",
            "start_date": "2026-11-25",
            "end_date": "2026-11-30",
            "site": "Dogharoun - Islam Qala crossing",
        },
    )


def _tally(ctx, cid: str, rows) -> None:
    for band, sex, nationality, outcome, zero, n in rows:
        key = TallyKey(age_band=band, sex=sex, nationality=nationality, outcome=outcome, zero_dose=zero)
        for _ in range(n):
            tally_child(ctx, campaign_id=cid, key=key)


@pytest.fixture
def report(clinician, coordinator):  # noqa: F811
    cid = _campaign(coordinator, "polio-dgh-r2")
    _tally(coordinator, cid, TODAY_TALLY)
    # Yesterday's children and another round's must not reach today's report.
    yesterday = type(coordinator)(
        coordinator.store,
        coordinator.user_id,
        "coordinator",
        unit_id=coordinator.unit_id,
        facility_id=coordinator.facility_id,
        clock=lambda: coordinator.now() - timedelta(days=1),
    )
    _tally(yesterday, cid, [("0-11m", "female", "afghan", "vaccinated", False, 9)])
    _tally(coordinator, _campaign(coordinator, "polio-other"), [("12-59m", "male", "afghan", "vaccinated", False, 6)])
    return cid, campaign_day_pdf(coordinator, cid, day=TODAY)


def _numbers(line: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", line)]


def test_the_figures_are_the_days_tally(report):
    _, pdf = report
    text = page_texts(pdf)[0]
    assert "POLIO-DGH-R2" in text and "bOPV (oral polio, campaign)" in text and "28 Nov 2026" in text
    lines = text.splitlines()

    def row(label: str) -> list[int]:
        found = [line for line in lines if line.startswith(label)]
        assert found, (label, lines)
        return _numbers(found[0].replace(label, "", 1))[-3:]

    assert row("0–11 months") == [7, 3, 10]
    assert row("12–59 months") == [4, 11, 15]
    assert row("5–14 years") == [0, 0, 0]
    assert row("Vaccinated") == [11, 14, 25]
    assert "Never vaccinated before (zero-dose): 3" in text
    assert "Refused: 2" in text and "Absent / not seen: 5" in text
    # By nationality: the children vaccinated (the table's total), not the refused and absent with them.
    assert "Afghan: 21" in text and "Iranian: 4" in text


def test_the_persian_side_reads_right_to_left_in_persian_digits(report):
    _, pdf = report
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        width, height = doc.pages[0].width, doc.pages[0].height
    right_half = [logical_rtl_numbers(line) for line in visual_lines(pdf, 0, bbox=(width / 2, 0, width, height))]
    wanted = [
        "کارزار واکسیناسیون — شمارش روزانه",
        "بدون سابقهٔ واکسن: ۳",
        "امتناع: ۲",
        "غایب: ۵",
        "افغانستانی: ۲۱",
        "ایرانی: ۴",
        "۷ آذر ۱۴۰۵",
    ]
    for phrase in wanted:
        assert any(phrase in line for line in right_half), (phrase, right_half)
    # No Latin digit stands in a Persian line.
    assert not any(re.search(r"[0-9]", line) for line in right_half if re.search(r"[\u0600-\u06ff]", line)), right_half


def test_each_persian_heading_stands_over_its_column(report):
    _, pdf = report
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        words = doc.pages[0].extract_words()
    x = {w["text"]: (w["x0"], w["x1"]) for w in words}
    cols = [x["Girls"][0], x["Boys"][0], x["Total"][0]]
    # Persian words come out in visual order (presentation forms); match them by their letters.
    fa = {logical_rtl(w["text"]): (w["x0"], w["x1"]) for w in words}
    ends = [*cols[1:], float("inf")]
    for (heading, english), start, end in zip(
        (("دختر", "Girls"), ("پسر", "Boys"), ("جمع", "Total")), cols, ends, strict=True
    ):
        x0, x1 = fa[heading]
        en0, en1 = x[english]
        # Under its English heading (the two overlap), inside that column.
        assert x0 < en1 and x1 > en0 and start - 1 <= x0 and x1 <= end, (heading, (x0, x1), english, (en0, en1))


def test_each_print_is_recorded(report, store):  # noqa: F811
    cid, _ = report
    with store.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "campaign_day")).all()
    assert [(e.action, e.record_id, e.detail.get("day")) for e in entries] == [("printed", cid, "2026-11-28")]
