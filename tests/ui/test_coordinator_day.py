"""A coordinator's day: the plan pre-filled with follow-ups due, staff on duty, saved, printed; the day summary."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from ui_helpers import type_text, wait_ops

from app.core.dates import format_date
from app.services.patients import register_patient
from app.services.reference import list_facilities
from app.services.site import DEMO_PASSWORD, sign_in
from app.services.visits import record_visit


def _patient_due(folder, day):  # type: ignore[no-untyped-def]
    site = sign_in(folder, "m.shahraki", DEMO_PASSWORD)
    try:
        fid = list_facilities(site.ctx, unit_id=site.ctx.unit_id)[0].id
        site.ctx.facility_id = fid
        pid = register_patient(site.ctx, {"given_name_latin": "Zahra", "father_name_latin": "Nabi", "sex": "female",
                                          "birth_year": 2019, "nationality": "afghan", "legal_status": "amayesh",
                                          "consent_date": date.today()}).patient_id
        record_visit(site.ctx, {"patient_id": pid, "complaint": "Cough", "follow_up_date": day,
                                "diagnoses": [{"code": "B05"}]})
        return fid
    finally:
        site.store.close()


def test_plan_print_and_summary(qtbot, driver, demo_dir):  # type: ignore[no-untyped-def]
    day = date.today() + timedelta(days=2)
    fid = _patient_due(demo_dir, day)
    main = driver.sign_in("h.rigi", lang="en")
    qtbot.keyClick(main, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    planner = main.tabs.currentWidget()
    assert planner.objectName() == "rosterPlanner"
    wait_ops(qtbot)
    planner.facility.setCurrentIndex(planner.facility.findData(fid))
    planner.day.clear()
    type_text(planner.day, day.isoformat())
    qtbot.keyClick(planner.day, Qt.Key.Key_Return)
    wait_ops(qtbot)
    assert planner.patients.count() == 1 and "Zahra" in planner.patients.item(0).text()
    assert "follow-up" in planner.patients.item(0).text()
    planner.staff.item(0).setCheckState(Qt.CheckState.Checked)
    type_text(planner.find, "Zahra")
    qtbot.keyClick(planner.find, Qt.Key.Key_Return)
    wait_ops(qtbot)
    assert planner.found.count() == 1
    qtbot.mouseClick(planner.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert planner.status.text() == "Plan saved."
    qtbot.mouseClick(planner.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(planner, "last_preview", None) is not None, timeout=20000)
    assert planner.last_preview.page_count >= 1
    planner.last_preview.close()

    main.open_form("summary", {})
    summary = main.tabs.currentWidget()
    wait_ops(qtbot)
    assert summary.summary.visits == 1
    assert "Measles" in summary.cases.text()
    assert summary.table.item(0, 1).text() == "1"  # one girl aged 5-17


def test_summary_in_persian_shows_solar_hijri_day(qtbot, driver, demo_dir):  # type: ignore[no-untyped-def]
    _patient_due(demo_dir, date.today() + timedelta(days=2))  # a measles visit today
    site = sign_in(demo_dir, "m.shahraki", DEMO_PASSWORD)
    try:
        site.ctx.facility_id = list_facilities(site.ctx, unit_id=site.ctx.unit_id)[0].id
        pid = register_patient(site.ctx, {"given_name_latin": "Karim", "father_name_latin": "Aziz", "sex": "male",
                                          "birth_year": 1980, "nationality": "afghan", "legal_status": "amayesh",
                                          "consent_date": date.today()}).patient_id
        record_visit(site.ctx, {"patient_id": pid, "complaint": "Fever", "diagnoses": [{"code": "B54"}]})
    finally:
        site.store.close()
    main = driver.sign_in("h.rigi", lang="fa")
    main.open_form("summary", {})
    summary = main.tabs.currentWidget()
    wait_ops(qtbot)
    assert summary.isRightToLeft()
    assert summary.day.text() == format_date(date.today(), lang="fa", calendar="jalali")  # Persian digits (issue 14)
    # The cases are listed with the Persian semicolon (the screenshot showed "…فوری; مالاریا…").
    text = summary.cases.text()
    assert "؛ " in text and ";" not in text, text


def test_plan_lists_children_due_for_vaccination_and_the_unseen(qtbot, driver, demo_dir):  # type: ignore[no-untyped-def]
    """The day plan shows the children due for vaccination at the site on that day (the unit's next visit), and adds
    them to the plan with the reason; the due list has the unit's children seen at no facility yet."""
    from PySide6.QtWidgets import QPushButton

    site = sign_in(demo_dir, "m.shahraki", DEMO_PASSWORD)
    try:
        fid = list_facilities(site.ctx, unit_id=site.ctx.unit_id)[1].id
        site.ctx.facility_id = fid
        baby = register_patient(site.ctx, {"given_name_latin": "Parisa", "father_name_latin": "Karim",
                                           "sex": "female", "date_of_birth": date.today() - timedelta(days=100),
                                           "nationality": "afghan", "legal_status": "amayesh",
                                           "consent_date": date.today()}, override_reason="test").patient_id
        record_visit(site.ctx, {"patient_id": baby, "complaint": "Cough"})
        unseen = register_patient(site.ctx, {"given_name_latin": "Yalda", "father_name_latin": "Omar",
                                             "sex": "female", "date_of_birth": date.today() - timedelta(days=300),
                                             "nationality": "afghan", "legal_status": "amayesh",
                                             "consent_date": date.today()}, override_reason="test").patient_id
    finally:
        site.store.close()
    main = driver.sign_in("h.rigi", lang="en")
    qtbot.keyClick(main, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    planner = main.tabs.currentWidget()
    wait_ops(qtbot)
    planner.facility.setCurrentIndex(planner.facility.findData(fid))
    planner.day.clear()
    type_text(planner.day, (date.today() + timedelta(days=7)).isoformat())
    qtbot.keyClick(planner.day, Qt.Key.Key_Return)
    wait_ops(qtbot)
    due = [planner.due.item(i) for i in range(planner.due.count())]
    assert [i.data(Qt.ItemDataRole.UserRole) for i in due] == [baby] and "Parisa" in due[0].text()
    assert "Children due for vaccination: 1 (" in planner.due_summary.text()
    qtbot.mouseClick(planner.findChild(QPushButton, "addDueChildren"), Qt.MouseButton.LeftButton)
    lines = [planner.patients.item(i) for i in range(planner.patients.count())]
    assert [i.data(Qt.ItemDataRole.UserRole) for i in lines] == [baby] and "vaccination due" in lines[0].text()
    planner.staff.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(planner.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert planner.status.text() == "Plan saved."
    from app.services.immunisation import NOT_SEEN

    view = main.open_form("due", {})
    wait_ops(qtbot)
    view.facility.setCurrentIndex(view.facility.findData(NOT_SEEN))
    qtbot.mouseClick(view.findChild(QPushButton, "showDue"), Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert [view.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(view.table.rowCount())] == [unseen]
