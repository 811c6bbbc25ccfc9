"""The vaccination card (issue 18, item 4): every dose and the next due date in both languages and both calendars,
the QR decoded from the rendered PDF, reprints marked and recorded."""

from __future__ import annotations

from printing.pdf_tools import logical_rtl, page_texts, visual_lines
from printing.test_patient_card import qr_texts
from services.conftest import clinician, coordinator, person, store  # noqa: F401  (fixtures)
from sqlalchemy import select

from app.core.card_code import card_payload
from app.models import AuditEntry, Patient
from app.services.immunisation import record_dose
from app.services.patients import register_patient
from app.services.vaccination_card import vaccination_card_pdf


def test_card_lists_doses_next_due_and_qr(clinician, coordinator, store):  # noqa: F811
    pid = register_patient(clinician, person(given_name_fa="زینب", given_name_latin="Zainab", date_of_birth="2026-07-28",
                                             birth_year=2026, birth_estimated=False, documents=[], phone="")).patient_id
    for vaccine, on, source in (("bcg", "2026-07-29", "card"), ("opv", "2026-07-29", "card"),
                                ("penta", "2026-09-28", "card"), ("opv", "2026-09-28", "card")):
        record_dose(clinician, {"patient_id": pid, "vaccine": vaccine, "given_on": on, "source": source,
                                "place": "abroad", "country": "Afghanistan"})
    record_dose(clinician, {"patient_id": pid, "vaccine": "penta", "given_on": "2026-11-28", "batch": "PX-2291",
                            "expiry": "2027-03-31", "site": "left_thigh"})
    pdf = vaccination_card_pdf(coordinator, pid)
    text = page_texts(pdf)[0]
    for expected in ("Vaccination card", "Zainab", "Born: 28 Jul 2026", "Pentavalent (DTP-HepB-Hib)", "PX-2291",
                     "2026-09-28", "Afghanistan (seen on card)", "Still due (behind schedule)", "IPV"):
        assert expected in text, expected
    # Pentavalent is numbered as the pentavalent (DTP) doses are, not as the HepB series counts it (whose birth
    # dose, missed here, made the first pentavalent "2").
    squeezed = text.replace("Hib)1", "Hib) 1").replace("Hib)2", "Hib) 2")  # the name is shrunk to its column
    assert "Pentavalent (DTP-HepB-Hib) 1 2026-09-28" in squeezed, squeezed
    assert "Pentavalent (DTP-HepB-Hib) 2 2026-11-28" in squeezed, squeezed
    persian = {logical_rtl(line) for line in visual_lines(pdf)}
    assert any("کارت واکسیناسیون" in line for line in persian), persian
    assert any("زینب" in line for line in persian), persian
    assert any("پنج‌گانه".replace("\u200c", "") in line for line in persian), persian
    # Where each dose was given, for the Persian reader too: the country typed in Latin letters, and the facility.
    assert any("افغانستان" in line and "از روی کارت" in line for line in persian), persian
    assert any("زاهدان" in line for line in persian), persian
    assert "۱۴۰۵/۰۷/۰۶" in text  # 2026-09-28 in the Solar Hijri calendar
    with store.read() as s:
        code = s.get(Patient, pid).code
    assert qr_texts(pdf) == [card_payload(code)]
    again = vaccination_card_pdf(coordinator, pid)
    assert "REPRINT 1" in page_texts(again)[0] and "REPRINT" not in text
    with store.read() as s:
        assert len(s.scalars(select(AuditEntry).where(AuditEntry.entity == "vaccination_card")).all()) == 2

