"""Never lose work: inactivity lock keeps the open form, switching user keeps drafts, drafts come back."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from ui_helpers import Driver, type_text, wait_ops


def test_lock_after_inactivity_keeps_the_form(qtbot, demo_dir):  # type: ignore[no-untyped-def]
    d = Driver(qtbot, demo_dir, lock_seconds=0.4)
    try:
        main = d.sign_in("m.shahraki")
        form = main.open_form("register", {})
        type_text(form.names["given_name_fa"], "مریم")
        from PySide6.QtWidgets import QMessageBox

        dialog = QMessageBox(QMessageBox.Icon.Information, "Patient", "Ahmad Karim", QMessageBox.StandardButton.Ok,
                             main)
        dialog.open()
        qtbot.waitUntil(main.is_locked, timeout=5000)
        assert main.stack.currentWidget() is main.lock_page
        assert not dialog.isVisible()  # nothing with patient data stays on top of the lock
        type_text(main.lock_page.password, "wrong-password")
        qtbot.keyClick(main.lock_page.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: main.lock_page.error.text() != "", timeout=10000)
        assert main.is_locked()
        type_text(main.lock_page.password, "sayyar-demo")
        qtbot.keyClick(main.lock_page.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not main.is_locked(), timeout=10000)
        assert main.tabs.currentWidget() is form and form.names["given_name_fa"].text() == "مریم"
        assert dialog.isVisible()
    finally:
        d.close()


def test_switch_user_keeps_drafts_and_offers_them_back(qtbot, driver, demo_dir):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki")
    user_id = main.ctx.user_id
    form = main.open_form("register", {})
    type_text(form.names["given_name_latin"], "Gul")
    type_text(form.names["father_name_fa"], "نادر")
    main.lock()
    qtbot.mouseClick(main.lock_page.findChild(QPushButton, "switchUserButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: driver.ctl.signin is not None and driver.ctl.main is None)
    draft = demo_dir / "drafts" / user_id / "register.draft"
    assert draft.exists()
    # Sealed under the database key (issue #12, hole 3): nothing typed is readable in the file, only this user
    # may open it, and it opens with the key.
    raw = draft.read_bytes()
    assert "نادر".encode() not in raw and b"Gul" not in raw and b"father_name" not in raw
    if os.name == "posix":
        assert draft.stat().st_mode & 0o077 == 0 and draft.parent.stat().st_mode & 0o077 == 0
    assert main.session.drafts.load("register").state["names"]["father_name_fa"] == "نادر"

    other = driver.sign_in("h.rigi")
    assert other.ctx.user_id != user_id and not other.search.drafts_banner.isVisible()
    other.controller.switch_user()
    main = driver.sign_in("m.shahraki")
    assert main.search.drafts_banner.isVisible()
    button = main.search.drafts_banner.findChild(QPushButton, "draft_register")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    form = main.tabs.currentWidget()
    assert form.draft_banner.isVisible()
    qtbot.mouseClick(form.draft_banner.findChild(QPushButton, "restoreDraft"), Qt.MouseButton.LeftButton)
    assert form.names["father_name_fa"].text() == "نادر" and form.names["given_name_latin"].text() == "Gul"

    # Discarding deletes the draft file: drafts may hold patient data.
    qtbot.mouseClick(form.draft_banner.findChild(QPushButton, "discardDraft"), Qt.MouseButton.LeftButton)
    assert not draft.exists()


def test_closed_tab_comes_back_as_a_draft_and_language_switch_keeps_typing(qtbot, driver, demo_dir):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    form = main.open_form("register", {})
    type_text(form.names["given_name_fa"], "زهرا")
    main.close_tab(main.tabs.indexOf(form))
    assert (demo_dir / "drafts" / main.ctx.user_id / "register.draft").exists()
    form = main.open_form("register", {})
    assert form.draft_banner.isVisible()
    form.restore_draft()
    type_text(form.names["given_name_latin"], "Zahra")

    driver.ctl.change_language("fa")
    wait_ops(qtbot)
    main = driver.ctl.main
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    form = main.tabs.currentWidget()
    assert form.objectName() == "registerForm"
    assert form.names["given_name_fa"].text() == "زهرا" and form.names["given_name_latin"].text() == "Zahra"


def test_wrong_password_shows_keystore_message_in_persian(qtbot, driver):  # type: ignore[no-untyped-def]
    ctl = driver.ctl
    ctl.signin.language.setCurrentIndex(ctl.signin.language.findData("fa"))
    window = ctl.signin
    type_text(window.username, "m.shahraki")
    type_text(window.password, "not-the-password")
    qtbot.keyClick(window.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.error.text() != "", timeout=10000)
    assert any("\u0600" <= ch <= "\u06ff" for ch in window.error.text())
    assert "Traceback" not in window.error.text()


def test_remembers_language_and_facility_per_user(qtbot, demo_dir):  # type: ignore[no-untyped-def]
    d = Driver(qtbot, demo_dir)
    try:
        main = d.sign_in("m.shahraki", lang="fa")
        facility = main.ctx.facility_id
        d.ctl.switch_user()
        d.ctl.signin.language.setCurrentIndex(d.ctl.signin.language.findData("en"))
        d.sign_in("h.rigi")
        d.ctl.switch_user()
        # m.shahraki does not touch the language box: her Persian comes back, and her facility.
        window = d.ctl.signin
        type_text(window.username, "m.shahraki")
        type_text(window.password, "sayyar-demo")
        qtbot.keyClick(window.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.ctl.signin.pages.currentIndex() == 1, timeout=15000)
        assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert d.ctl.signin.facility.currentData() == facility
    finally:
        d.close()
