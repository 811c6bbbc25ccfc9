"""The patient card (issue 15, item 5): QR decoded from the rendered PDF, names in both scripts, reprints marked and
recorded, card sizes, and the scanned text read back on English and Persian keyboards."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from pyzbar.pyzbar import decode
from sqlalchemy import select

from app.core.card_code import card_check, card_payload, read_card
from app.models import AuditEntry
from app.services.errors import NotFound
from app.services.patient_card import CardNotRead, patient_card_pdf, patient_for_card
from app.services.patients import merge_patients, register_patient

from printing.pdf_tools import logical_rtl, page_texts, visual_lines
from services.conftest import clinician, coordinator, make_ctx, person, store  # noqa: F401  (fixtures)

# What a USB scanner set to an English layout types on a Persian one (ISIRI 9147), key by key.
_ON_PERSIAN = dict(zip("qwertyuiop[]asdfghjkl;'zxcvbnm,", "ضصثقفغعهخحجچشسیبلاتنمکگظطزرذدپو"))


def typed_on_persian_keyboard(text: str) -> str:
    return "".join(_ON_PERSIAN.get(ch, ch) for ch in text).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def qr_texts(pdf: bytes, dpi: int = 300) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=dpi / 72).to_pil()
    finally:
        doc.close()
    return [d.data.decode("ascii") for d in decode(image)]


@pytest.fixture
def patient(clinician):  # noqa: F811
    return register_patient(clinician, person(
        given_name_fa="غلام‌رسول", given_name_latin="Ghulam Rasul", father_name_fa="عبدالرحمن",
        father_name_latin="Abdul Rahman", family_name_fa="احمدزی", family_name_latin="Ahmadzai"))


@pytest.mark.parametrize(("size", "points"), [("ID-1", (242.6, 153.1)), ("A7", (209.8, 297.6))])
def test_card_carries_code_qr_names_and_unit(clinician, patient, size, points):  # noqa: F811
    pdf = patient_card_pdf(clinician, patient.patient_id, size=size)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == points
    [payload] = qr_texts(pdf)
    assert payload == card_payload(patient.code)
    assert read_card(payload) == (patient.code, True)
    text = page_texts(pdf)[0]
    for expected in (patient.code, "Ghulam Rasul Ahmadzai", "Father: Abdul Rahman", "Patient card", "MHU-ZAH"):
        assert expected in text
    persian = {logical_rtl(line) for line in visual_lines(pdf)}
    assert any("غلامرسول احمدزی" in line for line in persian), persian
    assert any("پدر: عبدالرحمن" in line for line in persian), persian
    assert "REPRINT" not in text
    # Nothing on the card that could expose the person if it is lost.
    assert "12345678901" not in text and "0915" not in text and "amayesh" not in text.lower()


def test_reprints_are_marked_and_every_print_is_recorded(clinician, coordinator, store, patient):  # noqa: F811
    first = patient_card_pdf(clinician, patient.patient_id)
    second = patient_card_pdf(coordinator, patient.patient_id, size="A7")
    assert "REPRINT" not in page_texts(first)[0]
    assert "REPRINT 1" in page_texts(second)[0]
    assert any("المثنی ۱" in logical_rtl(line) for line in visual_lines(second))
    with store.read() as s:
        prints = s.scalars(select(AuditEntry).where(AuditEntry.action == "printed",
                                                    AuditEntry.entity == "patient_card")
                           .order_by(AuditEntry.hlc)).all()
    assert [(p.record_id, p.user_id, p.detail["reprint"], p.detail["size"]) for p in prints] == [
        (patient.patient_id, clinician.user_id, 0, "ID-1"), (patient.patient_id, coordinator.user_id, 1, "A7")]


def test_scanned_card_opens_the_patient_on_either_keyboard(clinician, patient):  # noqa: F811
    payload = card_payload(patient.code)
    assert patient_for_card(clinician, payload) == patient.patient_id
    persian = typed_on_persian_keyboard(payload)
    assert persian != payload and not any("a" <= ch <= "z" for ch in persian)
    assert patient_for_card(clinician, persian) == patient.patient_id


def test_a_misread_or_foreign_code_is_refused_with_a_reason(clinician, patient):  # noqa: F811
    payload = card_payload(patient.code)
    broken = payload[:-1] + ("0" if payload[-1] != "0" else "1")
    with pytest.raises(CardNotRead) as info:
        patient_for_card(clinician, broken)
    assert info.value.code == "bad_check" and patient.code in info.value.message_en
    with pytest.raises(CardNotRead):
        patient_for_card(clinician, "SAYYAR-REF:not-a-patient")
    other = "ZAH9-000001-8"
    with pytest.raises(NotFound):
        patient_for_card(clinician, f"sy.{other.lower()}.{card_check(other)}")


def test_a_card_of_a_merged_away_record_opens_the_kept_one(clinician, patient):  # noqa: F811
    gone = register_patient(clinician, person(given_name_latin="Ghulamrasul", documents=[]),
                            override_reason="test")
    merge_patients(clinician, keep_id=patient.patient_id, merge_id=gone.patient_id)
    assert patient_for_card(clinician, card_payload(gone.code)) == patient.patient_id
