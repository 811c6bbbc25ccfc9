"""The notifiable-disease registry: which diseases are reported, how fast, by which ICD-10 codes, with what case
definitions, which tests confirm or discard a case, and the outbreak alert rule of each.

It is data (``resources/reference/notifiable_diseases.json`` ships version 1); headquarters publishes later versions
and laptops adopt them from the sync feed, so the list changes without a reinstall. Everything that decides
"is this a case of what?" goes through :meth:`DiseaseRegistry.match`, on the laptop and at headquarters alike.

Code matching: a code entry covers itself and its subcodes ("B50" covers B50.0 and B50.9); the most specific entry
wins (A06.0 is dysentery although A06 is amoebiasis). An entry may carry ``under_age_years``: AFP syndrome codes
(G83.9, Guillain-Barré G61.0) are polio/AFP cases only under 15; a clinician who suspects polio at any age codes A80.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from app.core.persian import is_persian
from app.resources import resource_path

Classification = Literal["suspected", "probable", "confirmed", "discarded"]
CLASSIFICATIONS: Final = ("suspected", "probable", "confirmed", "discarded")
ListName = Literal["iran_immediate", "iran_weekly", "who_ihr"]
Reporting = Literal["immediate", "weekly"]
AlertRule = Literal["single_case", "threshold", "cluster", "none"]
TestOutcome = Literal["positive", "negative", "indeterminate"]

_KEY = re.compile(r"^[a-z][a-z0-9_]{1,19}$")  # surveillance_case.disease is 20 characters wide
_CODE = re.compile(r"^[A-Z]\d{2}(\.\d{1,2})?$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _persian(value: str, what: str) -> str:
    if value and not is_persian(value):
        raise ValueError(f"{what} must be Persian text")
    return value


class CodeRule(_Frozen):
    code: str
    # The code is a case of this disease only below this age (completed years); unknown ages count.
    under_age_years: int | None = Field(default=None, ge=1, le=150)

    @field_validator("code")
    @classmethod
    def _canonical(cls, v: str) -> str:
        if not _CODE.match(v):
            raise ValueError(f"{v!r} is not an ICD-10 code written like A00 or A98.0")
        return v


class CaseDefinition(_Frozen):
    suspected_en: str = Field(min_length=1)
    suspected_fa: str = Field(min_length=1)
    probable_en: str = ""
    probable_fa: str = ""
    confirmed_en: str = ""
    confirmed_fa: str = ""

    @model_validator(mode="after")
    def _both_languages(self) -> CaseDefinition:
        for level in ("suspected", "probable", "confirmed"):
            en, fa = getattr(self, f"{level}_en"), getattr(self, f"{level}_fa")
            if bool(en) != bool(fa):
                raise ValueError(f"the {level} case definition needs both English and Persian text")
            _persian(fa, f"{level}_fa")
        return self

    def text(self, level: str, lang: str) -> str:
        return str(getattr(self, f"{level}_{'fa' if lang == 'fa' else 'en'}", "") or "")


class TestRule(_Frozen):
    """What a result of ``test`` does to a case of this disease (None: the result alone decides nothing)."""

    test: str
    positive: Literal["confirmed", "probable"] | None = None
    negative: Literal["discarded"] | None = None


class AlertSpec(_Frozen):
    rule: AlertRule
    cases: int = Field(default=1, ge=1, le=1000)  # cluster size in a week
    by_district: bool = True  # clusters also counted over a district's facilities
    percentile: float = Field(default=75, gt=0, lt=100)  # threshold rule
    baseline_years: int = Field(default=5, ge=1, le=20)
    min_baseline_years: int = Field(default=2, ge=1, le=20)
    # Elimination settings (malaria in Iran): every case is an alert when the site runs elimination mode.
    elimination: bool = False


class Subtype(_Frozen):
    key: str
    name_en: str
    name_fa: str


class TestType(_Frozen):
    key: str
    name_en: str
    name_fa: str
    subtypes: tuple[Subtype, ...] = ()  # e.g. Plasmodium species, rifampicin resistance

    @field_validator("name_fa")
    @classmethod
    def _fa(cls, v: str) -> str:
        return _persian(v, "name_fa")


class Disease(_Frozen):
    key: str
    name_en: str
    name_fa: str
    lists: tuple[ListName, ...] = ()
    ihr: Literal["always", "annex2", "none"] = "none"
    reporting: Reporting
    codes: tuple[CodeRule, ...] = Field(min_length=1)
    case_definition: CaseDefinition
    alert: AlertSpec
    isolation: bool = False  # the receiving facility must isolate the patient (printed on the referral slip)
    tests: tuple[TestRule, ...] = ()
    note: str = ""

    @model_validator(mode="after")
    def _checked(self) -> Disease:
        if not _KEY.match(self.key):
            raise ValueError(f"disease key {self.key!r}: 2-20 lower-case letters, digits or _")
        _persian(self.name_fa, f"{self.key}.name_fa")
        if "iran_immediate" in self.lists and self.reporting != "immediate":
            raise ValueError(f"{self.key}: on Iran's immediate list, so reporting must be immediate")
        if "iran_weekly" in self.lists and "iran_immediate" in self.lists:
            raise ValueError(f"{self.key}: on both Iranian lists")
        return self

    @property
    def immediate(self) -> bool:
        return self.reporting == "immediate"

    def name(self, lang: str) -> str:
        return self.name_fa if lang == "fa" else self.name_en

    def test_rule(self, test: str) -> TestRule | None:
        return next((r for r in self.tests if r.test == test), None)


class DiseaseRegistry(_Frozen):
    format: Literal[1] = 1
    version: int = Field(ge=1)
    label: str = Field(min_length=1, max_length=100)
    published_on: str  # ISO date
    source: str = ""
    tests: tuple[TestType, ...] = ()
    diseases: tuple[Disease, ...] = Field(min_length=1)
    _by_key: dict[str, Disease] = PrivateAttr(default_factory=dict)
    _rules: list[tuple[str, CodeRule, Disease]] = PrivateAttr(default_factory=list)

    def model_post_init(self, _context: Any) -> None:
        self._by_key = {d.key: d for d in self.diseases}
        # Longest code first: the first rule that covers a code is the most specific one.
        self._rules = sorted(((r.code, r, d) for d in self.diseases for r in d.codes), key=lambda x: -len(x[0]))

    @model_validator(mode="after")
    def _consistent(self) -> DiseaseRegistry:
        keys = [d.key for d in self.diseases]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ValueError(f"duplicate disease keys: {', '.join(dup)}")
        owner: dict[tuple[str, int | None], str] = {}
        for d in self.diseases:
            for rule in d.codes:
                other = owner.setdefault((rule.code, rule.under_age_years), d.key)
                if other != d.key:
                    raise ValueError(f"code {rule.code} is listed for both {other} and {d.key}")
        tests = {t.key for t in self.tests}
        for d in self.diseases:
            for r in d.tests:
                if r.test not in tests:
                    raise ValueError(f"{d.key}: unknown test {r.test!r} (not in the registry's tests)")
        return self

    # --- look-ups ------------------------------------------------------------------------------------------------
    def disease(self, key: str) -> Disease | None:
        return self._by_key.get(key)

    def keys(self) -> list[str]:
        return [d.key for d in self.diseases]

    def test(self, key: str) -> TestType | None:
        return next((t for t in self.tests if t.key == key), None)

    def match(self, code: str, age_years: int | None = None) -> Disease | None:
        """The disease a diagnosis code reports for a patient of this age (None: not notifiable)."""
        canonical = normalize_code(code)
        for prefix, rule, disease in self._rules:
            if canonical == prefix or canonical.startswith(prefix if "." in prefix else prefix + "."):
                if rule.under_age_years is not None and age_years is not None and age_years >= rule.under_age_years:
                    return None
                return disease
        return None

    def diseases_with(self, rule: str) -> tuple[str, ...]:
        return tuple(d.key for d in self.diseases if d.alert.rule == rule)

    def fingerprint(self) -> str:
        return hashlib.sha256(canonical_bytes(self)).hexdigest()


def normalize_code(code: str) -> str:
    """Canonical ICD-10 spelling: upper case, no spaces, dot after the category ("a980" -> "A98.0")."""
    compact = "".join(code.split()).upper().replace(".", "")
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


def canonical_bytes(registry: DiseaseRegistry | dict[str, Any]) -> bytes:
    """The bytes headquarters signs: sorted keys, no whitespace, UTF-8, so every side hashes the same content."""
    data = registry.model_dump(mode="json") if isinstance(registry, DiseaseRegistry) else registry
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# What headquarters signs: a fixed prefix (a registry signature can never pass for a receipt's) and the content.
SIGNING_DOMAIN: Final = b"sayyar-disease-registry-v1\n"


def signed_bytes(registry: DiseaseRegistry | dict[str, Any]) -> bytes:
    return SIGNING_DOMAIN + canonical_bytes(registry)


def parse_registry(data: bytes | str | dict[str, Any]) -> DiseaseRegistry:
    """A registry from JSON (raises pydantic.ValidationError or ValueError with the reason)."""
    if isinstance(data, (bytes, str)):
        data = json.loads(data)
    return DiseaseRegistry.model_validate(data)


@lru_cache(maxsize=1)
def shipped_registry() -> DiseaseRegistry:
    """Version 1, shipped in resources/reference: what a laptop uses until headquarters publishes another."""
    return parse_registry(resource_path("reference", "notifiable_diseases.json").read_bytes())


__all__ = ["CLASSIFICATIONS", "AlertSpec", "CaseDefinition", "Classification", "CodeRule", "Disease",
           "DiseaseRegistry", "TestRule", "TestType", "canonical_bytes", "normalize_code", "parse_registry",
           "shipped_registry", "signed_bytes"]
