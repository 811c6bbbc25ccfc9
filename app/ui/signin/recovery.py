"""Every password lost: the recovery key printed at setup opens the database, and a unit administrator gets a new
password. The typed key is then replaced by a new one, shown here once (app.services.backup.recover_with_key)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.ui.ops import error_text, run_op
from app.ui.widgets.forms import ErrorLabel


class RecoveryDialog(QDialog):
    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setWindowTitle(self.tr("Open with the recovery key"))
        self.data_dir = data_dir
        self.new_key = ""
        col = QVBoxLayout(self)
        intro = QLabel(self.tr("When every password is lost, the recovery key printed when this laptop was set up "
                               "opens it. Type it, the unit administrator's user name and a new password for them."),
                       self)
        intro.setWordWrap(True)
        col.addWidget(intro)
        form = QFormLayout()
        self.key = QLineEdit(self)
        self.key.setObjectName("recoveryKey")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.username = QLineEdit(self)
        self.username.setObjectName("recoveryUser")
        self.password = QLineEdit(self)
        self.password.setObjectName("recoveryPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit(self)
        self.again.setObjectName("recoveryAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Recovery key"), self.key)
        form.addRow(self.tr("Administrator's user name"), self.username)
        form.addRow(self.tr("New password"), self.password)
        form.addRow(self.tr("New password again"), self.again)
        col.addLayout(form)
        self.error = ErrorLabel(self)
        self.error.setObjectName("recoveryError")
        col.addWidget(self.error)
        self.result = QLabel(self)
        self.result.setObjectName("recoveryResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.result.font())
        font.setBold(True)
        self.result.setFont(font)
        col.addWidget(self.result)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        col.addWidget(self.buttons)
        self.setMinimumWidth(600)

    def submit(self) -> None:
        if self.new_key:
            self.accept()
            return
        if not self.key.text().strip() or not self.username.text().strip():
            self.error.setText(self.tr("Type the recovery key and the administrator's user name."))
            return
        if self.password.text() != self.again.text():
            self.error.setText(self.tr("The two new passwords differ."))
            return
        from app.services.backup import recover_with_key

        folder, key, user, password = self.data_dir, self.key.text(), self.username.text().strip(), \
            self.password.text()
        self.error.setText("")
        run_op(self, lambda: recover_with_key(folder, key, username=user, new_password=password), self._done,
               lambda err: self.error.setText(error_text(err)), self.tr("Opening with the recovery key…"))

    def _done(self, new_key: str) -> None:
        self.new_key = new_key
        for field in (self.key, self.username, self.password, self.again):
            field.setEnabled(False)
        self.key.clear()
        self.result.setText(self.tr("Done: sign in with the new password and reset the others' passwords. The "
                                    "recovery key you typed no longer works; this is the new one, shown only now — "
                                    "write it down and keep it apart from the laptop:") + "\n\n" + new_key)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)
        self.adjustSize()
