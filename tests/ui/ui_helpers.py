"""Helpers for driving the app as a person would: typing (Persian too), waiting for work, signing in."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.services.patients import register_patient
from app.services.site import DEMO_PASSWORD
from app.ui.ops import pool

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, Persian included, as key events (qtbot.keyClicks aborts on non-ASCII text)."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def type_here(text: str) -> None:
    """Type into whatever has the keyboard focus, as a person does (no setFocus first)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            target = QApplication.focusWidget()
            assert target is not None, "the keystroke would be lost: nothing has the focus"
            QApplication.sendEvent(target, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def press(qtbot, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """One key (Tab, Enter, Ctrl+S...) where a keyboard sends it: an open popup (a completer's list), else the
    focused widget; through the shortcut map like a real keyboard."""
    target = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert target is not None, "the keystroke would be lost: nothing has the focus"
    qtbot.keyClick(target, key, modifiers)


def wait_focus(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Wait until ``widget`` has the keyboard focus, as a person waits to see the cursor there."""
    def there() -> bool:
        if QApplication.activeWindow() is None:
            # A progress dialog came and went (a loaded machine): a desktop gives the window back its activation,
            # the offscreen test platform does not.
            widget.window().activateWindow()
        return QApplication.focusWidget() is widget

    qtbot.waitUntil(there, timeout=5000)


def wait_ops(qtbot, timeout: int = 10000) -> None:  # type: ignore[no-untyped-def]
    from app.ui import ops

    qtbot.waitUntil(ops.idle, timeout=timeout)


def register_karim(main) -> str:  # type: ignore[no-untyped-def]
    reg = register_patient(main.ctx, {"given_name_latin": "Karim", "father_name_latin": "Nader", "sex": "male",
                                      "birth_year": 1990, "nationality": "afghan", "legal_status": "amayesh",
                                      "consent_date": date.today().isoformat()})
    return reg.patient_id


def chart_ready(qtbot, main, patient_id: str):  # type: ignore[no-untyped-def]
    """A patient's chart, opened and ready, the cursor on "New visit"."""
    chart = main.open_chart(patient_id)
    qtbot.waitUntil(lambda: chart.chart is not None and chart.visit_button.isEnabled(), timeout=10000)
    wait_focus(qtbot, chart.visit_button)
    return chart


def chart_of_new_patient(qtbot, main):  # type: ignore[no-untyped-def]
    """A new patient's chart, opened and ready, the cursor on "New visit"."""
    return chart_ready(qtbot, main, register_karim(main))


def new_visit_by_keys(qtbot, main):  # type: ignore[no-untyped-def]
    """Ctrl+Shift+V on an open chart: the new visit form, the cursor in its complaint."""
    press(qtbot, Qt.Key.Key_V, CTRL | SHIFT)
    visit = main.tabs.currentWidget()
    wait_focus(qtbot, visit.complaint)
    return visit


def saved_visit(qtbot, main):  # type: ignore[no-untyped-def]
    """A visit ("Cough") recorded by keys on a new patient's chart: (the chart, the saved visit form)."""
    chart = chart_of_new_patient(qtbot, main)
    visit = new_visit_by_keys(qtbot, main)
    type_here("Cough")
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: visit.visit_id is not None and visit.refer_button.isEnabled(), timeout=10000)
    wait_ops(qtbot)
    return chart, visit


def reopen_first_visit(qtbot, main, chart):  # type: ignore[no-untyped-def]
    """The chart's first visit, opened with Enter: the saved visit, read-only, its Amend button in front."""
    chart.visits.setFocus()
    chart.visits.setCurrentCell(0, 0)
    press(qtbot, Qt.Key.Key_Return)
    visit = main.tabs.currentWidget()
    wait_focus(qtbot, visit.amend_button)
    return visit


class Driver:
    """Starts the controller on a data folder and signs people in through the real sign-in window."""

    def __init__(self, qtbot, data_dir: Path, lock_seconds: float = 600) -> None:  # type: ignore[no-untyped-def]
        from app.ui.app import AppController
        from app.ui.main import make_app

        make_app()
        self.qtbot = qtbot
        self.ctl = AppController(data_dir, lock_seconds=lock_seconds)
        self.ctl.start()

    def sign_in(self, username: str, *, lang: str | None = None, password: str = DEMO_PASSWORD):  # type: ignore[no-untyped-def]
        ctl, qtbot = self.ctl, self.qtbot
        if lang is not None and ctl.signin.language.currentData() != lang:
            ctl.signin.language.setCurrentIndex(ctl.signin.language.findData(lang))
        window = ctl.signin
        window.username.clear()
        type_text(window.username, username)
        type_text(window.password, password)
        qtbot.keyClick(window.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: ctl.signin.pages.currentIndex() == 1, timeout=15000)
        with qtbot.waitSignal(ctl.main_shown, timeout=10000):
            qtbot.mouseClick(ctl.signin.go, Qt.MouseButton.LeftButton)
        ctl.main.activateWindow()  # keyboard shortcuts go to the active window, as on a real desktop
        qtbot.waitUntil(lambda: QApplication.activeWindow() is ctl.main, timeout=5000)
        wait_ops(qtbot)
        return ctl.main

    def close(self) -> None:
        from app.ui import i18n

        ctl = self.ctl
        if ctl.sync is not None:
            ctl.sync.stop()  # its thread would go on probing a server the test has stopped
            ctl.sync = None
        pool().waitForDone(10000)
        QApplication.processEvents()
        for w in (ctl.main, ctl.signin, ctl.first_run):
            if w is not None:
                if hasattr(w, "closing_for_switch"):
                    w.closing_for_switch = True
                w.close()
                w.deleteLater()
        pool().waitForDone(10000)
        QApplication.processEvents()
        QApplication.instance().removeEventFilter(ctl.idle)
        ctl.idle.deleteLater()
        if ctl.store is not None:
            ctl.store.close()
        i18n.set_language("en")


# ----- a real central server on a loopback port, for background sync and the Sync panel -----


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """``python -m app.server`` on a loopback port: the real central server, started and stopped like one."""

    def __init__(self, db: Path, port: int) -> None:
        self.db, self.port = db, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import httpx

        self.proc = subprocess.Popen([sys.executable, "-m", "app.server", "--db", str(self.db), "--port",
                                      str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 90  # a loaded CI machine imports the server slowly
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


def enrol_demo_laptop(folder: Path, central_db: Path, url: str) -> None:
    from app.server import devices
    from app.server.db import open_database
    from app.services.site import sign_in
    from app.sync import identity

    engine = open_database(str(central_db))
    session = sign_in(folder, "admin", DEMO_PASSWORD)
    try:
        request = identity.device_request(session.store)
        with engine.begin() as conn:
            enrolment = devices.enrol_device(conn, device_id=request.device_id, device_code=request.device_code,
                                             public_key=request.public_key, server_url=url,
                                             unit_id=request.unit_id)
        identity.load_enrolment(session.store, enrolment, actor=session.ctx)
    finally:
        session.store.close()
        engine.dispose()


def central_patients(db: Path) -> set[str]:
    from sqlalchemy import select

    from app.server import models as m
    from app.server.db import open_database

    engine = open_database(str(db))
    try:
        with engine.connect() as conn:
            return set(conn.execute(select(m.RECORDS["patient"].c.id)).scalars())
    finally:
        engine.dispose()


def demo_patient(n: int) -> dict[str, object]:
    return {"given_name_latin": f"Bgsync{n}", "father_name_latin": "Father", "family_name_latin": "", "sex": "female",
            "birth_year": 1990, "nationality": "afghan", "legal_status": "amayesh", "consent_date": "2026-01-05",
            "phone": "", "new_household": True, "documents": []}
