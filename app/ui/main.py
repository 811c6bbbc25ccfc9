"""Entry point of the desktop app: ``run_app(data_dir)``; the ``sayyar`` command with no arguments calls it."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _fonts() -> None:
    # Vazirmatn ships with the app so Persian looks the same on every laptop, whatever fonts Windows has.
    from PySide6.QtGui import QFontDatabase

    from app.resources import resources_dir

    for name in ("Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf"):
        path = resources_dir() / "fonts" / name
        if path.exists():
            QFontDatabase.addApplicationFont(str(path))


def make_app() -> object:
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Sayyar")
    app.setOrganizationName("IOM")
    _fonts()
    font = QFont(app.font())
    font.setFamilies(["Vazirmatn", *font.families()])
    app.setFont(font)
    from app.ui import collector

    collector.install(app)  # garbage collection on the GUI thread only (app/ui/collector.py says why)
    return app


def run_app(data_dir: Path, *, smoke_test: bool = False, lock_seconds: float | None = None) -> int:
    """Show first-run setup or sign-in, then run until the window closes. ``smoke_test`` reports when the first
    window is on screen (the launch benchmark times that line) and exits 0 once every part of the program has
    loaded, or with the missing-part status if one did not."""
    from PySide6.QtCore import QTimer

    from app.ui.app import AppController

    app = make_app()
    controller = AppController(Path(data_dir), lock_seconds=lock_seconds)
    if smoke_test:
        controller.signin_shown.connect(lambda: print("smoke-test: first window shown", flush=True))
        controller.preloaded.connect(lambda: (print("smoke-test: every part loaded", flush=True),
                                              QTimer.singleShot(0, lambda: app.exit(0))))
        from app.ui.app import MISSING_EXIT

        controller.broken.connect(lambda name: (print(f"smoke-test: missing part {name}", flush=True),
                                                QTimer.singleShot(0, lambda: app.exit(MISSING_EXIT))))
    controller.start()
    if smoke_test and controller.first_run is not None:
        print("smoke-test: first-run setup shown", flush=True)
    check_out = os.environ.get("SAYYAR_FIELD_CHECK")
    if check_out:
        from app.ui.field_check import start_field_check

        app._sayyar_field_check = start_field_check(controller, Path(check_out), os.environ.get("SAYYAR_PASSWORD", ""))
    app._sayyar_controller = controller  # keep it alive as long as the application
    return app.exec()


def main(argv: list[str] | None = None) -> int:
    import argparse

    from app.config import data_dir

    parser = argparse.ArgumentParser(prog="sayyar-ui")
    parser.add_argument("--data-dir")
    parser.add_argument("--smoke-test", action="store_true", help="exit 0 once the sign-in window is shown")
    args = parser.parse_args(argv)
    return run_app(data_dir(args.data_dir), smoke_test=args.smoke_test)


if __name__ == "__main__":
    raise SystemExit(main())
