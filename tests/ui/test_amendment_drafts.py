"""An amendment of a saved visit under way is kept as a draft like a new form's typing (issue 14): across a user
switch, a quit and a language switch, sealed, offered back only to the person who typed it, gone once the amendment
is saved or the draft discarded. The app runs on the demo site's real (encrypted) SQLite file."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select
from ui_helpers import (
    CTRL,
    Driver,
    press,
    reopen_first_visit,
    saved_visit,
    type_here,
    type_text,
    wait_focus,
    wait_ops,
)

from app.models import AuditEntry, Visit

REASON = "جواب آزمایش سریع آمد"


def _amend_by_keys(qtbot, main, chart):  # type: ignore[no-untyped-def]
    """The chart's visit reopened with Enter, Amend (Space), a complaint changed and a Persian reason, all by keys."""
    visit = reopen_first_visit(qtbot, main, chart)
    press(qtbot, Qt.Key.Key_Space)  # Amend
    wait_focus(qtbot, visit.complaint)
    press(qtbot, Qt.Key.Key_End, CTRL)
    type_here(" and fever")
    type_text(visit.reason, REASON)
    return visit


def _closed_to_chart(qtbot, main, chart):  # type: ignore[no-untyped-def]
    press(qtbot, Qt.Key.Key_W, CTRL)
    qtbot.waitUntil(lambda: main.tabs.currentWidget() is chart)
    qtbot.waitUntil(lambda: chart.visits.rowCount() >= 1, timeout=10000)


def _restored_from_banner(qtbot, main, visit_id: str):  # type: ignore[no-untyped-def]
    """The search tab offers the kept amendment; opening it and pressing Restore brings the typing back."""
    assert main.search.drafts_banner.isVisible()
    button = main.search.drafts_banner.findChild(QPushButton, f"draft_visit-saved-{visit_id}")
    assert button is not None and "Amending" in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    form = main.tabs.currentWidget()
    assert form.objectName() == "visitForm" and form.visit_id == visit_id
    assert form.draft_banner.isVisible()
    qtbot.mouseClick(form.draft_banner.findChild(QPushButton, "restoreDraft"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.amending, timeout=10000)  # once the saved visit has loaded
    return form


def test_switching_user_keeps_an_amendment_for_its_author_only(qtbot, driver, demo_dir):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    author = main.ctx.user_id
    chart, visit = saved_visit(qtbot, main)
    visit_id = visit.visit_id
    _closed_to_chart(qtbot, main, chart)
    _amend_by_keys(qtbot, main, chart)

    driver.ctl.switch_user()
    qtbot.waitUntil(lambda: driver.ctl.signin is not None and driver.ctl.main is None)
    draft = demo_dir / "drafts" / author / f"visit-saved-{visit_id}.draft"
    assert draft.exists()
    raw = draft.read_bytes()  # sealed: nothing typed is readable in the file
    assert b"fever" not in raw and REASON.encode() not in raw and b"amending" not in raw

    # Another clinician sees neither the draft nor the typing on the same visit.
    other = driver.sign_in("a.noori", lang="en")
    assert other.ctx.user_id != author and not other.search.drafts_banner.isVisible()
    theirs = other.open_form("visit", {"patient_id": visit.args["patient_id"], "visit_id": visit_id})
    qtbot.waitUntil(lambda: theirs.saved_visit is not None, timeout=10000)
    assert not theirs.draft_banner.isVisible() and not theirs.amending
    assert theirs.complaint.toPlainText() == "Cough"
    driver.ctl.switch_user()

    main = driver.sign_in("m.shahraki", lang="en")
    form = _restored_from_banner(qtbot, main, visit_id)
    assert form.complaint.toPlainText() == "Cough and fever" and form.reason.text() == REASON
    assert form.save_button.isVisible() and form.complaint.isEnabled()

    # Saved: the new version with the reason, and the draft is gone (it held patient data).
    form.complaint.setFocus()
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not form.amending and form.saved_visit.version > 1, timeout=10000)
    wait_ops(qtbot)
    assert not draft.exists()
    with main.ctx.store.read() as s:
        stored = s.get(Visit, visit_id)
        assert stored.complaint == "Cough and fever" and stored.correction_reason == REASON
        assert "changed" in s.scalars(select(AuditEntry.action).where(AuditEntry.record_id == visit_id)).all()
    main.search.refresh_drafts()
    assert not main.search.drafts_banner.isVisible()


def test_quit_and_reopen_keeps_an_amendment_until_discarded(qtbot, demo_dir):  # type: ignore[no-untyped-def]
    d = Driver(qtbot, demo_dir)
    try:
        main = d.sign_in("m.shahraki", lang="fa")
        author = main.ctx.user_id
        chart, visit = saved_visit(qtbot, main)
        visit_id = visit.visit_id
        _closed_to_chart(qtbot, main, chart)
        _amend_by_keys(qtbot, main, chart)
        d.ctl.shutdown()  # what quitting the app does (aboutToQuit)
    finally:
        d.close()
    draft = demo_dir / "drafts" / author / f"visit-saved-{visit_id}.draft"
    assert draft.exists()

    d = Driver(qtbot, demo_dir)
    try:
        main = d.sign_in("m.shahraki")  # her Persian comes back
        assert main.search.drafts_banner.isVisible()
        button = main.search.drafts_banner.findChild(QPushButton, f"draft_visit-saved-{visit_id}")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        form = main.tabs.currentWidget()
        qtbot.waitUntil(lambda: form.saved_visit is not None, timeout=10000)
        assert form.draft_banner.isVisible() and not form.amending
        qtbot.mouseClick(form.draft_banner.findChild(QPushButton, "discardDraft"), Qt.MouseButton.LeftButton)
        assert not draft.exists()  # discarded: the file is gone, the saved visit is shown as stored
        assert not form.amending and form.complaint.toPlainText() == "Cough" and not form.complaint.isEnabled()
        with main.ctx.store.read() as s:
            assert s.get(Visit, visit_id).version == 1
    finally:
        d.close()


def test_language_switch_keeps_an_amendment_under_way(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    chart, visit = saved_visit(qtbot, main)
    _closed_to_chart(qtbot, main, chart)
    _amend_by_keys(qtbot, main, chart)
    driver.ctl.change_language("fa")
    wait_ops(qtbot)
    form = driver.ctl.main.tabs.currentWidget()
    qtbot.waitUntil(lambda: form.amending, timeout=10000)
    assert form.complaint.toPlainText() == "Cough and fever" and form.reason.text() == REASON
