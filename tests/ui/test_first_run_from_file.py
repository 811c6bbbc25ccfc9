"""Setting a laptop up from a file on the first-run screen (issue 13): headquarters' configuration file fills in the
unit, device code and server, the laptop is enrolled from the Sync panel and syncs with the real server on a
loopback port; a laptop backup is restored from the first-run screen (new epoch, fresh number ranges); wrong and
damaged files get a sentence naming the file. Keys are typed as key events."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton
from sqlalchemy import select
from ui_helpers import Driver, type_text, wait_ops

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from helpers import LiveServer, server_cli, server_engine  # noqa: E402

PASSWORD = "unit-admin-pass-1405"


pytestmark = pytest.mark.usefixtures("fast_kdf")


def _open_file(qtbot, window, path: Path) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(window.from_file, Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == 2
    window.file_path.clear()
    type_text(window.file_path, str(path))
    qtbot.keyClick(window.file_path, Qt.Key.Key_Return)
    wait_ops(qtbot)


def test_wrong_and_damaged_files_are_refused_with_a_sentence(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    damaged = tmp_path / "config.json"
    damaged.write_bytes(b'{"format": "sayyar-laptop-config", "unit_code": "MHU-ZAH", "device_c')
    zipped = tmp_path / "old.sayyarbackup"
    zipped.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    enrolment = tmp_path / "enrolment.json"
    enrolment.write_text('{"protocol": 2, "device_id": "d1", "device_code": "ZAH2", "token": "t", '
                         '"hq_box_public": "x", "hq_sign_public": "y"}', encoding="utf-8")
    d = Driver(qtbot, tmp_path / "new")
    try:
        window = d.ctl.first_run
        _open_file(qtbot, window, damaged)
        assert "config.json is not a headquarters configuration file or a laptop backup" in window.file_error.text()
        assert window.pages.currentIndex() == 2
        _open_file(qtbot, window, zipped)
        assert "old.sayyarbackup" in window.file_error.text() and "Traceback" not in window.file_error.text()
        _open_file(qtbot, window, enrolment)
        assert "enrolment file" in window.file_error.text() and "Sync panel" in window.file_error.text()
        _open_file(qtbot, window, tmp_path / "missing.json")
        assert "There is no file" in window.file_error.text()
        assert not (tmp_path / "new" / "keystore.json").exists()
    finally:
        d.close()


def test_set_up_from_headquarters_file_enrol_and_sync(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from app.server import models as m

    central = tmp_path / "central.db"
    engine = server_engine(str(central))
    with LiveServer(engine) as srv:
        config = tmp_path / "tay7.config.json"
        assert server_cli(["laptop-config", "--db", str(central), "--unit", "MHU-TAY", "--device-code", "TAY7",
                    "--server-url", srv.url, "--out", str(config)]) == 0
        d = Driver(qtbot, tmp_path / "tay7")
        try:
            window = d.ctl.first_run
            _open_file(qtbot, window, config)
            assert window.pages.currentIndex() == 0, window.file_error.text()
            assert window.device.text() == "TAY7" and window.device.isReadOnly()
            assert window.unit.currentData() == "MHU-TAY" and not window.unit.isEnabled()
            assert "TAY7" in window.config_note.text() and srv.url in window.config_note.text()
            assert window.username.text() == "tay7.admin"
            type_text(window.full_name, "Reza Akbari")
            type_text(window.password, PASSWORD)
            type_text(window.password2, PASSWORD)
            qtbot.mouseClick(window.create, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=20000)
            window.confirm.setChecked(True)
            with qtbot.waitSignal(d.ctl.signin_shown, timeout=5000):
                qtbot.mouseClick(window.done, Qt.MouseButton.LeftButton)
            main = d.sign_in("tay7.admin", password=PASSWORD)
            panel = main.open_form("sync", {})
            wait_ops(qtbot)
            request, enrolment = tmp_path / "tay7.request.json", tmp_path / "tay7.enrolment.json"
            monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(request), "")))
            monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(enrolment), "")))
            qtbot.mouseClick(panel.findChild(QPushButton, "device_request"), Qt.MouseButton.LeftButton)
            wait_ops(qtbot)
            assert request.exists() and "Enrolment request written" in panel.message.text()
            assert server_cli(["enrol-device", "--db", str(central), "--request", str(request), "--out",
                        str(enrolment)]) == 0  # the server address came with the configuration file
            with qtbot.waitSignal(d.ctl.sync_started, timeout=10000):
                qtbot.mouseClick(panel.findChild(QPushButton, "load_enrolment"), Qt.MouseButton.LeftButton)
            assert "Enrolled" in panel.message.text()
            wait_ops(qtbot)
            qtbot.mouseClick(panel.findChild(QPushButton, "sync_now"), Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: panel.message.text() not in ("", "Working…"), timeout=30000)
            users = m.RECORDS["user_account"]
            with engine.connect() as conn:
                assert conn.execute(select(users.c.username).where(users.c.username == "tay7.admin")).first()
                dev = conn.execute(select(m.device.c.device_code, m.device.c.unit_id)).one()
            assert dev.device_code == "TAY7" and dev.unit_id
        finally:
            d.close()
        # A second configuration for a code now enrolled is refused at headquarters.
        assert server_cli(["laptop-config", "--db", str(central), "--unit", "MHU-TAY", "--device-code", "tay7",
                    "--out", str(tmp_path / "again.json")]) == 2
    engine.dispose()


def test_restore_a_backup_from_the_first_run_screen(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from helpers import patient_input

    from app.models import DeviceState, Patient
    from app.services.backup import backup_laptop
    from app.services.context import Ctx
    from app.services.patients import register_patient
    from app.services.site import create_site, sign_in

    old = tmp_path / "old"
    create_site(old, admin_username="zah5.admin", admin_password=PASSWORD, admin_full_name="Z", device_code="ZAH5",
                unit_code="MHU-ZAH")
    session = sign_in(old, "zah5.admin", PASSWORD)
    ctx = Ctx(session.store, session.ctx.user_id, "clinician", unit_id=session.ctx.unit_id, lang="en")
    pid = register_patient(ctx, patient_input(1), override_reason="test").patient_id
    backup = backup_laptop(session.ctx, session.keystore, old, tmp_path / "usb" / "zah5").path
    epoch = session.store.device.epoch
    session.store.close()

    d = Driver(qtbot, tmp_path / "new")
    try:
        window = d.ctl.first_run
        _open_file(qtbot, window, backup)
        assert window.pages.currentIndex() == 3 and "ZAH5" in window.backup_info.text()
        type_text(window.restore_user, "zah5.admin")
        type_text(window.restore_password, "not-the-password")
        qtbot.keyClick(window.restore_password, Qt.Key.Key_Return)
        wait_ops(qtbot)
        assert window.restore_error.text() and not (tmp_path / "new" / "sayyar.db").exists()
        type_text(window.restore_password, PASSWORD)
        qtbot.keyClick(window.restore_password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.pages.currentIndex() == 4, timeout=20000)
        assert "ZAH5 is restored" in window.restored_text.text()
        with qtbot.waitSignal(d.ctl.signin_shown, timeout=5000):
            qtbot.keyClick(window.restored_done, Qt.Key.Key_Space)
        main = d.sign_in("zah5.admin", password=PASSWORD)
        with main.session.store.read() as s:
            assert s.get(Patient, pid) is not None
            dev = s.get(DeviceState, 1)
            assert dev.epoch > epoch and dev.next_patient_number >= 10000  # a restore: new epoch, fresh numbers
            assert s.scalar(select(Patient.id).where(Patient.id == pid)) == pid
    finally:
        d.close()


def test_first_run_screen_in_persian(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A new laptop starts in English; the administrator switches the first-run screen to Persian (right to left),
    and a wrong file is refused in Persian."""
    from PySide6.QtWidgets import QApplication

    d = Driver(qtbot, tmp_path / "new")
    try:
        window = d.ctl.first_run
        window.language.setFocus()
        qtbot.keyClick(window.language, Qt.Key.Key_Down)  # English → فارسی
        qtbot.waitUntil(lambda: d.ctl.first_run is not window, timeout=5000)
        window = d.ctl.first_run
        assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert window.windowTitle() == "سیار — راه‌اندازی این رایانه"
        assert window.from_file.text() == "راه‌اندازی با پروندهٔ ستاد یا نسخهٔ پشتیبان رایانه…"
        (tmp_path / "notes.txt").write_text("not a configuration", encoding="utf-8")
        _open_file(qtbot, window, tmp_path / "notes.txt")
        assert "پروندهٔ پیکربندی ستاد" in window.file_error.text()
        # A backup found: when it was made reads in Solar Hijri and Persian digits (it showed "2026-11-30 16:05").
        found = type("Found", (), {"kind": "backup", "path": tmp_path / "zah2.sayyarbackup",
                                   "manifest": {"device_code": "ZAH2", "made_at": "2026-11-30T16:05:00+00:00"}})()
        window.use_file(found)
        info = window.backup_info.text()
        assert "۱۴۰۵/۰۹/۰۹ ۱۶:۰۵" in info and not any(ch.isdigit() and ch.isascii() for ch in info.replace("ZAH2", "")), info
    finally:
        d.close()
