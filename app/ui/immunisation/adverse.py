"""Adverse events following immunisation (AEFI), from the chart's vaccination panel: the reaction, when it began,
whether it is serious, the outcome, and the dose it followed (app.services.immunisation.record_adverse_event; the
record travels ahead of the others, since Iran reports AEFI at once). The person's earlier events are listed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.ui import i18n
from app.ui.ops import run_op
from app.ui.widgets.forms import DateField, ErrorLabel, FieldErrors, field_rows, vaccine_choice
from app.ui.widgets.tables import fill_rows, small_table


def _label(kind: str, code: str) -> str:
    from app.services.labels import label

    return label(kind, code, i18n.current_lang())


class AdverseEventDialog(QDialog):
    saved = Signal(str)

    def __init__(self, ctx: Any, patient_id: str, doses: list[Any], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("aefiDialog")
        self.setWindowTitle(self.tr("Adverse event following immunisation"))
        self.ctx, self.patient_id = ctx, patient_id
        from app.services.labels import choices

        lang = i18n.current_lang()
        col = QVBoxLayout(self)
        col.addWidget(QLabel(self.tr("Earlier adverse events of this person:"), self))
        self.earlier = small_table(self, [self.tr("Onset"), self.tr("Vaccine"), self.tr("Reaction"),
                                          self.tr("Serious"), self.tr("Outcome")], "aefiEarlier", max_height=130)
        col.addWidget(self.earlier)
        form = QFormLayout()
        col.addLayout(form)
        self.general = ErrorLabel(self)
        self.errors = FieldErrors(self.general)
        self.dose = QComboBox(self)
        self.dose.setObjectName("aefiDose")
        # The doses this person has, newest first: the event usually follows the latest.
        dated = sorted((d for d in doses if d.given_on is not None), key=lambda d: d.given_on, reverse=True)
        for d in dated:
            self.dose.addItem(f"{i18n.show_date(d.given_on)} — {_label('vaccine', d.vaccine)}", d.id)
        self.dose.addItem(self.tr("Not a dose recorded here"), None)
        self._vaccines = {d.id: d.vaccine for d in dated}
        self.vaccine = vaccine_choice(self, "aefiVaccine")
        self.onset = DateField(self)
        self.onset.setObjectName("aefiOnset")
        self.onset.set_value(ctx.today())
        self.reaction = QLineEdit(self)
        self.reaction.setObjectName("aefiReaction")
        self.reaction.setMaxLength(300)
        self.reaction.setPlaceholderText(self.tr("e.g. fever 39.5, swelling at the injection site"))
        self.serious = QCheckBox(self.tr("Serious (admitted, life-threatening, disability or death)"), self)
        self.serious.setObjectName("aefiSerious")
        self.outcome = QComboBox(self)
        self.outcome.setObjectName("aefiOutcome")
        for value, text in choices("aefi_outcome", lang):
            self.outcome.addItem(text, value)
        self.dose.currentIndexChanged.connect(self._dose_chosen)
        boxes = field_rows(form, self.errors, [
            ("dose_id", self.tr("After the dose"), self.dose), ("vaccine", self.tr("Vaccine"), self.vaccine),
            ("onset_date", self.tr("Onset date"), self.onset), ("reaction", self.tr("Reaction"), self.reaction),
            ("serious", "", self.serious), ("outcome", self.tr("Outcome"), self.outcome)])
        self._labels = {name: box.findChild(ErrorLabel) for name, box in boxes.items()}
        col.addWidget(self.general)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveAefi")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        self._dose_chosen()
        self.reaction.setFocus()
        self._load_earlier()

    def field_error(self, name: str) -> str:
        return self._labels[name].text()

    def _dose_chosen(self) -> None:
        vaccine = self._vaccines.get(self.dose.currentData())
        if vaccine:
            self.vaccine.setCurrentIndex(self.vaccine.findData(vaccine))
        self.vaccine.setEnabled(vaccine is None)

    def _load_earlier(self) -> None:
        from app.services.immunisation import adverse_events

        ctx, pid = self.ctx, self.patient_id

        def show(events: list[Any]) -> None:
            fill_rows(self.earlier, [[i18n.show_date(e.onset_date), _label("vaccine", e.vaccine), e.reaction,
                                      self.tr("yes") if e.serious else self.tr("no"),
                                      _label("aefi_outcome", e.outcome)] for e in events])

        run_op(self, lambda: adverse_events(ctx, pid), show)

    def save(self) -> None:
        from app.services.immunisation import record_adverse_event

        if self.onset.problem():
            self.errors.clear()
            self._labels["onset_date"].say(self.onset.problem())
            self.onset.setFocus()
            return
        data = {"patient_id": self.patient_id, "dose_id": self.dose.currentData(),
                "vaccine": self.vaccine.currentData(), "onset_date": self.onset.value(),
                "reaction": self.reaction.text(), "serious": self.serious.isChecked(),
                "outcome": self.outcome.currentData()}
        ctx = self.ctx

        def done(event_id: str) -> None:
            self.saved.emit(event_id)
            self.accept()

        self.errors.clear()
        run_op(self, lambda: record_adverse_event(ctx, data), done, self.errors.show_failure)
