import io
import re
import unicodedata

import pytest

from app.printing import qr_payload, render_referral_slip, verify_qr_payload
from app.printing.fonts import REGULAR
from app.printing.text import wrap
from pdf_tools import logical_rtl, page_count, page_texts, render_png, squash, visual_lines
from print_samples import FA_PARAGRAPH, REFERRAL_ID, options, slip_en, slip_fa


def test_english_slip_carries_every_field_on_one_page():
    pdf = render_referral_slip(slip_en(), options())
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) == 1
    text = page_texts(pdf)[0]
    for expected in [
        "IOM Iran", "Mobile unit 2 (Sistan and Baluchestan)", "Zahedan health post 4", "Referral slip",
        "ZAH-1405-000123", "K7Q-42M", "7 Azar 1405 (28 Nov 2026)", "09:15",
        "Gul Ahmad", "Abdul Rahim", "Male", "36 years", "Amayesh card AM-18-2034561", "+98 912 345 6789",
        "UPHI (Salamat), valid until 2027-05-31", "Fever and productive cough", "Crackles at the right lung base",
        "T 38.6 °C", "BP 118/76 mmHg", "P 104/min", "RR 26/min", "SpO2 92%", "Wt 61.5 kg", "Malaria RDT negative",
        "J18.9 Pneumonia, unspecified (provisional)", "Paracetamol 1 g orally", "Low oxygen saturation",
        "URGENT", "Khatam-al-Anbia Hospital, Zahedan", "Internal medicine", "Dr. Maryam Rahimi (General practitioner)",
        "Signature", "Stamp", "Feedback from the receiving facility", "cut here", "Date seen", "Outcome", "Admitted",
        "Advice / return", "Printed by Maryam Rahimi on 2026-11-28 10:42", "Page 1 of 1",
    ]:
        assert expected in text, expected
    assert "REPRINT" not in text


def test_qr_holds_only_the_referral_id_and_check_code():
    from pyzbar.pyzbar import decode

    for data, opts in ((slip_en(), options()), (slip_fa(), options("fa", "persian"))):
        pdf = render_referral_slip(data, opts)
        (image,) = render_png(pdf, 200)
        codes = decode(image)
        assert len(codes) == 1
        text = codes[0].data.decode("ascii")
        assert text == qr_payload(REFERRAL_ID)
        assert verify_qr_payload(text) == REFERRAL_ID
        assert "Gul" not in text and "J18" not in text


def test_qr_payload_check_code_rejects_tampering():
    payload = qr_payload(REFERRAL_ID.upper())
    assert re.fullmatch(r"SAYYAR-REF:[0-9a-f-]{36}:[0-9a-f]{8}", payload)
    assert verify_qr_payload(payload) == REFERRAL_ID
    other = "3f2b8c1e-9a4d-4e7b-8c2a-5d6e7f801235"
    assert verify_qr_payload(payload.replace(REFERRAL_ID, other)) is None
    assert verify_qr_payload(payload[:-1] + ("0" if payload[-1] != "0" else "1")) is None
    assert verify_qr_payload("hello") is None
    assert verify_qr_payload("") is None
    with pytest.raises(ValueError):
        qr_payload("not-a-uuid")


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_reprint_is_marked_with_its_count(lang):
    data = slip_en() if lang == "en" else slip_fa()
    pdf = render_referral_slip(data, options(lang, "latin", reprint_count=3))
    text = page_texts(pdf)[0]
    assert "REPRINT 3" in text
    raw = "\n".join(visual_lines(pdf))
    # Persian banner/watermark "چاپ مجدد" in visual order.
    assert "چاپ مجدد" in "\n".join(logical_rtl(line) for line in raw.splitlines())
    assert "REPRINT" not in page_texts(render_referral_slip(data, options(lang)))[0]


def test_long_text_flows_to_a_second_page_instead_of_being_cut():
    long_findings = " ".join(f"Finding number {i} described in some detail." for i in range(150))
    pdf = render_referral_slip(slip_en(findings=long_findings), options())
    pages = page_texts(pdf)
    assert len(pages) >= 2
    everything = " ".join(pages).replace("\n", " ")
    for i in (0, 75, 149):
        assert f"Finding number {i} described" in everything
    assert "continued" in pages[1]
    # The tear-off and the page count are on the last page only.
    assert "Feedback from the receiving facility" in pages[-1]
    assert "Feedback from the receiving facility" not in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_a4_option_gives_an_a4_page():
    from pypdf import PdfReader

    pdf = render_referral_slip(slip_en(), options(paper="A4"))
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_persian_wrapped_paragraph_reads_back_in_logical_order_line_by_line():
    data = slip_fa(urgency="routine")
    pdf = render_referral_slip(data, options("fa", "persian"))
    assert page_count(pdf) == 1
    # Value column of the clinical fields (right of it sits the label column): A5 width - margin - label column.
    width = 419.53 - 2 * 24.09
    value_right = 419.53 - 24.09 - 72
    lines = [logical_rtl(line) for line in visual_lines(pdf, bbox=(0, 0, value_right, 595))]
    paragraph_lines = [line for line in lines if line and line in FA_PARAGRAPH.replace("\u200c", "")]
    expected = wrap(FA_PARAGRAPH, REGULAR, 7.6, width - 72 - 4)
    assert len(expected) >= 3, "the sample paragraph must wrap over several lines"
    assert paragraph_lines == [squash(line).replace("\u200c", "") for line in expected]
    assert " ".join(paragraph_lines) == FA_PARAGRAPH.replace("\u200c", "")


def test_persian_letters_are_shaped_and_latin_and_numbers_keep_their_order():
    pdf = render_referral_slip(slip_fa(), options("fa", "persian"))
    raw = "\n".join(visual_lines(pdf))
    # Every Arabic-script letter was replaced by a contextual presentation form (U+FB50-U+FEFF).
    unshaped = [ch for ch in raw if "\u0600" <= ch <= "\u06ff" and unicodedata.category(ch) == "Lo"]
    assert unshaped == []
    # Latin runs and numbers read left to right inside right-to-left lines; brackets are mirrored.
    for run in ("mmHg", "SpO2", "J18.9", "ZAH-1405-000123", "K7Q-42M", "(UPHI)", "(2026/11/28)", "۱۱۸/۷۶", "۳۶"):
        assert run in raw, run


@pytest.mark.parametrize("digits, present, absent", [("persian", "۳۶", "36 "), ("latin", "36", "۳۶")])
def test_digits_option_is_honoured(digits, present, absent):
    pdf = render_referral_slip(slip_fa(), options("fa", digits))
    raw = "\n".join(visual_lines(pdf))
    assert present in raw
    assert absent not in raw
    # Codes typed into other systems keep Latin digits whatever the option.
    assert "ZAH-1405-000123" in raw and "J18.9" in raw


def test_emergency_is_unmistakable():
    text = page_texts(render_referral_slip(slip_en(urgency="emergency"), options()))[0]
    assert "URGENCY: EMERGENCY" in text
    routine = page_texts(render_referral_slip(slip_en(urgency="routine"), options()))[0]
    assert "ROUTINE" in routine and "EMERGENCY" not in routine


def test_same_input_gives_same_bytes():
    assert render_referral_slip(slip_en(), options()) == render_referral_slip(slip_en(), options())
