"""DHIS2 aggregate export: one dataValueSets object per file for one epi week (docs/architecture.md, "Domain facts").

Our indicators map to DHIS2 data elements and category option combos through ``resources/hq/dhis2_mapping.json``
(a SAMPLE: the real instance's codes go there; uids work as well). The file holds every facility that has an orgUnit
in the mapping, hospitals included, and each data value carries its own ``orgUnit`` (and the period), so DHIS2's
``/api/dataValueSets`` imports it in one request. A facility that sent nothing for the week gets no values at all:
missing, not zero (zeros would show 100% reporting and "0 cholera"). A facility that did report gets every mapped
cell, zeros included: there a zero is information.

Consultations are disaggregated by sex × age band × nationality (the category combo of the sample mapping), cases
by classification (discarded cases are not sent: they are no longer cases). The period follows the site's week
convention: ``2026SatW48`` is a DHIS2 WeeklySaturday period, ``2026W48`` an ISO week.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.hq.report_data import WeeklyReport
from app.resources import resource_path

SCHEMA_FILE = ("hq", "dhis2_datavalueset.schema.json")
MAPPING_FILE = ("hq", "dhis2_mapping.json")
_PERIOD = re.compile(r"^(19|20|21)\d{2}(Wed|Thu|Sat|Sun)?W([1-9]|[1-4][0-9]|5[0-3])$")


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


def nationality_group(nationality: str, mapping: dict[str, Any]) -> str:
    groups: dict[str, str] = mapping.get("nationalityGroups", {})
    return groups.get(nationality, groups.get("*", nationality))


def indicator_values(report: WeeklyReport, facility_id: str, mapping: dict[str, Any]) -> dict[str, Counter[str]]:
    """Our indicators for one facility: name -> {disaggregation key ("female|<5|afghan", "amayesh", ""…): value}."""
    out: dict[str, Counter[str]] = {}
    cons: Counter[str] = Counter()
    legal: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for (fid, sex, band, status, nat, vtype), n in report.cube.items():
        if fid != facility_id:
            continue
        cons[f"{sex}|{band}|{nationality_group(nat, mapping)}"] += n
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


def reported(report: WeeklyReport, facility_id: str) -> bool:
    """Did the facility send anything for the week (visits, cases or referrals)?"""
    return (any(k[0] == facility_id for k in report.cube) or any(k[1] == facility_id for k in report.cases)
            or facility_id in report.referrals)


@dataclass
class Export:
    """The one dataValueSets object, and what a data manager should know about it."""

    payload: dict[str, Any]
    facilities: list[str] = field(default_factory=list)  # codes of the facilities with values
    silent: list[str] = field(default_factory=list)  # mapped facilities that sent nothing (no values: missing)
    unmapped: list[str] = field(default_factory=list)  # facilities with data but no orgUnit in the mapping
    not_sent: dict[str, int] = field(default_factory=dict)  # "indicator:key" with no combo (sex unknown, discarded)

    @property
    def values(self) -> int:
        return len(self.payload["dataValues"])


def check_period(label: str) -> str:
    if not _PERIOD.match(label):
        raise MappingError(f"{label!r} is not a DHIS2 weekly period (e.g. 2026W48 or 2026SatW48).")
    return label


def datavalueset(report: WeeklyReport, mapping: dict[str, Any] | None = None, *,
                 facility_codes: list[str] | None = None) -> Export:
    """The week's dataValueSets object over every mapped facility (or those named)."""
    mapping = mapping or load_mapping()
    period = check_period(report.week.label)
    by_code = {f.code: f for f in report.facilities.values()}
    if facility_codes:
        unknown = sorted(set(facility_codes) - set(by_code))
        if unknown:
            raise MappingError(f"No facility with code {', '.join(unknown)} in the central database.")
        missing = sorted(c for c in facility_codes if not mapping["orgUnits"].get(c))
        if missing:
            raise MappingError(f"The DHIS2 mapping has no orgUnit for facility {', '.join(missing)}.")
    codes = facility_codes or sorted(c for c in by_code if mapping["orgUnits"].get(c))
    export = Export(payload={"dataSet": mapping["dataSet"], "period": period,
                             "attributeOptionCombo": mapping["attributeOptionCombo"], "dataValues": []})
    values: list[dict[str, str]] = export.payload["dataValues"]
    for code in codes:
        facility = by_code[code]
        if not reported(report, facility.id):
            export.silent.append(code)
            continue
        export.facilities.append(code)
        org_unit = mapping["orgUnits"][code]
        got_all = indicator_values(report, facility.id, mapping)
        for name, ind in mapping["indicators"].items():
            got = got_all.get(name, Counter())
            cells: list[tuple[str, int]]
            if not ind.get("disaggregation"):
                cells = [(mapping["defaultCategoryOptionCombo"], sum(got.values()))]
            else:
                combos: dict[str, str] = ind["categoryOptionCombos"]
                cells = [(coc, got.get(key, 0)) for key, coc in combos.items()]
                for key, n in got.items():
                    if key not in combos and n:
                        export.not_sent[f"{name}:{key}"] = export.not_sent.get(f"{name}:{key}", 0) + n
            for coc, n in cells:
                values.append({"dataElement": ind["dataElement"], "period": period, "orgUnit": org_unit,
                               "categoryOptionCombo": coc, "attributeOptionCombo": mapping["attributeOptionCombo"],
                               "value": str(n)})
    mapped = set(mapping["orgUnits"])
    export.unmapped = sorted(f.code for f in report.facilities.values() if f.code not in mapped
                             and reported(report, f.id))
    return export


def dhis2_json(export: Export) -> bytes:
    return json.dumps(export.payload, ensure_ascii=False, indent=1).encode("utf-8")
