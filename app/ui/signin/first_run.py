"""First run on a new laptop: the unit administrator, the device code and the unit (typed, or from headquarters'
configuration file); then the recovery key, once. Or a laptop backup restored onto this laptop (a new epoch and
fresh number ranges, as ``sayyar restore``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.reference import load_sample_site
from app.ui import i18n
from app.ui.ops import error_text, run_op
from app.ui.widgets.forms import ErrorLabel

PAGE_SETUP, PAGE_KEY, PAGE_FILE, PAGE_RESTORE, PAGE_RESTORED = range(5)


class FirstRunWindow(QWidget):
    submitted = Signal(dict)
    finished = Signal()
    language_changed = Signal(str)

    def __init__(self, data_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.setObjectName("firstRunWindow")
        self.setWindowTitle(self.tr("Sayyar — set up this laptop"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(30, 20, 30, 20)
        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages)

        page = QWidget(self)
        form = QFormLayout(page)
        self.language = QComboBox(page)
        self.language.setObjectName("firstRunLanguage")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current_lang())))
        self.language.currentIndexChanged.connect(lambda: self.language_changed.emit(self.language.currentData()))
        form.addRow(self.tr("Language"), self.language)
        intro = QLabel(self.tr("Sayyar is not set up on this laptop yet. The unit administrator creates the first "
                               "account; the database is encrypted with it."), page)
        intro.setWordWrap(True)
        form.addRow(intro)
        self.from_file = QPushButton(self.tr("Set up from headquarters' file or a laptop backup…"), page)
        self.from_file.setObjectName("fromFileButton")
        self.from_file.clicked.connect(self.show_file_page)
        form.addRow(self.from_file)
        self.config_note = QLabel(page)
        self.config_note.setObjectName("configNote")
        self.config_note.setWordWrap(True)
        self.config_note.setVisible(False)
        form.addRow(self.config_note)
        self.config: Any = None  # headquarters' LaptopConfig, once a file was read
        self.full_name = QLineEdit(page)
        self.full_name.setObjectName("fullName")
        self.username = QLineEdit(page)
        self.username.setObjectName("adminUsername")
        self.password = QLineEdit(page)
        self.password.setObjectName("adminPassword")
        self.password2 = QLineEdit(page)
        self.password2.setObjectName("adminPassword2")
        for field in (self.password, self.password2):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.device = QLineEdit(page)
        self.device.setObjectName("deviceCode")
        self.device.setMaxLength(8)
        self.device.setPlaceholderText(self.tr("e.g. ZAH1"))
        self._suggested = ""
        self.device.textEdited.connect(self._suggest_username)
        self.unit = QComboBox(page)
        self.unit.setObjectName("unit")
        for u in load_sample_site().units:
            self.unit.addItem(i18n.pick(u.name_en, u.name_fa), u.code)
        form.addRow(self.tr("Administrator's full name"), self.full_name)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Password again"), self.password2)
        form.addRow(self.tr("Device code"), self.device)
        form.addRow(self.tr("Unit (sample list)"), self.unit)
        self.error = ErrorLabel(page)
        self.error.setObjectName("firstRunError")
        form.addRow(self.error)
        self.create = QPushButton(self.tr("Set up"), page)
        self.create.setObjectName("setUpButton")
        self.create.clicked.connect(self._submit)
        form.addRow(self.create)
        self.pages.addWidget(page)

        page2 = QWidget(self)
        col = QVBoxLayout(page2)
        col.addWidget(QLabel(self.tr("Recovery key — shown only this once. Write it down and keep it locked away; "
                                     "it opens the database if every password is lost."), page2))
        self.key_label = QLabel(page2)
        self.key_label.setObjectName("recoveryKey")
        font = QFont("monospace")
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.key_label.setFont(font)
        self.key_label.setWordWrap(True)
        col.addWidget(self.key_label)
        self.confirm = QCheckBox(self.tr("I have written it down"), page2)
        self.confirm.setObjectName("writtenDown")
        col.addWidget(self.confirm)
        self.done = QPushButton(self.tr("Continue to sign in"), page2)
        self.done.setObjectName("continueButton")
        self.done.setEnabled(False)
        self.confirm.toggled.connect(self.done.setEnabled)
        self.done.clicked.connect(self._finish)
        col.addWidget(self.done)
        col.addStretch(1)
        self.pages.addWidget(page2)

        # Page 3: which file.
        page3 = QWidget(self)
        form3 = QFormLayout(page3)
        note = QLabel(self.tr("Headquarters' configuration file for this laptop (it names the unit, the device code "
                              "and the server), or a laptop backup (.sayyarbackup) to restore onto this laptop."),
                      page3)
        note.setWordWrap(True)
        form3.addRow(note)
        self.file_path = QLineEdit(page3)
        self.file_path.setObjectName("setupFile")
        self.file_path.returnPressed.connect(self._open_file)
        browse = QPushButton(self.tr("Browse…"), page3)
        browse.setObjectName("browseSetupFile")
        browse.clicked.connect(self._browse)
        line = QHBoxLayout()
        line.addWidget(self.file_path, 1)
        line.addWidget(browse)
        form3.addRow(self.tr("File"), line)
        self.file_error = ErrorLabel(page3)
        self.file_error.setObjectName("setupFileError")
        form3.addRow(self.file_error)
        buttons = QHBoxLayout()
        self.open_file = QPushButton(self.tr("Open"), page3)
        self.open_file.setObjectName("openSetupFile")
        self.open_file.clicked.connect(self._open_file)
        back = QPushButton(self.tr("Back"), page3)
        back.setObjectName("backToSetup")
        back.clicked.connect(lambda: self._go(PAGE_SETUP))
        buttons.addWidget(self.open_file)
        buttons.addWidget(back)
        buttons.addStretch(1)
        form3.addRow(buttons)
        self.pages.addWidget(page3)

        # Page 4: restoring a backup.
        page4 = QWidget(self)
        form4 = QFormLayout(page4)
        self.backup_info = QLabel(page4)
        self.backup_info.setObjectName("backupInfo")
        self.backup_info.setWordWrap(True)
        form4.addRow(self.backup_info)
        self.restore_user = QLineEdit(page4)
        self.restore_user.setObjectName("restoreUser")
        self.restore_password = QLineEdit(page4)
        self.restore_password.setObjectName("restorePassword")
        self.restore_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.use_key = QCheckBox(self.tr("Open it with the recovery key instead"), page4)
        self.use_key.setObjectName("useRecoveryKey")
        self.restore_key = QLineEdit(page4)
        self.restore_key.setObjectName("restoreKey")
        self.restore_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.restore_key.setEnabled(False)
        self.use_key.toggled.connect(self._key_toggled)
        form4.addRow(self.tr("Administrator's user name"), self.restore_user)
        form4.addRow(self.tr("Password"), self.restore_password)
        form4.addRow(self.use_key)
        form4.addRow(self.tr("Recovery key"), self.restore_key)
        self.restore_error = ErrorLabel(page4)
        self.restore_error.setObjectName("restoreError")
        form4.addRow(self.restore_error)
        row4 = QHBoxLayout()
        self.restore = QPushButton(self.tr("Restore"), page4)
        self.restore.setObjectName("restoreButton")
        self.restore.clicked.connect(self._restore)
        back4 = QPushButton(self.tr("Back"), page4)
        back4.clicked.connect(lambda: self._go(PAGE_FILE))
        row4.addWidget(self.restore)
        row4.addWidget(back4)
        row4.addStretch(1)
        form4.addRow(row4)
        self.restore_user.returnPressed.connect(self.restore_password.setFocus)
        self.restore_password.returnPressed.connect(self._restore)
        self.restore_key.returnPressed.connect(self._restore)
        self.pages.addWidget(page4)

        # Page 5: restored.
        page5 = QWidget(self)
        col5 = QVBoxLayout(page5)
        self.restored_text = QLabel(page5)
        self.restored_text.setObjectName("restoredText")
        self.restored_text.setWordWrap(True)
        col5.addWidget(self.restored_text)
        self.restored_done = QPushButton(self.tr("Continue to sign in"), page5)
        self.restored_done.setObjectName("restoredContinue")
        self.restored_done.clicked.connect(self.finished.emit)
        col5.addWidget(self.restored_done)
        col5.addStretch(1)
        self.pages.addWidget(page5)
        self.backup_path = ""
        # Shown while the controller works on the file (the busy line of run_op).
        self.reading_text = self.tr("Reading the file…")
        self.restoring_text = self.tr("Restoring the backup…")
        self.resize(620, 420)

    def _go(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        first = {PAGE_SETUP: self.full_name, PAGE_FILE: self.file_path, PAGE_RESTORE: self.restore_user,
                 PAGE_RESTORED: self.restored_done}.get(index)
        if first is not None:
            first.setFocus()

    # ----- from a file -----

    def show_file_page(self) -> None:
        self.file_error.say("")
        self._go(PAGE_FILE)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Headquarters' file or a laptop backup"), "",
            self.tr("Configuration or backup (*.json *.sayyarbackup);;All files (*)"))
        if name:
            self.file_path.setText(name)
            self._open_file()

    def _open_file(self) -> None:
        path = self.file_path.text().strip()
        if not path:
            self.file_error.say(self.tr("Type or choose the file first."))
            return
        self.file_error.say("")
        self.open_file.setEnabled(False)
        from app.services.setup_file import read_setup_file

        run_op(self, lambda: read_setup_file(Path(path)), self.use_file, lambda err: self.file_failed(error_text(err)),
               self.reading_text)

    def file_failed(self, message: str) -> None:
        self.open_file.setEnabled(True)
        self.file_error.say(message)
        self.file_path.setFocus()

    def use_file(self, found: Any) -> None:
        """A configuration fills in the laptop's unit and code; a backup asks who opens it."""
        self.open_file.setEnabled(True)
        if found.kind == "backup":
            manifest = found.manifest or {}
            made = i18n.show_utc(manifest.get("made_at"))
            self.backup_path = str(found.path)
            self.backup_info.setText(
                self.tr("Backup of laptop %1, made %2 (UTC). A unit administrator's password or the recovery key "
                        "opens it. The restored laptop continues under a new epoch with fresh number ranges, so "
                        "nothing the server holds is overwritten or duplicated.")
                .replace("%1", str(manifest.get("device_code", ""))).replace("%2", made))
            self.restore_error.say("")
            self._go(PAGE_RESTORE)
            return
        config = self.config = found.config
        self.device.setText(config.device_code)
        self.device.setReadOnly(True)
        index = self.unit.findData(config.unit_code)
        if index < 0:
            self.unit.addItem(config.unit_code, config.unit_code)
            index = self.unit.count() - 1
        self.unit.setCurrentIndex(index)
        self.unit.setEnabled(False)
        self._suggest_username(config.device_code)
        server = config.server_url or self.tr("(none: bundles only)")
        self.config_note.setText(self.tr("From headquarters' file: unit %1, laptop %2, server %3. Enrol the laptop "
                                         "in the Sync panel once it is set up.")
                                 .replace("%1", self.unit.currentText()).replace("%2", config.device_code)
                                 .replace("%3", server))
        self.config_note.setVisible(True)
        self._go(PAGE_SETUP)

    def _key_toggled(self, on: bool) -> None:
        self.restore_key.setEnabled(on)
        self.restore_user.setEnabled(not on)
        self.restore_password.setEnabled(not on)
        (self.restore_key if on else self.restore_user).setFocus()

    def _restore(self) -> None:
        if self.use_key.isChecked():
            if not self.restore_key.text().strip():
                self.restore_error.say(self.tr("Type the recovery key."))
                return
            values = {"recovery_key": self.restore_key.text().strip()}
        else:
            if not self.restore_user.text().strip() or not self.restore_password.text():
                self.restore_error.say(self.tr("Type the administrator's user name and password."))
                return
            values = {"username": self.restore_user.text().strip(), "password": self.restore_password.text()}
        self.restore_error.say("")
        self.restore.setEnabled(False)
        from app.services.backup import restore_laptop

        backup, folder = Path(self.backup_path), self.data_dir
        assert folder is not None
        run_op(self, lambda: restore_laptop(backup, folder, **values), self.restored,
               lambda err: self.restore_failed(error_text(err)), self.restoring_text)

    def restore_failed(self, message: str) -> None:
        self.restore.setEnabled(True)
        self.restore_password.clear()
        self.restore_key.clear()
        self.restore_error.say(message)

    def restored(self, info: Any) -> None:
        self.restore_password.clear()
        self.restore_key.clear()
        self.restored_text.setText(
            self.tr("Laptop %1 is restored. It continues under epoch %2 with fresh number ranges. If the old laptop "
                    "was lost, headquarters revokes it and enrols this one again (Sync panel: Enrolment request…).")
            .replace("%1", info.device_code).replace("%2", str(info.new_epoch)))
        self._go(PAGE_RESTORED)

    def _suggest_username(self, code: str) -> None:
        # User names are unique across all units once laptops sync: "zah1.admin" rather than every laptop's "admin".
        if self.username.text().strip() in ("", self._suggested):
            self._suggested = f"{code.strip().lower()}.admin" if code.strip() else ""
            self.username.setText(self._suggested)

    def _submit(self) -> None:
        if not all(f.text().strip() for f in (self.full_name, self.username, self.password, self.device)):
            self.error.say(self.tr("Fill in every field."))
            return
        if self.password.text() != self.password2.text():
            self.error.say(self.tr("The two passwords differ."))
            return
        self.error.say("")
        self.create.setEnabled(False)
        values = {"admin_full_name": self.full_name.text().strip(),
                  "admin_username": self.username.text().strip(), "admin_password": self.password.text(),
                  "device_code": self.device.text().strip().upper(), "unit_code": self.unit.currentData()}
        if self.config is not None:
            values["laptop_config"] = self.config
        self.submitted.emit(values)

    def fail(self, message: str) -> None:
        self.create.setEnabled(True)
        self.error.say(message)

    def show_recovery_key(self, key: str) -> None:
        self.password.clear()
        self.password2.clear()
        self.key_label.setText(key)
        self.pages.setCurrentIndex(PAGE_KEY)

    def _finish(self) -> None:
        # The key leaves the screen and memory as soon as the administrator confirms.
        self.key_label.clear()
        self.finished.emit()


def open_first_run(controller: Any) -> FirstRunWindow:
    """Show the first-run screen for the controller (app.ui.app.AppController), in place of one shown before: a
    language picked here shows the screen again in that language (nothing typed is kept) and sign-in follows it."""
    old = controller.first_run
    window = controller.first_run = FirstRunWindow(controller.data_dir)
    window.submitted.connect(controller._create_site)
    window.finished.connect(controller._first_run_done)

    def language(lang: str) -> None:
        i18n.set_language(lang)
        controller.prefs.last_lang = lang
        open_first_run(controller)

    window.language_changed.connect(language)
    window.show()
    if old is not None:
        old.close()
        old.deleteLater()
    return window
