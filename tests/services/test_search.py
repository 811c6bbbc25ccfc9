from __future__ import annotations

import pytest

from app.services.patient_search import find_patients
from app.services.patients import register_patient

from services.conftest import person


@pytest.fixture
def registered(clinician):
    ids = {}
    ids["fatemeh"] = register_patient(clinician, person(family_name_fa="رحیمی", family_name_latin="Rahimi")).patient_id
    ids["ali"] = register_patient(clinician, person(
        given_name_fa="علی‌اکبر", given_name_latin="Ali Akbar", father_name_fa="يوسف", father_name_latin="Yousef",
        sex="male", birth_year=1980, phone="09121112233",
        documents=[{"doc_type": "passport", "number": "P 7788 9900"}])).patient_id
    ids["kamal"] = register_patient(clinician, person(
        given_name_fa="كمال", given_name_latin="Kamal", father_name_fa="مُحَمَّد", father_name_latin="Mohammad",
        sex="male", birth_year=1960, phone="", documents=[])).patient_id
    return ids


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("فاط", "fatemeh"),          # Persian prefix
        ("fat", "fatemeh"),          # Latin prefix, any case
        ("FATEMEH rah", "fatemeh"),  # several words: all must match
        ("رحیمی", "fatemeh"),        # family name
        ("غلام", "fatemeh"),         # father's name
        ("یوسف", "ali"),             # stored with Arabic yeh ي, searched with Persian ی
        ("اکبر", "ali"),             # ZWNJ inside a name splits it into findable words
        ("کمال", "kamal"),           # stored with Arabic kaf ك
        ("محمد", "kamal"),           # stored with diacritics
        ("۰۹۱۲۱۱۱۲۲۳۳", "ali"),      # Persian digits for a phone
        ("0912 111 2233", "ali"),    # phone typed in groups
        ("9121112233", "ali"),       # without the leading zero
        ("p77889900", "ali"),        # document number without its spaces
        ("12345678901", "fatemeh"),  # Amayesh number
        ("ZAH1-00002", "ali"),       # patient code
    ],
)
def test_find_patients(clinician, registered, query, who):
    found = [r.id for r in find_patients(clinician, query)]
    assert registered[who] in found
    assert len(found) == 1, query


def test_no_match_and_empty_query(clinician, registered):
    assert find_patients(clinician, "zzzz") == []
    assert len(find_patients(clinician, "  ")) == 3  # an empty box lists recent patients


def test_rows_in_the_users_language(clinician, registered):
    clinician.lang = "fa"
    [row] = find_patients(clinician, "fatemeh")
    assert (row.given_name, row.father_name) == ("فاطمه", "غلام")
    clinician.lang = "en"
    [row] = find_patients(clinician, "فاطمه")
    assert (row.given_name, row.family_name) == ("Fatemeh", "Rahimi")


def test_index_follows_corrections(clinician, registered):
    from app.services.patients import update_patient

    update_patient(clinician, registered["kamal"], {"given_name_latin": "Jamal", "given_name_fa": "جمال"})
    assert find_patients(clinician, "kamal") == []
    assert [r.id for r in find_patients(clinician, "jamal")] == [registered["kamal"]]


@pytest.mark.parametrize(("order", "descending", "expected"), [
    ("name", False, ["ali", "fatemeh", "kamal"]), ("name", True, ["kamal", "fatemeh", "ali"]),
    ("age", False, ["fatemeh", "ali", "kamal"]), ("code", True, ["kamal", "ali", "fatemeh"]),
])
def test_sorted_in_sql(clinician, store, registered, order, descending, expected):
    from app.services.patient_search import search_patient_ids

    with store.read() as s:
        assert search_patient_ids(s, "", order=order, descending=descending, limit=None) == \
            [registered[k] for k in expected]
        # A query narrows first, then sorts (every demo code starts ZAH1).
        by_name = search_patient_ids(s, "ZAH1", order="name", lang="en")
        assert by_name == [registered[k] for k in ("ali", "fatemeh", "kamal")]


@pytest.mark.parametrize("driver", [0, 400])  # 0: every word counts as common, so the ranges are intersected
def test_multiword_search_both_strategies(clinician, registered, monkeypatch, driver):
    import app.services.search_steps as steps

    monkeypatch.setattr(steps, "DRIVER_LIMIT", driver)
    assert [r.id for r in find_patients(clinician, "FATEMEH rah")] == [registered["fatemeh"]]
    assert [r.id for r in find_patients(clinician, "علی یوسف")] == [registered["ali"]]
    assert find_patients(clinician, "kamal rahimi") == []
