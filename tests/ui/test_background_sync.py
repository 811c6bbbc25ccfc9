"""Background sync in the running app (issue 13): a record saved while the server is down reaches it, with no click,
soon after the server comes up; locking holds sync; quitting stops it. The server is a real process on a loopback
port, stopped and started."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.services.site import DEMO_PASSWORD, sign_in

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))

from helpers import free_port, server_engine  # noqa: E402


class ServerProcess:
    """``python -m app.server`` on a loopback port: the real central server, started and stopped like one."""

    def __init__(self, db: Path, port: int) -> None:
        self.db, self.port = db, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
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
    from app.sync import identity

    engine = server_engine(str(central_db))
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
    from app.server import models as m

    engine = server_engine(str(db))
    try:
        with engine.connect() as conn:
            return set(conn.execute(select(m.RECORDS["patient"].c.id)).scalars())
    finally:
        engine.dispose()


def patient(n: int) -> dict[str, object]:
    return {"given_name_latin": f"Bgsync{n}", "father_name_latin": "Father", "family_name_latin": "", "sex": "female",
            "birth_year": 1990, "nationality": "afghan", "legal_status": "amayesh", "consent_date": "2026-01-05",
            "phone": "", "new_household": True, "documents": []}


@pytest.fixture
def server(tmp_path: Path, demo_dir: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "central.db"
    srv = ServerProcess(db, free_port())
    enrol_demo_laptop(demo_dir, db, srv.url)
    yield srv
    srv.stop()


def test_a_record_saved_while_the_server_is_down_reaches_it_with_no_click(driver, server, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.services.patients import register_patient
    from app.ui.ops import run_op

    main = driver.sign_in("m.shahraki")
    ctl = driver.ctl
    qtbot.waitUntil(lambda: ctl.sync is not None and ctl.sync.state.failures > 0, timeout=10000)  # server down
    status = main.sync_status
    qtbot.waitUntil(lambda: "not reachable" in status.text(), timeout=5000)
    saved: list[str] = []
    ctx = ctl.session.ctx
    run_op(main, lambda: register_patient(ctx, patient(1), override_reason="test").patient_id, saved.append)
    qtbot.waitUntil(lambda: bool(saved), timeout=10000)
    server.start()
    started = time.monotonic()
    qtbot.waitUntil(lambda: saved[0] in central_patients(server.db), timeout=30000)
    print(f"reached the server {time.monotonic() - started:.1f} s after it came up")
    assert time.monotonic() - started < 30
    panel = main.open_form("sync", {})
    assert not panel.auto.isEnabled()  # a clinician cannot turn automatic sync off
    qtbot.waitUntil(lambda: "never" not in status.text() and "not reachable" not in status.text(), timeout=5000)

    # Locked: sync is held; unlocked: it goes on by itself.
    main.lock()
    assert ctl.sync.state.paused
    main.unlock()
    ctl._unlocked_again()
    assert not ctl.sync.state.paused

    # Quit stops the thread cleanly, with the store still open for the last writes.
    thread = ctl.sync.engine._thread
    ctl.shutdown()
    assert thread is not None and not thread.is_alive()


def test_the_administrator_turns_automatic_sync_off_and_on(driver, server, qtbot) -> None:  # type: ignore[no-untyped-def]
    main = driver.sign_in("z.sarani")
    ctl = driver.ctl
    qtbot.waitUntil(lambda: ctl.sync is not None, timeout=10000)
    panel = main.open_form("sync", {})
    assert panel.auto.isEnabled() and panel.auto.isChecked()
    panel.auto.setChecked(False)
    assert ctl.sync.state.paused and not ctl.prefs.auto_sync
    qtbot.waitUntil(lambda: "automatic sync is off" in main.sync_status.text(), timeout=5000)
    panel.auto.setChecked(True)
    assert not ctl.sync.state.paused


def _conflict_on_a_patient(ctl) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A patient registered here, and the conflict the feed would bring when another laptop's phone won."""
    import uuid

    from app.models import SyncConflict
    from app.services.patients import register_patient

    ctx = ctl.session.ctx
    pid = register_patient(ctx, {**patient(2), "phone": "09121111111"}, override_reason="test").patient_id
    from app.models import Patient

    with ctx.store.write(ctx.user_id) as s:
        s.get(Patient, pid).phone = "09122222222"  # type: ignore[union-attr]
    conflict_id = str(uuid.uuid4())
    here = ctx.store.device.device_code
    with ctx.store.write(None) as s:
        # As the feed delivers it: who made each side comes with the conflict (the server names them).
        s.add(SyncConflict(id=conflict_id, entity="patient", record_id=pid, field="phone",
                           kept_value="09122222222", lost_value="09121111111",
                           kept_hlc="1764590000000:0:b02634da", lost_hlc="1764580000000:0:1464571d",
                           kept_device="b02634da", lost_device="1464571d", status="open", resolution="",
                           pending_resolution="", kept_user="t.baloch", kept_laptop="ZAH7", kept_unit="MHU-ZAH",
                           lost_user="m.shahraki", lost_laptop=here, lost_unit="MHU-ZAH"))
    return pid, conflict_id


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_sync_panel_shows_a_conflict_with_both_values_and_restores_the_lost_one(driver, qtbot, lang,
                                                                                    tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui_helpers import wait_ops

    from app.models import Patient, SyncConflict

    main = driver.sign_in("m.shahraki", lang=lang)
    pid, conflict_id = _conflict_on_a_patient(driver.ctl)
    panel = main.open_form("sync", {})
    wait_ops(qtbot)
    view = panel.conflicts
    table = view.table
    assert table.rowCount() == 1
    cells = [table.item(0, k).text() for k in range(table.columnCount())]
    assert "09122222222" in cells and "09121111111" in cells and cells[1] == {"en": "Phone", "fa": "تلفن"}[lang]
    # Who made each side, and when: the other laptop's person by name, laptop and unit; this laptop's as such.
    headers = [table.horizontalHeaderItem(k).text() for k in range(table.columnCount())]
    by = {"en": ("Kept: by", "Lost: by"), "fa": ("سازندهٔ مقدار نگه‌داشته", "سازندهٔ مقدار کنارگذاشته")}[lang]
    kept_by, lost_by = cells[headers.index(by[0])], cells[headers.index(by[1])]
    assert kept_by == {"en": "t.baloch on laptop ZAH7 (MHU-ZAH)",
                       "fa": "کاربر t.baloch در رایانهٔ ZAH7 (MHU-ZAH)"}[lang]
    assert lost_by == {"en": "m.shahraki on this laptop (MHU-ZAH)",
                       "fa": "کاربر m.shahraki در همین رایانه (MHU-ZAH)"}[lang]
    when = {"en": ("Kept: when", "Lost: when"), "fa": ("زمان مقدار نگه‌داشته", "زمان مقدار کنارگذاشته")}[lang]
    assert all(cells[headers.index(h)] not in ("", "—") for h in when)
    main.resize(1180, 760)
    view.table.scrollTo(view.table.model().index(0, 0))
    assert main.grab().save(str(tmp_path / f"ui-sync-conflicts-{lang}.png"))  # looked at in review
    shots = os.environ.get("SAYYAR_SHOTS")  # a folder to keep them in, for a person to look at
    if shots:
        assert view.grab().save(str(Path(shots) / f"ui-sync-conflicts-{lang}.png"))
    table.setCurrentCell(0, 0)
    assert view.restore.isEnabled()
    qtbot.mouseClick(view.restore, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    store = driver.ctl.session.store
    with store.read() as s:
        assert s.get(Patient, pid).phone == "09121111111"  # type: ignore[union-attr]
        row = s.get(SyncConflict, conflict_id)
        assert row.status == "resolved" and row.pending_resolution == "restored_lost"  # travels on the next round
    qtbot.waitUntil(lambda: table.rowCount() == 0, timeout=5000)
