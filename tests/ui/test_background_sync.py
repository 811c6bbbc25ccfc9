"""Background sync in the running app (issue 13): a record saved while the server is down reaches it, with no click,
soon after the server comes up; locking and switching users hold sync, and after a switch it runs as the new
person; quitting stops it. The server is a real process on a loopback
port, stopped and started."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from ui_helpers import central_patients, demo_patient


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
    run_op(main, lambda: register_patient(ctx, demo_patient(1), override_reason="test").patient_id, saved.append)
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


def test_background_sync_runs_as_whoever_is_signed_in_across_a_lock_and_a_switch(driver, server, qtbot,
                                                                                monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Locked or signed out: nothing syncs (not even when the network comes back). After a switch every round runs
    as the person now signed in, never as the one who left, and what either of them saved reaches the server."""
    from PySide6.QtWidgets import QPushButton

    import app.sync.engine as engine_module
    from app.services.patients import register_patient
    from app.services.site import DEMO_PASSWORD
    from app.ui.ops import run_op

    real = engine_module.run_one_round
    rounds: list[str] = []  # whose role each round of the background engine ran under

    def as_whom(store, ctx, url, token, progress=None, **kw):  # type: ignore[no-untyped-def]
        rounds.append(ctx.user_id)
        return real(store, ctx, url, token, progress, **kw)  # the laptop's keystore goes on (app.sync.access)

    monkeypatch.setattr(engine_module, "run_one_round", as_whom)
    server.start()
    main = driver.sign_in("m.shahraki")
    ctl = driver.ctl
    first = main.ctx.user_id
    qtbot.waitUntil(lambda: ctl.sync is not None and ctl.sync.state.last_report is not None, timeout=60000)
    assert set(rounds) == {first}

    def save(n: int) -> str:
        saved: list[str] = []
        ctx = ctl.session.ctx
        run_op(ctl.main, lambda: register_patient(ctx, demo_patient(n), override_reason="test").patient_id,
               saved.append, lambda err: saved.append(f"failed: {err!r}"))
        qtbot.waitUntil(lambda: bool(saved), timeout=10000)
        assert not saved[0].startswith("failed"), saved[0]
        return saved[0]

    qtbot.waitUntil(lambda: not ctl.sync.state.syncing, timeout=30000)  # no round in flight when the screen locks
    main.lock()
    before_lock = save(3)  # a change waiting in the queue while the screen is locked
    qtbot.waitUntil(lambda: not ctl.sync.state.syncing, timeout=30000)
    qtbot.mouseClick(main.lock_page.findChild(QPushButton, "switchUserButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ctl.signin is not None and ctl.main is None, timeout=10000)
    held = len(rounds)
    ctl.sync.run_now()  # as when the network comes back: still nobody signed in
    qtbot.wait(3000)
    assert len(rounds) == held and ctl.sync.state.paused
    assert before_lock not in central_patients(server.db)

    other = driver.sign_in("a.noori")  # another clinician
    second = other.ctx.user_id
    assert second != first
    qtbot.waitUntil(lambda: before_lock in central_patients(server.db), timeout=30000)
    made_by_second = save(4)
    other.lock()
    assert ctl.sync.state.paused
    ctl.unlock(DEMO_PASSWORD)  # the real password check, on a worker; sync resumes at once
    qtbot.waitUntil(lambda: not ctl.sync.state.paused, timeout=10000)
    qtbot.waitUntil(lambda: made_by_second in central_patients(server.db), timeout=30000)
    assert rounds[held:] and set(rounds[held:]) == {second}  # never again as the person who left


def _conflict_on_a_patient(ctl) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A patient registered here, and the conflict the feed would bring when another laptop's phone won."""
    import uuid

    from app.models import SyncConflict
    from app.services.patients import register_patient

    ctx = ctl.session.ctx
    pid = register_patient(ctx, {**demo_patient(2), "phone": "09121111111"}, override_reason="test").patient_id
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
