import io
import math

import pdfplumber

from app.printing import render_roster, roster_page_count, roster_rows_per_page
from pdf_tools import logical_rtl, page_count, page_texts, visual_lines
from print_samples import options, roster


def test_500_patients_page_count_header_and_page_numbers_on_every_page():
    data = roster(500)
    opts = options()
    pdf = render_roster(data, opts)
    first, rest = roster_rows_per_page(data, opts)
    assert 10 <= rest and first <= rest
    expected_pages = 1 + math.ceil((500 - first) / rest)
    assert roster_page_count(data, opts) == expected_pages
    pages = page_texts(pdf)
    assert len(pages) == page_count(pdf) == expected_pages
    for n, text in enumerate(pages, start=1):
        assert "Daily roster" in text
        assert "Mobile unit 2" in text and "Zahedan health post 4" in text
        assert "7 Azar 1405 (28 Nov 2026)" in text
        # The table header repeats on every page.
        for heading in ("Code", "Name", "Father's name", "Sex", "Age", "Phone", "Reason / due", "Seen", "Notes"):
            assert heading in text, (n, heading)
        assert f"Page {n} of {expected_pages}" in text
        assert "Printed by Maryam Rahimi on 2026-11-28 10:42" in text
    assert "Staff on duty" in pages[0] and "Staff on duty" not in pages[1]
    assert "Dr. Maryam Rahimi (GP)" in pages[0]
    # Every patient printed exactly once, in order.
    everything = "\n".join(pages)
    assert everything.count("P-1") == 500
    assert "P-1000" in pages[0] and "P-1499" in pages[-1]
    assert f"P-{1000 + first}" in pages[1] and f"P-{1000 + first - 1}" in pages[0]


def test_roster_row_contents():
    text = page_texts(render_roster(roster(3), options()))[0]
    assert "1 P-1000 Gul Ahmad Abdul Rahim Male 0 09150000000 Blood pressure follow-up no phone" in text
    assert "Page 1 of 1" in text


def test_overdue_follow_up_shows_its_due_date():
    text = page_texts(render_roster(roster(5), options()))[0]
    assert "4 P-1003 Zainab Abdul Rahim Female 21 09150000003 Blood pressure follow-up (due 2026-11-21)" in text


def test_empty_roster_says_so():
    text = page_texts(render_roster(roster(0), options()))[0]
    assert "No patients planned" in text and "Page 1 of 1" in text


def _x_of(pdf: bytes, needle: str) -> float:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        words = doc.pages[0].extract_words()
        return next(w["x0"] for w in words if w["text"] == needle)


def test_persian_roster_mirrors_columns_and_uses_persian_digits():
    data = roster(30, "fa")
    en_pdf = render_roster(roster(30), options())
    fa_pdf = render_roster(data, options("fa", "persian"))
    width = 841.89
    # First columns (row number, code) sit at the left in English and at the right in Persian.
    assert _x_of(en_pdf, "P-1000") < width / 4
    assert _x_of(fa_pdf, "P-1000") > width * 3 / 4
    lines = [logical_rtl(line) for line in visual_lines(fa_pdf)]
    text = "\n".join(lines)
    assert "برنامه روزانه" in text
    assert "کارکنان حاضر" in text
    assert "نام پدر" in text and "یادداشت" in text
    total = roster_page_count(data, options("fa", "persian"))
    persian_total = str(total).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    # "صفحه ۱ از N" reads back in logical order once reversed (multi-digit numbers would come out reversed).
    assert total < 10
    assert f"صفحه ۱ از {persian_total}" in text
    raw = "\n".join(visual_lines(fa_pdf))
    assert persian_total in raw
    assert "۰۹۱۵۰۰۰۰۰۰۱" in raw  # phone in Persian digits
    latin = "\n".join(visual_lines(render_roster(data, options("fa", "latin"))))
    assert "09150000001" in latin and "۰۹۱۵" not in latin


def test_a_long_patient_code_stays_on_one_line_and_the_site_note_is_printed():
    """Issue 14: real codes (unit, epoch, number, check digit) wrapped over two lines; the site note was missing."""
    data = roster(3).model_copy(update={"site_note": "Park behind the mosque; bring water, the tap is broken"})
    data.patients[0] = data.patients[0].model_copy(update={"code": "ZAH1E7-00012-3"})
    pdf = render_roster(data, options())
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        words = doc.pages[0].extract_words()
    assert any(w["text"] == "ZAH1E7-00012-3" for w in words), [w["text"] for w in words if "ZAH" in w["text"]]
    text = page_texts(pdf)[0]
    assert "Site note" in text and "Park behind the mosque; bring water, the tap is broken" in text
    fa = page_texts(render_roster(roster(3, "fa").model_copy(update={"site_note": "پشت مسجد"}),
                                  options("fa", "persian")))[0]
    assert "یادداشت محل" in logical_rtl(fa) or "محل" in fa
