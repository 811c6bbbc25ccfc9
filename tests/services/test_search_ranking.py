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


@pytest.mark.xfail(strict=True, reason="known defect: the tolerant and cross-script index keys of a compound's parts "
                   "(محمدرضا -> mUhAmAd) are filed as the whole name's keys are, so within those tiers the whole name "
                   "محمد does not rank above the compound; telling them apart needs a change of the index format")
def test_other_script_whole_name_before_a_compound_starting_with_it(clinician, people):
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
