"""Sample data for printing tests, the benchmark and the reviewed reference images. Fictitious people only."""

from __future__ import annotations

from datetime import date, datetime

from app.printing import (DiagnosisLine, InsuranceLine, PrintOptions, ReferralSlipData, RosterData,
                          RosterPatientLine, StaffLine)

REFERRAL_ID = "3f2b8c1e-9a4d-4e7b-8c2a-5d6e7f801234"
PRINTED_AT = datetime(2026, 11, 28, 10, 42)

FA_PARAGRAPH = (
    "بیمار از سه روز پیش دچار تب بالا و سرفه خشک شده است و در معاینه تنفس سریع و صدای خشن در قاعده ریه راست شنیده "
    "می‌شود و به درمان خوراکی پاسخ مناسب نداده است و نیاز به بررسی بیشتر و عکس قفسه سینه دارد"
)


def slip_en(**overrides) -> ReferralSlipData:
    values = dict(
        referral_id=REFERRAL_ID, referral_number="ZAH-1405-000123", short_code="K7Q-42M",
        issued_at=datetime(2026, 11, 28, 9, 15),
        unit_name="Mobile unit 2 (Sistan and Baluchestan)", facility_name="Zahedan health post 4",
        patient_name="Gul Ahmad", father_name="Abdul Rahim", sex="male", date_of_birth=date(1990, 3, 21),
        document_type="Amayesh card", document_number="AM-18-2034561", phone="+98 912 345 6789",
        insurance=InsuranceLine(scheme="UPHI (Salamat)", valid_until=date(2027, 5, 31)),
        complaint="Fever and productive cough for 5 days, shortness of breath since yesterday.",
        findings="Crackles at the right lung base, no wheeze. Alert, oriented. Mild dehydration.",
        temperature_c=38.6, systolic=118, diastolic=76, pulse=104, resp_rate=26, spo2=92, weight_kg=61.5,
        investigations="Malaria RDT negative.",
        diagnoses=[DiagnosisLine(code="J18.9", label="Pneumonia, unspecified", certainty="provisional")],
        treatment_given="Paracetamol 1 g orally; amoxicillin 1 g first dose; oral rehydration.",
        reason_for_referral="Low oxygen saturation and fast breathing: needs chest X-ray and possible admission.",
        urgency="urgent", receiving_facility="Khatam-al-Anbia Hospital, Zahedan", receiving_department="Internal medicine",
        clinician_name="Dr. Maryam Rahimi", clinician_role="General practitioner",
    )
    values.update(overrides)
    return ReferralSlipData(**values)


def slip_fa(**overrides) -> ReferralSlipData:
    values = dict(
        referral_id=REFERRAL_ID, referral_number="ZAH-1405-000123", short_code="K7Q-42M",
        issued_at=datetime(2026, 11, 28, 9, 15),
        unit_name="واحد سیار ۲ (سیستان و بلوچستان)", facility_name="پایگاه سلامت ۴ زاهدان",
        patient_name="گل احمد", father_name="عبدالرحیم", sex="male", date_of_birth=date(1990, 3, 21),
        document_type="کارت آمایش", document_number="2034561", phone="09123456789",
        insurance=InsuranceLine(scheme="بیمه سلامت (UPHI)", valid_until=date(2027, 5, 31)),
        complaint="تب و سرفه خلط‌دار از ۵ روز پیش، تنگی نفس از دیروز.",
        findings=FA_PARAGRAPH,
        temperature_c=38.6, systolic=118, diastolic=76, pulse=104, resp_rate=26, spo2=92, weight_kg=61.5,
        diagnoses=[DiagnosisLine(code="J18.9", label="ذات‌الریه", certainty="provisional")],
        treatment_given="استامینوفن ۱ گرم خوراکی؛ آموکسی‌سیلین؛ ORS",
        reason_for_referral="کاهش اشباع اکسیژن و تنفس سریع؛ نیاز به عکس قفسه سینه و احتمال بستری.",
        urgency="emergency", receiving_facility="بیمارستان خاتم‌الانبیاء زاهدان", receiving_department="داخلی",
        clinician_name="دکتر مریم رحیمی", clinician_role="پزشک عمومی",
    )
    values.update(overrides)
    return ReferralSlipData(**values)


def options(lang="en", digits="latin", **kw) -> PrintOptions:
    return PrintOptions(lang=lang, digits=digits, printed_by=kw.pop("printed_by", "Maryam Rahimi"),
                        printed_at=kw.pop("printed_at", PRINTED_AT), **kw)


def roster(n: int, lang: str = "en") -> RosterData:
    fa = lang == "fa"
    names = ["گل احمد", "فاطمه", "محمد نبی", "زینب", "عبدالله"] if fa else ["Gul Ahmad", "Fatima", "Mohammad Nabi", "Zainab", "Abdullah"]
    fathers = ["عبدالرحیم", "نور محمد", "غلام حیدر"] if fa else ["Abdul Rahim", "Nur Mohammad", "Ghulam Haidar"]
    reasons = ["پیگیری فشار خون", "واکسن سرخک نوبت دوم", "پیگیری سل (DOTS)"] if fa else [
        "Blood pressure follow-up", "Measles vaccine, 2nd dose", "TB follow-up (DOTS)"]
    patients = [
        RosterPatientLine(code=f"P-{1000 + i}", name=names[i % 5], father_name=fathers[i % 3],
                          sex="female" if i % 2 else "male", age_years=(i * 7) % 80,
                          phone=f"0915{i:07d}", reason=reasons[i % 3],
                          due_date=date(2026, 11, 28) if i % 7 != 3 else date(2026, 11, 21),
                          notes="" if i % 4 else ("بدون تلفن" if fa else "no phone"))
        for i in range(n)
    ]
    staff = [StaffLine(name="دکتر مریم رحیمی" if fa else "Dr. Maryam Rahimi", role="پزشک" if fa else "GP"),
             StaffLine(name="زهرا کریمی" if fa else "Zahra Karimi", role="ماما" if fa else "Midwife"),
             StaffLine(name="علی نوری" if fa else "Ali Nouri", role="راننده" if fa else "Driver")]
    return RosterData(unit="واحد سیار ۲" if fa else "Mobile unit 2", facility="پایگاه سلامت ۴ زاهدان" if fa else "Zahedan health post 4",
                      day=date(2026, 11, 28), staff=staff, patients=patients)
