"""Display labels (English, Persian) for the coded values stored in records: the one table behind the screens
(app/ui/labels.py), printed paper and the command line."""

from __future__ import annotations

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "sex": {"female": ("Female", "زن"), "male": ("Male", "مرد")},
    "nationality": {
        "afghan": ("Afghan", "افغانستانی"), "iranian": ("Iranian", "ایرانی"), "pakistani": ("Pakistani", "پاکستانی"),
        "iraqi": ("Iraqi", "عراقی"), "other": ("Other", "سایر"), "unknown": ("Unknown", "نامعلوم"),
    },
    "legal_status": {
        "amayesh": ("Amayesh card holder", "دارای کارت آمایش"),
        "headcount": ("Head-counted (slip / laissez-passer)", "سرشماری‌شده (برگه / گذرنامهٔ موقت)"),
        "passport_visa": ("Passport and visa", "گذرنامه و روادید"),
        "residence_permit": ("Residence permit", "پروانهٔ اقامت"),
        "undocumented": ("Undocumented", "فاقد مدرک"),
        "iranian_national": ("Iranian national", "تبعهٔ ایران"),
    },
    "doc_type": {
        "amayesh_card": ("Amayesh card", "کارت آمایش"), "smart_card": ("Smart foreign-national card", "کارت هوشمند اتباع"),
        "headcount_slip": ("Headcount slip", "برگهٔ سرشماری"), "laissez_passer": ("Laissez-passer", "برگهٔ تردد"),
        "passport": ("Passport", "گذرنامه"), "visa": ("Visa", "روادید"),
        "residence_permit": ("Residence permit", "پروانهٔ اقامت"), "tazkira": ("Tazkira", "تذکره"),
        "e_tazkira": ("e-Tazkira", "تذکرهٔ الکترونیکی"), "national_id": ("Iranian national ID", "کد ملی"),
        "code_yekta": ("Code Yekta", "کد یکتا"), "shenaseh_faragir": ("Shenaseh Faragir", "شناسهٔ فراگیر"),
        "other": ("Other document", "مدرک دیگر"),
    },
    "relationship": {
        "head": ("Head of household", "سرپرست خانوار"), "spouse": ("Spouse", "همسر"), "child": ("Child", "فرزند"),
        "parent": ("Parent", "والد"), "sibling": ("Sibling", "خواهر / برادر"), "grandchild": ("Grandchild", "نوه"),
        "other_relative": ("Other relative", "خویشاوند"), "other": ("Other", "سایر"), "": ("—", "—"),
    },
    "urgency": {"routine": ("Routine", "عادی"), "urgent": ("Urgent", "فوری"), "emergency": ("Emergency", "اورژانسی")},
    "referral_status": {
        "issued": ("Issued", "صادر شده"), "arrived": ("Arrived", "مراجعه کرده"), "seen": ("Seen", "ویزیت شده"),
        "feedback_received": ("Feedback received", "بازخورد دریافت شد"), "lost": ("Lost to follow-up", "پیگیری نشد"),
    },
    "outcome": {
        "treated": ("Treated and discharged", "درمان و ترخیص"), "admitted": ("Admitted", "بستری"),
        "referred_on": ("Referred onward", "ارجاع به سطح بالاتر"), "died": ("Died", "فوت"),
        "did_not_attend": ("Did not attend", "مراجعه نکرد"), "other": ("Other", "سایر"),
    },
    "payer": {"unhcr": ("UNHCR", "کمیساریای عالی پناهندگان"), "iom": ("IOM (gift card / voucher)", "سازمان بین‌المللی مهاجرت (کارت هدیه / بن)"),
              "self": ("Self", "شخصی"), "government": ("Government", "دولت")},
    "category": {"vulnerable": ("Vulnerable", "آسیب‌پذیر"), "special_disease": ("Special disease", "بیماری خاص"),
                 "premium_payer": ("Premium payer", "پرداخت‌کنندهٔ حق بیمه")},
    "role": {"clinician": ("Clinician", "پزشک / کارمند بالینی"), "coordinator": ("Coordinator", "هماهنگ‌کننده واحد"),
             "unit_admin": ("Unit administrator", "مدیر واحد"), "headquarters": ("Headquarters", "ستاد مرکزی")},
    "visit_type": {"new": ("New", "جدید"), "follow_up": ("Follow-up", "پیگیری")},
    "certainty": {"suspected": ("suspected", "مشکوک"), "probable": ("probable", "محتمل"),
                  "confirmed": ("confirmed", "قطعی"), "discarded": ("discarded", "رد شده")},
    "test_outcome": {"positive": ("positive", "مثبت"), "negative": ("negative", "منفی"),
                     "indeterminate": ("indeterminate", "نامشخص")},
    "origin": {"imported": ("Imported", "وارده"), "indigenous": ("Indigenous", "بومی"),
               "introduced": ("Introduced", "انتقال‌یافته از مورد وارده"), "induced": ("Induced", "القایی"),
               "relapse": ("Relapse", "عود"), "unknown": ("Not yet known", "هنوز معلوم نیست")},
    "scheme": {"uphi": ("Refugee health insurance (UPHI)", "بیمهٔ سلامت پناهندگان (UPHI)"),
               "salamat": ("Iran Health Insurance (Salamat)", "بیمهٔ سلامت ایرانیان"), "other": ("Other scheme", "طرح دیگر")},
    "dose_source": {"given": ("Given here", "تزریق در واحد"), "card": ("Seen on card", "از روی کارت"),
                    "reported": ("Reported by caregiver", "به گفتهٔ همراه")},
    "dose_site": {"left_arm": ("Left arm", "بازوی چپ"), "right_arm": ("Right arm", "بازوی راست"),
                  "left_thigh": ("Left thigh", "ران چپ"), "right_thigh": ("Right thigh", "ران راست"),
                  "oral": ("By mouth", "خوراکی"), "": ("—", "—")},
    # Countries a dose given before arrival is most often from, by the name typed in either script: the card shows
    # the place to each reader in their own (any other country is printed as typed).
    "country": {"afghanistan": ("Afghanistan", "افغانستان"), "pakistan": ("Pakistan", "پاکستان"),
                "iraq": ("Iraq", "عراق"), "iran": ("Iran", "ایران"), "tajikistan": ("Tajikistan", "تاجیکستان"),
                "turkey": ("Turkey", "ترکیه")},
    "dose_place": {"unit": ("This unit", "همین واحد"), "facility": ("Health facility in Iran", "مرکز بهداشتی در ایران"),
                   "abroad": ("Before arrival", "پیش از ورود")},
    "aefi_outcome": {"recovering": ("Recovering", "در حال بهبود"), "recovered": ("Recovered", "بهبود یافته"),
                     "sequelae": ("Recovered with sequelae", "بهبود با عارضه"), "died": ("Died", "فوت"),
                     "unknown": ("Unknown", "نامعلوم")},
    "campaign_band": {"0-11m": ("0–11 months", "۰ تا ۱۱ ماه"), "12-59m": ("12–59 months", "۱۲ تا ۵۹ ماه"),
                      "5-14y": ("5–14 years", "۵ تا ۱۴ سال")},
    "campaign_outcome": {"vaccinated": ("Vaccinated", "واکسینه شد"), "refused": ("Refused", "امتناع"),
                         "absent": ("Absent / not seen", "غایب")},
    "immunisation_state": {
        "given": ("Given", "دریافت شده"), "skipped": ("Not needed", "لازم نیست"), "due": ("Due", "موعد رسیده"),
        "overdue": ("Overdue", "عقب‌افتاده"), "not_yet": ("Not yet due", "هنوز زود است"),
        "aged_out": ("Too old to give", "سن گذشته"), "not_eligible": ("Not applicable", "مشمول نیست"),
        "complete": ("Complete", "کامل"), "up_to_date": ("Up to date", "به‌روز"),
    },
}


def _vaccine_labels() -> dict[str, tuple[str, str]]:
    from app.core.immunisation import load_schedule

    return {code: (v.en, v.fa) for code, v in load_schedule().vaccines.items()}


LABELS["vaccine"] = _vaccine_labels()


def label(kind: str, value: str | None, lang: str) -> str:
    if value is None:
        return ""
    en, fa = LABELS.get(kind, {}).get(value, (value, value))
    return fa if lang == "fa" else en


def choices(kind: str, lang: str) -> list[tuple[str, str]]:
    """(value, label) pairs in a stable order, for combo boxes."""
    return [(value, fa if lang == "fa" else en) for value, (en, fa) in LABELS[kind].items()]


def country_names(typed: str) -> tuple[str, str]:
    """(English, Persian) for a country typed in either script; as typed in both when it is not a known one."""
    from app.core.persian import normalize_for_search

    key = normalize_for_search(typed)
    for code, (en, fa) in LABELS["country"].items():
        if key in (code, normalize_for_search(en), normalize_for_search(fa)):
            return en, fa
    return typed, typed
