"""The patient card in the app (issue 15, item 5): printed from the chart (and offered at registration), its QR
decoded from the rendered PDF, then "scanned": a USB scanner types the QR text and Enter into the search box, as a
keyboard does, and the chart opens directly, whichever keyboard layout is active."""

from __future__ import annotations

import pypdfium2 as pdfium
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton
from pyzbar.pyzbar import decode
from ui_helpers import type_text, wait_ops

from app.services.patients import register_patient

_ON_PERSIAN = dict(zip("qwertyuiop[]asdfghjkl;'zxcvbnm,", "ضصثقفغعهخحجچشسیبلاتنمکگظطزرذدپو"))


def scan(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """What a scanner in keyboard mode sends: one key press per character, then Return."""
    type_text(widget, text)
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r"))


def registered(ctx):  # type: ignore[no-untyped-def]
    from datetime import date

    reg = register_patient(ctx, {
        "given_name_fa": "غلام‌رسول", "given_name_latin": "Ghulam Rasul", "father_name_fa": "عبدالرحمن",
        "father_name_latin": "Abdul Rahman", "sex": "male", "birth_year": 1988, "birth_estimated": True,
        "nationality": "afghan", "legal_status": "headcount", "consent_date": date.today()})
    return reg


def decoded_qr(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=300 / 72).to_pil()
    finally:
        doc.close()
    [found] = decode(image)
    return found.data.decode("ascii")


def test_print_the_card_then_scan_it_into_the_search_box(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki")
    patient = registered(main.ctx)
    chart = main.open_chart(patient.patient_id)
    qtbot.waitUntil(lambda: chart.chart is not None, timeout=10000)
    qtbot.mouseClick(chart.findChild(QPushButton, "printCard"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(chart, "last_preview", None) is not None, timeout=20000)
    payload = decoded_qr(chart.last_preview._pdf)
    chart.last_preview.close()
    main.close_tab(main.tabs.indexOf(chart))
    wait_ops(qtbot)

    main.focus_search()
    scan(main.search.query, payload)
    qtbot.waitUntil(lambda: main.tabs.currentWidget().objectName() == "chartView", timeout=10000)
    opened = main.tabs.currentWidget()
    assert opened.patient_id == patient.patient_id
    assert main.search.query.text() == ""  # ready for the next card

    # The same card scanned while the Persian keyboard layout is active: the scanner's keys arrive as Persian.
    main.close_tab(main.tabs.indexOf(opened))
    main.focus_search()
    persian = "".join(_ON_PERSIAN.get(ch, ch) for ch in payload).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    scan(main.search.query, persian)
    qtbot.waitUntil(lambda: main.tabs.currentWidget().objectName() == "chartView", timeout=10000)
    assert main.tabs.currentWidget().patient_id == patient.patient_id


def test_a_misread_card_opens_nothing_and_says_why(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki")
    patient = registered(main.ctx)
    from app.core.card_code import card_payload

    payload = card_payload(patient.code)
    broken = payload[:-1] + ("0" if payload[-1] != "0" else "1")
    main.focus_search()
    scan(main.search.query, broken)
    qtbot.waitUntil(lambda: "check value" in main.search.count.text(), timeout=10000)
    assert main.tabs.count() == 1 and main.tabs.currentWidget() is main.search
