import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.persian import is_persian
from app.core.reference import (
    NOTIFIABLE_DISEASES,
    SampleSite,
    diagnosis_by_code,
    load_diagnoses,
    load_sample_site,
    load_site_config,
    normalize_icd10,
    notifiable_disease_for_code,
)
from app.resources import resource_path

ICD10 = re.compile(r"^[A-Z]\d{2}(\.\d{1,2})?$")


@pytest.fixture(scope="module")
def site() -> SampleSite:
    return load_sample_site()


def test_site_is_labelled_sample(site: SampleSite) -> None:
    assert "SAMPLE" in site.label


def test_three_units_with_the_right_partners(site: SampleSite) -> None:
    assert len(site.units) == 3
    by_province: dict[str, list[str]] = {}
    for unit in site.units:
        by_province.setdefault(unit.province_en, []).append(unit.partner)
    assert by_province == {
        "Sistan and Baluchestan": ["Ministry of Health", "Ministry of Health"],
        "Razavi Khorasan": ["Iranian Red Crescent Society"],
    }
    assert any(u.base_en == "Taybad" for u in site.units)


def test_twenty_facilities_with_unique_codes_on_known_units(site: SampleSite) -> None:
    codes = [f.code for f in site.facilities]
    assert len(codes) == 20
    assert codes == [f"F{i:02d}" for i in range(1, 21)]
    units = {u.code for u in site.units}
    assert all(f.unit in units for f in site.facilities)
    assert all(site.facilities_of(u) for u in units)


def test_facilities_are_plausibly_placed(site: SampleSite) -> None:
    for f in site.facilities:
        # Sistan and Baluchestan and Razavi Khorasan, east Iran.
        assert 25 <= f.latitude <= 37 and 58 <= f.longitude <= 63.5, f.code
        assert f.province_en == site.unit(f.unit).province_en, f.code
        assert is_persian(f.name_fa) and is_persian(f.district_fa) and is_persian(f.province_fa)
    hospitals = site.referral_hospitals()
    assert 4 <= len(hospitals) <= 5
    assert {h.province_en for h in hospitals} == {"Sistan and Baluchestan", "Razavi Khorasan"}


def test_departments_and_users(site: SampleSite) -> None:
    assert len(site.departments) >= 16
    assert all(is_persian(d.name_fa) for d in site.departments)
    hq = [u for u in site.users if u.role == "headquarters"]
    assert len(hq) == 2 and all(u.unit is None for u in hq)
    for unit in site.units:
        roles = sorted(u.role for u in site.users if u.unit == unit.code)
        assert roles.count("coordinator") == roles.count("unit_admin") == 1
        assert roles.count("clinician") in (1, 2)
    assert sum(u.role == "clinician" for u in site.users) == 4


def test_inconsistent_site_file_is_rejected(tmp_path: Path) -> None:
    data = json.loads(resource_path("reference", "sample_site.json").read_text(encoding="utf-8"))
    data["facilities"][0]["unit"] = "MHU-XXX"
    bad = tmp_path / "site.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError, match="unknown unit"):
        load_site_config(bad)
    data["facilities"][0]["unit"] = "MHU-ZAH"
    data["facilities"][1]["code"] = "F01"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError, match="duplicate facility"):
        load_site_config(bad)


def test_models_are_frozen(site: SampleSite) -> None:
    with pytest.raises(ValidationError):
        site.units[0].code = "X"  # type: ignore[misc]


def test_diagnoses_file_shape() -> None:
    rows = load_diagnoses()
    assert len(rows) >= 100
    codes = [d.code for d in rows]
    assert len(codes) == len(set(codes))
    for d in rows:
        assert ICD10.match(d.code), d.code
        assert d.label_en.strip()
        assert d.label_fa.strip() and is_persian(d.label_fa), d.code
    raw = resource_path("reference", "diagnoses.csv").read_text(encoding="utf-8")
    assert raw.splitlines()[0] == "code,label_en,label_fa,notifiable"


def test_load_diagnoses_returns_independent_lists() -> None:
    first = load_diagnoses()
    first.clear()
    assert load_diagnoses()


@pytest.mark.parametrize(
    ("key", "codes"),
    [
        ("cholera", ["A00", "A00.0", "A00.1", "A00.9"]),
        ("measles", ["B05", "B05.9"]),
        ("rubella", ["B06", "B06.9"]),
        ("polio", ["A80", "G83.9"]),
        ("malaria", ["B50", "B51", "B52", "B53", "B54"]),
        ("dengue", ["A90", "A91", "A97", "A97.0", "A97.1", "A97.2", "A97.9"]),
        ("chikungunya", ["A92.0"]),
        ("tuberculosis", ["A15", "A16", "A17", "A18", "A19"]),
    ],
)
def test_every_notifiable_disease_is_in_the_list(key: str, codes: list[str]) -> None:
    for code in codes:
        d = diagnosis_by_code(code)
        assert d is not None, code
        assert d.notifiable == key, code


def test_notifiable_registry_matches_facts() -> None:
    assert set(NOTIFIABLE_DISEASES) == {
        "cholera", "measles", "rubella", "polio", "malaria", "dengue", "chikungunya", "tuberculosis",
    }
    rules = {k: (d.reporting, d.alert_rule) for k, d in NOTIFIABLE_DISEASES.items()}
    assert rules["cholera"] == rules["measles"] == rules["rubella"] == rules["polio"] == ("immediate", "single_case")
    assert rules["malaria"] == ("immediate", "threshold")
    assert rules["dengue"][1] == rules["chikungunya"][1] == "cluster"
    assert rules["tuberculosis"] == ("weekly", "line_list")
    assert all(is_persian(d.name_fa) for d in NOTIFIABLE_DISEASES.values())
    used = {d.notifiable for d in load_diagnoses() if d.notifiable}
    assert used == set(NOTIFIABLE_DISEASES)


def test_csv_flags_agree_with_prefixes() -> None:
    # A row left unflagged while its code falls in a notifiable category would hide cases from surveillance.
    for d in load_diagnoses():
        assert (notifiable_disease_for_code(d.code) or None) == (NOTIFIABLE_DISEASES[d.notifiable] if d.notifiable else None), d.code


def test_code_lookup_is_forgiving() -> None:
    assert normalize_icd10(" a00 1 ") == "A00.1"
    assert normalize_icd10("b551") == "B55.1"
    assert normalize_icd10("I10") == "I10"
    assert diagnosis_by_code("b55.1").label_en == "Cutaneous leishmaniasis"  # type: ignore[union-attr]
    assert diagnosis_by_code("Z99.99") is None
    assert notifiable_disease_for_code("A15.3").key == "tuberculosis"  # type: ignore[union-attr]
    assert notifiable_disease_for_code("B50.0").key == "malaria"  # type: ignore[union-attr]
    assert notifiable_disease_for_code("J18.9") is None
