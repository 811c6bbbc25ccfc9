"""The vaccination card on more than one page (issue 18): doses that do not fit page 1 go on to the next pages."""

from __future__ import annotations

from printing.pdf_tools import page_texts


def test_doses_that_do_not_fit_go_on_to_a_second_page() -> None:
    """A child with a long history (a card copied dose by dose): page 1 says the list goes on, the rest are on the
    next page under the child's names and code, each dose printed once, pages numbered in both languages."""
    from datetime import date, timedelta

    from app.printing.vaccination_card import CardDose, VaccinationCardData, render_vaccination_card

    doses = [CardDose(vaccine_en=f"Vaccine {i:02d}", vaccine_fa="واکسن", dose=str(i % 4 + 1),
                      given_on=date(2020, 1, 1) + timedelta(days=30 * i), batch=f"B{i:03d}", place_en="Unit")
             for i in range(40)]
    data = VaccinationCardData(code="ZAH1-00042-7", qr_payload="S1:ZAH1-00042-7:x", given_latin="Omid",
                               given_fa="امید", born=date(2019, 6, 1), doses=doses, issued_on=date(2026, 11, 28),
                               next_due=date(2026, 12, 20), next_en=["MMR"], next_fa=["ام‌ام‌آر"])
    pages = page_texts(render_vaccination_card(data))
    assert len(pages) >= 2
    assert "More doses on the next page." in pages[0] and f"Page 1 of {len(pages)}" in pages[0]
    assert "Next due" in pages[0] and "Next due" not in pages[1]
    assert "Vaccination card (continued)" in pages[1] and "ZAH1-00042-7" in pages[1] and "Omid" in pages[1]
    assert f"Page 2 of {len(pages)}" in pages[1]
    printed = [f"B{i:03d}" for i in range(40) for page in pages if f"B{i:03d}" in page]
    assert printed == [f"B{i:03d}" for i in range(40)]  # every dose, once, in order
    short = page_texts(render_vaccination_card(data.model_copy(update={"doses": doses[:5]})))
    assert len(short) == 1 and "Page 1" not in short[0] and "next page" not in short[0]


def _overlaps(pdf: bytes) -> list[tuple[str, str]]:
    """Pairs of characters drawn over each other on one line (a text that did not fit its column and ran on)."""
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = [c for c in doc.pages[0].chars if c["text"].strip()]
    lines: dict[int, list[dict]] = {}
    for c in chars:
        lines.setdefault(round(c["matrix"][5]), []).append(c)  # by baseline, whatever the size
    found = []
    for row in lines.values():
        row.sort(key=lambda c: c["x0"])
        for a, b in zip(row, row[1:], strict=False):
            if b["x0"] < a["x1"] - 0.5:
                found.append((a["text"], b["text"]))
    return found


def test_where_each_dose_was_given_fits_its_column_in_both_languages() -> None:
    """A long facility name no longer runs over the Persian vaccine name at the right edge: it is shortened with an
    ellipsis once it is at its smallest size; and the Persian reader sees the place in Persian below it."""
    from datetime import date

    from printing.pdf_tools import logical_rtl, visual_lines

    from app.printing.vaccination_card import CardDose, VaccinationCardData, render_vaccination_card

    long_en = "Shirabad Comprehensive Rural Health Centre and Vaccination Post (Zahedan district)"
    doses = [CardDose(vaccine_en="OPV (oral polio)", vaccine_fa="فلج اطفال خوراکی", dose="3",
                      given_on=date(2026, 11, 20), batch="OP-1182", place_en=long_en,
                      place_fa="مرکز خدمات جامع سلامت روستایی شیرآباد زاهدان"),
             CardDose(vaccine_en="BCG", vaccine_fa="ب‌ث‌ژ", dose="1", given_on=date(2025, 7, 29),
                      place_en="Afghanistan (seen on card)", place_fa="افغانستان (از روی کارت)")]
    data = VaccinationCardData(code="ZAH1-00042-7", qr_payload="S1:ZAH1-00042-7:x", given_latin="Omid",
                               given_fa="امید", born=date(2025, 7, 28), doses=doses, issued_on=date(2026, 11, 28))
    pdf = render_vaccination_card(data)
    assert _overlaps(pdf) == []
    text = page_texts(pdf)[0]
    assert "Shirabad Comprehensive" in text and "…" in text and "Afghanistan (seen on card)" in text
    persian = [logical_rtl(line) for line in visual_lines(pdf)]
    assert any("افغانستان" in line and "از روی کارت" in line for line in persian), persian
    assert any("مرکز خدمات جامع سلامت" in line for line in persian), persian


def test_each_side_of_the_card_keeps_one_digit_style_and_mixed_text_in_order() -> None:
    """Issue 14, "one digit style per language on each page": a place or a due vaccine typed with Latin digits
    printed them on the Persian side beside Persian dates ("واحد سیار 2 تایباد" under "۱۴۰۵/۰۸/۲۹"), and Persian
    digits typed on the English side stayed Persian. Tokens with Latin letters (a batch, "MMR-1") stay as typed, and
    a Latin run inside a Persian line keeps its order."""
    import re
    from datetime import date

    from printing.pdf_tools import logical_rtl, visual_lines

    from app.printing.vaccination_card import CardDose, VaccinationCardData, render_vaccination_card

    doses = [CardDose(vaccine_en="Pentavalent (DTP-HepB-Hib)", vaccine_fa="پنج‌گانه", dose="3",
                      given_on=date(2026, 11, 20), batch="PV-2024", place_en="Taybad post ۲",
                      place_fa="پایگاه 2 تایباد")]
    data = VaccinationCardData(code="TAY1-00042-7", qr_payload="S1:TAY1-00042-7:x", given_latin="Omid",
                               given_fa="امید", born=date(2025, 7, 28), doses=doses, next_due=date(2026, 12, 20),
                               next_en=["MMR 1"], next_fa=["ام‌ام‌آر MMR-1 نوبت 1"], issued_on=date(2026, 11, 28))
    pdf = render_vaccination_card(data)
    width, height = _page_size(pdf)
    right = visual_lines(pdf, bbox=(width * 0.62, 0, width, height))  # the Persian columns and the due box's side
    persian = [logical_rtl(line) for line in right]
    assert any("پایگاه ۲ تایباد" in line for line in persian), persian
    assert any("MMR-1" in line and "نوبت ۱" in logical_rtl(line) for line in right), right
    left = visual_lines(pdf, bbox=(0, 0, width * 0.45, height))
    assert any("Taybad post 2" in line for line in visual_lines(pdf)), visual_lines(pdf)
    assert not any(re.search("[\u06f0-\u06f9]", line) for line in left), left


def _page_size(pdf: bytes) -> tuple[float, float]:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return float(doc.pages[0].width), float(doc.pages[0].height)
