"""Doses recorded from the chart in English and in Persian (issue 18), typed with real key events; the panel shows
what to give today and follows each dose. Screenshots go to $SAYYAR_SHOTS when set (to look at them)."""

from __future__ import annotations

import os
from datetime import date, timedelta

from PySide6.QtCore import Qt
from ui_helpers import type_text, wait_ops

from app.services.patients import register_patient


def _child(main, born: date, given_fa: str, given_latin: str) -> str:
    ctx = main.session.ctx
    return register_patient(ctx, {"given_name_fa": given_fa, "given_name_latin": given_latin,
                                  "father_name_fa": "رحیم", "father_name_latin": "Rahim", "sex": "female",
                                  "date_of_birth": born.isoformat(), "birth_year": born.year,
                                  "nationality": "afghan", "legal_status": "amayesh",
                                  "consent_date": date.today().isoformat()}, override_reason="test").patient_id


def _shot(widget, name: str) -> None:
    folder = os.environ.get("SAYYAR_SHOTS")
    if folder:
        widget.grab().save(os.path.join(folder, f"{name}.png"))


def _open(qtbot, main, pid):
    chart = main.open_chart(pid)
    qtbot.waitUntil(lambda: chart.chart is not None and chart.immunisation.view is not None, timeout=15000)
    return chart.immunisation


def test_record_doses_from_the_chart_in_english(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    pid = _child(main, date.today() - timedelta(days=70), "مریم", "Maryam")
    panel = _open(qtbot, main, pid)
    assert "Pentavalent" in panel.today.text() and "BCG" in panel.today.text()
    qtbot.mouseClick(panel.record, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog.vaccine.currentData() == "penta"  # the first thing to give today is offered
    dialog.vaccine.setCurrentIndex(dialog.vaccine.findData("penta"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # no batch, no expiry: told which field
    wait_ops(qtbot)
    assert dialog.isVisible() and "Batch number" in dialog.rows["batch"].findChildren(type(dialog.general))[0].text()
    type_text(dialog.batch, "PX-2291")
    type_text(dialog.expiry, (date.today() + timedelta(days=90)).isoformat())
    _shot(dialog, "dose-dialog-en")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: panel.doses.rowCount() == 1, timeout=10000)
    assert "Pentavalent" not in panel.today.text()
    assert panel.doses.item(0, 4).text() == "PX-2291"
    _shot(main, "chart-vaccinations-en")


def test_record_a_card_dose_in_persian(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    pid = _child(main, date.today() - timedelta(days=400), "زهرا", "Zahra")
    panel = _open(qtbot, main, pid)
    assert panel.isRightToLeft() and "ام‌ام‌آر" in panel.today.text()
    qtbot.mouseClick(panel.record, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    dialog.vaccine.setCurrentIndex(dialog.vaccine.findData("bcg"))
    dialog.source.setCurrentIndex(dialog.source.findData("card"))
    dialog.given_on.clear()
    from app.core.dates import format_date

    born = date.today() - timedelta(days=399)
    type_text(dialog.given_on, format_date(born, lang="fa", calendar="jalali", digits="latin"))  # Solar Hijri
    type_text(dialog.country, "افغانستان")
    assert dialog.country.text() == "افغانستان"
    _shot(dialog, "dose-dialog-fa")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: panel.doses.rowCount() == 1, timeout=10000)
    view = panel.view
    assert [(d.vaccine, d.given_on, d.source, d.country) for d in view.doses] == [("bcg", born, "card", "افغانستان")]
    assert "ب‌ث‌ژ" not in panel.today.text()
    _shot(main, "chart-vaccinations-fa")


def test_campaign_tally_two_or_three_keys_per_child(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    view = main.open_form("campaign", {})
    type_text(view.new_code, "polio-dgh-r1")
    type_text(view.new_name, "فلج اطفال، دوغارون")
    qtbot.mouseClick(view.findChild(type(view.print_button), "startCampaign"), Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: view.campaign.count() == 1, timeout=10000)
    keys = view.keys
    for typed in ("2ز", "2م", "1f", "ر2م", "ص1ز", "۲ز"):  # Persian keyboard, English keys, Persian digits
        type_text(keys, typed)
        wait_ops(qtbot)
    # The round is for children under five (0 to 59 months): a child of 5-14 years is not counted, and the screen
    # says why in Persian.
    type_text(keys, "3ز")
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: "۵۹" in view.error.text(), timeout=10000)
    assert "۵ تا ۱۴ ساله" in view.error.text()
    qtbot.keyClick(keys, Qt.Key.Key_Backspace)  # the last child was a mistake
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: view.report is not None and view.report.by_outcome.get("vaccinated") == 4, timeout=10000)
    r = view.report
    assert r.cells[("12-59m", "female", "vaccinated")] == 1 and r.cells[("12-59m", "male", "vaccinated")] == 1
    assert r.by_outcome["refused"] == 1 and r.zero_dose == 1
    assert not any(band == "5-14y" for band, _, _ in r.cells)
    assert view.table.item(0, 0).text() == "۲"  # 0–11 months, girls: one zero-dose girl and one typed in English
    _shot(main, "campaign-tally-fa")


def test_adverse_event_recorded_from_the_chart(qtbot, driver):  # type: ignore[no-untyped-def]
    """An adverse event following immunisation, from the chart's vaccination panel: linked to the dose it followed,
    an onset before the dose refused beside its field, saved, and listed for the child (Persian screen)."""
    from app.models import AdverseEvent
    from app.services.immunisation import record_dose

    main = driver.sign_in("m.shahraki", lang="fa")
    pid = _child(main, date.today() - timedelta(days=70), "مریم", "Maryam")
    given = date.today() - timedelta(days=2)
    dose = record_dose(main.session.ctx, {"patient_id": pid, "vaccine": "penta", "given_on": given.isoformat(),
                                          "batch": "PX-1", "expiry": (date.today() + timedelta(days=90)).isoformat(),
                                          "site": "left_thigh"}).dose_id
    panel = _open(qtbot, main, pid)
    qtbot.waitUntil(lambda: panel.doses.rowCount() == 1, timeout=10000)
    qtbot.mouseClick(panel.aefi, Qt.MouseButton.LeftButton)
    dialog = panel.aefi_dialog
    qtbot.waitUntil(lambda: dialog.dose.count() == 2, timeout=10000)  # the dose, and "not a recorded dose"
    assert dialog.dose.currentData() == dose and dialog.vaccine.currentData() == "penta"
    from app.core.dates import format_date

    def solar(d: date) -> str:
        return format_date(d, lang="fa", calendar="jalali", digits="latin")

    dialog.onset.clear()
    type_text(dialog.onset, solar(given - timedelta(days=1)))
    type_text(dialog.reaction, "تب بالا و تورم محل تزریق")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.isVisible() and "پیش از تاریخ تزریق" in dialog.field_error("onset_date")
    dialog.onset.clear()
    type_text(dialog.onset, solar(date.today()))
    qtbot.keyClick(dialog.serious, Qt.Key.Key_Space)
    _shot(dialog, "aefi-dialog-fa")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    with main.session.store.read() as s:
        events = s.query(AdverseEvent).filter(AdverseEvent.patient_id == pid).all()
    assert [(e.dose_id, e.vaccine, e.serious, e.onset_date) for e in events] == [(dose, "penta", True, date.today())]
    qtbot.waitUntil(lambda: "۱" in panel.aefi_summary.text(), timeout=10000)
    qtbot.mouseClick(panel.aefi, Qt.MouseButton.LeftButton)
    again = panel.aefi_dialog
    qtbot.waitUntil(lambda: again.earlier.rowCount() == 1, timeout=10000)
    assert "تب بالا" in again.earlier.item(0, 2).text()
    again.reject()


def test_signing_in_brings_the_due_table_to_today(qtbot, driver, demo_dir):  # type: ignore[no-untyped-def]
    """A laptop whose due table was last computed weeks ago (the birth doses' last days have passed): signing in
    brings it to today, so the due list shows the doses that follow."""
    from app.models import ImmunisationDue
    from app.services.site import DEMO_PASSWORD, sign_in
    from app.store.immunisation_due import refresh_due

    site = sign_in(demo_dir, "m.shahraki", DEMO_PASSWORD)
    born = date.today() - timedelta(days=60)
    try:
        from app.services.patients import register_patient

        pid = register_patient(site.ctx, {"given_name_latin": "Nilofar", "father_name_latin": "Aziz", "sex": "female", "date_of_birth": born,
                                          "nationality": "afghan", "legal_status": "amayesh",
                                          "consent_date": date.today()}, override_reason="test").patient_id
        with site.store.write(None) as s:
            refresh_due(s.connection(), [pid], today=born)  # as it stood on the day she was born
    finally:
        site.store.close()
    main = driver.sign_in("m.shahraki", lang="en")
    wait_ops(qtbot)

    def hepb() -> int:
        with main.session.store.read() as s:
            return s.get(ImmunisationDue, (pid, "hepb")).slot  # type: ignore[union-attr]

    qtbot.waitUntil(lambda: hepb() == 2, timeout=10000)


def test_a_dose_given_in_a_running_campaign_round_is_recorded_for_the_round(qtbot, driver):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from app.models.immunisation import ImmunisationDose as Dose
    from app.services.campaigns import start_campaign

    main = driver.sign_in("m.shahraki", lang="en")
    ctx = main.session.ctx
    today = date.today()
    cid = start_campaign(ctx, {"code": "polio-r2", "name": "Polio round 2", "vaccine": "bopv",
                               "start_date": (today - timedelta(days=1)).isoformat(),
                               "end_date": (today + timedelta(days=3)).isoformat()})
    start_campaign(ctx, {"code": "mr-next", "name": "MR next week", "vaccine": "bopv",  # not running yet
                         "start_date": (today + timedelta(days=7)).isoformat(),
                         "end_date": (today + timedelta(days=9)).isoformat()})
    pid = _child(main, today - timedelta(days=400), "سارا", "Sara")
    panel = _open(qtbot, main, pid)
    qtbot.mouseClick(panel.record, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    dialog.vaccine.setCurrentIndex(dialog.vaccine.findData("penta"))
    wait_ops(qtbot)
    assert dialog.campaign.count() == 1 and not dialog.rows["campaign_id"].isEnabled()  # no penta round
    dialog.vaccine.setCurrentIndex(dialog.vaccine.findData("bopv"))
    assert [dialog.campaign.itemData(i) for i in range(dialog.campaign.count())] == [None, cid]
    assert dialog.rows["campaign_id"].isEnabled() and "Polio round 2" in dialog.campaign.itemText(1)
    dialog.campaign.setCurrentIndex(1)
    type_text(dialog.batch, "OP-7731")
    type_text(dialog.expiry, (today + timedelta(days=90)).isoformat())
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    with ctx.store.read() as s:
        dose = s.scalars(select(Dose).where(Dose.patient_id == pid)).one()
    assert (dose.vaccine, dose.campaign_id) == ("bopv", cid)
