"""Issue 15: a birth year typed after a common name ("Rahim 1990") finds the namesakes born that year first, however
many namesakes there are and whenever they were registered, on a real store file with ~800 namesakes. The first page
is the one a ranking of every namesake would give (checked against such a ranking, worked out here from the records
with the duplicate check's own points)."""

from __future__ import annotations

import random
import uuid
from datetime import date

import pytest
from services.conftest import person

from app.core.matching import hint_points
from app.models import Patient
from app.services.patient_search import SearchHints, search
from app.services.patients import register_patient
from app.store import Store

NAMESAKES = 800
YEAR = 1990


def _load(store: Store, clinician, name: str) -> str:
    """800 patients of one given name, none born in 1990, loaded in bulk; then one more, born in 1990 and registered
    last through the service (the highest index number: read last in the order of registration). Its id."""
    rng = random.Random(15)
    with store.bulk() as w:
        for i in range(NAMESAKES):
            year = rng.choice([y for y in range(1950, 2021) if y != YEAR])
            w.add("patient", {
                "id": str(uuid.uuid4()), "code": f"BLK1-{name[:3]}{i:06d}", "given_name_latin": name,
                "father_name_latin": rng.choice(["Karim", "Nabi", "Ghulam", "Yousef"]),
                "sex": rng.choice(["male", "female"]), "birth_year": year, "birth_estimated": rng.random() < 0.5,
                "nationality": "afghan", "legal_status": "headcount", "consent_date": date(2026, 1, 5),
                "registered_unit_id": store.device.unit_id,
            })
    late = register_patient(clinician, person(
        given_name_fa="", given_name_latin=name, father_name_fa="", father_name_latin="Sharif", sex="male",
        birth_year=YEAR, birth_estimated=False, phone="", documents=[]), override_reason="namesakes on purpose")
    return late.patient_id


@pytest.fixture
def namesakes(store: Store, clinician) -> dict[str, str]:
    return {"late": _load(store, clinician, "Rahim")}


def _expected_order(store: Store, hints: SearchHints, name: str = "Rahim") -> list[tuple[float, str]]:
    """Every namesake, ranked by the points the search adds for the hints (all exact given-name matches, one tier)."""
    with store.read() as s:
        rows = s.query(Patient.id, Patient.sex, Patient.birth_year, Patient.birth_estimated).filter(
            Patient.given_name_latin == name).all()
    scored = []
    for pid, sex, year, est in rows:
        points = sum(p for _, _, p in hint_points(hints.sex, hints.birth_year, hints.birth_estimated, None, "",
                                                    sex, year, est, None, ""))
        scored.append((points, pid))
    return sorted(scored, key=lambda sp: -sp[0])


def _points(expected: list[tuple[float, str]]) -> dict[str, float]:
    return {pid: p for p, pid in expected}


def test_a_late_namesake_with_the_typed_year_is_found_first(store: Store, namesakes):
    with store.read() as s:
        result = search(s, f"Rahim {YEAR}", limit=200, quick=True)
    assert result.ids[0] == namesakes["late"]
    assert "birth_year" in result.hits[0].reasons


@pytest.mark.parametrize("hints", [
    SearchHints(birth_year=YEAR),  # as typed in the box: an estimate, the wide window
    SearchHints(birth_year=1975, birth_estimated=False),  # a known year: the wide window only for estimated records
    SearchHints(sex="female", birth_year=2001),  # the list's sex filter beside the year
])
@pytest.mark.parametrize("limit", [20, 200])
def test_the_first_page_is_the_ranking_of_every_namesake(store: Store, namesakes, hints: SearchHints, limit: int):
    expected = _expected_order(store, hints)
    points = _points(expected)
    with store.read() as s:
        hits = search(s, "Rahim", limit=limit, hints=hints, quick=True).hits
    assert len(hits) == limit
    got = [points[h.patient_id] for h in hits]
    # The same points, page for page, as ranking all 801 (which namesake of equal points comes first is not fixed)
    assert got == [p for p, _ in expected[:limit]]
    assert all(h.tier == hits[0].tier for h in hits)


def test_a_year_with_no_namesake_near_it_still_lists_the_namesakes(store: Store, namesakes):
    with store.read() as s:
        hits = search(s, "Rahim 1905", limit=50, quick=True).hits
    assert len(hits) == 50 and not any("birth_year" in h.reasons for h in hits)


def test_a_name_of_two_words_with_a_year_reads_by_year_as_well(store: Store, clinician):
    late = _load(store, clinician, "Gul Mohammad")  # a given name written as two words
    hints = SearchHints(birth_year=YEAR)
    expected = _expected_order(store, hints, "Gul Mohammad")
    points = _points(expected)
    with store.read() as s:
        hits = search(s, f"Gul Mohammad {YEAR}", limit=50, quick=True).hits
    assert hits[0].patient_id == late and hits[0].reasons == ("exact", "given", "birth_year")
    assert [points[h.patient_id] for h in hits] == [p for p, _ in expected[:50]]
