"""Mixed-direction text on Persian paper (issue 14), read back from the PDF with pdfplumber: a Latin dose inside a
Persian medicine line keeps its typed order, and each field joined on one printed line (a medicine's name, its dose)
keeps its own direction, so a number starting the dose is drawn beside the dose, not glued to a Latin name."""

from __future__ import annotations

from datetime import date

from pdf_tools import logical_rtl, page_texts, rtl_reading_tokens, visual_lines
from print_samples import options, roster, slip_en, slip_fa

from app.printing import MedicineLine, RosterPatientLine, render_referral_slip, render_roster

LONG_NAME = "سیده فاطمه‌الزهرا عبدالرحیم‌زاده قندهاری حسینی‌نژاد افغانستانی"
MEDICINES = [
    MedicineLine(name="آموکسی‌سیلین", dose="2 x 500 mg", quantity="20"),
    MedicineLine(name="شربت ORS", dose="1 ساشه بعد از هر بار اسهال", quantity="5"),
    MedicineLine(name="Amoxil", dose="2 قرص روزانه"),
    MedicineLine(name="Paracetamol", dose="500 mg هر ۶ ساعت", quantity="10"),
]


def _line_with(lines: list[str], word: str) -> str:
    found = [line for line in lines if word in line or word in logical_rtl(line)]
    assert len(found) == 1, (word, lines)
    return found[0]


def _run_at(tokens: list[str], run: list[str]) -> int:
    """Where ``run`` stands, whole and in this order, in a line's reading tokens (-1: nowhere)."""
    return next((i for i in range(len(tokens) - len(run) + 1) if tokens[i : i + len(run)] == run), -1)


def _slip_lines() -> list[str]:
    slip = slip_fa(patient_name=LONG_NAME, medicines=MEDICINES, treatment_given="استراحت")
    return visual_lines(render_referral_slip(slip, options("fa", "persian")))


def test_a_latin_dose_inside_a_persian_medicine_line_keeps_its_order():
    line = _line_with(_slip_lines(), "آموکسی")
    assert "۲ x ۵۰۰ mg" in line  # the run reads left to right as typed, its first digit included
    tokens = rtl_reading_tokens(line)
    name = tokens.index("آموکسی‌سیلین".replace("\u200c", ""))
    assert _run_at(tokens, ["mg", "۵۰۰", "x", "۲"]) == name + 1  # right after the name, to its left


def test_a_dose_starting_with_a_number_after_a_latin_name_keeps_the_number_with_the_dose():
    # Printed as "شربت ۱ ORS ساشه": the 1 was drawn against the Latin name, so it read "1 syrup ORS, sachet".
    lines = _slip_lines()
    assert _run_at(rtl_reading_tokens(_line_with(lines, "ORS")), ["شربت", "ORS", "۱", "ساشه", "بعد"]) >= 0
    # A Latin name first: "Amoxil ۲" was one left-to-right run, drawn with the 2 before the name.
    assert _run_at(rtl_reading_tokens(_line_with(lines, "Amoxil")), ["Amoxil", "۲", "قرص", "روزانه"]) >= 0
    # A Latin dose after a Latin name, then Persian: the dose's digits stay with "mg", the quantity after it all.
    line = _line_with(lines, "Paracetamol")
    assert "۵۰۰ mg" in line
    assert _run_at(rtl_reading_tokens(line), ["Paracetamol", "mg", "۵۰۰", "هر", "۶", "ساعت", "×", "۱۰"]) >= 0


def test_on_english_paper_a_persian_name_does_not_take_the_dose_digits():
    pdf = render_referral_slip(slip_en(medicines=MEDICINES[:1]), options("en", "latin"))
    line = next(t for t in page_texts(pdf)[0].splitlines() if "mg" in t and "x" in t)
    assert line.endswith("2 x 500 mg × 20"), line  # the name (drawn right to left) comes before it


def test_a_long_persian_name_wraps_in_logical_order():
    words = LONG_NAME.replace("\u200c", "").split(" ")
    lines = [rtl_reading_tokens(line) for line in _slip_lines()]
    first = next(t for t in lines if words[0] in t)
    last = next(t for t in lines if words[-1] in t)
    assert first is not last, "the sample name must wrap"
    taken = len([w for w in first if w in words])
    assert _run_at(first, words[:taken]) >= 0 and _run_at(last, words[taken:]) >= 0  # its beginning comes first


def test_roster_reason_and_note_with_latin_and_numbers_read_in_order():
    data = roster(2, "fa")
    patient = RosterPatientLine(
        code="ZAH1-00012-3",
        name="فاطمه",
        reason="پیگیری Amoxil 2 x 500 mg و فشار خون 140/90",
        notes="شربت ORS 1 ساشه",
        due_date=date(2026, 11, 28),
    )
    data = data.model_copy(
        update={"patients": [patient, *data.patients], "site_note": "ساعت 8:30 در مسجد جامع؛ کارت Amayesh همراه باشد"}
    )
    pdf = render_roster(data, options("fa", "persian"))
    lines = visual_lines(pdf)
    row = _line_with(lines, "Amoxil")
    assert "۲ x ۵۰۰ mg" in row
    tokens = rtl_reading_tokens(row)
    assert _run_at(tokens, ["پیگیری", "mg", "۵۰۰", "x", "۲", "Amoxil", "و", "فشار", "خون", "۱۴۰/۹۰"]) >= 0
    assert _run_at(rtl_reading_tokens(_line_with(lines, "Amayesh")), ["ساعت", "۸:۳۰", "در", "مسجد"]) >= 0
    assert "ZAH1-00012-3" in page_texts(pdf)[0]
