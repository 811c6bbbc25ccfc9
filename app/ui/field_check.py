"""The field check: a person's first hour with a new build, played on the real screens with real key presses and
mouse clicks, to prove that a built app works as shipped (tests/release/test_built_app.py runs it on the built
folder). Started by ``SAYYAR_FIELD_CHECK=<output folder>`` on a data folder that holds a demo site; the signed-in
users' password comes from ``SAYYAR_PASSWORD``. Nothing is bypassed: it signs in through the sign-in window,
registers a patient in the registration form, records a visit, refers the patient, prints the referral slip and,
as the coordinator, plans and prints a day roster; both PDFs are saved through the preview's own "Save as PDF"
dialog into the output folder. ``field-check.json`` there says which steps passed; the app exits 0 when all did.

Never use it on a real site's data folder: it writes a test patient (it refuses a folder without the demo users).
"""

from __future__ import annotations

import json
import logging
import random
import string
import time
from collections.abc import Callable, Generator
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QPushButton, QWidget

log = logging.getLogger("sayyar.ui.field_check")

TICK_MS = 40
FAILED_EXIT = 4


class Wait:
    def __init__(self, what: str, condition: Callable[[], Any], seconds: float = 60.0) -> None:
        self.what, self.condition, self.deadline = what, condition, time.monotonic() + seconds


Script = Generator[Wait, None, None]


def type_text(widget: QWidget, text: str) -> None:
    """Key presses with text, as a keyboard sends them (Persian too)."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def click(widget: QWidget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def key(widget: QWidget, k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, k, modifier)


class FieldCheck(QObject):
    def __init__(self, controller: Any, out: Path, password: str) -> None:
        super().__init__(controller)
        self.ctl, self.out, self.password = controller, out, password
        self.steps: list[str] = []
        self.waiting: Wait | None = None
        self.script = self._script()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        self.timer.start(TICK_MS)

    # --- the runner: a generator of waits, resumed when each condition holds -------------------------------------
    def _tick(self) -> None:
        try:
            if self.waiting is not None:
                if not self.waiting.condition():
                    if time.monotonic() > self.waiting.deadline:
                        raise TimeoutError(f"gave up waiting: {self.waiting.what}")
                    return
                self.steps.append(self.waiting.what)
            self.waiting = next(self.script)
        except StopIteration:
            self._finish(None)
        except Exception as err:  # noqa: BLE001 - any failure ends the check with its step named
            self._finish(err)

    def _finish(self, err: BaseException | None) -> None:
        self.timer.stop()
        report = {"ok": err is None, "steps": self.steps,
                  "failed_at": None if err is None else (self.waiting.what if self.waiting else "start"),
                  "error": None if err is None else f"{type(err).__name__}: {err}"}
        (self.out / "field-check.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        if err is not None:
            log.error("field check failed at %s", report["failed_at"], exc_info=err)
        print(f"field-check: {'PASS' if err is None else 'FAIL'} ({len(self.steps)} steps)", flush=True)
        QTimer.singleShot(0, lambda: QApplication.exit(0 if err is None else FAILED_EXIT))

    # --- what a person does ----------------------------------------------------------------------------------------
    def _sign_in(self, username: str) -> Script:
        yield Wait("sign-in window shown", lambda: self.ctl.signin is not None and self.ctl.signin.isVisible())
        window = self.ctl.signin
        window.username.clear()
        type_text(window.username, username)
        type_text(window.password, self.password)
        key(window.password, Qt.Key.Key_Return)
        yield Wait(f"{username} signed in (facility page)", lambda: self._facility_page_shown(), seconds=90)
        window = self.ctl.signin  # a switch to the person's own language replaces the window
        click(window.go)
        yield Wait(f"{username}'s main window open", lambda: self.ctl.main is not None and self.ctl.main.isVisible())
        self.ctl.main.activateWindow()  # keyboard shortcuts go to the active window, as on a desktop
        yield Wait(f"{username}'s main window active", lambda: QApplication.activeWindow() is self.ctl.main)

    def _facility_page_shown(self) -> bool:
        window = self.ctl.signin
        if window is None:
            return False
        if window.error.text():  # a refused sign-in says why at once, not as a timeout
            raise RuntimeError(f"sign-in refused: {window.error.text()}")
        return bool(window.pages.currentIndex() == 1)

    def _save_preview(self, holder: QWidget, name: str) -> Script:
        yield Wait(f"{name}: preview shown", lambda: getattr(holder, "last_preview", None) is not None
                   and holder.last_preview.isVisible(), seconds=60)
        preview = holder.last_preview
        assert preview.page_count >= 1
        target = self.out / f"{name}.pdf"
        QTimer.singleShot(0, lambda: click(preview.save_button))  # the save dialog runs its own event loop
        yield Wait(f"{name}: save dialog open", lambda: isinstance(QApplication.activeModalWidget(), QFileDialog))
        dialog = QApplication.activeModalWidget()
        name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
        # Pasted rather than typed: the dialog's completer would offer the slip saved a moment ago for "r…".
        name_edit.setText(str(target))
        key(name_edit, Qt.Key.Key_Return)
        yield Wait(f"{name}: saved as PDF", lambda: target.exists() and target.stat().st_size > 1000)
        click(preview.close_button)
        holder.last_preview = None

    def _script(self) -> Script:
        yield from self._sign_in("m.shahraki")
        main = self.ctl.main

        click(main.search.findChild(QPushButton, "registerButton"))
        yield Wait("registration form open", lambda: main.tabs.currentWidget().objectName() == "registerForm")
        form = main.tabs.currentWidget()
        # A new name each run, so a second check on the same demo site is not a duplicate of the first.
        type_text(form.names["given_name_latin"], "Field" + "".join(random.choices(string.ascii_lowercase, k=6)))
        type_text(form.names["father_name_latin"], "Check")
        form.sex.setCurrentIndex(form.sex.findData("female"))
        type_text(form.birth_year, "1994")
        form.consent.setChecked(True)
        click(form.save_button)
        yield Wait("patient registered, chart open", lambda: main.tabs.currentWidget().objectName() == "chartView"
                   and main.tabs.currentWidget().chart is not None)
        chart = main.tabs.currentWidget()

        click(chart.visit_button)
        yield Wait("visit form open", lambda: main.tabs.currentWidget().objectName() == "visitForm")
        visit = main.tabs.currentWidget()
        type_text(visit.complaint, "Cough for two weeks")
        main.activateWindow()
        key(main, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        yield Wait("visit recorded", lambda: getattr(visit, "result", None) is not None)

        click(visit.refer_button)
        yield Wait("referral form open", lambda: main.tabs.currentWidget().objectName() == "referralForm"
                   and main.tabs.currentWidget().facility.count() > 0)
        referral = main.tabs.currentWidget()
        type_text(referral.reason, "Chest X-ray and sputum test")
        click(referral.save_button)
        yield Wait("referral saved", lambda: referral.referral is not None and referral.print_button.isEnabled())
        click(referral.print_button)
        yield from self._save_preview(referral, "referral-slip")

        self.ctl.switch_user()
        yield from self._sign_in("h.rigi")
        main = self.ctl.main
        key(main, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        yield Wait("roster planner open", lambda: main.tabs.currentWidget().objectName() == "rosterPlanner"
                   and main.tabs.currentWidget().facility.count() > 0)
        planner = main.tabs.currentWidget()
        planner.day.clear()
        type_text(planner.day, date.today().isoformat())
        key(planner.day, Qt.Key.Key_Return)
        click(planner.save_button)
        yield Wait("roster saved", lambda: bool(planner.status.text()))
        click(planner.print_button)
        yield from self._save_preview(planner, "roster")


def start_field_check(controller: Any, out: Path, password: str) -> FieldCheck:
    from app.config import keystore_path

    path = keystore_path(controller.data_dir)
    users = {u.get("username") for u in json.loads(path.read_text(encoding="utf-8"))["users"]} if path.exists() else set()
    if not {"m.shahraki", "h.rigi"} <= users:
        raise SystemExit("the field check runs only on a demo site (sayyar demo --no-app)")
    check = FieldCheck(controller, out, password)
    check.start()
    return check
