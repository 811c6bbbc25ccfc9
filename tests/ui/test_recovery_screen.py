"""The recovery key is usable from the sign-in window (issue 13): every password lost, the key printed at setup
opens the laptop, the administrator gets a new password, and the typed key is replaced by a new one shown once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.config import keystore_path
from app.security.keystore import Keystore
from app.services.site import create_site
from ui_helpers import Driver, type_text, wait_ops


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_every_password_lost_the_recovery_key_opens_the_laptop(qtbot, tmp_path: Path, monkeypatch, lang, fast_kdf) -> None:  # type: ignore[no-untyped-def]
    from app.ui import i18n

    folder = tmp_path / "site"
    recovery = create_site(folder, admin_username="zah.admin", admin_password="forgotten-pass-1405",
                           admin_full_name="Admin", device_code="ZAH4", unit_code="MHU-ZAH")
    d = Driver(qtbot, folder)
    try:
        signin = d.ctl.signin
        if signin.language.currentData() != lang:
            signin.language.setCurrentIndex(signin.language.findData(lang))  # the window is rebuilt in it
        assert i18n.current_lang() == lang
        qtbot.mouseClick(d.ctl.signin.forgot, Qt.MouseButton.LeftButton)
        dialog = d.ctl.recovery
        type_text(dialog.key, recovery)
        type_text(dialog.username, "zah.admin")
        type_text(dialog.password, "brand-new-pass-1405")
        type_text(dialog.again, "brand-new-pass-1405")
        dialog.submit()
        wait_ops(qtbot)
        qtbot.waitUntil(lambda: bool(dialog.new_key), timeout=10000)
        assert dialog.new_key in dialog.result.text() and dialog.new_key != recovery
        assert dialog.grab().save(str(tmp_path / f"ui-recovery-{lang}.png"))
        keystore = Keystore.load(keystore_path(folder))
        keystore.unlock("zah.admin", "brand-new-pass-1405")
        keystore.unlock_with_recovery(dialog.new_key)
        dialog.accept()
    finally:
        d.close()


def test_a_wrong_recovery_key_is_refused_with_a_sentence(qtbot, tmp_path: Path, fast_kdf) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "site"
    create_site(folder, admin_username="zah.admin", admin_password="forgotten-pass-1405", admin_full_name="Admin",
                device_code="ZAH4", unit_code="MHU-ZAH")
    d = Driver(qtbot, folder)
    try:
        d.ctl.show_recovery()
        dialog = d.ctl.recovery
        for field, text in ((dialog.key, "AAAA-BBBB-CCCC"), (dialog.username, "zah.admin"),
                            (dialog.password, "x-pass-1405"), (dialog.again, "x-pass-1405")):
            type_text(field, text)
        dialog.submit()
        wait_ops(qtbot)
        qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=10000)
        assert not dialog.new_key and "recovery key" in dialog.error.text().lower()
        dialog.reject()
    finally:
        d.close()
