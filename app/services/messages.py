"""Field labels and error sentences in English and Persian, so a clinician is told which field is wrong and why."""

from __future__ import annotations

from typing import Any

FIELDS: dict[str, tuple[str, str]] = {
    "given_name_fa": ("Given name (Persian)", "نام (فارسی)"),
    "given_name_latin": ("Given name (Latin)", "نام (لاتین)"),
    "given_name": ("Given name", "نام"),
    "father_name_fa": ("Father's name (Persian)", "نام پدر (فارسی)"),
    "father_name_latin": ("Father's name (Latin)", "نام پدر (لاتین)"),
    "father_name": ("Father's name", "نام پدر"),
    "grandfather_name_fa": ("Grandfather's name (Persian)", "نام پدربزرگ (فارسی)"),
    "grandfather_name_latin": ("Grandfather's name (Latin)", "نام پدربزرگ (لاتین)"),
    "family_name_fa": ("Family name (Persian)", "نام خانوادگی (فارسی)"),
    "family_name_latin": ("Family name (Latin)", "نام خانوادگی (لاتین)"),
    "sex": ("Sex", "جنس"),
    "date_of_birth": ("Date of birth", "تاریخ تولد"),
    "birth_year": ("Year of birth", "سال تولد"),
    "nationality": ("Nationality", "ملیت"),
    "legal_status": ("Legal status", "وضعیت اقامتی"),
    "phone": ("Phone", "تلفن"),
    "consent_date": ("Consent date", "تاریخ رضایت"),
    "documents": ("Documents", "مدارک"),
    "doc_type": ("Document type", "نوع مدرک"),
    "number": ("Document number", "شمارهٔ مدرک"),
    "issue_date": ("Issue date", "تاریخ صدور"),
    "expiry_date": ("Expiry date", "تاریخ انقضا"),
    "relationship_to_head": ("Relationship to household head", "نسبت با سرپرست خانوار"),
    "household_id": ("Household", "خانوار"),
    "patient_id": ("Patient", "بیمار"),
    "visit_at": ("Visit time", "زمان مراجعه"),
    "visit_type": ("Visit type", "نوع مراجعه"),
    "facility_id": ("Facility", "مرکز"),
    "complaint": ("Complaint", "شکایت اصلی"),
    "temperature_c": ("Temperature (°C)", "دمای بدن (°C)"),
    "systolic": ("Systolic blood pressure", "فشار خون سیستولیک"),
    "diastolic": ("Diastolic blood pressure", "فشار خون دیاستولیک"),
    "pulse": ("Pulse", "نبض"),
    "resp_rate": ("Respiratory rate", "تعداد تنفس"),
    "spo2": ("SpO2 (%)", "اشباع اکسیژن (٪)"),
    "weight_kg": ("Weight (kg)", "وزن (کیلوگرم)"),
    "height_cm": ("Height (cm)", "قد (سانتی‌متر)"),
    "muac_mm": ("MUAC (mm)", "دور وسط بازو (میلی‌متر)"),
    "pregnant": ("Pregnancy", "بارداری"),
    "diagnoses": ("Diagnoses", "تشخیص‌ها"),
    "code": ("Code", "کد"),
    "certainty": ("Certainty", "قطعیت"),
    "onset_date": ("Onset date", "تاریخ شروع علائم"),
    "classification": ("Classification", "طبقه‌بندی"),
    "classification_reason": ("Reason", "دلیل"),
    "follow_up_date": ("Follow-up date", "تاریخ پیگیری"),
    "visit_id": ("Visit", "مراجعه"),
    "to_facility_id": ("Receiving facility", "مرکز پذیرنده"),
    "department": ("Department", "بخش"),
    "urgency": ("Urgency", "فوریت"),
    "reason": ("Reason for referral", "علت ارجاع"),
    "date_seen": ("Date seen", "تاریخ ویزیت"),
    "outcome": ("Outcome", "نتیجه"),
    "members": ("Members", "اعضا"),
    "scheme": ("Scheme", "طرح بیمه"),
    "category": ("Category", "گروه"),
    "payer": ("Payer", "پرداخت‌کننده"),
    "premium_irr": ("Premium (IRR)", "حق بیمه (ریال)"),
    "enrolment_date": ("Enrolment date", "تاریخ ثبت‌نام"),
    "coverage_start": ("Coverage start", "شروع پوشش"),
    "coverage_end": ("Coverage end", "پایان پوشش"),
    "day": ("Day", "روز"),
    "staff": ("Staff on duty", "کارکنان کشیک"),
    "head_patient_id": ("Household head", "سرپرست خانوار"),
    "override_reason": ("Reason to register anyway", "دلیل ثبت با وجود مورد مشابه"),
    "vaccine": ("Vaccine", "واکسن"),
    "given_on": ("Date given", "تاریخ تزریق"),
    "dose_number": ("Dose number", "نوبت"),
    "batch": ("Batch number", "شمارهٔ سری ساخت"),
    "expiry": ("Expiry date", "تاریخ انقضا"),
    "site": ("Site", "محل تزریق"),
    "source": ("Source", "منبع"),
    "place": ("Where given", "محل دریافت"),
    "country": ("Country", "کشور"),
    "given_by_name": ("Given by", "تزریق‌کننده"),
    "correction_reason": ("Reason", "دلیل"),
    "dose_id": ("Dose", "نوبت واکسن"),
    "reaction": ("Reaction", "عارضه"),
    "start_date": ("First day", "روز نخست"),
    "end_date": ("Last day", "روز پایان"),
    "name": ("Name", "نام"),
}

ERRORS: dict[str, tuple[str, str]] = {
    "missing": ("is required.", "الزامی است."),
    "string_too_short": ("is required.", "الزامی است."),
    "string_too_long": ("is too long (at most {max_length} characters).", "بیش از حد طولانی است (حداکثر {max_length} نویسه)."),
    "greater_than_equal": ("must be at least {ge}.", "باید دست‌کم {ge} باشد."),
    "less_than_equal": ("must be at most {le}.", "باید حداکثر {le} باشد."),
    "greater_than": ("must be more than {gt}.", "باید بیشتر از {gt} باشد."),
    "less_than": ("must be less than {lt}.", "باید کمتر از {lt} باشد."),
    "int_parsing": ("must be a whole number.", "باید عدد صحیح باشد."),
    "int_from_float": ("must be a whole number.", "باید عدد صحیح باشد."),
    "float_parsing": ("must be a number.", "باید عدد باشد."),
    "date_parsing": ("is not a valid date (use YYYY-MM-DD).", "تاریخ معتبر نیست."),
    "date_from_datetime_parsing": ("is not a valid date (use YYYY-MM-DD).", "تاریخ معتبر نیست."),
    "datetime_parsing": ("is not a valid date and time.", "تاریخ و زمان معتبر نیست."),
    "literal_error": ("must be one of: {expected}.", "مقدار مجاز نیست ({expected})."),
    "enum": ("must be one of: {expected}.", "مقدار مجاز نیست ({expected})."),
    "bool_parsing": ("must be yes or no.", "باید بله یا خیر باشد."),
    "too_short": ("needs at least {min_length} entry.", "دست‌کم {min_length} مورد لازم است."),
    "value_error": ("{detail}", "{detail}"),
    "future": ("cannot be in the future.", "نمی‌تواند در آینده باشد."),
    "before_birth": ("cannot be before the date of birth.", "نمی‌تواند پیش از تاریخ تولد باشد."),
    "implausible_age": ("gives an age over 120 years; check the year.", "سن بیش از ۱۲۰ سال می‌شود؛ سال را بررسی کنید."),
    "national_code": (
        "is not a valid Iranian national code (10 digits; the check digit does not match). Check each digit.",
        "کد ملی معتبر نیست (۱۰ رقم؛ رقم کنترل نمی‌خواند). رقم‌ها را یک‌به‌یک بررسی کنید.",
    ),
    "digits_len": ("must be exactly {length} digits.", "باید دقیقاً {length} رقم باشد."),
    "phone": (
        "is not a phone number (Iranian mobiles look like 0912 345 6789; Afghan like +93 70 123 4567).",
        "شمارهٔ تلفن معتبر نیست (مثلاً ۰۹۱۲۳۴۵۶۷۸۹).",
    ),
    "phone_ir_mobile": (
        "looks like an Iranian mobile number but does not have 11 digits (0912 345 6789). Check for a missing or extra "
        "digit.",
        "شبیه شمارهٔ همراه ایران است اما ۱۱ رقم ندارد (۰۹۱۲ ۳۴۵ ۶۷۸۹). رقم جاافتاده یا اضافه را بررسی کنید.",
    ),
    "phone_af_mobile": (
        "looks like an Afghan mobile number but does not have 10 digits (070 123 4567, or +93 70 123 4567). Check for a "
        "missing or extra digit.",
        "شبیه شمارهٔ همراه افغانستان است اما ۱۰ رقم ندارد (۰۷۰ ۱۲۳ ۴۵۶۷ یا ‎+93 70 123 4567‎). رقم جاافتاده یا "
        "اضافه را بررسی کنید.",
    ),
    "need_one_script": ("is required in Persian or Latin script.", "به خط فارسی یا لاتین الزامی است."),
    "wrong_script_fa": ("should be written in Persian script.", "باید به خط فارسی نوشته شود."),
    "wrong_script_latin": ("should be written in Latin letters.", "باید با حروف لاتین نوشته شود."),
    "dob_or_year": ("give the date of birth or an (estimated) year of birth.", "تاریخ تولد یا سال تولد (تقریبی) را وارد کنید."),
    "dob_year_mismatch": ("does not match the date of birth.", "با تاریخ تولد هم‌خوانی ندارد."),
    "status_nationality": (
        "does not fit the nationality (Iranian nationals have status 'Iranian national', others may not).",
        "با ملیت هم‌خوانی ندارد.",
    ),
    "diastolic_above_systolic": ("must be lower than the systolic pressure.", "باید کمتر از فشار سیستولیک باشد."),
    "pregnancy_male": ("can only be recorded for a female patient.", "فقط برای بیمار زن ثبت می‌شود."),
    "unknown_diagnosis": ("{code} is not in the diagnosis list.", "{code} در فهرست تشخیص‌ها نیست."),
    "duplicate_diagnosis": ("{code} is listed twice.", "{code} دو بار آمده است."),
    "follow_up_before_visit": ("must be after the visit.", "باید پس از تاریخ مراجعه باشد."),
    "onset_after_visit": ("cannot be after the visit.", "نمی‌تواند پس از تاریخ مراجعه باشد."),
    "onset_too_early": ("is more than a year before the visit; check the year.",
                        "بیش از یک سال پیش از مراجعه است؛ سال را بررسی کنید."),
    "classification_step": ("a {frm} case cannot become {to}.", "مورد {frm} نمی‌تواند {to} شود."),
    "unknown_facility": ("is not a known facility.", "مرکز شناخته‌شده‌ای نیست."),
    "unknown_department": ("is not a known department.", "بخش شناخته‌شده‌ای نیست."),
    "unknown_patient": ("is not a registered patient.", "بیمار ثبت‌شده‌ای نیست."),
    "unknown_user": ("is not a known member of staff.", "کارمند شناخته‌شده‌ای نیست."),
    "end_before_start": ("must be after the start.", "باید پس از تاریخ شروع باشد."),
    "voucher_required": ("a voucher or gift-card number is required when IOM pays.", "وقتی IOM پرداخت می‌کند شمارهٔ کارت هدیه لازم است."),
    "head_not_member": ("must be one of the members.", "باید یکی از اعضا باشد."),
    "unknown_vaccine": ("is not a vaccine of the schedule.", "واکسن جدول ایمن‌سازی نیست."),
    "unknown_dose": ("is not a dose on this person's record.", "نوبتی از پروندهٔ این فرد نیست."),
    "date_needed_unless_reported": ("is required unless the caregiver reports the dose without a date.",
                                    "الزامی است، مگر آن‌که همراه بیمار نوبت را بدون تاریخ گزارش کند."),
    "batch_required": ("is required for a dose given here.", "برای نوبتی که اینجا تزریق می‌شود الزامی است."),
    "expiry_required": ("is required for a dose given here.", "برای نوبتی که اینجا تزریق می‌شود الزامی است."),
    "vaccine_expired": ("is before the day given: this vial had expired. Do not use it.",
                        "پیش از روز تزریق است: این ویال تاریخ‌گذشته است. از آن استفاده نکنید."),
    "site_required": ("is required for a dose given here.", "برای نوبتی که اینجا تزریق می‌شود الزامی است."),
    "site_route": ("does not fit the vaccine (oral vaccines are given by mouth, the others by injection).",
                   "با واکسن نمی‌خواند (واکسن خوراکی از راه دهان، بقیه تزریقی)."),
    "country_required": ("is required for a dose given before arrival.", "برای نوبتی که پیش از ورود دریافت شده الزامی است."),
    "onset_before_dose": ("cannot be before the dose was given.", "نمی‌تواند پیش از تاریخ تزریق باشد."),
    "campaign_not_running": ("the campaign is not running today.", "کارزار امروز برقرار نیست."),
    "already_feedback": ("feedback was already recorded for this referral.", "بازخورد این ارجاع قبلاً ثبت شده است."),
    # Actions named in permission messages.
    "action.view_patient": ("open patient records", "مشاهدهٔ پروندهٔ بیمار"),
    "action.register_patient": ("register patients", "ثبت بیمار"),
    "action.update_patient": ("change patient records", "ویرایش پروندهٔ بیمار"),
    "action.merge_patients": ("merge duplicate patients", "ادغام پرونده‌های تکراری"),
    "action.review_duplicates": ("review possible duplicate patients", "بررسی پرونده‌های احتمالاً تکراری"),
    "action.print_patient_card": ("print patient cards", "چاپ کارت بیمار"),
    "action.record_visit": ("record visits", "ثبت مراجعه"),
    "action.refer_patient": ("refer patients", "ارجاع بیمار"),
    "action.record_referral_feedback": ("record referral feedback", "ثبت بازخورد ارجاع"),
    "action.print_referral": ("print referral slips", "چاپ برگهٔ ارجاع"),
    "action.enrol_household": ("enrol households in insurance", "ثبت‌نام بیمهٔ خانوار"),
    "action.plan_roster": ("plan rosters", "برنامه‌ریزی روزانه"),
    "action.view_roster": ("see rosters", "مشاهدهٔ برنامهٔ روزانه"),
    "action.print_roster": ("print rosters", "چاپ برنامهٔ روزانه"),
    "action.view_unit_reports": ("see unit reports", "مشاهدهٔ گزارش‌های واحد"),
    "action.run_sync": ("synchronise", "همگام‌سازی"),
    "action.export_bundle": ("export sync bundles", "صدور بستهٔ همگام‌سازی"),
    "action.import_bundle": ("import sync bundles", "ورود بستهٔ همگام‌سازی"),
    "action.export_identities": ("export identities", "صدور اطلاعات هویتی"),
    "action.view_surveillance": ("see surveillance", "مشاهدهٔ مراقبت بیماری‌ها"),
    "action.manage_users": ("manage users", "مدیریت کاربران"),
    "action.configure_device": ("configure this laptop", "پیکربندی این رایانه"),
    "action.load_facilities": ("load the facility list", "بارگذاری فهرست مراکز"),
    "action.view_audit": ("read the audit trail", "مشاهدهٔ ردپای حسابرسی"),
    "action.resolve_conflicts": ("resolve sync conflicts", "رفع تعارض‌های همگام‌سازی"),
    "action.record_immunisation": ("record vaccinations", "ثبت واکسیناسیون"),
    "action.run_campaign": ("count children at a vaccination campaign", "شمارش کودکان در کارزار واکسیناسیون"),
    "action.print_vaccination_card": ("print vaccination cards", "چاپ کارت واکسیناسیون"),
}

_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def field_label(path: str) -> tuple[str, str]:
    """``documents.0.number`` -> ("Documents 1 › Document number", ...)."""
    parts = path.split(".")
    en_parts: list[str] = []
    fa_parts: list[str] = []
    for _i, part in enumerate(parts):
        if part.isdigit():
            en_parts[-1] += f" {int(part) + 1}"
            fa_parts[-1] += f" {str(int(part) + 1).translate(_FA_DIGITS)}"
            continue
        en, fa = FIELDS.get(part, (part.replace("_", " ").capitalize(), part))
        en_parts.append(en)
        fa_parts.append(fa)
    return " › ".join(en_parts), " › ".join(fa_parts)


def error_text(code: str, /, **params: Any) -> tuple[str, str]:
    en, fa = ERRORS.get(code, ("is not valid.", "معتبر نیست."))
    fa_params = {k: str(v).translate(_FA_DIGITS) for k, v in params.items()}
    try:
        return en.format(**params), fa.format(**fa_params)
    except (KeyError, IndexError):
        return en, fa
