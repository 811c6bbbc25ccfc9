"""Household and insurance rules checked inside the writing transaction (issue 14): one head per household, an
enrolment covers members of one household only, its head is the household's head, and a household is never
enrolled twice for overlapping days. Each refusal names the field and says why, in English and Persian."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.dates import format_date
from app.models import Enrolment, Household, Patient
from app.services.errors import FieldError
from app.services.messages import field_label

# Statuses that hold cover (a pending enrolment is on its way to Pishkhan; a cancelled one holds nothing).
HOLDING = ("active", "pending")


def _error(field: str, code: str, en: str, fa: str) -> FieldError:
    label_en, label_fa = field_label(field)
    return FieldError(field, code, f"{label_en}: {en}", f"{label_fa}: {fa}")


def _dates(d: date) -> tuple[str, str]:
    return format_date(d, lang="en"), format_date(d, lang="fa")


def _fa(text: str) -> str:
    from app.core.persian import to_persian_digits

    return to_persian_digits(text)


def second_head(session: Session, household_id: str | None, relationship: str, patient_id: str | None = None,
                field: str = "relationship_to_head") -> list[FieldError]:
    """A household has one head: refuse "head" for a second person (a record may stay or become its own head)."""
    if not household_id or relationship != "head":
        return []
    household = session.get(Household, household_id)
    if household is None:
        return []
    head_id = household.head_patient_id
    others = select(Patient.code).where(Patient.household_id == household_id, Patient.relationship_to_head == "head",
                                        Patient.deleted.is_(False))
    if patient_id:
        others = others.where(Patient.id != patient_id)
    codes = list(session.scalars(others.limit(1)))
    if head_id and head_id != patient_id:
        head = session.get(Patient, head_id)
        if head is not None and not head.deleted:
            codes = [head.code]
    if not codes:
        return []
    return [_error(field, "second_head",
                   f"household {household.code} already has a head ({codes[0]}); choose this person's relationship "
                   "to that head.",
                   f"خانوار {_fa(household.code)} سرپرست دارد ({_fa(codes[0])})؛ نسبت این فرد با آن سرپرست را "
                   "انتخاب کنید.")]


def enrolment_problems(session: Session, household_id: str, head_id: str, member_ids: list[str], start: date,
                       end: date) -> list[FieldError]:
    """Everything wrong with enrolling these members of this household for these days."""
    household = session.get(Household, household_id)
    if household is None:
        return [_error("household_id", "unknown_household", "is not a registered household.",
                       "خانوار ثبت‌شده‌ای نیست.")]
    errors: list[FieldError] = []
    if household.head_patient_id and head_id != household.head_patient_id:
        head = session.get(Patient, household.head_patient_id)
        code = head.code if head is not None else ""
        errors.append(_error("head_patient_id", "not_household_head",
                             f"must be the head of household {household.code} ({code}).",
                             f"باید سرپرست خانوار {_fa(household.code)} ({_fa(code)}) باشد."))
    rows: dict[str, str | None] = {pid: hid for pid, hid in session.execute(
        select(Patient.id, Patient.household_id).where(Patient.id.in_(member_ids), Patient.deleted.is_(False)))}
    codes = {hid: code for hid, code in session.execute(
        select(Household.id, Household.code).where(Household.id.in_({h for h in rows.values() if h})))}
    for i, pid in enumerate(member_ids):
        if pid not in rows:
            errors.append(_error(f"members.{i}", "unknown_patient", "is not a registered patient.",
                                 "بیمار ثبت‌شده‌ای نیست."))
        elif rows[pid] != household_id:
            other = codes.get(rows[pid] or "", "")
            en = (f"belongs to household {other}, not {household.code}; enrol each household on its own form."
                  if other else f"is not a member of household {household.code}; add the person to it first.")
            fa = (f"عضو خانوار {_fa(other)} است، نه {_fa(household.code)}؛ هر خانوار را جداگانه ثبت‌نام کنید."
                  if other else f"عضو خانوار {_fa(household.code)} نیست؛ نخست او را به خانوار بیفزایید.")
            errors.append(_error(f"members.{i}", "member_other_household", en, fa))
    overlap = session.scalars(
        select(Enrolment).where(Enrolment.household_id == household_id, Enrolment.deleted.is_(False),
                                Enrolment.status.in_(HOLDING), Enrolment.coverage_start <= end,
                                Enrolment.coverage_end >= start)
        .order_by(Enrolment.coverage_end.desc()).limit(1)).first()
    if overlap is not None:
        (s_en, s_fa), (e_en, e_fa) = _dates(overlap.coverage_start), _dates(overlap.coverage_end)
        ref_en = f" (confirmation {overlap.confirmation_number})" if overlap.confirmation_number else ""
        ref_fa = f" (شمارهٔ تأیید {_fa(overlap.confirmation_number)})" if overlap.confirmation_number else ""
        errors.append(_error(
            "coverage_start", "enrolment_overlap",
            f"household {household.code} is already enrolled from {s_en} to {e_en}{ref_en}; start the new cover "
            "after that one ends, or cancel it first.",
            f"خانوار {_fa(household.code)} از {s_fa} تا {e_fa} بیمه است{ref_fa}؛ پوشش تازه را پس از پایان آن آغاز "
            "کنید یا نخست آن را لغو کنید."))
    return errors
