"""Dates as people type them (issue 14): a Solar Hijri birth year in Persian, an age that stores an estimated date
of birth, a Solar Hijri year refused in English with the reason, and the date field's keyboard picker."""

from __future__ import annotations

from datetime import date

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from test_registration_keyboard import _settle, _tab_to
from ui_helpers import press, type_here, wait_ops

from app.core.dates import to_jalali
from app.models import Patient

CTRL = Qt.KeyboardModifier.ControlModifier


def _register(qtbot, main, lang: str, given: str, birth: str):  # type: ignore[no-untyped-def]
    press(qtbot, Qt.Key.Key_N, CTRL)
    form = main.tabs.currentWidget()
    first = form.names["given_name_fa" if lang == "fa" else "given_name_latin"]
    _settle(qtbot, main, lambda: QApplication.focusWidget() is first)
    type_here(given)
    _tab_to(qtbot, form.names["father_name_fa" if lang == "fa" else "father_name_latin"])
    type_here("رضا" if lang == "fa" else "Reza")
    _tab_to(qtbot, form.sex)
    type_here("ز" if lang == "fa" else "f")
    _tab_to(qtbot, form.birth_year)
    type_here(birth)
    _tab_to(qtbot, form.consent)
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_S, CTRL)
    return form


def _patient(main, **where) -> Patient:  # type: ignore[no-untyped-def]
    with main.ctx.store.read() as s:
        return s.scalars(select(Patient).filter_by(**where)).one()


def test_a_solar_hijri_year_and_an_age_in_persian(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    _register(qtbot, main, "fa", "مریم", "۱۳۷۰")
    _settle(qtbot, main, lambda: main.tabs.currentWidget().objectName() == "chartView")
    wait_ops(qtbot)
    p = _patient(main, given_name_fa="مریم")
    assert (p.birth_year, p.date_of_birth) == (1991, None)

    second = _register(qtbot, main, "fa", "زینب", "۸ ماه")
    _settle(qtbot, main, lambda: not shiboken6.isValid(second) or main.tabs.indexOf(second) < 0)
    wait_ops(qtbot)
    p = _patient(main, given_name_fa="زینب")
    assert p.birth_estimated and abs((p.date_of_birth - date.today()).days + 8 * 30.4) < 5


def test_a_solar_hijri_year_in_english_is_refused_with_the_reason(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    form = _register(qtbot, main, "en", "Sara", "1370")
    label = form.errors._bound["birth_year"][1]
    qtbot.waitUntil(label.isVisible)
    assert "Solar Hijri year" in label.text() and main.tabs.currentWidget() is form
    form.birth_year.selectAll()
    form.birth_year.setFocus()
    type_here("35 years")
    press(qtbot, Qt.Key.Key_S, CTRL)
    _settle(qtbot, main, lambda: main.tabs.currentWidget().objectName() == "chartView")
    wait_ops(qtbot)
    p = _patient(main, given_name_latin="Sara")
    assert p.birth_estimated and p.birth_year == date.today().year - 35


def test_the_date_field_is_a_keyboard_picker_in_the_users_calendar(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    press(qtbot, Qt.Key.Key_N, CTRL)
    form = main.tabs.currentWidget()
    dob = form.dob
    dob.setFocus()
    _settle(qtbot, main, lambda: QApplication.focusWidget() is dob)
    type_here("۱۴۰۵/۰۹/۰۷")
    assert dob.value() == date(2026, 11, 28) and "آذر" in dob.toolTip()
    press(qtbot, Qt.Key.Key_Up)
    assert dob.value() == date(2026, 11, 29)
    press(qtbot, Qt.Key.Key_PageDown)  # a Solar Hijri month back: 1405/08/08
    assert to_jalali(dob.value()) == (1405, 8, 8)
    press(qtbot, Qt.Key.Key_Down, CTRL)
    assert to_jalali(dob.value()) == (1404, 8, 8)
    dob.clear()
    press(qtbot, Qt.Key.Key_Up)  # empty: starts from today
    assert dob.value() == date.today()
    dob.clear()
    type_here("2026-11-28")  # a Gregorian date on a Persian screen: said so, in Persian
    assert "میلادی" in dob.problem()


def test_alt_down_drops_a_solar_hijri_month_grid_that_puts_the_picked_day_in(qtbot, driver):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCalendar, QDate

    main = driver.sign_in("m.shahraki", lang="fa")
    press(qtbot, Qt.Key.Key_N, CTRL)
    dob = main.tabs.currentWidget().dob
    dob.setFocus()
    _settle(qtbot, main, lambda: QApplication.focusWidget() is dob)
    type_here("۱۴۰۵/۰۹/۰۷")
    press(qtbot, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    popup = dob.popup
    _settle(qtbot, main, lambda: popup is not None and popup.isVisible())
    assert popup.calendar().name() == "Jalali" and popup.firstDayOfWeek() == Qt.DayOfWeek.Saturday
    assert popup.selectedDate() == QDate(2026, 11, 28)
    assert popup.monthShown() == 9  # Azar, in the Solar Hijri calendar
    assert QCalendar(QCalendar.System.Jalali).monthName(popup.locale(), 9) == "آذر"
    grid = popup.focusWidget() or popup  # where Qt delivers keys while a popup is open
    qtbot.keyClick(grid, Qt.Key.Key_Right)  # one day along (which way depends on the right-to-left layout)
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    _settle(qtbot, main, lambda: not popup.isVisible())
    picked = dob.value()
    assert picked in (date(2026, 11, 27), date(2026, 11, 29)) and QApplication.focusWidget() is dob
    press(qtbot, Qt.Key.Key_F4)
    _settle(qtbot, main, lambda: popup.isVisible())
    qtbot.keyClick(popup.focusWidget() or popup, Qt.Key.Key_Escape)  # closed, nothing changed
    _settle(qtbot, main, lambda: not popup.isVisible())
    assert dob.value() == picked


def test_the_calendar_button_opens_a_gregorian_grid_in_english(qtbot, driver):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    main = driver.sign_in("m.shahraki", lang="en")
    press(qtbot, Qt.Key.Key_N, CTRL)
    dob = main.tabs.currentWidget().dob
    dob.calendar_action.trigger()  # what a click on the field's calendar button does
    popup = dob.popup
    _settle(qtbot, main, lambda: popup is not None and popup.isVisible())
    assert popup.calendar().name() == "Gregorian" and popup.selectedDate() == QDate.currentDate()
    popup.setCurrentPage(2024, 3)
    popup.clicked.emit(QDate(2024, 3, 21))  # a click on a day
    _settle(qtbot, main, lambda: not popup.isVisible())
    assert dob.value() == date(2024, 3, 21) and dob.text() == "2024-03-21"
