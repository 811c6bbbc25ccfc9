import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.persian import is_persian
from app.core.reference import (
    SampleSite,
    diagnosis_by_code,
    load_diagnoses,
    load_sample_site,
    load_site_config,
    normalize_icd10,
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
    assert raw.splitlines()[0] == "code,label_en,label_fa"


def test_load_diagnoses_returns_independent_lists() -> None:
    first = load_diagnoses()
    first.clear()
    assert load_diagnoses()


def test_code_lookup_is_forgiving() -> None:
    assert normalize_icd10(" a00 1 ") == "A00.1"
    assert normalize_icd10("b551") == "B55.1"
    assert normalize_icd10("I10") == "I10"
    assert diagnosis_by_code("b55.1").label_en == "Cutaneous leishmaniasis"  # type: ignore[union-attr]
    assert diagnosis_by_code("Z99.99") is None
    assert diagnosis_by_code("a98.0").notifiable == "cchf"  # type: ignore[union-attr]
