"""One digit style per screen (issue 14): on a Persian screen the registration form's birth year (or age) and
phone show Persian digits whichever keyboard typed them (Latin, Persian or Arabic-Indic), the record keeps the
canonical Latin digits (the year as an int, the phone in its national form), and the patient list and chart show
the phone in Persian digits in Persian, Latin in English."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select
from test_registration_keyboard import _settle, _tab_to
from ui_helpers import press, type_here, type_text, wait_ops

from app.models import Patient

CTRL = Qt.KeyboardModifier.ControlModifier
LATIN_DIGIT = re.compile("[0-9٠-٩]")  # Latin or Arabic-Indic: not the Persian screen's digits


def _register(qtbot, main, given: str, father: str, birth: str, phone: str):  # type: ignore[no-untyped-def]
    """Register through the keyboard in Persian; returns what the birth year and phone fields showed."""
    press(qtbot, Qt.Key.Key_N, CTRL)
    form = main.tabs.currentWidget()
    _settle(qtbot, main, lambda: QApplication.focusWidget() is form.names["given_name_fa"])
    type_here(given)
    _tab_to(qtbot, form.names["father_name_fa"])
    type_here(father)
    _tab_to(qtbot, form.sex)
    type_here("ز")
    _tab_to(qtbot, form.birth_year)
    type_here(birth)
    _tab_to(qtbot, form.phone)
    type_here(phone)
    shown = (form.birth_year.text(), form.phone.text())
    _tab_to(qtbot, form.consent)
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_S, CTRL)
    _settle(qtbot, main, lambda: main.tabs.currentWidget().objectName() == "chartView")
    chart = main.tabs.currentWidget()
    qtbot.waitUntil(lambda: chart.chart is not None, timeout=10000)
    wait_ops(qtbot)
    return shown, chart


def _stored(main, given: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with main.ctx.store.read() as s:
        p = s.scalars(select(Patient).filter_by(given_name_fa=given)).one()
        return p.birth_year, p.phone


def _chart_texts(chart) -> list[str]:  # type: ignore[no-untyped-def]
    return [w.text() for w in chart.findChildren(QLabel)]


def test_latin_digits_typed_show_as_persian_and_are_stored_latin(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    # The numeric keypad and most field laptops type Latin digits; a phone is typed in groups.
    shown, chart = _register(qtbot, main, "مریم", "رضا", "1370", "0915 123 4567")
    assert shown == ("۱۳۷۰", "۰۹۱۵ ۱۲۳ ۴۵۶۷")
    assert _stored(main, "مریم") == (1991, "09151234567")
    texts = _chart_texts(chart)
    assert any("۰۹۱۵۱۲۳۴۵۶۷" in t for t in texts), texts
    assert not any("09151234567" in t for t in texts)


def test_persian_and_arabic_digits_typed_show_as_persian_and_are_stored_latin(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    # A Persian keyboard for the year; an Arabic one (Arabic-Indic digits) for an Afghan number with +93.
    shown, _chart = _register(qtbot, main, "زینب", "کریم", "۱۳۶۵", "+٩٣ ٧٠ ١٢٣ ٤٥٦٧")
    assert shown == ("۱۳۶۵", "+۹۳ ۷۰ ۱۲۳ ۴۵۶۷")
    assert _stored(main, "زینب") == (1986, "0701234567")
    # An age typed with Latin digits reads as Persian too.
    press(qtbot, Qt.Key.Key_N, CTRL)
    form = main.tabs.currentWidget()
    type_text(form.birth_year, "35 سال")
    assert form.birth_year.text() == "۳۵ سال" and not LATIN_DIGIT.search(form.birth_year.text())


def test_patient_list_shows_the_phone_in_persian_digits_in_persian_and_latin_in_english(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    _register(qtbot, main, "فاطمه", "احمد", "1375", "09151234567")

    def phone_cell(main, query: str) -> str:  # type: ignore[no-untyped-def]
        search = main.search
        main.tabs.setCurrentWidget(search)
        search.query.clear()
        type_text(search.query, query)
        search.search_now()
        qtbot.waitUntil(lambda: search.model.rowCount() == 1 and not search._inflight, timeout=10000)
        qtbot.waitUntil(lambda: search.model.data(search.model.index(0, 5)) not in (None, "…"), timeout=10000)
        return search.model.data(search.model.index(0, 5))

    assert phone_cell(main, "فاطمه") == "۰۹۱۵۱۲۳۴۵۶۷"
    driver.ctl.change_language("en")
    main = driver.ctl.main
    qtbot.waitUntil(lambda: main.isVisible(), timeout=10000)
    wait_ops(qtbot)
    assert phone_cell(main, "فاطمه") == "09151234567"
    # In English a number typed on a Persian keyboard shows Latin digits: one style on that screen too.
    press(qtbot, Qt.Key.Key_N, CTRL)
    form = main.tabs.currentWidget()
    type_text(form.birth_year, "۱۹۹۰")
    type_text(form.phone, "۰۹۱۲ ۳۴۵ ۶۷۸۹")
    assert (form.birth_year.text(), form.phone.text()) == ("1990", "0912 345 6789")


def test_a_time_on_a_persian_screen_has_persian_digits(qapp):  # type: ignore[no-untyped-def]
    """The Sync panel's "last success" and a conflict's time showed a Solar Hijri date with a Latin time."""
    from datetime import datetime, timezone

    from app.ui import i18n

    i18n.set_language("fa")
    try:
        shown = i18n.show_datetime(datetime(2026, 11, 30, 16, 5, tzinfo=timezone.utc))
        assert not LATIN_DIGIT.search(shown) and ":" in shown, shown
    finally:
        i18n.set_language("en")
