"""A child's vaccinations shown in the visit form (issue 18, "shown at the visit"): what to give today in English and
Persian, nothing for an adult outside the schedule, a dose recorded from the visit by its shortcut without the cursor
leaving the complaint; doses waiting for a combination vaccine shown on the chart and at the visit."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_vaccinations_ui import _child, _open
from ui_helpers import press, wait_ops

from app.services.patients import register_patient

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _visit(qtbot, main, pid):  # type: ignore[no-untyped-def]
    chart = main.open_chart(pid)
    qtbot.waitUntil(lambda: chart.chart is not None and chart.visit_button.isEnabled(), timeout=15000)
    qtbot.mouseClick(chart.visit_button, Qt.MouseButton.LeftButton)
    visit = main.tabs.currentWidget()
    assert visit.objectName() == "visitForm"
    qtbot.waitUntil(lambda: visit.immunisation.view is not None, timeout=15000)
    return visit


def test_a_child_due_for_vaccines_is_shown_what_to_give_today_at_the_visit_in_english(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    visit = _visit(qtbot, main, _child(main, date.today() - timedelta(days=70), "مریم", "Maryam"))
    box = visit.immunisation
    assert box.isVisible()
    text = box.text.text()
    assert "Give today:" in text and "Pentavalent" in text and "BCG" in text
    # The line does not take the cursor: typing still starts in the complaint, and its button is not on Tab.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is visit.complaint, timeout=5000)
    assert box.record.focusPolicy() == Qt.FocusPolicy.ClickFocus
    press(qtbot, Qt.Key.Key_I, CTRL | SHIFT)  # record a dose from the visit: the chart's dose dialog
    assert box.dialog is not None and box.dialog.isVisible()
    assert box.dialog.vaccine.currentData() == "penta"  # the first thing to give today is offered


def test_a_child_due_for_vaccines_is_shown_what_to_give_today_at_the_visit_in_persian(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    visit = _visit(qtbot, main, _child(main, date.today() - timedelta(days=400), "زهرا", "Zahra"))
    box = visit.immunisation
    assert box.isVisible() and box.isRightToLeft()
    text = box.text.text()
    assert "امروز بزنید:" in text and "ام‌ام‌آر" in text and "وضعیت: عقب‌افتاده" in text
    assert "عقب‌افتاده: " in text  # the overdue doses named
    assert "Give today" not in text and "Record" not in box.record.text()


def test_an_adult_outside_the_schedule_is_shown_nothing_at_the_visit(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    pid = register_patient(main.ctx, {"given_name_latin": "Karim", "father_name_latin": "Nader", "sex": "male",
                                      "birth_year": 1990, "nationality": "afghan", "legal_status": "amayesh",
                                      "consent_date": date.today().isoformat()}).patient_id
    visit = _visit(qtbot, main, pid)
    wait_ops(qtbot)
    assert visit.immunisation.view.status is not None  # assessed, and outside every series' age limit
    assert not visit.immunisation.isVisible()
    press(qtbot, Qt.Key.Key_I, CTRL | SHIFT)
    assert visit.immunisation.dialog is None


def _waiting_child(main):  # type: ignore[no-untyped-def]
    """tests/core/test_immunisation_engine.py::test_a_combination_is_not_given_before_the_minimum_interval_of_any_
    series_it_counts_for, moved to today: born 150 days ago, monovalent HepB two weeks ago. DTP 1 and Hib 1 wait for
    the day pentavalent is a valid HepB dose too, four weeks after the HepB."""
    from app.services.immunisation import immunisation_status, record_dose

    today = date.today()
    pid = _child(main, today - timedelta(days=150), "مریم", "Maryam")
    record_dose(main.session.ctx, {"patient_id": pid, "vaccine": "hepb", "source": "card",
                                   "given_on": (today - timedelta(days=14)).isoformat(), "place": "abroad",
                                   "country": "Afghanistan"})
    st = immunisation_status(main.session.ctx, pid).status
    valid_from = today + timedelta(days=14)
    assert [(w.vaccine, w.doses, w.valid_from) for w in st.waiting] == [
        ("penta", (("dtp", 1), ("hib", 1)), valid_from)]
    return pid, valid_from


def test_doses_waiting_for_a_combination_are_shown_on_the_chart_and_at_the_visit_in_english(qtbot, driver):  # type: ignore[no-untyped-def]
    from app.ui import i18n

    main = driver.sign_in("m.shahraki", lang="en")
    pid, valid_from = _waiting_child(main)
    panel = _open(qtbot, main, pid)
    expected = (f"Diphtheria, tetanus, pertussis 1, Haemophilus influenzae type b 1 wait until "
                f"{i18n.show_date(valid_from, long=True)} (Pentavalent (DTP-HepB-Hib))")
    assert panel.waiting.text() == expected
    assert "Pentavalent" not in panel.today.text()
    visit = _visit(qtbot, main, pid)
    assert expected in visit.immunisation.text.text()


def test_doses_waiting_for_a_combination_are_shown_on_the_chart_in_persian(qtbot, driver):  # type: ignore[no-untyped-def]
    from app.ui import i18n

    main = driver.sign_in("m.shahraki", lang="fa")
    pid, valid_from = _waiting_child(main)
    panel = _open(qtbot, main, pid)
    day = i18n.show_date(valid_from, long=True)  # Solar Hijri
    assert any("\u06f0" <= c <= "\u06f9" for c in day)
    assert panel.waiting.text() == f"\u200fدیفتری، کزاز، سیاه‌سرفه ۱، هموفیلوس آنفلوانزای نوع ب ۱: تا {day} صبر کنید (پنج‌گانه)"
