"""The same day in Persian: right-to-left, Persian typed into fields, Solar Hijri dates, the slip printed."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from ui_helpers import type_text, wait_ops

from app.core.dates import format_date


def test_persian_register_visit_refer_print(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert main.isRightToLeft() and main.tabs.isRightToLeft()
    assert main.tabs.tabText(0) != "Patients"  # translated

    qtbot.mouseClick(main.search.findChild(QPushButton, "registerButton"), Qt.MouseButton.LeftButton)
    form = main.tabs.currentWidget()
    type_text(form.names["given_name_fa"], "احمد")
    type_text(form.names["father_name_fa"], "کریم")
    type_text(form.names["family_name_fa"], "رحیمی")
    assert form.names["given_name_fa"].text() == "احمد"
    form.sex.setCurrentIndex(form.sex.findData("male"))
    type_text(form.dob, "1369/05/10")  # Solar Hijri, as a Persian user types it
    form.household.setCurrentIndex(form.household.findData("new"))
    form.consent.setChecked(True)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: main.tabs.currentWidget().objectName() == "chartView", timeout=10000)
    chart = main.tabs.currentWidget()
    qtbot.waitUntil(lambda: chart.chart is not None, timeout=10000)
    assert "احمد" in chart.header.text()
    assert chart.chart.patient.date_of_birth == date(1990, 8, 1)

    # The same person typed again with Arabic yeh/kaf variants is caught as a duplicate.
    qtbot.mouseClick(main.search.findChild(QPushButton, "registerButton"), Qt.MouseButton.LeftButton)
    form = main.tabs.currentWidget()
    type_text(form.names["given_name_fa"], "احمد")
    type_text(form.names["father_name_fa"], "كريم")
    form.sex.setCurrentIndex(form.sex.findData("male"))
    type_text(form.birth_year, "1990")
    form.consent.setChecked(True)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(form, "duplicate_dialog", None) is not None, timeout=10000)
    dialog = form.duplicate_dialog
    assert dialog.isRightToLeft() and dialog.list.count() >= 1
    type_text(dialog.reason, "برادر دوقلو")
    qtbot.mouseClick(dialog.findChild(QPushButton, "registerAnyway"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: main.tabs.currentWidget().objectName() == "chartView"
                    and main.tabs.currentWidget() is not chart, timeout=10000)
    main.tabs.setCurrentWidget(chart)

    # Visit: diagnosis found by its Persian label; follow-up typed in Solar Hijri.
    qtbot.mouseClick(chart.visit_button, Qt.MouseButton.LeftButton)
    visit = main.tabs.currentWidget()
    type_text(visit.complaint, "تب و بثورات پوستی")
    type_text(visit.vitals.edits["temperature_c"], "۳۹٫۲")  # Persian digits and decimal separator
    assert not visit.vitals.notes["temperature_c"].isVisible()
    with qtbot.waitSignal(visit.diagnoses.suggestions_ready, timeout=5000):
        type_text(visit.diagnoses.search, "سرخک")
    assert visit.diagnoses.found[0]["code"].startswith("B05")
    visit.diagnoses.choose(0)
    assert visit.alarm.isVisible()
    follow = date.today() + timedelta(days=7)
    type_text(visit.follow_up, format_date(follow, lang="fa", calendar="jalali", digits="latin"))
    qtbot.mouseClick(visit.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(visit, "notifiable_dialog", None) is not None, timeout=10000)
    box = visit.notifiable_dialog
    assert box.icon() == QMessageBox.Icon.Critical and "B05" in box.text() and box.isRightToLeft()
    box.accept()

    qtbot.mouseClick(visit.refer_button, Qt.MouseButton.LeftButton)
    referral = main.tabs.currentWidget()
    qtbot.waitUntil(lambda: referral.facility.count() > 0, timeout=5000)
    type_text(referral.reason, "نیاز به بستری و ایزوله")
    # Persian typed into it lays out right to left (each paragraph follows its own first letter).
    assert referral.reason.document().firstBlock().textDirection() == Qt.LayoutDirection.RightToLeft
    qtbot.mouseClick(referral.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: referral.referral is not None, timeout=10000)
    qtbot.mouseClick(referral.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(referral, "last_preview", None) is not None, timeout=20000)
    assert referral.last_preview.page_count >= 1
    referral.last_preview.close()

    # Back on the chart: the visit with its Solar Hijri follow-up date, and the referral to reprint.
    main.tabs.setCurrentWidget(chart)
    chart.reload()
    wait_ops(qtbot)
    assert chart.visits.rowCount() == 1
    assert chart.visits.item(0, 3).text() == format_date(follow, lang="fa")
    assert chart.referrals.rowCount() == 1
    assert chart.reprint.isEnabled(), "reprint disabled"
    qtbot.mouseClick(chart.reprint, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(chart, "last_preview", None) is not None, timeout=20000)
    chart.last_preview.close()
