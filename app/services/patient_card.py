"""The patient card: printed at registration and on demand (every print recorded, reprints marked), and read back
when a USB scanner types its QR code into the search box."""

from __future__ import annotations

from typing import Final, Literal

from sqlalchemy import select

from app.core.card_code import card_payload, read_card
from app.models import DeviceState, Patient, Unit
from app.printing.patient_card import PatientCardData, render_patient_card
from app.security.roles import Action
from app.services.context import Ctx
from app.services.errors import NotFound, ServiceError
from app.services.printing import _record_print, prints_so_far

CARD_ENTITY: Final = "patient_card"
CardSize = Literal["ID-1", "A7"]


class CardNotRead(ServiceError):
    """A scanned text that is not a good Sayyar card (wrong check value, another system's code)."""


def card_code(text: str) -> str | None:
    """The patient code of a scanned card whose check value is right; None for anything else."""
    found = read_card(text)
    return found[0] if found and found[1] else None


def patient_card_pdf(ctx: Ctx, patient_id: str, *, size: CardSize = "ID-1") -> bytes:
    """The card of one patient. The first print is the original; later ones say REPRINT n. Every print is recorded
    in the audit trail (who, when, which patient, which print)."""
    ctx.require(Action.PRINT_PATIENT_CARD)
    with ctx.read() as session:
        patient = session.get(Patient, patient_id)
        if patient is None or patient.deleted:
            raise NotFound("patient", "بیمار", patient_id)
        if patient.merged_into_id:
            raise ServiceError(
                f"Patient {patient.code} was merged into another record: print that record's card instead.",
                f"پروندهٔ {patient.code} با پروندهٔ دیگری ادغام شده است: کارت آن پرونده را چاپ کنید.",
                code="merged")
        reprints = prints_so_far(session, CARD_ENTITY, patient_id)
        unit_id = patient.registered_unit_id
        if unit_id is None:
            device = session.get(DeviceState, 1)
            unit_id = device.unit_id if device else None
        unit = session.get(Unit, unit_id) if unit_id else None
        data = PatientCardData(
            code=patient.code, qr_payload=card_payload(patient.code),
            given_fa=patient.given_name_fa, given_latin=patient.given_name_latin,
            father_fa=patient.father_name_fa, father_latin=patient.father_name_latin,
            family_fa=patient.family_name_fa, family_latin=patient.family_name_latin,
            unit_en=f"{unit.name_en} ({unit.code})" if unit else "", unit_fa=unit.name_fa if unit else "",
            issued_on=ctx.today(), reprint_count=reprints, size=size,
        )
    pdf = render_patient_card(data)
    _record_print(ctx, CARD_ENTITY, patient_id, {"reprint": reprints, "size": size})
    return pdf


def patient_for_card(ctx: Ctx, text: str) -> str:
    """The id of the patient whose card was scanned (``text`` as the scanner typed it). Raises CardNotRead for a
    misread or foreign code and NotFound for a card of a patient this laptop does not hold."""
    ctx.require(Action.VIEW_PATIENT)
    found = read_card(text)
    if found is None:
        raise CardNotRead("This is not a Sayyar patient card.", "این کارت بیمار سیار نیست.", code="not_a_card")
    code, ok = found
    if not ok:
        raise CardNotRead(
            f"The card code {code} does not match its check value: scan it again, or type the code from the card.",
            f"کد کارت {code} با رقم کنترل آن نمی‌خواند: دوباره اسکن کنید یا کد روی کارت را تایپ کنید.",
            code="bad_check")
    with ctx.read() as session:
        patient = session.scalars(select(Patient).where(Patient.code == code)).first()
        while patient is not None and patient.merged_into_id:
            patient = session.get(Patient, patient.merged_into_id)  # a card of a merged-away record opens the kept one
        if patient is None or patient.deleted:
            raise NotFound("patient with card", "بیمار با کارت", code)
        return patient.id
