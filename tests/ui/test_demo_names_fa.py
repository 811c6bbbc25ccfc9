"""Issue 14: the demo site's administrator ("admin") had only an English name, so a Persian screen named the
person in English in its window title and status bar. Every demo person now has a name in both scripts, and a
Persian screen shows the Persian one."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.core.persian import is_persian


def test_a_persian_screen_names_the_demo_administrator_in_persian(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("admin", lang="fa")
    title = main.windowTitle()
    assert "مدیر نمونه" in title and "Demo administrator" not in title, title
    bar = " ".join(w.text() for w in main.statusBar().findChildren(QLabel)) + main.statusBar().currentMessage()
    assert "Demo administrator" not in bar, bar


def test_every_demo_person_has_a_name_in_both_scripts(demo_dir):  # type: ignore[no-untyped-def]
    from app.services.reference import list_users
    from app.services.site import DEMO_PASSWORD, sign_in

    site = sign_in(demo_dir, "admin", DEMO_PASSWORD, lang="fa")
    try:
        people = list_users(site.ctx)
        assert people
        for u in people:
            assert u.full_name_en and is_persian(u.full_name_fa), (u.username, u.full_name_en, u.full_name_fa)
    finally:
        site.store.close()
