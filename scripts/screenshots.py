"""Screenshots of every main screen in English and Persian, offscreen, into docs/screenshots/ui-<screen>-<lang>.png.

Run:  .venv/bin/python scripts/screenshots.py [--only chart-cases,test-result,investigation,reclassify]  (only those files)
Uses a throw-away demo site; nothing real is touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
MAX_BYTES = 250_000


def wait(app, cond, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    from app.ui import ops

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if cond() and ops.idle():
            for _ in range(5):
                app.processEvents()
                time.sleep(0.02)
            return
        time.sleep(0.01)
    raise TimeoutError("screen did not settle")


def seed(folder: Path) -> None:
    """A few patients, a household, a visit with a notifiable disease, a referral and an enrolment."""
    from app.services.insurance import enrol_household
    from app.services.patients import register_patient
    from app.services.reference import list_facilities
    from app.services.referrals import refer_patient
    from app.services.site import DEMO_PASSWORD, sign_in
    from app.services.visits import record_visit

    site = sign_in(folder, "m.shahraki", DEMO_PASSWORD)
    ctx = site.ctx
    facilities = list_facilities(ctx, unit_id=ctx.unit_id)
    ctx.facility_id = facilities[1].id
    base = {"nationality": "afghan", "legal_status": "amayesh", "consent_date": date.today()}
    head = register_patient(ctx, {**base, "given_name_fa": "احمد", "given_name_latin": "Ahmad",
                                  "father_name_fa": "کریم", "father_name_latin": "Karim",
                                  "family_name_fa": "رحیمی", "family_name_latin": "Rahimi", "sex": "male",
                                  "birth_year": 1986, "phone": "09151234567", "new_household": True,
                                  "documents": [{"doc_type": "amayesh_card", "number": "AM-4471923",
                                                 "amayesh_cycle": "18"}]})
    wife = register_patient(ctx, {**base, "given_name_fa": "مریم", "given_name_latin": "Maryam",
                                  "father_name_fa": "نادر", "father_name_latin": "Nader", "sex": "female",
                                  "birth_year": 1990, "household_id": head.household_id,
                                  "relationship_to_head": "spouse"})
    child = register_patient(ctx, {**base, "given_name_fa": "زهرا", "given_name_latin": "Zahra",
                                   "father_name_fa": "احمد", "father_name_latin": "Ahmad", "sex": "female",
                                   "birth_year": 2020, "household_id": head.household_id,
                                   "relationship_to_head": "child", "legal_status": "undocumented"})
    for i, (g, f, sex) in enumerate([("Gul", "Nabi", "female"), ("Rahim", "Sadiq", "male"),
                                     ("Fatima", "Hassan", "female"), ("Nasrin", "Ali", "female")]):
        register_patient(ctx, {**base, "given_name_latin": g, "father_name_latin": f, "sex": sex,
                               "birth_year": 1970 + 9 * i})
    v = record_visit(ctx, {"patient_id": child.patient_id, "complaint": "Fever, rash and cough for 3 days",
                           "temperature_c": 39.2, "pulse": 118, "diagnoses": [{"code": "B05"}],
                           "follow_up_date": date.today() + timedelta(days=7)})
    hospital = next(f for f in list_facilities(ctx) if f.kind == "hospital")
    refer_patient(ctx, {"visit_id": v.visit_id, "to_facility_id": hospital.id, "department": "paediatrics",
                        "urgency": "urgent", "reason": "Suspected measles, dehydrated"})
    enrol_household(ctx, {"household_id": head.household_id, "head_patient_id": head.patient_id,
                          "member_ids": [head.patient_id, wife.patient_id, child.patient_id],
                          "category": "vulnerable", "payer": "iom", "voucher_number": "GC-100234",
                          "enrolment_date": date.today()})
    # Issue 16: a malaria visit per language (the English run confirms one case, the Persian run the other).
    for who in (head, wife):
        record_visit(ctx, {"patient_id": who.patient_id, "complaint": "Fever and chills every other day",
                           "temperature_c": 38.9, "diagnoses": [{"code": "B54"}]})
    site.store.close()
    return child.patient_id, head.patient_id, wife.patient_id


ONLY: set[str] = set()  # --only chart,result: write just these screens (the others are still driven)


def shoot(widget, name: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    if ONLY and name not in ONLY:
        return
    path = OUT / f"ui-{name}-{lang}.png"
    image = widget.grab().toImage()
    image.save(str(path), "PNG", 9)
    if path.stat().st_size > MAX_BYTES:  # keep the repository light: drop to 8-bit colour if needed
        from PySide6.QtGui import QImage

        image.convertToFormat(QImage.Format.Format_Indexed8).save(str(path), "PNG", 9)
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


def surveillance(app, main, lang: str, patient_id: str) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: the chart's cases, a test result that confirms malaria, the case investigation."""
    chart = main.open_chart(patient_id)
    panel = chart.cases_panel
    wait(app, lambda: chart.chart is not None and bool(panel.cases))
    panel.enter_result()
    dialog = panel.dialog
    wait(app, lambda: dialog.isVisible())
    dialog.subtype.setCurrentIndex(dialog.subtype.findData("falciparum"))
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("positive"))
    dialog.sample_date.set_value(date.today() - timedelta(days=3))
    dialog.save()
    wait(app, lambda: dialog.moved_banner.isVisible())
    dialog.test.setCurrentIndex(1)  # the blood film, back from the laboratory
    dialog.subtype.setCurrentIndex(dialog.subtype.findData("vivax"))
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("positive"))
    dialog.lab.setText("آزمایشگاه مرکز بهداشت زابل" if lang == "fa" else "Zabol health centre laboratory")
    dialog.sample_date.setText("1405/13/40" if lang == "fa" else "2026-13-40")
    dialog.save()  # a second result with an unreadable date: the error beside its field
    wait(app, lambda: True)
    dialog.adjustSize()
    shoot(dialog, "test-result", lang)
    dialog.reject()
    wait(app, lambda: panel.table.item(0, 2).text() != "")
    from PySide6.QtWidgets import QScrollArea

    chart.findChild(QScrollArea).ensureWidgetVisible(panel.investigate_button)
    wait(app, lambda: True)
    shoot(main, "chart-cases", lang)
    panel.investigate()
    form = panel.dialog
    wait(app, lambda: form.isVisible())
    form.travelled.setCurrentIndex(form.travelled.findData(True))
    place = form.places[0]
    place.country.setText("افغانستان" if lang == "fa" else "Afghanistan")
    place.province.setText("نیمروز" if lang == "fa" else "Nimruz")
    place.arrived.set_value(date.today() - timedelta(days=24))
    place.left.set_value(date.today() - timedelta(days=12))
    second = form.add_place()
    second.country.setText("Pakistan")
    form.origin.setCurrentIndex(form.origin.findData("imported"))
    form.contacts_tested.setText("3")
    form.contacts_positive.setText("5")
    form.save()
    wait(app, lambda: True)
    form.adjustSize()
    shoot(form, "investigation", lang)
    form.reject()
    panel.reclassify()  # Ctrl+Shift+K: the case's history, and a discard being typed
    again = panel.dialog
    wait(app, lambda: again.isVisible() and again.history.rowCount() >= 2)
    again.to.setCurrentIndex(again.to.findData("discarded"))
    again.reason.setText("نمونهٔ بیمار دیگری بود" if lang == "fa" else "laboratory mix-up: another patient's sample")
    again.adjustSize()
    wait(app, lambda: True)
    shoot(again, "reclassify", lang)
    again.reject()


def lookup(app, main, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The search found nothing: 'Look up at headquarters…' with a reason; this demo laptop is not enrolled, so the
    dialog says why nothing was sent."""
    search = main.search
    search.query.setText("TAY3-00017")
    wait(app, lambda: not search._debounce.isActive() and not search._inflight)
    search.lookup_button.click()
    wait(app, lambda: search.lookup_dialog is not None and search.lookup_dialog.isVisible())
    dialog = search.lookup_dialog
    dialog.reason.setText("به منطقهٔ ما آمده است؛ از تایباد" if lang == "fa" else "moved to our area from Taybad")
    dialog.look_up()
    wait(app, lambda: bool(dialog.error.text()))
    shoot(dialog, "lookup", lang)
    dialog.reject()
    search.query.clear()
    wait(app, lambda: not search._debounce.isActive() and not search._inflight)


def run(lang: str, folder: Path, child_id: str, head_id: str, malaria_id: str = "") -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.app import AppController
    from app.ui.main import make_app

    app = make_app()
    ctl = AppController(folder, lock_seconds=3600)
    ctl.start()
    s = ctl.signin
    s.language.setCurrentIndex(s.language.findData(lang))
    s = ctl.signin
    s.username.setText("m.shahraki")
    wait(app, lambda: True)
    shoot(s, "signin", lang)
    s.password.setText("sayyar-demo")
    s._submit()
    wait(app, lambda: ctl.signin.pages.currentIndex() == 1)
    shoot(ctl.signin, "facility", lang)
    ctl.signin.go.click()
    wait(app, lambda: ctl.main is not None)
    main = ctl.main
    wait(app, lambda: main.search.model.rowCount() > 0 and 0 in main.search.model.pages)
    shoot(main, "patients", lang)
    lookup(app, main, lang)

    form = main.open_form("register", {})
    form.names["given_name_fa"].setText("گل‌احمد")
    form.names["given_name_latin"].setText("Gul Ahmad")
    form.birth_year.setText("19x0")  # refused with the reason: a year, a month and year, or an age
    form.add_document({"doc_type": "passport", "number": ""})
    form.save()
    wait(app, lambda: True)
    shoot(main, "register", lang)
    main.close_tab(main.tabs.indexOf(form))
    ctl.session.drafts.delete(form.key)

    chart = main.open_chart(child_id)
    wait(app, lambda: chart.chart is not None)
    shoot(main, "chart", lang)

    chart.new_visit()  # as the chart's button does: the form knows the child's birth (no pregnancy question)
    visit = main.tabs.currentWidget()
    visit.complaint.setPlainText("Fever and rash" if lang == "en" else "تب و بثورات پوستی")
    visit.vitals.edits["temperature_c"].setText("39.4")
    visit.vitals.edits["pulse"].setText("1200")
    visit.vitals.edits["spo2"].setText("82")  # unusual but possible: a warning; saving asks to confirm it
    visit.extras.allergies.setText("Penicillin (rash)" if lang == "en" else "پنی‌سیلین (بثورات)")
    visit.diagnoses.search.setText("B05")
    visit.diagnoses._lookup()
    wait(app, lambda: bool(visit.diagnoses.found))
    visit.diagnoses.choose(0)
    visit.diagnoses.completer.popup().hide()
    visit.treatment.setPlainText("500 mg paracetamol" if lang == "en" else "پاراستامول 500 mg هر ۸ ساعت")
    visit.add_medicine(["500 mg paracetamol", "2 x 500 mg", "20", "09:30"])
    visit.add_medicine(["ORS" if lang == "en" else "او.آر.اس", "1 sachet" if lang == "en" else "یک بسته", "5"])
    wait(app, lambda: True)
    shoot(main, "visit", lang)
    visit.autosaver.discard()

    main.open_form("referral", {"visit_id": "x", "patient_id": child_id, "patient_label": "Zahra"})
    ref = main.tabs.currentWidget()
    wait(app, lambda: ref.facility.count() > 0)
    ref.reason.setPlainText("Suspected measles" if lang == "en" else "سرخک مشکوک، کم‌آبی")
    wait(app, lambda: True)
    shoot(main, "referral", lang)
    ref.autosaver.discard()
    from app.ui.referrals.feedback import FeedbackDialog

    feedback = FeedbackDialog(ref.ctx, "not-saved", "ZAH1R-00001-8", main)
    feedback.advice.setPlainText("Return in two weeks" if lang == "en" else "دو هفتهٔ دیگر مراجعه کند")
    feedback.show()
    wait(app, lambda: True)
    shoot(feedback, "feedback", lang)
    feedback.reject()

    main.open_chart(head_id)
    head_chart = main.tabs.currentWidget()
    wait(app, lambda: head_chart.chart is not None)
    head_chart.enrol()
    enrol = main.tabs.currentWidget()
    wait(app, lambda: enrol.members.count() > 0)
    shoot(main, "insurance", lang)
    enrol.autosaver.discard()

    if malaria_id:
        surveillance(app, main, lang, malaria_id)

    main.lock()
    wait(app, lambda: True)
    shoot(main, "lock", lang)
    ctl.idle.arm(False)
    ctl.switch_user()
    s = ctl.signin
    s.language.setCurrentIndex(s.language.findData("en" if lang == "fa" else "fa"))
    s = ctl.signin
    s.language.setCurrentIndex(s.language.findData(lang))  # chosen on this screen: wins over his saved language
    s = ctl.signin
    s.username.setText("h.rigi")
    s.password.setText("sayyar-demo")
    s._submit()
    wait(app, lambda: ctl.signin.pages.currentIndex() == 1)
    ctl.signin.go.click()
    wait(app, lambda: ctl.main is not None)
    main = ctl.main
    planner = main.open_form("roster", {})
    wait(app, lambda: planner.facility.count() > 0)
    planner.facility.setCurrentIndex(1)  # where the seeded follow-up is due
    planner.day.set_value(date.today() + timedelta(days=7))
    planner.load()
    wait(app, lambda: True)
    if planner.staff.count():
        from PySide6.QtCore import Qt

        planner.staff.item(0).setCheckState(Qt.CheckState.Checked)
    shoot(main, "roster", lang)
    planner.autosaver.discard()
    summary = main.open_form("summary", {})
    wait(app, lambda: hasattr(summary, "summary"))
    shoot(main, "summary", lang)
    sync = main.open_form("sync", {})
    wait(app, lambda: sync.status is not None)
    shoot(main, "sync", lang)

    main.closing_for_switch = True
    main.close()

    from app.ui.ops import pool

    pool().waitForDone()
    QApplication.instance().removeEventFilter(ctl.idle)
    ctl.store.close()


def first_run(lang: str, folder: Path) -> None:
    """The first-run screen on an empty laptop: set up from headquarters' file, and restoring a backup."""
    import json

    from PySide6.QtWidgets import QApplication

    from app.ui import i18n
    from app.ui.app import AppController
    from app.ui.main import make_app

    app = make_app()
    i18n.set_language(lang)
    config = folder / "tay7.config.json"
    config.write_text(json.dumps({"format": "sayyar-laptop-config", "protocol": 2, "unit_code": "MHU-TAY",
                                  "device_code": "TAY7", "server_url": "https://sync.example.org",
                                  "hq_box_public": "A" * 43 + "=", "hq_sign_public": "A" * 43 + "="}))
    from app.ui import prefs

    empty = folder / f"empty-{lang}"
    empty.mkdir(exist_ok=True)
    chosen = prefs.load(empty)
    chosen.last_lang = lang  # the first-run screen speaks the language the laptop was last used in
    prefs.save(empty, chosen)
    ctl = AppController(empty, lock_seconds=3600)
    ctl.start()
    window = ctl.first_run
    window.show_file_page()
    window.file_path.setText(str(folder / "notes.txt"))
    (folder / "notes.txt").write_text("not a configuration")
    window._open_file()
    wait(app, lambda: bool(window.file_error.text()))
    shoot(window, "first-run-file", lang)
    window.file_path.setText(str(config))
    window._open_file()
    wait(app, lambda: window.pages.currentIndex() == 0)
    window.full_name.setText("Reza Akbari" if lang == "en" else "رضا اکبری")
    shoot(window, "first-run-config", lang)
    window.use_file(type("Found", (), {"kind": "backup", "path": folder / "zah2.sayyarbackup",
                                       "manifest": {"device_code": "ZAH2", "made_at": "2026-11-30T16:05:00"}})())
    wait(app, lambda: window.pages.currentIndex() == 3)
    window.restore_user.setText("zah2.admin")
    shoot(window, "first-run-restore", lang)
    window.close()
    QApplication.instance().removeEventFilter(ctl.idle)


def main() -> int:
    if "--only" in sys.argv:
        ONLY.update(sys.argv[sys.argv.index("--only") + 1].split(","))
    from app.services.site import create_demo_site
    from app.ui import i18n

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        create_demo_site(folder)
        child_id, head_id, wife_id = seed(folder)
        for lang in ("en", "fa"):
            first_run(lang, Path(tmp))
            i18n.set_language("en")
            run(lang, folder, child_id, head_id, head_id if lang == "en" else wife_id)
            i18n.set_language("en")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
