"""Help > About names the version and the database schema revision (what support asks first after an upgrade)."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from app import __version__
from app.store.migrate import HEAD_REVISION


def test_about_box_names_version_and_schema(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    help_menu = next(a.menu() for a in main.menuBar().actions() if a.text() == "&Help")
    assert isinstance(help_menu, QMenu)
    (about,) = [a for a in help_menu.actions() if a.text() == "About Sayyar"]
    about.trigger()
    box = main.about_box
    assert box.isVisible()
    assert f"Sayyar {__version__}" in box.text() and f"Database schema {HEAD_REVISION}" in box.text()
    box.accept()


def test_about_box_in_persian(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    main.show_about()
    assert "سیار" in main.about_box.text() and HEAD_REVISION in main.about_box.text()
    main.about_box.accept()
