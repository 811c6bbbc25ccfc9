"""Enrolling households in health insurance, and who is covered until when (docs/architecture.md, "Domain facts")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Enrolment, EnrolmentMember
from app.security.roles import Action
from app.services.context import Ctx, parse
from app.services.errors import FieldError, ValidationFailed, field_error
from app.services.household_rules import enrolment_problems
from app.services.labels import label
from app.services.validation import check_not_future


def add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)


class EnrolmentIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    household_id: str = Field(min_length=1)
    head_patient_id: str = Field(min_length=1)
    member_ids: list[str] = Field(min_length=1)
    scheme: Literal["uphi", "salamat", "other"] = "uphi"
    # No defaults: an enrolment nobody filled in (Ctrl+S on an untouched form) is refused, naming what to choose.
    category: Literal["vulnerable", "special_disease", "premium_payer"] | None = None
    payer: Literal["unhcr", "iom", "self", "government"] | None = None
    premium_irr: int = Field(default=0, ge=0, le=10_000_000_000)
    voucher_number: str = Field(default="", max_length=40)
    document_used: str = Field(default="", max_length=30)
    enrolment_date: date
    coverage_start: date | None = None
    coverage_end: date | None = None
    pishkhan_centre: str = Field(default="", max_length=200)
    confirmation_number: str = Field(default="", max_length=40)
    status: Literal["pending", "active", "cancelled"] = "active"

    @field_validator("enrolment_date")
    @classmethod
    def _past(cls, v: date, info: ValidationInfo) -> date:
        return check_not_future(v, (info.context or {}).get("today") or date.today())  # type: ignore[return-value]


@dataclass(frozen=True)
class Cover:
    enrolment_id: str
    scheme: str
    payer: str
    coverage_start: date
    coverage_end: date
    confirmation_number: str

    def label(self, lang: str) -> str:
        return label("scheme", self.scheme, lang)


# The dates an enrolment's day rules read: a form that could not read one of them has those rules skipped.
DATE_FIELDS = frozenset({"enrolment_date", "coverage_start", "coverage_end"})


def _check(data: EnrolmentIn, start: date, end: date, *, dates: bool = True) -> list[FieldError]:
    errors = [field_error(name, "choose_one") for name in ("category", "payer") if getattr(data, name) is None]
    if dates and end <= start:
        errors.append(field_error("coverage_end", "end_before_start"))
    if data.head_patient_id not in data.member_ids:
        errors.append(field_error("head_patient_id", "head_not_member"))
    if data.payer == "iom" and not data.voucher_number:
        errors.append(field_error("voucher_number", "voucher_required"))
    return errors


def _span(data: EnrolmentIn) -> tuple[date, date]:
    start = data.coverage_start or data.enrolment_date
    return start, data.coverage_end or add_months(start, 12) - timedelta(days=1)


def _problems(session: Session, data: EnrolmentIn, *, dates: bool = True) -> list[FieldError]:
    """Every rule an enrolment breaks, its own and the household's, in one list (issue 14: a missing category no
    longer hides that the household is already covered)."""
    start, end = _span(data)
    errors = _check(data, start, end, dates=dates)
    found = enrolment_problems(session, data.household_id, data.head_patient_id, data.member_ids, start, end)
    return errors + [e for e in found if dates or e.code != "enrolment_overlap"]


def enrolment_check(ctx: Ctx, data: dict[str, Any], *, unread: frozenset[str] = frozenset()) -> list[FieldError]:
    """What enrol_household would refuse in this enrolment, without saving: a form with problems of its own (a
    date or an amount it could not read, named in ``unread`` and sent as empty) reports them with these in the
    same save. Rules that read an unread field are skipped rather than guessed."""
    ctx.require(Action.ENROL_HOUSEHOLD)
    given = {k: v for k, v in data.items() if k not in unread}
    dates = not (unread & DATE_FIELDS)
    if "enrolment_date" in unread:
        given["enrolment_date"] = ctx.today()  # only so the rest can be read: the day rules are skipped
    try:
        parsed = parse(EnrolmentIn, given, ctx)
    except ValidationFailed as failed:
        # A field the model refuses (a number too long) is reported; the rules run on the rest without it.
        refused = {e.field.split(".")[0] for e in failed.errors}
        rest = {k: v for k, v in given.items() if k not in refused}
        if "enrolment_date" in refused:
            rest["enrolment_date"], dates = ctx.today(), False
        try:
            parsed = parse(EnrolmentIn, rest, ctx)
        except ValidationFailed:
            return failed.errors
        dates = dates and not (refused & DATE_FIELDS)
        with ctx.read() as session:
            return failed.errors + [e for e in _problems(session, parsed, dates=dates)
                                    if e.field.split(".")[0] not in refused]
    with ctx.read() as session:
        return _problems(session, parsed, dates=dates)


def enrol_household(ctx: Ctx, data: EnrolmentIn | dict[str, Any]) -> str:
    """Whole families enrol; coverage lasts 12 months from enrolment unless given otherwise."""
    ctx.require(Action.ENROL_HOUSEHOLD)
    data = parse(EnrolmentIn, data, ctx)
    start, end = _span(data)
    with ctx.write() as session:
        errors = _problems(session, data)
        if errors:
            raise ValidationFailed(errors)
        assert data.category is not None and data.payer is not None  # _check refused the form without them
        enrolment = Enrolment(
            household_id=data.household_id, head_patient_id=data.head_patient_id, scheme=data.scheme,
            category=data.category, payer=data.payer, premium_irr=data.premium_irr, voucher_number=data.voucher_number,
            document_used=data.document_used, enrolment_date=data.enrolment_date, coverage_start=start,
            coverage_end=end, pishkhan_centre=data.pishkhan_centre, confirmation_number=data.confirmation_number,
            status=data.status, unit_id=ctx.unit_id,
        )
        session.add(enrolment)
        session.flush()
        for pid in dict.fromkeys(data.member_ids):
            session.add(EnrolmentMember(enrolment_id=enrolment.id, patient_id=pid))
        session.add(AuditEntry(user_id=ctx.user_id, action="created", entity="enrolment", record_id=enrolment.id))
        return enrolment.id


def cover_for_patient(session: Session, patient_id: str, on: date) -> Cover | None:
    """The active cover on a day, the one lasting longest if several overlap."""
    stmt = (
        select(Enrolment)
        .join(EnrolmentMember, EnrolmentMember.enrolment_id == Enrolment.id)
        .where(EnrolmentMember.patient_id == patient_id, EnrolmentMember.deleted.is_(False),
               Enrolment.status == "active", Enrolment.deleted.is_(False),
               Enrolment.coverage_start <= on, Enrolment.coverage_end >= on)
        .order_by(Enrolment.coverage_end.desc())
        .limit(1)
    )
    e = session.scalars(stmt).first()
    if e is None:
        return None
    return Cover(e.id, e.scheme, e.payer, e.coverage_start, e.coverage_end, e.confirmation_number)


def expiring_cover(ctx: Ctx, *, within_days: int = 30) -> list[Enrolment]:
    """Enrolments whose cover ends in the coming days: the renewal follow-up list."""
    ctx.require(Action.ENROL_HOUSEHOLD)
    today = ctx.today()
    with ctx.read() as session:
        stmt = select(Enrolment).where(
            Enrolment.status == "active", Enrolment.deleted.is_(False),
            Enrolment.coverage_end.between(today, today + timedelta(days=within_days)),
        ).order_by(Enrolment.coverage_end)
        return list(session.scalars(stmt))
