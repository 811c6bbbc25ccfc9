"""Enrolling a household: members checklist, IOM voucher required, 12 months by default; the chart shows cover."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from ui_helpers import type_text, wait_ops

from app.services.insurance import add_months
from app.services.patients import register_patient
from app.services.site import DEMO_PASSWORD, sign_in


def _household(folder):  # type: ignore[no-untyped-def]
    site = sign_in(folder, "m.shahraki", DEMO_PASSWORD)
    try:
        base = {"nationality": "afghan", "legal_status": "amayesh", "consent_date": date.today()}
        head = register_patient(site.ctx, {**base, "given_name_latin": "Karim", "father_name_latin": "Nabi",
                                           "sex": "male", "birth_year": 1980, "new_household": True})
        register_patient(site.ctx, {**base, "given_name_latin": "Laila", "father_name_latin": "Aziz", "sex": "female",
                                    "birth_year": 1984, "household_id": head.household_id,
                                    "relationship_to_head": "spouse"})
        return head.patient_id
    finally:
        site.store.close()


def test_enrol_household_from_the_chart(qtbot, driver, demo_dir):  # type: ignore[no-untyped-def]
    head = _household(demo_dir)
    main = driver.sign_in("m.shahraki", lang="en")
    chart = main.open_chart(head)
    qtbot.waitUntil(lambda: chart.chart is not None, timeout=5000)
    assert chart.cover.text() == "Not covered"
    qtbot.mouseClick(chart.enrol_button, Qt.MouseButton.LeftButton)
    form = main.tabs.currentWidget()
    assert form.objectName() == "enrolForm"
    qtbot.waitUntil(lambda: form.members.count() == 2, timeout=5000)
    assert form.end.value() == add_months(date.today(), 12) - timedelta(days=1)
    form.payer.setCurrentIndex(form.payer.findData("iom"))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.errors._bound["voucher_number"][1].isVisible(), timeout=5000)
    type_text(form.voucher, "GC-2026-0042")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: main.tabs.currentWidget() is not form and main.tabs.count() == 2, timeout=5000)
    wait_ops(qtbot)
    assert "covered until" in chart.cover.text()
