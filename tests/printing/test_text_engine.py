import unicodedata

from pdf_tools import logical_rtl

from app.printing.fonts import REGULAR, register_fonts
from app.printing.text import localize_digits, persian_number, shaped, visual, width, wrap

register_fonts()


def test_wrap_happens_in_logical_order_and_every_line_fits():
    text = "سلام دنیا " * 30
    lines = wrap(text, REGULAR, 10, 120)
    assert len(lines) > 3
    assert " ".join(lines) == text.strip()
    assert all(width(line, REGULAR, 10) <= 120 for line in lines)
    # The first visual line holds the *first* words, read right to left.
    assert logical_rtl(visual(lines[0], True)).startswith("سلام دنیا")


def test_no_break_space_keeps_a_unit_together_and_overlong_words_are_split_not_cut():
    assert wrap("a b\u00a0c", REGULAR, 10, 1000) == ["a b\u00a0c"]
    lines = wrap("X" * 80, REGULAR, 10, 100)
    assert len(lines) > 1 and "".join(lines) == "X" * 80


def test_harakat_are_kept():
    out = shaped("مُحَمَّد")
    assert "\u064f" in out and "\u064e" in out and "\u0651" in out


def test_latin_and_numbers_inside_persian_keep_left_to_right_order_and_brackets_mirror():
    vis = visual("فشار خون ۱۲۰/۸۰ mmHg (بالا)", True)
    assert "mmHg" in vis and "۱۲۰/۸۰" in vis
    # Visual order: the bracketed word is at the left end, its brackets mirrored to read correctly.
    assert vis.startswith("(") and ")" in vis
    assert unicodedata.normalize("NFKC", vis[1:vis.index(")")][::-1]) == "بالا"
    assert visual("Name (گل)", False).startswith("Name (")


def test_pure_latin_value_keeps_its_order_on_persian_paper():
    assert visual("+98 912 345 6789", True) == "+98 912 345 6789"


def test_digits():
    assert localize_digits("BP 120/80 J18.9 K7Q-42M", "persian") == "BP ۱۲۰/۸۰ J18.9 K7Q-42M"
    assert localize_digits("۵ روز", "latin") == "5 روز"
    assert persian_number(38.6, "persian", 1) == "۳۸٫۶"
    assert persian_number(38.6, "latin", 1) == "38.6"


def test_a_latin_run_starting_with_digits_keeps_its_order_on_persian_paper():
    # Issue 14: "2 x 500 mg" printed as "x ۵۰۰ mg ۲"; the run is read left to right as typed, digits included.
    dose = localize_digits("قرص 2 x 500 mg روزی سه بار", "persian")
    vis = visual(dose, True)
    assert "۲ x ۵۰۰ mg" in vis and "\u200e" not in vis
    assert "500 mg paracetamol" in visual("500 mg paracetamol روزانه", True)
    assert visual("2 x 500 mg", True) == "2 x 500 mg"
