"""Looking a patient of another unit up at headquarters from the search screen (issue #12, hole 4), through the real
server on a loopback port: the demo laptop (unit MHU-ZAH) is enrolled; a laptop of unit MHU-TAY registers a patient
and syncs. The clinician searches, finds nothing, presses Ctrl+Shift+H, types the reason and Enter: the chart of
that patient opens, and the request is in the central audit. A code headquarters does not know, a missing reason
and a server that is not running are each a sentence in the dialog. Keys are typed as key events."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from ui_helpers import type_text, wait_ops

from app.services.site import DEMO_PASSWORD, sign_in

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from helpers import LiveServer, enrol, make_laptop, patient_input, server_engine  # noqa: E402

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _enrol_demo(folder: Path, engine, url: str) -> None:  # type: ignore[no-untyped-def]
    from app.server import devices
    from app.sync import identity

    session = sign_in(folder, "admin", DEMO_PASSWORD)
    try:
        request = identity.device_request(session.store)
        with engine.begin() as conn:
            enrolment = devices.enrol_device(conn, device_id=request.device_id, device_code=request.device_code,
                                             public_key=request.public_key, server_url=url, unit_id=request.unit_id)
        identity.load_enrolment(session.store, enrolment, actor=session.ctx)
    finally:
        session.store.close()


def _other_units_patient(tmp_path: Path, engine, url: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    from app.models import Patient
    from app.services.patients import register_patient
    from app.sync.client import run_sync_round

    lap = make_laptop(tmp_path, "TAY3", unit="MHU-TAY")
    try:
        enrol(engine, lap, url)
        data = patient_input(0)
        data["given_name_latin"], data["father_name_latin"] = "Shirin", "Gulbuddin"
        pid = register_patient(lap.ctx, data, override_reason="look-up test").patient_id
        run_sync_round(lap.store, lap.ctx, url, lap.token)
        with lap.store.read() as s:
            return pid, s.get(Patient, pid).code  # type: ignore[union-attr]
    finally:
        lap.close()


def _no_background_sync(folder: Path) -> None:
    """No scheduled rounds: these tests are about the look-up alone (a round would also reach the server)."""
    from app.ui import prefs

    p = prefs.load(folder)
    p.auto_sync = False
    prefs.save(folder, p)


def _error(dialog) -> str:  # type: ignore[no-untyped-def]
    import shiboken6

    return dialog.error.text() if shiboken6.isValid(dialog) else ""


def _open_lookup(qtbot, main, query: str):  # type: ignore[no-untyped-def]
    view = main.search
    main.focus_search()
    view.query.selectAll()
    type_text(view.query, query)
    qtbot.waitUntil(lambda: not view._debounce.isActive() and not view._inflight, timeout=10000)
    wait_ops(qtbot)
    assert "Look up at headquarters (Ctrl+Shift+H)" in view.count.text()
    assert "Ctrl+Shift+H" in view.lookup_button.toolTip()
    qtbot.keyClick(view.query, Qt.Key.Key_H, CTRL_SHIFT)
    qtbot.waitUntil(lambda: view.lookup_dialog is not None and view.lookup_dialog.isVisible(), timeout=5000)
    return view.lookup_dialog


def test_a_clinician_looks_up_another_units_patient_and_sees_the_chart(qtbot, tmp_path: Path, demo_dir: Path
                                                                       ) -> None:  # type: ignore[no-untyped-def]
    from ui_helpers import Driver

    from app.server import models as m

    engine = server_engine(str(tmp_path / "central.db"))
    with LiveServer(engine) as srv:
        _enrol_demo(demo_dir, engine, srv.url)
        pid, code = _other_units_patient(tmp_path, engine, srv.url)
        _no_background_sync(demo_dir)
        d = Driver(qtbot, demo_dir)
        try:
            main = d.sign_in("m.shahraki")
            dialog = _open_lookup(qtbot, main, code)
            assert dialog.code.text() == code  # the code typed in the search box
            assert "Headquarters records this request" in dialog.note.text()
            # Enter without a reason: a sentence naming the field; nothing reaches the server.
            qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
            wait_ops(qtbot)
            assert dialog.error.text().startswith("Reason:") and dialog.isVisible()
            qtbot.keyClick(dialog.code, Qt.Key.Key_Tab)
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            assert QApplication.focusWidget() is dialog.reason
            type_text(dialog.reason, "moved to our area from Taybad")
            qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: main.tabs.currentWidget().objectName() == "chartView" or bool(_error(dialog)),
                            timeout=20000)
            assert not _error(dialog), _error(dialog)
            chart = main.tabs.currentWidget()
            assert chart.patient_id == pid
            qtbot.waitUntil(lambda: chart.chart is not None, timeout=10000)
            wait_ops(qtbot)
        finally:
            d.close()
        with engine.connect() as conn:
            audit = conn.execute(select(m.patient_lookup).order_by(m.patient_lookup.c.id)).mappings().all()
        assert [(r["outcome"], r["patient_id"], r["reason"]) for r in audit] == [
            ("granted", pid, "moved to our area from Taybad")]
    engine.dispose()


def test_refusals_and_no_connection_are_sentences(qtbot, tmp_path: Path, demo_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from ui_helpers import Driver

    engine = server_engine(str(tmp_path / "central.db"))
    with LiveServer(engine) as srv:
        _enrol_demo(demo_dir, engine, srv.url)
        _no_background_sync(demo_dir)
        d = Driver(qtbot, demo_dir)
        try:
            main = d.sign_in("m.shahraki")
            dialog = _open_lookup(qtbot, main, "TAY9-99999")
            type_text(dialog.reason, "moved to our area")
            qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=20000)
            assert dialog.error.text().startswith("Headquarters has no patient with that code"), dialog.error.text()
            assert dialog.isVisible() and main.tabs.currentWidget().objectName() != "chartView"
            srv.__exit__(None, None, None)  # the server goes away: the laptop is offline
            dialog.error.say("")
            qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=30000)
            assert "not connected" in dialog.error.text() and "nothing was sent" in dialog.error.text()
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
            assert not dialog.isVisible()
        finally:
            d.close()
    engine.dispose()
