"""The notifiable-disease registry shipped in resources/reference: Iran's lists, WHO IHR, ICD-10 codes, case
definitions, confirming tests and alert rules (docs/architecture.md "Domain facts", issue 16)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from app.core.diseases import parse_registry, shipped_registry
from app.core.persian import is_persian
from app.core.reference import diagnosis_by_code, load_diagnoses
from app.resources import resource_path

REG = shipped_registry()

IRAN_IMMEDIATE = {"polio", "measles", "rubella", "diphtheria", "meningitis", "cholera", "plague", "aefi", "typhus",
                  "malaria", "botulism", "anthrax_resp", "neonatal_tetanus", "yellow_fever", "animal_bite", "rabies",
                  "cchf", "vhf", "relapsing_fever", "avian_influenza"}
IRAN_WEEKLY = {"tuberculosis", "viral_hepatitis", "brucellosis", "leishmaniasis_cl", "kala_azar", "leprosy",
               "anthrax", "syphilis", "gonorrhoea", "tetanus", "pertussis", "amoebiasis", "dysentery", "typhoid",
               "hydatid_cyst", "hiv"}


def test_iranian_lists() -> None:
    on = {lst: {d.key for d in REG.diseases if lst in d.lists} for lst in ("iran_immediate", "iran_weekly")}
    assert on["iran_immediate"] == IRAN_IMMEDIATE
    assert on["iran_weekly"] == IRAN_WEEKLY
    assert all(REG.disease(k).reporting == "immediate" for k in IRAN_IMMEDIATE)  # type: ignore[union-attr]
    assert all(REG.disease(k).reporting == "weekly" for k in IRAN_WEEKLY)  # type: ignore[union-attr]
    ihr_always = {d.key for d in REG.diseases if d.ihr == "always"}
    assert {"polio", "avian_influenza"} <= ihr_always


@pytest.mark.parametrize(("code", "key"), [
    ("A98.0", "cchf"), ("A36.9", "diphtheria"), ("W54", "animal_bite"), ("Z20.3", "animal_bite"),
    ("G00.9", "meningitis"), ("A39.0", "meningitis"), ("A33", "neonatal_tetanus"), ("U07.1", "covid19"),
    ("B04", "mpox"), ("B55.1", "leishmaniasis_cl"), ("A37.9", "pertussis"), ("A23.9", "brucellosis"),
    ("A01.0", "typhoid"), ("B15.9", "viral_hepatitis"), ("B18.2", "viral_hepatitis"), ("A03.9", "dysentery"),
    ("A06.0", "dysentery"), ("A06.9", "amoebiasis"), ("B50.0", "malaria"), ("B50.8", "malaria"),
    ("A00.1", "cholera"), ("A15.0", "tuberculosis"), ("A97.2", "dengue"), ("P35.0", "rubella"),
])
def test_codes_map_to_their_disease(code: str, key: str) -> None:
    assert diagnosis_by_code(code) is not None, f"{code} missing from diagnoses.csv"
    assert REG.match(code).key == key  # type: ignore[union-attr]


@pytest.mark.parametrize("code", ["B50.0", "B50.8", "G61.0", "O15.0", "O72.0", "O72.1", "O85", "P36.9", "P07.1",
                                  "P07.3"])
def test_severe_malaria_gbs_and_obstetric_and_neonatal_emergencies_are_in_the_list(code: str) -> None:
    assert diagnosis_by_code(code) is not None


def test_cchf_is_immediate_and_isolated() -> None:
    cchf = REG.match("A98.0")
    assert cchf is not None and cchf.immediate and cchf.isolation and cchf.alert.rule == "single_case"
    assert {d.key for d in REG.diseases if d.isolation} >= {"cchf", "diphtheria", "measles", "cholera"}


def test_afp_rule_is_under_15_unless_polio_is_suspected() -> None:
    assert REG.match("G83.9", 70) is None
    assert REG.match("G83.9", 14).key == "polio"  # type: ignore[union-attr]
    assert REG.match("G83.9", 15) is None
    assert REG.match("G61.0", 6).key == "polio"  # type: ignore[union-attr]
    assert REG.match("A80.9", 70).key == "polio"  # type: ignore[union-attr]


def test_not_notifiable() -> None:
    assert REG.match("J18.9") is None and REG.match("A09") is None and REG.match("O72.0") is None


def test_every_disease_is_complete() -> None:
    codes = {d.code for d in load_diagnoses()}
    for d in REG.diseases:
        assert is_persian(d.name_fa) and d.case_definition.suspected_en and is_persian(d.case_definition.suspected_fa)
        # Each disease can be recorded: at least one of its codes (or a subcode) is in the diagnosis list.
        assert any(c == r.code or c.startswith(r.code + ".") or c.startswith(r.code) and "." in r.code
                   for r in d.codes for c in codes), d.key
        for rule in d.tests:
            assert REG.test(rule.test) is not None


def test_malaria_is_elimination_by_default_and_confirmed_by_rdt_or_microscopy() -> None:
    malaria = REG.disease("malaria")
    assert malaria is not None and malaria.alert.elimination
    assert {r.test: (r.positive, r.negative) for r in malaria.tests} == {
        "malaria_rdt": ("confirmed", "discarded"), "malaria_microscopy": ("confirmed", "discarded")}
    assert {s.key for s in REG.test("malaria_rdt").subtypes} == {"vivax", "falciparum", "mixed"}  # type: ignore[union-attr]


def test_diagnosis_rows_follow_the_registry() -> None:
    for d in load_diagnoses():
        found = REG.match(d.code)
        assert d.notifiable == (found.key if found else None), d.code


def _raw() -> dict:
    return json.loads(resource_path("reference", "notifiable_diseases.json").read_text(encoding="utf-8"))


def test_a_code_claimed_by_two_diseases_is_refused() -> None:
    data = _raw()
    data["diseases"][1]["codes"].append({"code": "A00"})
    with pytest.raises(ValidationError, match="listed for both"):
        parse_registry(data)


def test_unknown_test_and_bad_key_are_refused() -> None:
    data = _raw()
    data["diseases"][0]["tests"] = [{"test": "no_such_test", "positive": "confirmed"}]
    with pytest.raises(ValidationError, match="unknown test"):
        parse_registry(data)
    data = _raw()
    data["diseases"][0]["key"] = "Cutaneous leishmaniasis"
    with pytest.raises(ValidationError, match="disease key"):
        parse_registry(data)


def test_fingerprint_is_stable_and_content_sensitive() -> None:
    data = _raw()
    assert parse_registry(data).fingerprint() == REG.fingerprint()
    data["diseases"][0]["name_en"] += "!"
    assert parse_registry(data).fingerprint() != REG.fingerprint()
