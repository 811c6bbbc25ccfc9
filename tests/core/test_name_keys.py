"""Matching keys of names (issue 15, item 1): compounds, spelling variants, the other script, Dari and Arabic
spellings, Pashto letters; and the curated table's consistency."""

from __future__ import annotations

import pytest

from app.core.matching import EXACT, SCRIPT, SOUND, SPACING, SPELLING, compare_names
from app.core.name_keys import name_keys
from app.core.name_table import NameTableError, name_entries, parse_table


def kind(a: str, b: str) -> str | None:
    return compare_names(name_keys(a), name_keys(b))


@pytest.mark.parametrize(("a", "b"), [
    ("عبدالله", "عبد الله"), ("عبدالله", "عبد\u200cالله"), ("غلامرسول", "غلام‌رسول"), ("غلامرسول", "غلام رسول"),
    ("محمدنبی", "محمد نبی"), ("نورالله", "نور الله"), ("گلاحمد", "گل احمد"), ("Abdul Rahman", "Abdulrahman"),
    ("Ghulam Rasul", "Ghulamrasul"), ("Abdul-Rahman", "Abdulrahman"),
])
def test_compounds_joined_split_or_with_zwnj(a, b):
    assert kind(a, b) == SPACING


def test_spaces_zwnj_and_hyphens_between_words_are_one_spelling():
    assert kind("Gul-Ahmad", "Gul Ahmad") == EXACT
    assert kind("غلام‌رسول", "غلام رسول") == EXACT


def test_compound_parts_are_keys_of_their_own():
    keys = name_keys("غلامرسول")
    assert set(keys.parts) == {"غلام", "رسول"}
    assert "rAsUl" in keys.cross_parts  # رسول alone meets Rasul
    assert {"qUlAm", "rAsUl"} <= set(name_keys("Ghulamrasul").tolerant_parts)
    # Kept apart from the words' keys: the search ranks a part below a name that is the part itself.
    assert "rAsUl" not in keys.cross_words and "rAsUl" not in name_keys("Ghulamrasul").tolerant_words
    # The keys of a word are not repeated as a part's (غلام رسول written apart has words, not parts, to offer).
    spaced = name_keys("غلام رسول")
    assert "rAsUl" in spaced.cross_words and "rAsUl" not in spaced.cross_parts


@pytest.mark.parametrize(("a", "b"), [
    ("Muhammad", "Mohammed"), ("Mohammad", "Mohamad"), ("Ahmed", "Ahmad"), ("Hossein", "Hussain"),
    ("Fatemeh", "Fatima"), ("Yusuf", "Yousef"), ("Khadijeh", "Khadija"), ("Zabiullah", "Zabihullah"),
    ("Naqibollah", "Naqibullah"), ("Nakibullah", "Naqibullah"), ("Abdurrahman", "Abdul Rahman"),
    ("Alauddin", "Alaeddin"), ("Qasem", "Ghasem"), ("Masoumeh", "Masuma"),
])
def test_latin_spelling_variants(a, b):
    assert kind(a, b) == SPELLING


@pytest.mark.parametrize(("fa", "latin"), [
    ("محمد", "Mohammed"), ("حسین", "Hussain"), ("فاطمه", "Fatima"), ("یوسف", "Yusuf"), ("خدیجه", "Khadijeh"),
    ("ذبیح‌الله", "Zabiullah"), ("نقیب الله", "Naqibollah"), ("عبدالرحمن", "Abdul Rahman"),
    ("غلام رسول", "Ghulamrasul"), ("محمدنبی", "Mohammad Nabi"), ("گلاحمد", "Gul Ahmad"), ("نورالله", "Noorullah"),
    ("اسمعیل", "Ismail"), ("رحمة الله", "Rahmatullah"), ("علاءالدین", "Alauddin"), ("ګل محمد", "Gul Mohammad"),
])
def test_the_other_script_meets_through_the_table(fa, latin):
    assert kind(fa, latin) == SCRIPT
    assert kind(latin, fa) == SCRIPT


@pytest.mark.parametrize(("a", "b"), [
    ("عبدالرحمان", "عبدالرحمن"), ("اسمعیل", "اسماعیل"), ("رحمة", "رحمت"), ("علاءالدین", "علاالدین"),
    ("ضیاءالدین", "ضیاالدین"), ("داود", "داوود"), ("موسی", "موسا"), ("اسحق", "اسحاق"),
])
def test_dari_and_arabic_spellings(a, b):
    assert kind(a, b) == SPELLING


@pytest.mark.parametrize(("a", "b"), [("ګل", "گل"), ("ښکلا", "شکلا"), ("فاطمة", "فاطمه"), ("يوسف", "یوسف"),
                                      ("كريم", "کریم"), ("مُحَمَّد", "محمد"), ("محمـد", "محمد")])
def test_pashto_and_arabic_letters_fold_to_the_same_name(a, b):
    assert kind(a, b) == EXACT


@pytest.mark.parametrize(("a", "b"), [
    ("Hassan", "Hossein"), ("حسن", "حسین"), ("حسن", "Hossein"), ("Zahra", "Zohreh"), ("Saeed", "Sayed"),
    ("سعید", "Sayed"), ("Hamid", "Hamed"), ("حمید", "حامد"), ("Javad", "Javid"), ("Abdullah", "Abdul Rahman"),
    ("Gul Ahmad", "Gul Mohammad"), ("Noorullah", "Nasrullah"),
])
def test_different_names_stay_apart(a, b):
    assert kind(a, b) in (None, SOUND)


def test_skeleton_is_shared_by_both_scripts_for_names_the_table_lacks():
    # Neither spelling is in the table: only the rule-based skeleton can pair them (as "sound", the weakest kind).
    assert name_keys("زرمست").skeleton == name_keys("Zarmast").skeleton
    assert kind("زرمست", "Zarmast") == SOUND


def test_every_listed_spelling_meets_its_other_script():
    for entry in name_entries():
        if entry.kind not in "nf":
            continue
        for fa in entry.persian:
            for latin in entry.latin:
                assert kind(fa, latin) == SCRIPT, (fa, latin)
        for a in entry.latin:
            assert kind(a, entry.latin[0]) in (EXACT, SPACING, SPELLING), (a, entry.latin[0])


def test_the_table_is_checked_when_read():
    assert parse_table("n\tمحمد\tMohammad\n# comment\n")[0].usual_latin == "Mohammad"
    with pytest.raises(NameTableError, match="line 1"):
        parse_table("x\tمحمد\tMohammad\n")
    with pytest.raises(NameTableError, match="line 2"):
        parse_table("n\tمحمد\tMohammad\nn\tعلی\n")


def test_keys_of_empty_and_odd_text():
    assert not name_keys("")
    assert not name_keys("  ‌ ")
    assert name_keys("!!!").compact == ""
    assert name_keys("X Æ A-12").script == "latin"
