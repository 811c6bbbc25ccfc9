"""The day's shortcuts pressed as keys on the real window (issue 14): Ctrl+N, Ctrl+F, Ctrl+Shift+R, Ctrl+P and Esc
do what the menus say, and the buttons and the search box name their shortcut in both languages."""

from __future__ import annotations

import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from ui_helpers import chart_of_new_patient, press, reopen_first_visit, saved_visit, type_here, wait_focus

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_ctrl_n_opens_registration_typing_in_its_first_field(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    wait_focus(qtbot, main.search.query)
    press(qtbot, Qt.Key.Key_N, CTRL)
    form = main.tabs.currentWidget()
    assert form.objectName() == "registerForm"
    wait_focus(qtbot, form.names["given_name_latin"])
    type_here("Ali")
    assert form.names["given_name_latin"].text() == "Ali"


def test_ctrl_f_from_a_chart_puts_the_cursor_in_the_search_box(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    type_here("Karim")
    chart_of_new_patient(qtbot, main)
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert main.tabs.currentIndex() == 0
    wait_focus(qtbot, main.search.query)
    assert main.search.query.selectedText() == "Karim"  # the next keystrokes replace the old search


def test_refer_and_print_by_keyboard(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    chart, visit = saved_visit(qtbot, main)
    press(qtbot, Qt.Key.Key_R, CTRL | SHIFT)  # Refer this patient, from the saved visit
    referral = main.tabs.currentWidget()
    assert referral.objectName() == "referralForm"
    assert referral.args["visit_id"] == visit.visit_id
    qtbot.waitUntil(lambda: referral.facility.count() > 0, timeout=10000)
    wait_focus(qtbot, referral.reason)
    type_here("Chest X-ray")
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: referral.referral is not None, timeout=10000)
    wait_focus(qtbot, referral.print_button)

    press(qtbot, Qt.Key.Key_P, CTRL)  # the issued referral: its slip, in the preview
    qtbot.waitUntil(lambda: getattr(referral, "last_preview", None) is not None, timeout=20000)
    preview = referral.last_preview
    assert preview.isVisible() and preview.page_count == 1
    assert referral.referral.referral_number in _pdf_text(preview._pdf)
    preview.close()

    main.tabs.setCurrentWidget(chart)
    wait_focus(qtbot, chart.visit_button)
    press(qtbot, Qt.Key.Key_P, CTRL)  # on the chart: the patient card
    qtbot.waitUntil(lambda: getattr(chart, "last_preview", None) is not None, timeout=20000)
    assert chart.last_preview.isVisible() and chart.last_preview.windowTitle() == "Patient card"
    chart.last_preview.close()


def test_esc_closes_a_form_tab_and_keeps_the_typing_as_a_draft(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    press(qtbot, Qt.Key.Key_N, CTRL)
    form = main.tabs.currentWidget()
    wait_focus(qtbot, form.names["given_name_latin"])
    type_here("Zahra")
    press(qtbot, Qt.Key.Key_Escape)
    assert main.tabs.count() == 1 and main.tabs.currentWidget() is main.search
    draft = main.session.drafts.load("register")
    assert draft is not None and "Zahra" in str(draft.state)  # as the tab's close button keeps it
    assert main.search.drafts_banner.isVisibleTo(main.search)

    press(qtbot, Qt.Key.Key_N, CTRL)  # offered back on the next registration
    again = main.tabs.currentWidget()
    assert again.draft_banner.isVisibleTo(again)
    again.restore_draft()
    assert again.names["given_name_latin"].text() == "Zahra"


def test_esc_inside_a_field_that_uses_it_does_not_close_the_tab(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    chart_of_new_patient(qtbot, main)
    press(qtbot, Qt.Key.Key_V, CTRL | SHIFT)
    visit = main.tabs.currentWidget()
    wait_focus(qtbot, visit.complaint)
    type_here("Fever")
    visit.add_medicine()  # the cursor in the new row's first cell
    press(qtbot, Qt.Key.Key_Return)  # its editor opens
    type_here("ORS")
    assert visit.medicines.isAncestorOf(QApplication.focusWidget())
    press(qtbot, Qt.Key.Key_Escape)  # leaves the cell editor, as in any table
    assert main.tabs.currentWidget() is visit
    press(qtbot, Qt.Key.Key_Escape)  # then closes the form, its draft kept
    assert main.tabs.indexOf(visit) < 0
    assert "Fever" in str(main.session.drafts.load(visit.key).state)


def test_esc_closes_an_amendment_keeping_it_as_a_draft(qtbot, driver):  # type: ignore[no-untyped-def]
    """Esc on an amendment under way closes it as on any form: the typing is kept as a draft (it used to be kept by
    no draft, so Esc did nothing and the tab's close button asked before losing it) and is offered again when the
    visit is reopened from the chart."""
    main = driver.sign_in("m.shahraki", lang="en")
    chart, visit = saved_visit(qtbot, main)
    press(qtbot, Qt.Key.Key_W, CTRL)
    qtbot.waitUntil(lambda: main.tabs.currentWidget() is chart)
    qtbot.waitUntil(lambda: chart.visits.rowCount() >= 1, timeout=10000)
    reopened = reopen_first_visit(qtbot, main, chart)
    press(qtbot, Qt.Key.Key_Escape)  # read-only, nothing typed: Esc closes it
    assert main.tabs.indexOf(reopened) < 0

    reopened = reopen_first_visit(qtbot, main, chart)
    press(qtbot, Qt.Key.Key_Space)  # Amend
    wait_focus(qtbot, reopened.complaint)
    press(qtbot, Qt.Key.Key_End, CTRL)
    type_here(" and fever")
    press(qtbot, Qt.Key.Key_Escape)
    assert main.tabs.indexOf(reopened) < 0 and main.tabs.currentWidget() is chart
    draft = main.session.drafts.load(reopened.key)
    assert draft is not None and draft.state["amending"] and "fever" in draft.state["complaint"]

    again = reopen_first_visit(qtbot, main, chart)
    assert again.draft_banner.isVisible()
    qtbot.mouseClick(again.draft_banner.findChild(QPushButton, "restoreDraft"), Qt.MouseButton.LeftButton)
    assert again.amending and again.complaint.toPlainText() == "Cough and fever"


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_tooltips_name_the_shortcut(qtbot, driver, lang):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang=lang)
    chart = chart_of_new_patient(qtbot, main)
    register = main.search.findChild(QPushButton, "registerButton")
    tips = {"register": register.toolTip(), "search": main.search.query.toolTip(),
            "card": chart.card_button.toolTip()}
    assert ("Ctrl+N" in tips["register"], "Ctrl+F" in tips["search"], "Ctrl+P" in tips["card"]) == (True,) * 3, tips
    for tip in tips.values():
        assert any("\u0600" <= ch <= "\u06ff" for ch in tip) == (lang == "fa"), tip  # translated


def test_a_refusal_in_the_status_line_goes_with_its_form(qtbot, driver):  # type: ignore[no-untyped-def]
    """"Not saved: 5 fields need attention" stayed for 15 seconds over whatever came to the front next (the chart,
    another form), telling of a refusal that was not there."""
    main = driver.sign_in("m.shahraki", lang="en")
    press(qtbot, Qt.Key.Key_N, CTRL)
    form = main.tabs.currentWidget()
    wait_focus(qtbot, form.names["given_name_latin"])
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: main.statusBar().currentMessage().startswith("Not saved"), timeout=10000)
    press(qtbot, Qt.Key.Key_F, CTRL)  # the search tab to the front
    wait_focus(qtbot, main.search.query)
    assert main.statusBar().currentMessage() == ""
    main.tabs.setCurrentWidget(form)
    main.statusBar().showMessage("Sync finished.")  # a message no form said stays as it is
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert main.statusBar().currentMessage() == "Sync finished."
