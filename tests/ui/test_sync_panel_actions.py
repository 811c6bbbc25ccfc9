"""The Sync panel's own actions with real widgets, the real encrypted demo laptop and, where the code needs one, the
real server on a loopback port (issue 13): the progress bar follows a real round and goes away when it ends; the
backup button writes a backup, and says why when the target cannot be written; a bundle exported and never receipted
is listed, and the next export warns about it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from PySide6.QtCore import Qt
from ui_helpers import demo_patient, wait_ops

from app.services.context import Ctx
from app.services.patients import register_patient


def queue_patients(ctl, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Changes waiting to leave the laptop, made by a clinician of the unit (whoever is signed in)."""
    s = ctl.session
    ctx = Ctx(s.store, s.ctx.user_id, "clinician", unit_id=s.ctx.unit_id, lang="en")
    return [register_patient(ctx, demo_patient(100 + i), override_reason="test").patient_id for i in range(n)]


def choose_file(monkeypatch, answers: list[Path], seen: list[str], panel) -> None:  # type: ignore[no-untyped-def]
    """The file dialog answers with the next path, as a person picking it would; what the panel said while the
    dialog was open is kept (a warning before an export is read there)."""
    from app.ui.sync import panel as panel_module

    def pick(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        seen.append(panel.message.text())
        return str(answers.pop(0)), ""

    monkeypatch.setattr(panel_module.QFileDialog, "getSaveFileName", staticmethod(pick))


def test_the_progress_bar_follows_a_real_round_and_goes_when_it_ends(driver, server, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.sync import client

    monkeypatch.setattr(client, "BATCH_SIZE", 3)  # a few records in several batches: the bar must move
    main = driver.sign_in("z.sarani")
    ctl = driver.ctl
    qtbot.waitUntil(lambda: ctl.sync is not None and ctl.sync.state.failures > 0, timeout=10000)  # server down
    queue_patients(ctl, 4)
    panel = main.open_form("sync", {})
    wait_ops(qtbot)
    bar = panel.progress
    assert not bar.isVisible()
    seen: list[tuple[int, int, bool]] = []
    bar.valueChanged.connect(lambda v: seen.append((v, bar.maximum(), bar.isVisible())))
    server.start()
    qtbot.waitUntil(lambda: ctl.sync.state.last_report is not None, timeout=60000)
    sending = [(v, top) for v, top, shown in seen if top > 0 and shown]
    assert any(0 < v < top for v, top in sending), seen  # part of the way
    assert any(v == top for v, top in sending), seen  # and all of it
    values = [v for v, top in sending if top == sending[0][1]]
    assert values == sorted(values)  # never backwards within the round's upload
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: panel.status is not None and panel.status.queued == 0, timeout=20000)


def test_the_backup_button_writes_a_backup_or_says_why_not(driver, qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    main = driver.sign_in("z.sarani")  # a unit administrator
    panel = main.open_form("sync", {})
    wait_ops(qtbot)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the stick's folder should be")
    answers, seen = [tmp_path / "usb" / "zah1", blocker / "usb" / "zah1"], []
    choose_file(monkeypatch, answers, seen, panel)
    button = panel.buttons["backup"]
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Backup written" in panel.message.text(), timeout=60000)
    made = tmp_path / "usb" / "zah1.sayyarbackup"
    assert made.is_file() and {"manifest.json", "sayyar.db", "keystore.json"} <= set(zipfile.ZipFile(made).namelist())

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: panel.message.text() not in ("", "Working…") and "Backup written" not in panel.message.text(),
        timeout=60000,
    )
    said = panel.message.text()
    assert "could not be written to" in said and "USB stick" in said, said  # the sentence, not "something went wrong"


def test_a_bundle_never_receipted_is_listed_and_the_next_export_warns(
    driver, server, qtbot, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    main = driver.sign_in("h.rigi")  # the unit coordinator carries bundles (the laptop knows headquarters' key)
    ctl = driver.ctl
    queue_patients(ctl, 1)
    panel = main.open_form("sync", {})
    wait_ops(qtbot)
    assert "waiting for its receipt" not in panel.summary.text()
    answers, seen = [tmp_path / "first.sayyar", tmp_path / "second.sayyar"], []
    choose_file(monkeypatch, answers, seen, panel)
    button = panel.buttons["export_bundle"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.message.text() == "Done.", timeout=60000)
    wait_ops(qtbot)
    assert (tmp_path / "first.sayyar").is_file()
    assert "never receipted" not in seen[0]
    qtbot.waitUntil(
        lambda: "first.sayyar" in panel.summary.text() and "still waiting for its receipt" in panel.summary.text(),
        timeout=10000,
    )

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10000)
    assert "An earlier bundle was never receipted" in seen[1]  # said before the person chose where to write
    qtbot.waitUntil(lambda: panel.message.text() == "Done.", timeout=60000)
    wait_ops(qtbot)
