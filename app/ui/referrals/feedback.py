"""The receiving facility's feedback (the tear-off part of the slip), entered when it comes back to the unit; or the
note that the patient never arrived. Closes the referral loop that headquarters reports on."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.ops import run_op
from app.ui.widgets.forms import DateField, ErrorLabel, FieldErrors


class FeedbackDialog(QDialog):
    saved = Signal()

    def __init__(self, ctx: Any, referral_id: str, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralFeedback")
        self.ctx, self.referral_id = ctx, referral_id
        self.setWindowTitle(self.tr("Feedback for referral %1").replace("%1", number))
        col = QVBoxLayout(self)
        form = QFormLayout()
        self.general = ErrorLabel(self)
        self.errors = FieldErrors(self.general)
        self.date_seen = DateField(self)
        self.date_seen.setObjectName("dateSeen")
        self.date_seen.set_value(date.today())
        self.outcome = QComboBox(self)
        self.outcome.setObjectName("outcome")
        for code, text in (("treated", self.tr("Treated and discharged")), ("admitted", self.tr("Admitted")),
                           ("referred_on", self.tr("Referred onward")), ("died", self.tr("Died")),
                           ("did_not_attend", self.tr("Did not attend")), ("other", self.tr("Other"))):
            self.outcome.addItem(text, code)
        self.findings = QPlainTextEdit(self)
        self.findings.setObjectName("feedbackFindings")
        self.advice = QPlainTextEdit(self)
        self.advice.setObjectName("feedbackAdvice")
        for label, widget, field in ((self.tr("Date seen"), self.date_seen, "date_seen"),
                                     (self.tr("Outcome"), self.outcome, "outcome"),
                                     (self.tr("Findings / diagnosis"), self.findings, "findings"),
                                     (self.tr("Advice / return"), self.advice, "advice")):
            error = ErrorLabel(self)
            form.addRow(label, widget)
            form.addRow("", error)
            self.errors.bind(field, widget, error)
        col.addLayout(form)
        col.addWidget(self.general)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(self.tr("Save feedback"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveFeedback")
        self.lost_button = QPushButton(self.tr("The patient never arrived"), self)
        self.lost_button.setObjectName("markLost")
        buttons.addButton(self.lost_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(self.save)
        self.lost_button.clicked.connect(self.mark_lost)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)

    def save(self) -> None:
        try:
            seen = self.date_seen.value()
        except ValueError:
            self.errors.show([])
            self.general.say(self.date_seen.problem())
            return
        data = {"date_seen": seen.isoformat() if seen else None, "outcome": self.outcome.currentData(),
                "findings": self.findings.toPlainText(), "advice": self.advice.toPlainText()}
        ctx, rid = self.ctx, self.referral_id

        def work() -> None:
            from app.services.referrals import record_referral_feedback

            record_referral_feedback(ctx, rid, data)

        run_op(self, work, self._done, self._failed)

    def mark_lost(self) -> None:
        ctx, rid = self.ctx, self.referral_id

        def work() -> None:
            from app.services.referrals import set_referral_status

            set_referral_status(ctx, rid, "lost")

        run_op(self, work, self._done, self._failed)

    def _done(self, _result: Any) -> None:
        self.saved.emit()
        self.accept()

    def _failed(self, err: BaseException) -> None:
        from app.services.errors import ValidationFailed
        from app.ui.ops import error_text

        if isinstance(err, ValidationFailed):
            self.errors.show(err.errors)
        else:
            self.errors.show([])
            self.general.say(error_text(err))
