"""Vital signs that are unusual but possible (issue 14): inside the hard limits of ``VisitIn`` (which catch typing
slips such as 375 for 37.5) but outside what a clinic usually sees. They are saved only when the clinician confirms
them ("unusual but true"), and the visit keeps which ones were confirmed (``Visit.unusual_vitals``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.services.errors import ServiceError
from app.services.messages import field_label

# field: (lowest usual, highest usual). A value between these and the hard limit needs confirming.
USUAL: dict[str, tuple[float, float]] = {
    "temperature_c": (34.0, 41.5), "systolic": (70, 200), "diastolic": (40, 120), "pulse": (40, 180),
    "resp_rate": (8, 60), "spo2": (85, 100), "weight_kg": (1.0, 200), "height_cm": (40, 210), "muac_mm": (80, 400),
}


def unusual_fields(values: Any) -> list[str]:
    """The vitals of a visit input (an object or a mapping) outside their usual range, in screen order."""
    out = []
    for name, (lo, hi) in USUAL.items():
        v = values.get(name) if isinstance(values, dict) else getattr(values, name, None)
        if v is not None and not lo <= v <= hi:
            out.append(name)
    return out


def usual_text(name: str) -> str:
    lo, hi = USUAL[name]
    return f"{lo:g}–{hi:g}"


class UnusualVitals(ServiceError):
    """Not saved yet: these readings need the clinician's confirmation. The message names each field and its usual
    range, never the value (it is the patient's)."""

    def __init__(self, fields: Iterable[str]) -> None:
        self.fields = list(fields)
        en = "; ".join(f"{field_label(f)[0]} (usual {usual_text(f)})" for f in self.fields)
        fa = "؛ ".join(f"{field_label(f)[1]} (معمول {_fa(usual_text(f))})" for f in self.fields)
        super().__init__(
            f"Unusual readings: {en}. Check them with the patient; if they are right, save anyway (unusual but true).",
            f"اندازه‌های غیرمعمول: {fa}. آن‌ها را دوباره بسنجید؛ اگر درست‌اند، با وجود غیرمعمول بودن ذخیره کنید.",
            code="unusual_vitals")


def _fa(text: str) -> str:
    from app.core.persian import to_persian_digits

    return to_persian_digits(text)
