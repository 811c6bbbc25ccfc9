"""Looking up a patient of another unit at headquarters (issue #12, hole 4): a laptop holds its own unit's patients;
a clinician fetches one more, on demand, by the code on the patient's card or a referral number, with a reason that
the server keeps in its central audit. The UI calls this; the request itself is made by ``app.sync.client``."""

from __future__ import annotations

from typing import Any

from app.security.roles import Action
from app.services.context import Ctx
from app.services.errors import FieldError, ServiceError, ValidationFailed

REASON_MAX = 500
QUERY_MAX = 40

# What each refusal of the server means to the person who asked, in their words (codes from app/server/scope.py).
REFUSALS: dict[str, tuple[str, str]] = {
    "reason_missing": ("Headquarters refused the look-up: say why you need this patient's record (the reason is "
                       "required and recorded).",
                       "ستاد جست‌وجو را نپذیرفت: بنویسید چرا پروندهٔ این بیمار را لازم دارید (دلیل لازم است و ثبت "
                       "می‌شود)."),
    "bad_query": ("Headquarters refused the look-up: give either a patient code or a referral number, not both.",
                  "ستاد جست‌وجو را نپذیرفت: یا کد بیمار یا شمارهٔ ارجاع را بنویسید، نه هر دو را."),
    "no_unit": ("Headquarters refused the look-up: this laptop belongs to no unit. Ask the unit administrator to "
                "enrol it again.",
                "ستاد جست‌وجو را نپذیرفت: این رایانه به هیچ واحدی تعلق ندارد. از مدیر واحد بخواهید دوباره آن را "
                "ثبت کند."),
    "not_found": ("Headquarters has no patient with that code or referral number. Check the number on the card or "
                  "the referral slip.",
                  "ستاد بیماری با این کد یا شمارهٔ ارجاع ندارد. شماره را روی کارت یا برگهٔ ارجاع بررسی کنید."),
    "too_many_lookups": ("Headquarters refused the look-up: this laptop has made too many look-ups in the last 24 "
                         "hours. Try again tomorrow or call headquarters.",
                         "ستاد جست‌وجو را نپذیرفت: این رایانه در ۲۴ ساعت گذشته بیش از اندازه جست‌وجو کرده است. فردا "
                         "دوباره تلاش کنید یا با ستاد تماس بگیرید."),
}


class LookupRefused(ServiceError):
    """Headquarters said no; ``code`` is the server's code."""


def _field(name: str, code: str, en: str, fa: str) -> FieldError:
    return FieldError(name, code, en, fa)


def lookup_at_headquarters(ctx: Ctx, *, reason: str, patient_code: str = "", referral_number: str = "",
                           server_url: str | None = None, token: str | None = None,
                           transport: Any = None) -> str:
    """Fetch one patient of another unit from headquarters and store it here; returns the patient's id.

    ``server_url``/``token`` default to this laptop's enrolment (``transport`` is for tests). Every refusal is a
    ServiceError with a sentence: the form's own checks (nothing is sent), the server's refusals (``LookupRefused``
    with the server's code), and no connection (``offline``: nothing was sent)."""
    ctx.require(Action.LOOKUP_PATIENT)
    code, referral, why = patient_code.strip(), referral_number.strip(), " ".join(reason.split())
    errors: list[FieldError] = []
    if bool(code) == bool(referral):
        errors.append(_field("patient_code", "bad_query",
                             "Patient code or referral number: fill in one of them (not both).",
                             "کد بیمار یا شمارهٔ ارجاع: یکی از آن دو را بنویسید (نه هر دو را)."))
    elif len(code or referral) > QUERY_MAX:
        errors.append(_field("patient_code" if code else "referral_number", "too_long",
                             f"Patient code or referral number: at most {QUERY_MAX} characters.",
                             f"کد بیمار یا شمارهٔ ارجاع: حداکثر {QUERY_MAX} نویسه."))
    if len(why) < 3:
        errors.append(_field("reason", "required",
                             "Reason: say why you need this patient's record; headquarters records it.",
                             "دلیل: بنویسید چرا پروندهٔ این بیمار را لازم دارید؛ ستاد آن را ثبت می‌کند."))
    elif len(why) > REASON_MAX:
        errors.append(_field("reason", "too_long", f"Reason: at most {REASON_MAX} characters.",
                             f"دلیل: حداکثر {REASON_MAX} نویسه."))
    if errors:
        raise ValidationFailed(errors)

    from app.sync.client import Refused, SyncError, lookup_patient
    from app.sync.identity import identity

    if server_url is None or token is None:
        ident = identity(ctx.store)
        server_url, token = server_url or ident.server_url, token or ident.token
    if not server_url or not token:
        raise ServiceError("This laptop is not enrolled with headquarters' server yet, so it cannot look a patient "
                           "up. Nothing was sent. Ask the unit administrator to enrol it from the Sync panel.",
                           "این رایانه هنوز در کارگزار ستاد ثبت نشده است و نمی‌تواند بیماری را جست‌وجو کند. چیزی "
                           "فرستاده نشد. از مدیر واحد بخواهید آن را از بخش همگام‌سازی ثبت کند.",
                           code="not_enrolled")
    try:
        report = lookup_patient(ctx.store, ctx, server_url, token, reason=why, patient_code=code,
                                referral_number=referral, transport=transport)
    except Refused as err:
        en, fa = REFUSALS.get(err.code, ("Headquarters refused the look-up: " + str(err) + ".",
                                         "ستاد جست‌وجو را نپذیرفت: " + str(err) + "."))
        raise LookupRefused(en, fa, code=err.code) from None
    except SyncError as err:
        if "could not be reached" in str(err):
            raise ServiceError("This laptop is not connected to headquarters' server, so nothing was sent. Connect "
                               "to the network and try again.",
                               "این رایانه به کارگزار ستاد وصل نیست، پس چیزی فرستاده نشد. به شبکه وصل شوید و دوباره "
                               "تلاش کنید.", code="offline") from None
        raise ServiceError("The look-up did not complete: " + str(err) + ".",
                           "جست‌وجو انجام نشد: " + str(err) + ".", code="lookup_failed") from None
    return report.patient_id
