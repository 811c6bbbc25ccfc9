"""A build missing a part of the program stops at start with a message, instead of failing in the middle of work
(the old "not available in this build" shims hid a broken release)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_part_stops_the_app_at_start(qtbot, demo_dir, monkeypatch):  # type: ignore[no-untyped-def]
    from app.ui import app as ui_app
    from app.ui.main import make_app

    make_app()
    monkeypatch.setattr(ui_app, "PRELOAD", (*ui_app.PRELOAD, "app.services.no_such_part"))
    exits: list[int] = []
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: exits.append(code)))
    controller = ui_app.AppController(demo_dir)
    try:
        with qtbot.waitSignal(controller.broken, timeout=20000) as seen:
            controller.start()
        assert seen.args == ["app.services.no_such_part"]
        box = controller.missing_box
        assert isinstance(box, QMessageBox) and box.icon() == QMessageBox.Icon.Critical
        assert "app.services.no_such_part" in box.text() and "Install Sayyar again" in box.text()
        box.accept()
        assert exits == [ui_app.MISSING_EXIT]
    finally:
        controller.signin.close()
        QApplication.instance().removeEventFilter(controller.idle)


def test_smoke_start_loads_every_part(demo_dir: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(demo_dir), "--smoke-test"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "first window shown" in done.stdout and "every part loaded" in done.stdout


def test_sign_in_waits_for_the_start_up_imports(qtbot, demo_dir, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """Sign-in's worker does not import alongside the start-up preload (two threads importing the same modules can
    dead-lock or fail): a password typed while the preload still runs is checked once the preload is done."""
    import threading

    from PySide6.QtCore import Qt
    from ui_helpers import type_text

    from app.services.site import DEMO_PASSWORD
    from app.ui import app as ui_app
    from app.ui.main import make_app

    gate = threading.Event()
    (tmp_path / "slow_part_for_test.py").write_text(
        "import builtins\nbuiltins._sayyar_test_gate.wait(30)\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr("builtins._sayyar_test_gate", gate, raising=False)
    monkeypatch.setattr(ui_app, "PRELOAD", ("slow_part_for_test", *ui_app.PRELOAD))
    make_app()
    controller = ui_app.AppController(demo_dir)
    try:
        controller.start()
        window = controller.signin
        type_text(window.username, "m.shahraki")
        type_text(window.password, DEMO_PASSWORD)
        qtbot.keyClick(window.password, Qt.Key.Key_Return)
        qtbot.wait(1500)  # argon2 and the database open take about half a second
        assert controller.signin.pages.currentIndex() == 0 and not controller.imports_done.is_set()
        gate.set()
        qtbot.waitUntil(lambda: controller.signin.pages.currentIndex() == 1, timeout=20000)
    finally:
        gate.set()
        controller.signin.close()
        QApplication.instance().removeEventFilter(controller.idle)
