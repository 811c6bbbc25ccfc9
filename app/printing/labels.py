"""Label texts printed on paper, in English and Persian.

Printing owns these (rather than Qt .ts files) because it must not import Qt and because some labels are printed in
both languages at once: a slip written in Persian is often read by English-reading IOM staff and vice versa.
"""

from __future__ import annotations

from typing import Final

from app.printing.data import Lang

LABELS: Final[dict[str, tuple[str, str]]] = {
    "programme": ("IOM Iran \u2014 Mobile health units", "سازمان بین‌المللی مهاجرت، ایران \u2014 واحدهای سیار سلامت"),
    "slip_title": ("Referral slip", "برگه ارجاع"),
    "unit": ("Unit", "واحد"),
    "facility": ("Facility", "مرکز"),
    "referral_no": ("Referral no.", "شماره ارجاع"),
    "short_code": ("Code", "کد پیگیری"),
    "date": ("Date", "تاریخ"),
    "time": ("Time", "ساعت"),
    "urgency": ("Urgency", "فوریت"),
    "routine": ("ROUTINE", "عادی"),
    "urgent": ("URGENT", "فوری"),
    "emergency": ("EMERGENCY", "اورژانسی"),
    "patient": ("Patient", "بیمار"),
    "patient_name": ("Name", "نام"),
    "father_name": ("Father's name", "نام پدر"),
    "sex": ("Sex", "جنس"),
    "male": ("Male", "مرد"),
    "female": ("Female", "زن"),
    "other": ("Other", "دیگر"),
    "unknown": ("Unknown", "نامعلوم"),
    "age": ("Age", "سن"),
    "years": ("years", "سال"),
    "months": ("months", "ماه"),
    "name_other_script": ("Name (other script)", "نام به خط دیگر"),
    "pregnancy": ("Pregnancy", "بارداری"),
    "pregnant": ("Pregnant", "باردار"),
    "pregnant_weeks": ("Pregnant, {n} weeks", "باردار، {n} هفته"),
    "allergies": ("Allergies", "حساسیت‌ها"),
    "medicines": ("Medicines given", "داروهای داده‌شده"),
    "given_at": ("at", "ساعت"),
    "isolate": ("ISOLATE ON ARRIVAL: {diseases}", "جداسازی هنگام پذیرش: {diseases}"),
    "dob": ("Date of birth", "تاریخ تولد"),
    "estimated": ("estimated", "تقریبی"),
    "document": ("Document", "مدرک"),
    "phone": ("Phone", "تلفن"),
    "insurance": ("Insurance", "بیمه"),
    "no_insurance": ("None recorded", "ثبت نشده"),
    "valid_until": ("valid until", "اعتبار تا"),
    "clinical": ("Clinical summary", "خلاصه بالینی"),
    "complaint": ("Complaint", "شکایت اصلی"),
    "findings": ("Findings", "یافته‌ها"),
    "vitals": ("Vital signs", "علائم حیاتی"),
    "investigations": ("Investigations", "آزمایش‌ها"),
    "diagnosis": ("Working diagnosis", "تشخیص اولیه"),
    "treatment": ("Treatment given", "درمان انجام‌شده"),
    "reason": ("Reason for referral", "علت ارجاع"),
    "referred_to": ("Referred to", "ارجاع به"),
    "receiving_facility": ("Receiving facility", "مرکز پذیرنده"),
    "department": ("Department", "بخش"),
    "clinician": ("Referring clinician", "پزشک ارجاع‌دهنده"),
    "signature": ("Signature", "امضا"),
    "stamp": ("Stamp", "مهر"),
    "feedback_title": ("Feedback from the receiving facility \u2014 return this part", "پسخوراند مرکز پذیرنده \u2014 این بخش را برگردانید"),
    "cut_here": ("cut here", "از اینجا جدا کنید"),
    "date_seen": ("Date seen", "تاریخ مراجعه"),
    "fb_findings": ("Findings / diagnosis", "یافته‌ها / تشخیص"),
    "outcome": ("Outcome", "نتیجه"),
    "out_treated": ("Treated, discharged", "درمان و ترخیص"),
    "out_admitted": ("Admitted", "بستری"),
    "out_onward": ("Referred onward", "ارجاع به سطح بالاتر"),
    "out_not_seen": ("Not seen", "مراجعه نکرد"),
    "advice": ("Advice / return", "توصیه / مراجعه بعدی"),
    "name_sig": ("Name, signature, stamp", "نام، امضا و مهر"),
    "reprint": ("REPRINT", "چاپ مجدد"),
    "continued": ("continued", "ادامه"),
    "page_of": ("Page {n} of {total}", "صفحه {n} از {total}"),
    "printed_by": ("Printed by {who} on {when}", "چاپ توسط {who} در {when}"),
    "certainty_provisional": ("provisional", "اولیه"),
    "certainty_suspected": ("suspected", "مشکوک"),
    "certainty_probable": ("probable", "محتمل"),
    "certainty_confirmed": ("confirmed", "قطعی"),
    "certainty_discarded": ("discarded", "رد شده"),
    "roster_title": ("Daily roster", "برنامه روزانه"),
    "staff_on_duty": ("Staff on duty", "کارکنان حاضر"),
    "site_note": ("Site note", "یادداشت محل"),
    "col_no": ("#", "ردیف"),
    "col_code": ("Code", "کد"),
    "col_name": ("Name", "نام"),
    "col_father": ("Father's name", "نام پدر"),
    "col_sex": ("Sex", "جنس"),
    "col_age": ("Age", "سن"),
    "col_phone": ("Phone", "تلفن"),
    "col_reason": ("Reason / due", "علت / موعد"),
    "col_seen": ("Seen", "دیده شد"),
    "col_notes": ("Notes", "یادداشت"),
    "due": ("due", "موعد"),
    "no_patients": ("No patients planned or due for follow-up.", "بیماری برای این روز برنامه‌ریزی نشده است."),
    "patients_count": ("{n} patients", "{n} بیمار"),
    "vital_t": ("T", "دما"),
    "vital_bp": ("BP", "فشار خون"),
    "vital_pulse": ("P", "نبض"),
    "vital_rr": ("RR", "تنفس"),
    "vital_spo2": ("SpO2", "SpO2"),
    "vital_wt": ("Wt", "وزن"),
    "vital_ht": ("Ht", "قد"),
    "vital_muac": ("MUAC", "MUAC"),
    "vitals_unusual": ("unusual, re-checked and confirmed", "غیرمعمول، دوباره سنجیده و تأیید شد"),
    # "°C" inside Persian text is reordered to "C°"; Persian forms write the word.
    "unit_c": ("°C", "درجه"),
    "unit_mmhg": ("mmHg", "mmHg"),
    "unit_min": ("/min", "در دقیقه"),
    "unit_kg": ("kg", "کیلوگرم"),
    "unit_cm": ("cm", "سانتی‌متر"),
    "unit_mm": ("mm", "میلی‌متر"),
}


def label(key: str, lang: Lang) -> str:
    en, fa = LABELS[key]
    return fa if lang == "fa" else en


def other_lang(lang: Lang) -> Lang:
    return "en" if lang == "fa" else "fa"


def translate_value(prefix: str, value: str | None, lang: Lang) -> str:
    """Translate a known enum value (sex, certainty); unknown values print as given rather than failing a print."""
    if not value:
        return ""
    key = f"{prefix}{value.lower()}"
    return label(key, lang) if key in LABELS else value
