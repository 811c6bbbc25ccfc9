"""Looking a patient of another unit up at headquarters (issue #12, hole 4), from the patient search screen.

A laptop holds its own unit's patients. When a person registered by another unit turns up, a clinician asks
headquarters for that one patient, by the code on the card or a referral number, and says why; the server records
the request. The request runs off the GUI thread (``run_op``, like the Sync panel's rounds); the chart opens when the
patient arrives, and a refusal or a missing connection is shown as a sentence in the dialog.

Keyboard: Ctrl+Shift+H on the search screen opens the dialog with the cursor in the code field (filled from the
search box when that holds a code); Tab to the referral number and the reason; Enter looks up; Esc closes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.security.roles import Action, can
from app.ui.ops import error_text, run_op
from app.ui.widgets.forms import ErrorLabel

SHORTCUT = "Ctrl+Shift+H"


class LookupDialog(QDialog):
    """Code or referral number, a required reason, a note that headquarters records the request."""

    found = Signal(str)  # the patient's id, once its records are stored on this laptop

    def __init__(self, ctx: Any, parent: QWidget | None = None, *, code: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.busy = False
        self.setObjectName("lookupDialog")
        self.setWindowTitle(self.tr("Look up a patient at headquarters"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        outer = QVBoxLayout(self)
        intro = QLabel(self.tr("For a patient registered by another unit: give the code on the patient's card or the "
                           "number on the referral slip, and say why you need the record."), self)
        intro.setWordWrap(True)
        outer.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.code = QLineEdit(code, self)
        self.code.setObjectName("lookupCode")
        self.code.setPlaceholderText(self.tr("e.g. ZAH1-00042"))
        self.referral = QLineEdit(self)
        self.referral.setObjectName("lookupReferral")
        self.reason = QLineEdit(self)
        self.reason.setObjectName("lookupReason")
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText(self.tr("e.g. moved to our area; referred to us without a slip"))
        form.addRow(self.tr("Patient code"), self.code)
        form.addRow(self.tr("or referral number"), self.referral)
        form.addRow(self.tr("Reason (required)"), self.reason)
        outer.addLayout(form)
        self.note = QLabel(self.tr("Headquarters records this request: your name, this laptop, the patient and the "
                               "reason."), self)
        self.note.setObjectName("lookupNote")
        self.note.setWordWrap(True)
        outer.addWidget(self.note)
        self.error = ErrorLabel(self)
        self.error.setObjectName("lookupError")
        outer.addWidget(self.error)
        self.buttons = QDialogButtonBox(self)
        self.go = self.buttons.addButton(self.tr("Look up"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setObjectName("lookupGo")
        self.go.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.look_up)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.code.setFocus()

    def look_up(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.go.setEnabled(False)
        self.error.say("")
        ctx = self.ctx
        code, referral, reason = self.code.text(), self.referral.text(), self.reason.text()

        def work() -> str:
            from app.services.lookup import lookup_at_headquarters

            return lookup_at_headquarters(ctx, reason=reason, patient_code=code, referral_number=referral)

        def done(patient_id: str) -> None:
            self.busy = False
            self.go.setEnabled(True)
            self.found.emit(patient_id)
            self.accept()

        def failed(err: BaseException) -> None:
            self.busy = False
            self.go.setEnabled(True)
            self.error.say(error_text(err))

        run_op(self, work, done, failed, progress_label=self.tr("Asking headquarters…"))


def _looks_like_code(text: str) -> bool:
    text = text.strip()
    return bool(text) and " " not in text and any(ch.isdigit() for ch in text)


def attach_lookup(view: Any, row: Any) -> QPushButton | None:
    """Add 'Look up at headquarters…' (and its shortcut) to the search screen ``view``, for clinicians only."""
    if not can(view.ctx.role, Action.LOOKUP_PATIENT):
        return None
    button = QPushButton(QCoreApplication.translate("LookupDialog", "Look up at headquarters…"), view)
    button.setObjectName("lookupButton")
    button.setToolTip(QCoreApplication.translate(
        "LookupDialog", "A patient of another unit: fetch the record from headquarters, with a reason (%1)")
        .replace("%1", SHORTCUT))
    row.addWidget(button)

    def open_dialog() -> None:
        text = view.query.text()
        dialog = LookupDialog(view.ctx, view, code=text.strip() if _looks_like_code(text) else "")
        view.lookup_dialog = dialog
        dialog.found.connect(view.open_patient)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    button.clicked.connect(open_dialog)
    shortcut = QShortcut(QKeySequence(SHORTCUT), view)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(open_dialog)

    def nothing_found(n: int) -> None:
        if n == 0 and view.query.text().strip():
            view.count.setText(QCoreApplication.translate(
                "LookupDialog", "No patient on this laptop matches. Registered by another unit? Look up at "
                                "headquarters (%1).").replace("%1", SHORTCUT))

    view.results_shown.connect(nothing_found)
    return button
