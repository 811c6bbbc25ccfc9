"""Issue 15, item 2: the order of a ranked search and the reason each row gives, tier by tier, on the real store.

Each patient below is written in one script only, so that each one meets a query in exactly one way: the exact name,
the beginning of a longer name, a spelling variant (Mohammad / Muhammad) or the other script (محمد / Mohammad, pairs
from resources/reference/person_names.tsv). A birth year typed into the query ranks within a tier: the same year
first, then close years, then estimated years within the window; a year outside it ranks last and gives no reason.
"""

from __future__ import annotations

import pytest
from services.conftest import person

from app.services.patient_search import search_list
from app.services.patients import register_patient
from app.services.search_steps import EXACT, PREFIX, SCRIPT, SPACING, SPELLING


def _register(ctx, **over) -> str:
    data = dict(given_name_fa="", given_name_latin="", father_name_fa="", father_name_latin="", sex="male",
                birth_year=1990, birth_estimated=False, phone="", documents=[])
    data.update(over)
    # Several of these are namesakes on purpose: the duplicate check is not what is tested here.
    return register_patient(ctx, person(**data), override_reason="test of search ranking").patient_id


@pytest.fixture
def people(clinician) -> dict[str, str]:
    # Registered in an order unlike the expected one, so that no result follows from the order of insertion.
    ids = {}
    ids["fa_prefix"] = _register(clinician, given_name_fa="محمدرضا", father_name_fa="نبی")
    ids["lat_spelling"] = _register(clinician, given_name_latin="Muhammad", father_name_latin="Nabi")
    ids["fa_exact"] = _register(clinician, given_name_fa="محمد", father_name_fa="نبی")
    ids["lat_prefix"] = _register(clinician, given_name_latin="Mohammadreza", father_name_latin="Nabi")
    ids["lat_exact"] = _register(clinician, given_name_latin="Mohammad", father_name_latin="Nabi")
    ids["unrelated"] = _register(clinician, given_name_fa="کریم", given_name_latin="Karim",
                                 father_name_fa="رحیم", father_name_latin="Rahim")
    return ids


def _ranked(ctx, query: str, ids: dict[str, str]) -> list[tuple[str, int, tuple[str, ...]]]:
    names = {v: k for k, v in ids.items()}
    result = search_list(ctx, query, limit=50)
    assert result.complete
    return [(names[h.patient_id], h.tier, h.reasons) for h in result.hits]


def test_latin_query_exact_then_prefix_then_spelling_then_other_script(clinician, people):
    ranked = _ranked(clinician, "Mohammad", people)
    assert ranked[:3] == [
        ("lat_exact", EXACT, ("exact", "given")),
        ("lat_prefix", PREFIX, ("prefix", "given")),
        ("lat_spelling", SPELLING, ("spelling", "given")),
    ]
    assert sorted(ranked[3:]) == [("fa_exact", SCRIPT, ("script", "given")),
                                  ("fa_prefix", SCRIPT, ("script", "given"))]


def test_other_script_whole_name_before_a_compound_starting_with_it(clinician, people):
    # محمدرضا meets Mohammad through its part محمد (and the beginning of its own key): below محمد itself.
    ranked = _ranked(clinician, "Mohammad", people)
    assert [name for name, _, _ in ranked[3:]] == ["fa_exact", "fa_prefix"]


def test_persian_query_exact_then_compound_then_other_script(clinician, people):
    ranked = _ranked(clinician, "محمد", people)
    assert ranked[:2] == [
        ("fa_exact", EXACT, ("exact", "given")),
        ("fa_prefix", SPACING, ("spacing", "given")),  # محمدرضا is محمد + رضا written together
    ]
    # Every Latin spelling of محمد in the table is the other script, below every Persian match.
    assert sorted(ranked[2:]) == [("lat_exact", SCRIPT, ("script", "given")),
                                  ("lat_prefix", SCRIPT, ("script", "given")),
                                  ("lat_spelling", SCRIPT, ("script", "given"))]


def test_given_and_father_name_ranked_by_tier_with_both_reasons(clinician, people):
    assert _ranked(clinician, "Muhammad Nabi", people) == [
        ("lat_spelling", EXACT, ("exact", "given", "father")),
        ("lat_exact", SPELLING, ("spelling", "given", "father")),
        ("fa_exact", SCRIPT, ("script", "given", "father")),
    ]
    assert _ranked(clinician, "محمد نبی", people)[0] == ("fa_exact", EXACT, ("exact", "given", "father"))


@pytest.mark.parametrize("query", ["Rahim 1990", "Rahim ۱۳۶۹", "رحیم 1990"])  # ۱۳۶۹ Solar Hijri is 1990
def test_typed_birth_year_ranks_same_then_close_then_estimated_window(clinician, query):
    ids = {
        "far_estimated": _register(clinician, given_name_latin="Rahim", father_name_latin="Nabi", birth_year=1984,
                                   birth_estimated=True),  # six years off: outside even the estimated window
        "window_estimated": _register(clinician, given_name_latin="Rahim", father_name_latin="Nabi",
                                      birth_year=1995, birth_estimated=True),  # five years off, estimated
        "close": _register(clinician, given_name_latin="Rahim", father_name_latin="Nabi", birth_year=1992),
        "same": _register(clinician, given_name_latin="Rahim", father_name_latin="Nabi", birth_year=1990),
    }
    ranked = _ranked(clinician, query, ids)
    assert [name for name, _, _ in ranked] == ["same", "close", "window_estimated", "far_estimated"]
    assert len({tier for _, tier, _ in ranked}) == 1  # the year orders within a tier, never across tiers
    assert [("birth_year" in reasons) for _, _, reasons in ranked] == [True, True, True, False]


def test_birth_year_never_lifts_a_row_above_a_better_tier(clinician, people):
    # Only the spelling variant was born in 1970; the exact name still comes first.
    spelled_1970 = _register(clinician, given_name_latin="Muhammad", father_name_latin="Karim", birth_year=1970)
    hits = search_list(clinician, "Mohammad 1970", limit=50).hits
    assert hits[0].patient_id == people["lat_exact"] and "birth_year" not in hits[0].reasons
    spelled = [h for h in hits if h.tier == SPELLING]
    assert spelled[0].patient_id == spelled_1970 and spelled[0].reasons == ("spelling", "given", "birth_year")


# --- compounds, spacing and spellings (issue 15): each query against the forms people really write -----------------


@pytest.fixture
def forms(clinician) -> dict[str, str]:
    # Compounds first, so that no whole name comes first by the order of insertion.
    names = {
        "fa_joined": ("fa", "محمدرضا"), "fa_zwnj": ("fa", "محمد\u200cرضا"), "fa_spaced": ("fa", "محمد رضا"),
        "fa_alireza": ("fa", "علیرضا"), "lat_mohammadreza": ("latin", "Mohammadreza"),
        "lat_alireza": ("latin", "Alireza"), "lat_ali_reza": ("latin", "Ali Reza"),
        "fa_mohammad": ("fa", "محمد"), "fa_ali": ("fa", "علی"), "fa_reza": ("fa", "رضا"),
        "lat_mohammad": ("latin", "Mohammad"), "lat_muhammad": ("latin", "Muhammad"), "lat_mohamad": ("latin", "Mohamad"),
        "lat_ali": ("latin", "Ali"), "fa_karim_arabic": ("fa", "كريم"),  # Arabic kaf and yeh, as some keyboards type
    }
    return {key: _register(clinician, **{f"given_name_{script}": name, f"father_name_{script}": "نبی" if script == "fa"
                                         else "Nabi"}) for key, (script, name) in names.items()}


def _tiers(ctx, query: str, ids: dict[str, str]) -> list[tuple[str, int]]:
    return [(name, tier) for name, tier, _ in _ranked(ctx, query, ids)]


def _before(ranked: list[tuple[str, int]], first: set[str], then: set[str]) -> bool:
    """Every one of ``first`` is listed, and before every one of ``then``."""
    names = [n for n, _ in ranked]
    return first <= set(names) and then <= set(names) and max(map(names.index, first)) < min(map(names.index, then))


@pytest.mark.parametrize("query", ["محمد رضا", "محمد\u200cرضا"])
def test_a_name_written_apart_is_exact_for_the_same_spacing_and_a_spacing_match_joined(clinician, forms, query):
    ranked = _tiers(clinician, query, forms)
    assert sorted(ranked[:2]) == [("fa_spaced", EXACT), ("fa_zwnj", EXACT)]  # ZWNJ separates words as a space does
    assert ranked[2] == ("fa_joined", SPACING)


def test_a_name_written_as_one_word_is_exact_joined_and_a_spacing_match_apart(clinician, forms):
    ranked = _tiers(clinician, "محمدرضا", forms)
    assert ranked[0] == ("fa_joined", EXACT)
    assert sorted(ranked[1:3]) == [("fa_spaced", SPACING), ("fa_zwnj", SPACING)]
    assert ("lat_mohammadreza", SCRIPT) in ranked


@pytest.mark.parametrize(("query", "exact"), [("Mohammad", "lat_mohammad"), ("Muhammad", "lat_muhammad"),
                                              ("Mohamad", "lat_mohamad")])
def test_latin_spellings_of_mohammad_rank_the_name_before_a_compound_with_it(clinician, forms, query, exact):
    ranked = _tiers(clinician, query, forms)
    assert ranked[0] == (exact, EXACT)
    others = {"lat_mohammad", "lat_muhammad", "lat_mohamad"} - {exact}
    assert {(n, SPELLING) for n in others} <= set(ranked)
    if query == "Mohammad":
        # The letters typed are how Mohammadreza begins: a prefix match, above other spellings (search as you type).
        assert ranked[1] == ("lat_mohammadreza", PREFIX)
    else:
        # Mohammadreza is Mohammad + Reza: a spelling of a part, below every spelling of Mohammad itself.
        assert _before(ranked, others, {"lat_mohammadreza"}) and ("lat_mohammadreza", SPELLING) in ranked
    # In Persian script, محمد and محمد رضا (a word of the name) before محمدرضا and محمد‌رضا's joined form.
    assert _before(ranked, {"fa_mohammad", "fa_spaced", "fa_zwnj"}, {"fa_joined"})
    assert ("fa_joined", SCRIPT) in ranked


def test_persian_mohammad_ranks_latin_spellings_of_the_name_before_a_latin_compound(clinician, forms):
    ranked = _tiers(clinician, "محمد", forms)
    assert sorted(ranked[:3]) == [("fa_mohammad", EXACT), ("fa_spaced", EXACT), ("fa_zwnj", EXACT)]
    assert ranked[3] == ("fa_joined", SPACING)
    assert _before(ranked, {"lat_mohammad", "lat_muhammad", "lat_mohamad"}, {"lat_mohammadreza"})
    assert ("lat_mohammadreza", SCRIPT) in ranked


def test_reza_still_finds_every_compound_ending_in_it(clinician, forms):
    ranked = _tiers(clinician, "Reza", forms)
    assert ranked[0] == ("lat_ali_reza", EXACT)
    assert sorted(ranked[1:3]) == [("lat_alireza", SPACING), ("lat_mohammadreza", SPACING)]
    assert {("fa_joined", SCRIPT), ("fa_alireza", SCRIPT)} <= set(ranked)
    assert _before(ranked, {"fa_reza", "fa_spaced", "fa_zwnj"}, {"fa_joined", "fa_alireza"})


@pytest.mark.parametrize(("query", "exact", "spacing"), [("Ali Reza", "lat_ali_reza", "lat_alireza"),
                                                         ("Alireza", "lat_alireza", "lat_ali_reza")])
def test_ali_reza_and_alireza_each_exact_for_itself(clinician, forms, query, exact, spacing):
    ranked = _tiers(clinician, query, forms)
    assert ranked[:2] == [(exact, EXACT), (spacing, SPACING)]
    assert ("fa_alireza", SCRIPT) in ranked


def test_ali_ranks_the_name_and_a_name_with_the_word_before_the_compound(clinician, forms):
    ranked = _tiers(clinician, "Ali", forms)
    assert sorted(ranked[:2]) == [("lat_ali", EXACT), ("lat_ali_reza", EXACT)]
    assert ranked[2] == ("lat_alireza", SPACING)
    assert _before(ranked, {"fa_ali"}, {"fa_alireza"})


@pytest.mark.parametrize(("query", "exact", "compound"), [
    ("علي", "fa_ali", "fa_alireza"),  # Arabic yeh typed for a name stored with the Persian one
    ("علی", "fa_ali", "fa_alireza"),
    ("کریم", "fa_karim_arabic", None),  # Persian kaf and yeh typed for a name stored with the Arabic ones
    ("كريم", "fa_karim_arabic", None),
])
def test_arabic_and_persian_yeh_and_kaf_are_one_letter(clinician, forms, query, exact, compound):
    ranked = _tiers(clinician, query, forms)
    assert ranked[0] == (exact, EXACT)
    if compound:
        assert ranked[1] == (compound, SPACING)
