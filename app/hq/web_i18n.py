"""Words, dates and times of the headquarters pages in English and Persian (issue 17): one table of page texts,
labels for stored codes, Solar Hijri dates with the Gregorian alongside, Tehran time labelled, "3 days ago".

The language is the staff account's (``hq_staff.language``, ``sayyar hq staff --language``). Persian pages are
right-to-left (``<html dir="rtl" lang="fa">``); numbers are written with Persian digits there.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Final

from app.core.dates import format_date, jalali_month_name, to_jalali
from app.core.diseases import DiseaseRegistry

if TYPE_CHECKING:
    from app.hq.weeks import Week

# Iran keeps UTC+03:30 all year (daylight saving time was abolished in 2022): no tz database needed.
TEHRAN: Final = timezone(timedelta(hours=3, minutes=30), "Asia/Tehran")
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

TEXTS: Final[dict[str, tuple[str, str]]] = {
    "app": ("Sayyar HQ", "سیار — ستاد"),
    "nav_overview": ("Overview", "نمای کلی"),
    "nav_alerts": ("Alert desk", "میز هشدارها"),
    "nav_board": ("Reporting board", "تابلوی گزارش‌دهی"),
    "nav_surveillance": ("Surveillance", "مراقبت بیماری‌ها"),
    "nav_report": ("Weekly report", "گزارش هفتگی"),
    "nav_exports": ("Exports", "خروجی‌ها"),
    "nav_insurance": ("Insurance", "بیمه"),
    "nav_immunisation": ("Immunisation", "ایمن‌سازی"),
    "signed_in_as": ("Signed in as {who}", "کاربر: {who}"),
    "tehran_time": ("Tehran time", "به وقت تهران"),
    "week": ("Week", "هفته"),
    "week_day": ("A day of the week", "روزی از هفته"),
    "week_day_hint": ("2026SatW48, or any day of the week: 2026-11-28",
                      "هر روزی از هفته به تاریخ خورشیدی، مثلاً ۱۴۰۵/۰۹/۰۸"),
    "linelist_since": ("Onset date from", "تاریخ شروع بیماری از"),
    "linelist_until": ("Onset date to", "تاریخ شروع بیماری تا"),
    "bad_day": ("{field}: not a date. Write it as 2026-11-28, or in Solar Hijri as 1405/09/07.",
                "{field}: تاریخ خوانده نشد. آن را به تاریخ خورشیدی بنویسید، مثلاً ۱۴۰۵/۰۹/۰۷."),
    "visits": ("Visits", "مراجعه‌ها"),
    "new": ("New", "جدید"),
    "repeat": ("Repeat", "پیگیری"),
    "facility": ("Facility", "مرکز"),
    "unit": ("Unit", "واحد"),
    "device": ("Laptop", "رایانه"),
    "disease": ("Disease", "بیماری"),
    "rule": ("Rule", "قاعده"),
    "where": ("Where", "محل"),
    "cases": ("Cases", "موارد"),
    "threshold": ("Threshold", "آستانه"),
    "status": ("Status", "وضعیت"),
    "notes": ("Notes", "یادداشت‌ها"),
    "next_step": ("Next step", "گام بعدی"),
    "raised": ("Raised", "زمان اعلام"),
    "since_raised": ("Since raised", "از زمان اعلام"),
    "overdue": ("verification overdue (over 24 h)", "تأیید دیرتر از ۲۴ ساعت"),
    "open_alert": ("Open", "باز کردن"),
    "no_alerts": ("No unresolved alerts.", "هشدار حل‌نشده‌ای نیست."),
    "alerts_title": ("Alert desk: every unresolved alert", "میز هشدارها: همهٔ هشدارهای حل‌نشده"),
    "alerts_intro": ("Every alert not yet closed or discarded, whatever its week: those overdue for verification "
                     "first, then the others, each oldest first. Verification target: 24 hours from the alert.",
                     "همهٔ هشدارهایی که هنوز بسته یا رد نشده‌اند، هر هفته‌ای که باشند: نخست آن‌هایی که تأییدشان "
                     "دیر شده، سپس بقیه، هر کدام از قدیمی‌ترین. هدف تأیید: ۲۴ ساعت پس از اعلام."),
    "paging_shown": ("Showing {a}–{b} of {n}", "نمایش {a} تا {b} از {n}"),
    "paging_page": ("page {n} of {m}", "صفحهٔ {n} از {m}"),
    "page_first": ("First", "نخستین"),
    "page_prev": ("Previous", "قبلی"),
    "page_next": ("Next", "بعدی"),
    "page_last": ("Last", "آخرین"),
    "desk_counts": ("{n} unresolved alerts: {parts}.", "{n} هشدار حل‌نشده: {parts}."),
    "desk_overdue": ("{n} overdue for verification", "{n} با تأیید دیرتر از ۲۴ ساعت"),
    "desk_all": ("all statuses", "همهٔ وضعیت‌ها"),
    "alert_title": ("Alert: {disease} — {where}", "هشدار: {disease} — {where}"),
    "alert_cases": ("Cases behind this alert (no identities)", "موارد این هشدار (بدون اطلاعات هویتی)"),
    "history": ("History", "سابقه"),
    "who": ("Who", "چه کسی"),
    "when": ("When", "چه زمانی"),
    "what": ("What", "چه کاری"),
    "age_band": ("Age", "گروه سنی"),
    "sex": ("Sex", "جنس"),
    "onset": ("Onset", "شروع بیماری"),
    "classification": ("Classification", "طبقه‌بندی"),
    "tests": ("Test results", "نتایج آزمایش"),
    "reported_late": ("reported {n} weeks late", "{n} هفته دیرتر گزارش شد"),
    "reported_late_1": ("reported 1 week late", "۱ هفته دیرتر گزارش شد"),
    "risk": ("Risk", "خطر"),
    "response": ("Response", "پاسخ"),
    "outcome": ("Outcome", "نتیجه"),
    "note": ("note", "یادداشت"),
    "step_verify": ("Verify", "تأیید"),
    "step_discard": ("Discard (false alarm)", "رد (هشدار کاذب)"),
    "step_assess": ("Record risk", "ثبت ارزیابی خطر"),
    "step_respond": ("Record response", "ثبت پاسخ"),
    "step_close": ("Close", "بستن"),
    "not_changed": ("Alert not changed", "هشدار تغییر نکرد"),
    "back_alerts": ("Back to the alert desk", "بازگشت به میز هشدارها"),
    "back_overview": ("Back to the overview", "بازگشت به نمای کلی"),
    "error_title": ("Something was refused", "درخواست پذیرفته نشد"),
    "bad_value": ("Not a valid value: {where}.", "مقدار نادرست است: {where}."),
    "not_found": ("There is no such page or record.", "چنین صفحه یا رکوردی نیست."),
    "sign_in_needed": ("Sign in with a headquarters staff account.", "با حساب کارکنان ستاد وارد شوید."),
    "not_allowed": ("Your account may not do this.", "حساب شما اجازهٔ این کار را ندارد."),
    "board_title": ("Reporting board", "تابلوی گزارش‌دهی"),
    "board_intro": ("Every enrolled laptop. Amber: no contact for 3 days; red: 7 days or more, or never.",
                    "همهٔ رایانه‌های ثبت‌شده. زرد: ۳ روز بی‌خبر؛ قرمز: ۷ روز یا بیشتر، یا هرگز."),
    "last_contact": ("Last contact", "آخرین ارتباط"),
    "last_bundle": ("Last bundle", "آخرین بسته"),
    "newest_record": ("Newest record", "تازه‌ترین رکورد"),
    "queued": ("Queued on the laptop", "در صف رایانه"),
    "quarantined": ("Rejected", "ردشده"),
    "never": ("never", "هرگز"),
    "completeness": ("Completeness: facilities expected to report, by week", "کامل بودن گزارش: مراکز مورد انتظار، به تفکیک هفته"),
    "reported_of": ("{n} of {total} facilities reported", "{n} از {total} مرکز گزارش دادند"),
    "reported": ("Reported", "گزارش داده‌اند"),
    "changes": ("Changes (numbers)", "تغییرات (شماره‌ها)"),
    "applied": ("Applied", "اعمال‌شده"),
    "import_history": ("Bundle imports", "ورود بسته‌ها"),
    "ago_now": ("just now", "همین حالا"),
    "ago_min": ("{n} min ago", "{n} دقیقه پیش"),
    "ago_h": ("{n} h ago", "{n} ساعت پیش"),
    "ago_d": ("{n} days ago", "{n} روز پیش"),
    "ago_1d": ("1 day ago", "۱ روز پیش"),
    "in_h": ("{n} h", "{n} ساعت"),
    "yes": ("yes", "بله"),
    "no": ("no", "خیر"),
    "district": ("district {d}", "شهرستان {d}"),
    "unknown_facility": ("(facility not in reference data)", "(مرکز در داده‌های مرجع نیست)"),
    "week_convention": ("Epi weeks run {start} to {end}", "هفته‌های اپیدمیولوژیک از {start} تا {end}"),
}

# Sign-in, sessions and the staff list (issue 17, item 5).
TEXTS.update({
    "sign_in": ("Sign in", "ورود"),
    "sign_in_title": ("Sign in to Sayyar headquarters", "ورود به ستاد سیار"),
    "sign_out": ("Sign out", "خروج"),
    "username": ("User name", "نام کاربری"),
    "password": ("Password", "گذرواژه"),
    "wrong_password": ("Wrong user name or password, or the account is not active.",
                       "نام کاربری یا گذرواژه نادرست است، یا حساب فعال نیست."),
    "account_locked": ("This account is locked after too many wrong passwords; try again in {n} minutes.",
                       "این حساب پس از گذرواژه‌های نادرست پیاپی قفل شده است؛ {n} دقیقهٔ دیگر دوباره امتحان کنید."),
    "address_locked": ("Too many failed sign-ins from this computer; try again in {n} minutes.",
                       "تلاش‌های ناموفق زیادی از این رایانه انجام شده است؛ {n} دقیقهٔ دیگر دوباره امتحان کنید."),
    "session_ended": ("Your session ended (signed out, idle for 30 minutes, or older than 12 hours). Sign in again.",
                      "نشست شما پایان یافت (خروج، ۳۰ دقیقه بی‌کاری یا بیش از ۱۲ ساعت). دوباره وارد شوید."),
    "signed_out": ("You are signed out.", "از سامانه خارج شدید."),
    "sign_in_form_old": ("The sign-in form was too old or came from elsewhere; it is shown again, sign in once more.",
                         "فرم ورود قدیمی بود یا از جای دیگری آمده بود؛ دوباره نمایش داده شد، یک بار دیگر وارد شوید."),
    "csrf_refused": ("This form is not from your current session (it may be an old page, or another site sent it); "
                     "nothing was changed. Open the page again and repeat.",
                     "این فرم از نشست فعلی شما نیست (شاید صفحهٔ قدیمی باشد یا سایت دیگری آن را فرستاده باشد)؛ چیزی "
                     "تغییر نکرد. صفحه را دوباره باز کنید و تکرار کنید."),
    "other_language": ("فارسی", "English"),
    "nav_staff": ("Staff", "کارکنان"),
    "nav_import": ("Import bundle", "ورود بسته"),
    "receipt": ("Signed receipt", "رسید امضاشده"),
    "nav_conflicts": ("Conflicts", "تعارض‌ها"),
    "nav_duplicates": ("Duplicates", "تکراری‌ها"),
    "staff_title": ("Staff accounts (web pages and sayyar hq commands)", "حساب‌های کارکنان (صفحه‌ها و فرمان‌های sayyar hq)"),
    "staff_intro": ("One list for the pages and the command line: a deactivated account can sign in to neither, and "
                    "its open sessions end at once. New accounts: sayyar hq staff.",
                    "یک فهرست برای صفحه‌ها و خط فرمان: حساب غیرفعال به هیچ‌کدام وارد نمی‌شود و نشست‌های بازش همان "
                    "لحظه پایان می‌یابد. حساب تازه: sayyar hq staff."),
    "role": ("Role", "نقش"),
    "language": ("Language", "زبان"),
    "active": ("Active", "فعال"),
    "administrator": ("Staff administrator", "مدیر کارکنان"),
    "last_sign_in": ("Last sign-in", "آخرین ورود"),
    "deactivate": ("Deactivate", "غیرفعال کردن"),
    "reactivate": ("Reactivate", "فعال کردن دوباره"),
    "admins_only": ("Only a headquarters staff administrator may keep the staff list.",
                    "فقط مدیر کارکنان ستاد می‌تواند فهرست کارکنان را نگه دارد."),
    "no_such_account": ("There is no staff account {who}.", "حساب کاربری {who} وجود ندارد."),
    "not_own_account": ("You cannot deactivate your own account.", "نمی‌توانید حساب خودتان را غیرفعال کنید."),
    "new_password": ("new password", "گذرواژهٔ تازه"),
    "reset_password": ("Set password", "تعیین گذرواژه"),
    "password_short": ("The new password must have at least 8 characters; nothing was changed.",
                       "گذرواژهٔ تازه باید دست‌کم ۸ نویسه باشد؛ چیزی تغییر نکرد."),
    "password_long": ("The new password must have at most {most} characters; nothing was changed.",
                      "گذرواژهٔ تازه باید حداکثر {most} نویسه باشد؛ چیزی تغییر نکرد."),
    "password_set": ("{who} has a new password; their open sessions were ended. Tell it to them in person.",
                     "برای {who} گذرواژهٔ تازه تعیین شد و نشست‌های بازش پایان یافت. آن را حضوری به او بگویید."),
})

# The immunisation page and its monthly DHIS2 download (app/hq/immunisation_web.py).
TEXTS.update({
    "imm_cohort": ("Birth cohort (year of birth, Gregorian)", "گروه تولد (سال تولد میلادی)"),
    "imm_show": ("Show", "نمایش"),
    "imm_coverage": ("Coverage, children born in {year}", "پوشش ایمن‌سازی، کودکان متولد {year} میلادی"),
    "imm_place": ("Facility (last vaccinated, else last seen)", "مرکز (آخرین واکسن، وگرنه آخرین مراجعه)"),
    "imm_children": ("Children", "کودکان"),
    "imm_zero_dose": ("Zero-dose children", "کودکان بدون هیچ دوز"),
    "imm_all": ("All", "همه"),
    "imm_note": ("A dose counts when the schedule engine counts it (minimum ages and intervals), as on the laptops. "
                 "Zero-dose: no DTP-containing dose (pentavalent 1), counted from 2 months of age.",
                 "دوزی شمرده می‌شود که موتور برنامهٔ ایمن‌سازی، مانند رایانه‌های واحدها، آن را بپذیرد (حداقل سن و "
                 "فاصله). کودکان بدون هیچ دوز: هیچ دوز واکسن حاوی سه‌گانه (پنج‌گانهٔ ۱) نگرفته‌اند؛ از ۲ ماهگی "
                 "شمرده می‌شوند."),
    "imm_campaigns": ("Campaigns", "کمپین‌های ایمن‌سازی"),
    "imm_round": ("Round", "دور"),
    "imm_name": ("Name", "نام"),
    "imm_vaccine": ("Vaccine", "واکسن"),
    "imm_first_day": ("First day counted", "نخستین روز شمارش"),
    "imm_last_day": ("Last day counted", "آخرین روز شمارش"),
    "imm_vaccinated": ("Vaccinated", "واکسینه شدند"),
    "imm_never_before": ("Never vaccinated before", "پیش‌تر هرگز واکسن نگرفته"),
    "imm_refused": ("Refused", "امتناع"),
    "imm_absent": ("Absent", "غایب"),
    "imm_aefi": ("Adverse events following immunisation (reported in the last 90 days)",
                 "عوارض پس از ایمن‌سازی (گزارش‌شده در ۹۰ روز گذشته)"),
    "imm_onset": ("Onset", "شروع عارضه"),
    "imm_reported": ("Reported", "تاریخ گزارش"),
    "imm_reaction": ("Reaction", "عارضه"),
    "imm_serious": ("Serious", "شدید"),
    "imm_none": ("None.", "موردی نیست."),
    "imm_dhis2_month": ("Month (Gregorian, as DHIS2 counts it)", "ماه (میلادی، به روش DHIS2)"),
    "imm_dhis2_button": ("Monthly immunisation dataValueSets JSON", "فایل JSON ماهانهٔ ایمن‌سازی (dataValueSets)"),
    "imm_dhis2_default": ("Last month, {month}:", "ماه گذشته، {month}:"),
    "imm_bad_month": ("{month} is not a month written like {example}.", "«{month}» ماهی به شکل {example} نیست."),
    "imm_no_month": ("Give the month, written like {example}.", "ماه را به شکل {example} بنویسید."),
    "imm_bad_cohort": ("{cohort} is not a year of birth from 1900 to {last} (written like {example}).",
                       "«{cohort}» سال تولدی از ۱۹۰۰ تا {last} نیست (به شکل {example} بنویسید)."),
})

# A laptop's refused changes (app/hq/refusals_web.py, linked from the reporting board).
TEXTS.update({
    "refusals_title": ("Refused changes from {device}", "تغییرات ردشدهٔ {device}"),
    "refusals_intro": ("Every change from this laptop that the central server refused, online or in a bundle, newest "
                       "first, with the server's reason. The laptop keeps each one in quarantine (Sync panel) and "
                       "sends nothing else in its place; record ids only, no patient details.",
                       "همهٔ تغییرات این رایانه که سرور مرکزی نپذیرفت، برخط یا در بسته، از تازه‌ترین، با دلیل سرور. "
                       "رایانه هر یک را در قرنطینه نگه می‌دارد (پنل همگام‌سازی)؛ فقط شناسهٔ رکورد، بدون اطلاعات بیمار."),
    "record_type": ("Record type", "نوع رکورد"),
    "record_id": ("Record id", "شناسهٔ رکورد"),
    "change_seq": ("Change no. (epoch · sequence)", "شمارهٔ تغییر (دوره · ردیف)"),
    "reason": ("Reason", "دلیل"),
    "no_refusals": ("The server has refused nothing from this laptop.", "سرور هیچ تغییری از این رایانه را رد نکرده است."),
    "back_board": ("Back to the reporting board", "بازگشت به تابلوی گزارش‌دهی"),
})

CODES: Final[dict[str, dict[str, tuple[str, str]]]] = {
    # Record types, one record (the laptop's Sync panel names them in the plural: app/ui/labels.py).
    "entity": {
        "unit": ("Unit", "واحد"), "facility": ("Facility", "مرکز"), "department": ("Department", "بخش"),
        "diagnosis": ("Diagnosis", "تشخیص"), "disease_registry": ("Disease list", "فهرست بیماری‌ها"),
        "user_account": ("Staff account", "حساب کارکنان"), "household": ("Household", "خانوار"),
        "patient": ("Patient", "بیمار"), "identity_document": ("Identity document", "مدرک هویتی"),
        "visit": ("Visit", "مراجعه"), "visit_diagnosis": ("Visit diagnosis", "تشخیص مراجعه"),
        "referral": ("Referral", "ارجاع"), "surveillance_case": ("Notifiable case", "مورد واجب‌الگزارش"),
        "test_result": ("Test result", "نتیجهٔ آزمایش"), "case_investigation": ("Case investigation", "بررسی مورد"),
        "enrolment": ("Insurance enrolment", "ثبت‌نام بیمه"), "enrolment_member": ("Enrolled member", "عضو ثبت‌نام‌شده"),
        "roster_day": ("Day plan", "برنامهٔ روز"), "roster_staff": ("Staff on duty", "کارکنان کشیک"),
        "roster_patient": ("Planned patient", "بیمار برنامه‌ریزی‌شده"),
        "immunisation_dose": ("Vaccine dose", "دوز واکسن"),
        "adverse_event": ("Adverse event following immunisation", "عارضهٔ پس از ایمن‌سازی"),
        "campaign": ("Immunisation campaign", "کمپین ایمن‌سازی"), "campaign_tally": ("Campaign tally", "آمار کمپین"),
        "audit_entry": ("Audit trail entry", "ردپای ممیزی"),
    },
    # Why the server refused a change (RejectionCode, app/sync/protocol.py), as the import page says it.
    "rejection": {
        "invalid": ("not a valid record", "رکورد معتبر نیست"), "unique_taken": ("number already taken", "شماره تکراری است"),
        "parent_missing": ("its parent record is not here yet", "رکورد والد هنوز نرسیده است"),
        "clock_ahead": ("the laptop's clock is ahead", "ساعت رایانه جلو است"),
        "not_owner": ("written as another laptop", "به نام رایانهٔ دیگری نوشته شده"),
        "refused": ("refused", "پذیرفته نشد"), "storage": ("storage error", "خطای ذخیره‌سازی"),
        "headquarters_only": ("only headquarters may change this", "فقط ستاد می‌تواند این را تغییر دهد"),
        "other_unit": ("belongs to another unit", "متعلق به واحد دیگری است"),
        "append_only": ("audit entries never change", "سوابق حسابرسی تغییر نمی‌کنند"),
    },
    "status": {"raised": ("awaiting verification", "در انتظار تأیید"), "verified": ("verified", "تأییدشده"),
               "assessed": ("risk assessed", "ارزیابی‌شده"), "responding": ("response under way", "در حال پاسخ"),
               "closed": ("closed", "بسته"), "discarded": ("discarded (false alarm)", "ردشده (هشدار کاذب)")},
    "rule": {"single_case": ("single case", "یک مورد"), "cluster": ("cluster in a facility", "خوشه در یک مرکز"),
             "cluster_district": ("cluster in a district", "خوشه در یک شهرستان"),
             "threshold": ("above the 75th percentile", "بالاتر از صدک ۷۵"),
             "elimination": ("every case (elimination)", "هر مورد (حذف مالاریا)")},
    "risk": {"low": ("low", "کم"), "moderate": ("moderate", "متوسط"), "high": ("high", "زیاد"),
             "very_high": ("very high", "بسیار زیاد")},
    "role": {"headquarters": ("headquarters", "ستاد"), "coordinator": ("coordinator", "هماهنگ‌کننده"),
             "unit_admin": ("unit administrator", "مدیر واحد"), "clinician": ("clinician", "پزشک / پرستار")},
    "language": {"en": ("English", "انگلیسی"), "fa": ("Persian", "فارسی")},
    "outcome": {"outbreak": ("outbreak", "طغیان"), "no_outbreak": ("no outbreak", "طغیان نبود"),
                "all_cases_discarded": ("all its cases discarded", "همهٔ موارد رد شدند"),
                "false_alarm": ("false alarm", "هشدار کاذب")},
    "classification": {"suspected": ("suspected", "مشکوک"), "probable": ("probable", "محتمل"),
                       "confirmed": ("confirmed", "قطعی"), "discarded": ("discarded", "رد شده")},
    "sex": {"female": ("female", "زن"), "male": ("male", "مرد"), "unknown": ("unknown", "نامعلوم")},
    "age_band": {"<5": ("under 5", "زیر ۵ سال"), "5-17": ("5–17", "۵ تا ۱۷"), "18-59": ("18–59", "۱۸ تا ۵۹"),
                 "60+": ("60 and over", "۶۰ و بالاتر"), "unknown": ("unknown", "نامعلوم")},
    "event": {"raised": ("alert raised", "هشدار اعلام شد"), "verify": ("verified", "تأیید شد"),
              "discard": ("discarded", "رد شد"), "assess": ("risk assessed", "خطر ارزیابی شد"),
              "respond": ("response recorded", "پاسخ ثبت شد"), "close": ("closed", "بسته شد"),
              "case_added": ("cases added", "مورد افزوده شد"), "auto_close": ("closed by the system", "بسته‌شده توسط سامانه")},
    "test_outcome": {"positive": ("positive", "مثبت"), "negative": ("negative", "منفی"),
                     "indeterminate": ("indeterminate", "نامشخص")},
    # Coverage indicators of the immunisation page, in the programme's usual names (app.hq.immunisation.INDICATORS).
    "indicator": {"BCG": ("BCG", "ب‌ث‌ژ"), "HepB birth dose": ("HepB birth dose", "هپاتیت ب بدو تولد"),
                  "Penta1": ("Penta1", "پنج‌گانهٔ ۱"), "Penta3": ("Penta3", "پنج‌گانهٔ ۳"),
                  "OPV3": ("OPV3", "فلج اطفال خوراکی ۳"), "IPV1": ("IPV1", "فلج اطفال تزریقی ۱"),
                  "MCV1": ("MCV1 (measles 1)", "ام‌ام‌آر ۱"), "MCV2": ("MCV2 (measles 2)", "ام‌ام‌آر ۲"),
                  "DTP booster 1": ("DTP booster 1", "یادآور اول سه‌گانه")},
}


def t(key: str, lang: str, **params: object) -> str:
    en, fa = TEXTS[key]
    text = fa if lang == "fa" else en
    if params:
        text = text.format(**{k: num(v, lang) if isinstance(v, int) else v for k, v in params.items()})
    return text


def week_convention(first_weekday: int, lang: str) -> str:
    """"Epi weeks run Saturday to Friday" in the language (first_weekday: 0 Monday … 6 Sunday, 5 Saturday)."""
    names = (["دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"] if lang == "fa" else
             ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
    return t("week_convention", lang, start=names[first_weekday % 7], end=names[(first_weekday + 6) % 7])


def code(kind: str, value: str | None, lang: str) -> str:
    """The label of a stored code (the code itself when it has none)."""
    if not value:
        return ""
    en, fa = CODES.get(kind, {}).get(value, (value.replace("_", " "), value.replace("_", " ")))
    return fa if lang == "fa" else en


def disease_name(registry: DiseaseRegistry, key: str, lang: str) -> str:
    d = registry.disease(key)
    return d.name(lang) if d is not None else key


def num(value: object, lang: str) -> str:
    text = str(value)
    return text.translate(_FA_DIGITS) if lang == "fa" else text


def day(d: date | None, lang: str) -> str:
    """Solar Hijri with the Gregorian alongside: "7 Azar 1405 (28 Nov 2026)" / "۷ آذر ۱۴۰۵ (2026-11-28)"."""
    if d is None:
        return "—"
    jalali = format_date(d, lang="fa" if lang == "fa" else "en", calendar="jalali",
                         digits="persian" if lang == "fa" else "latin", long=True)
    if lang == "fa":
        return f'{jalali} <span dir="ltr">({d.isoformat()})</span>'
    return f"{jalali} ({format_date(d, lang='en', calendar='gregorian', digits='latin', long=True)})"


def week_name(week: Week | str, lang: str, *, short: bool = False) -> str:
    """An epi week as its reader reads it. English: its DHIS2 period id ("2026SatW48"). Persian: its number and
    its days in Solar Hijri with Persian digits, "هفتهٔ ۴۸ (۸ تا ۱۴ آذر ۱۴۰۵)" (``short``: "هفتهٔ ۴۸ (از ۸ آذر)"),
    never the Latin id, whose year is Gregorian and whose digits are Latin. A stored label (an alert's week) is
    read with the first day its prefix names; one that cannot be read is shown as stored."""
    from app.hq.weeks import parse_week

    if isinstance(week, str):
        try:
            week = parse_week(week)
        except ValueError:
            return week
    if lang != "fa":
        return week.label
    first, last = to_jalali(week.start), to_jalali(week.last_day)
    number = f"هفتهٔ {num(week.number, lang)}"
    if short:
        return f"{number} (از {num(first[2], lang)} {jalali_month_name(first[1])})"
    if first[:2] == last[:2]:
        days = f"{num(first[2], lang)} تا {num(last[2], lang)} {jalali_month_name(last[1])} {num(last[0], lang)}"
    elif first[0] == last[0]:
        days = (f"{num(first[2], lang)} {jalali_month_name(first[1])} تا {num(last[2], lang)} "
                f"{jalali_month_name(last[1])} {num(last[0], lang)}")
    else:
        days = (f"{format_date(week.start, lang='fa', calendar='jalali', long=True)} تا "
                f"{format_date(week.last_day, lang='fa', calendar='jalali', long=True)}")
    return f"{number} ({days})"


def date_value(d: date, lang: str) -> str:
    """A date as a form field shows it, for the reader to change: Solar Hijri in Persian digits in Persian
    ("۱۴۰۵/۰۹/۰۸"), ISO in English; the pages read either back (app.core.dates.parse_either)."""
    return format_date(d, lang="fa", calendar="jalali") if lang == "fa" else d.isoformat()


def when(value: datetime | None, lang: str) -> str:
    """A moment in Tehran time, labelled, with its Solar Hijri and Gregorian day."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone(TEHRAN)
    return f"{day(local.date(), lang)} {num(local.strftime('%H:%M'), lang)} {t('tehran_time', lang)}"


def ago(value: datetime | None, lang: str, now: datetime | None = None) -> str:
    if value is None:
        return t("never", lang)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    seconds = max(0, ((now or datetime.now(timezone.utc)) - value).total_seconds())
    if seconds < 60:
        return t("ago_now", lang)
    if seconds < 3600:
        return t("ago_min", lang, n=int(seconds // 60))
    if seconds < 48 * 3600:
        return t("ago_h", lang, n=int(seconds // 3600))
    days = int(seconds // 86400)
    return t("ago_d", lang, n=days)


__all__ = ["CODES", "TEHRAN", "TEXTS", "ago", "code", "date_value", "day", "disease_name", "num", "t", "week_convention",
           "week_name", "when"]
