"""Turn slip data into printable strings (labels translated, digits and dates localised). No drawing here."""

from __future__ import annotations

from datetime import date

from app.core.dates import age_years, format_date
from app.printing.data import Digits, Lang, ReferralSlipData
from app.printing.labels import label, translate_value
from app.printing.text import end_of_field, localize_digits, persian_number

DASH = "\u2014"


NBSP = "\u00a0"


def date_both(d: date, lang: Lang, digits: Digits) -> str:
    """Long Jalali form (month by name, cannot be misread as Gregorian), the Gregorian date in brackets.

    In Persian the Gregorian part is written 2026/11/28: inside right-to-left text a date with hyphens is reordered by
    the bidi algorithm to 28-11-2026, and "28 Nov 2026" splits into "Nov 2026 28".
    """
    jalali = format_date(d, lang=lang, calendar="jalali", digits=digits, long=True)
    if lang == "en":
        gregorian = format_date(d, lang="en", calendar="gregorian", digits="latin", long=True).replace(" ", NBSP)
        return f"{jalali} ({gregorian})"
    return f"{jalali} ({d.year:04d}/{d.month:02d}/{d.day:02d})"


def sep(lang: Lang, kind: str = ",") -> str:
    """Persian comma and semicolon in Persian text."""
    if lang == "fa":
        return {",": "\u060c", ";": "\u061b"}[kind]
    return kind


def date_short(d: date, lang: Lang, digits: Digits) -> str:
    return format_date(d, lang=lang, calendar="jalali" if lang == "fa" else "gregorian", digits=digits)


def sex_text(sex: str | None, lang: Lang) -> str:
    return translate_value("", sex, lang) or DASH


APPROX = "\u2248"


def age_text(age: int | None, dob: date | None, estimated: bool, on: date, lang: Lang, digits: Digits,
             months: int | None = None) -> str:
    """Years, or completed months under 2 years; "≈" before an estimated age."""
    if age is None and dob is not None and dob <= on:
        age = age_years(dob, on)
    parts: list[str] = []
    mark = f"{APPROX}{NBSP}" if estimated else ""
    if months is not None and months < 24 and (age is None or age < 2):
        parts.append(f"{mark}{persian_number(months, digits)} {label('months', lang)}")
    elif age is not None:
        parts.append(f"{mark}{persian_number(age, digits)} {label('years', lang)}")
    if dob is not None:
        dob_text = date_both(dob, lang, digits)
        if estimated:
            dob_text += f" ({label('estimated', lang)})"
        parts.append(f"{label('dob', lang)}: {dob_text}")
    return f"{sep(lang, ';')} ".join(parts) if parts else DASH


def document_text(data: ReferralSlipData, digits: Digits) -> str:
    parts = [p for p in (data.document_type, localize_digits(data.document_number or "", digits)) if p]
    return " ".join(parts) if parts else DASH


def insurance_text(data: ReferralSlipData, lang: Lang, digits: Digits) -> str:
    ins = data.insurance
    if ins is None:
        return label("no_insurance", lang)
    text = ins.scheme
    if ins.number:
        text += f" {localize_digits(ins.number, digits)}"
    if ins.valid_until:
        text += f"{sep(lang)} {label('valid_until', lang)} {date_short(ins.valid_until, lang, digits)}"
    return text


_SHORT = {"temperature_c": "vital_t", "systolic": "vital_bp", "diastolic": "vital_bp", "pulse": "vital_pulse",
          "resp_rate": "vital_rr", "spo2": "vital_spo2", "weight_kg": "vital_wt", "height_cm": "vital_ht",
          "muac_mm": "vital_muac"}


def vitals_text(data: ReferralSlipData, lang: Lang, digits: Digits) -> str:
    def n(value: float | int, decimals: int = 0) -> str:
        return persian_number(value, digits, decimals)

    pct = "\u066a" if digits == "persian" else "%"
    parts: list[str] = []
    if data.temperature_c is not None:
        parts.append(f"{label('vital_t', lang)} {n(data.temperature_c, 1)} {label('unit_c', lang)}")
    if data.systolic is not None and data.diastolic is not None:
        parts.append(f"{label('vital_bp', lang)} {n(data.systolic)}/{n(data.diastolic)} {label('unit_mmhg', lang)}")
    if data.pulse is not None:
        sep = "" if lang == "en" else " "
        parts.append(f"{label('vital_pulse', lang)} {n(data.pulse)}{sep}{label('unit_min', lang)}")
    if data.resp_rate is not None:
        sep = "" if lang == "en" else " "
        parts.append(f"{label('vital_rr', lang)} {n(data.resp_rate)}{sep}{label('unit_min', lang)}")
    if data.spo2 is not None:
        parts.append(f"{label('vital_spo2', lang)} {n(data.spo2)}{pct}")
    if data.weight_kg is not None:
        parts.append(f"{label('vital_wt', lang)} {n(data.weight_kg, 1)} {label('unit_kg', lang)}")
    if data.height_cm is not None:
        # A child's length is measured to the half centimetre: 75.5 printed as 76 would be a different length.
        parts.append(f"{label('vital_ht', lang)} {n(data.height_cm, 0 if float(data.height_cm).is_integer() else 1)} "
                     f"{label('unit_cm', lang)}")
    if data.muac_mm is not None:
        parts.append(f"{label('vital_muac', lang)} {n(data.muac_mm)} {label('unit_mm', lang)}")
    if parts and data.unusual_vitals:
        short = dict.fromkeys(label(_SHORT[f], lang) for f in data.unusual_vitals if f in _SHORT)
        parts.append(f"{label('vitals_unusual', lang)}: {('، ' if lang == 'fa' else ', ').join(short)}")
    # No-break spaces inside an item and before the separator: a line may break only between whole measurements,
    # never between "SpO2" and its value or before a "·".
    return "\u00a0\u00b7 ".join(p.replace(" ", NBSP) for p in parts) if parts else DASH


def diagnosis_lines(data: ReferralSlipData, lang: Lang, digits: Digits) -> list[str]:
    lines = []
    for dx in data.diagnoses:
        text = f"{dx.code} {dx.label}" if dx.code else dx.label
        certainty = translate_value("certainty_", dx.certainty, lang)
        if certainty:
            text += f" ({certainty})"
        lines.append(localize_digits(text, digits))
    return lines or [DASH]


def free(text: str | None, digits: Digits) -> str:
    return localize_digits(text.strip(), digits) if text and text.strip() else DASH


def pregnancy_text(data: ReferralSlipData, lang: Lang, digits: Digits) -> str:
    if not data.pregnant:
        return ""
    if data.pregnancy_weeks:
        return label("pregnant_weeks", lang).format(n=persian_number(data.pregnancy_weeks, digits))
    return label("pregnant", lang)


def medicine_lines(data: ReferralSlipData, lang: Lang, digits: Digits) -> list[str]:
    lines = []
    rtl = lang == "fa"
    for med in data.medicines:
        # Name, dose and quantity are fields on one line: each ends with a mark, so none lends its direction to the
        # next (a dose "1 ساشه" after "ORS", a quantity after "500 mg").
        text = end_of_field(med.name, rtl)
        if med.dose:
            text += f" {end_of_field(med.dose, rtl)}"
        if med.quantity:
            text += f" \u00d7 {med.quantity}"
        if med.time:
            text += f" ({label('given_at', lang)} {med.time})"
        lines.append(localize_digits(text, digits))
    return lines
