"""DHIS2 aggregate export: one dataValueSet per facility and epi week (FACTS.md, "Reporting").

Our indicators map to DHIS2 data elements and category option combos through ``resources/hq/dhis2_mapping.json``
(a SAMPLE: codes of the real instance go there, uids work as well). Every mapped cell is sent, zeros included, for
each facility that has an orgUnit: a zero is a report ("no cases"), a missing value is silence. DHIS2's
``/api/dataValueSets`` takes one set per request; the multi-facility file is a JSON array of them.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.hq.report_data import WeeklyReport
from app.resources import resource_path

SCHEMA_FILE = ("hq", "dhis2_datavalueset.schema.json")
MAPPING_FILE = ("hq", "dhis2_mapping.json")


class MappingError(ValueError):
    pass


def load_mapping(path: Path | None = None) -> dict[str, Any]:
    mapping = json.loads((path or resource_path(*MAPPING_FILE)).read_text(encoding="utf-8"))
    for key in ("dataSet", "attributeOptionCombo", "defaultCategoryOptionCombo", "orgUnits", "indicators"):
        if key not in mapping:
            raise MappingError(f"DHIS2 mapping file lacks {key!r}.")
    for name, ind in mapping["indicators"].items():
        if ind.get("disaggregation") and not ind.get("categoryOptionCombos"):
            raise MappingError(f"DHIS2 mapping: indicator {name} is disaggregated but has no categoryOptionCombos.")
    return mapping


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(resource_path(*SCHEMA_FILE).read_text(encoding="utf-8"))


def indicator_values(report: WeeklyReport, facility_id: str) -> dict[str, Counter[str]]:
    """Our indicators for one facility: name -> {disaggregation key ("female|<5", "amayesh", "" ...): value}."""
    out: dict[str, Counter[str]] = {}
    cons: Counter[str] = Counter()
    legal: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for (fid, sex, band, status, _nat, vtype), n in report.cube.items():
        if fid != facility_id:
            continue
        cons[f"{sex}|{band}"] += n
        legal[status] += n
        types[vtype] += n
    out["consultations"] = cons
    out["consultations_by_legal_status"] = legal
    out["consultations_new"] = Counter({"": types.get("new", 0)})
    out["consultations_repeat"] = Counter({"": types.get("follow_up", 0)})
    refs = report.referrals.get(facility_id, {})
    out["referrals_issued"] = Counter({"": sum(refs.values())})
    out["referrals_feedback"] = Counter({"": refs.get("feedback_received", 0)})
    out["referrals_lost"] = Counter({"": refs.get("lost", 0)})
    for (disease, fid, cls), n in report.cases.items():
        if fid == facility_id:
            out.setdefault(f"cases_{disease}", Counter())[cls] += n
    return out


def datavalueset(report: WeeklyReport, facility_code: str, mapping: dict[str, Any],
                 complete: date | None = None) -> dict[str, Any]:
    facility = next((f for f in report.facilities.values() if f.code == facility_code), None)
    if facility is None:
        raise MappingError(f"No facility with code {facility_code} in the central database.")
    org_unit = mapping["orgUnits"].get(facility_code)
    if not org_unit:
        raise MappingError(f"The DHIS2 mapping has no orgUnit for facility {facility_code}.")
    values = indicator_values(report, facility.id)
    data_values: list[dict[str, str]] = []
    unmapped: Counter[str] = Counter()
    for name, ind in mapping["indicators"].items():
        got = values.get(name, Counter())
        if not ind.get("disaggregation"):
            data_values.append({"dataElement": ind["dataElement"],
                                "categoryOptionCombo": mapping["defaultCategoryOptionCombo"],
                                "value": str(sum(got.values()))})
            continue
        combos: dict[str, str] = ind["categoryOptionCombos"]
        for key, coc in combos.items():
            data_values.append({"dataElement": ind["dataElement"], "categoryOptionCombo": coc,
                                "value": str(got.get(key, 0))})
        for key, n in got.items():
            if key not in combos and n:
                unmapped[f"{name}:{key}"] += n  # e.g. sex "unknown", or "discarded" cases: not sent, but said
    dvs: dict[str, Any] = {
        "dataSet": mapping["dataSet"],
        "completeDate": (complete or datetime.now(timezone.utc).date()).isoformat(),
        "period": report.week.label,
        "orgUnit": org_unit,
        "attributeOptionCombo": mapping["attributeOptionCombo"],
        "dataValues": data_values,
    }
    if unmapped:
        # DHIS2 keeps a comment per value; the first value carries what could not be mapped, for the data manager.
        data_values[0]["comment"] = "Not sent (no category option combo): " + ", ".join(
            f"{k}={v}" for k, v in sorted(unmapped.items()))
    return dvs


def datavaluesets(report: WeeklyReport, mapping: dict[str, Any] | None = None, *,
                  facility_codes: list[str] | None = None, complete: date | None = None) -> list[dict[str, Any]]:
    """One dataValueSet per facility that has an orgUnit in the mapping (hospitals included if mapped)."""
    mapping = mapping or load_mapping()
    codes = facility_codes or [f.code for f in report.facilities.values()
                               if f.code in mapping["orgUnits"] and f.kind != "hospital"]
    return [datavalueset(report, code, mapping, complete) for code in codes]
