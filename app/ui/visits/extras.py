"""The visit form's fields for the referral slip (issue 16): weeks of pregnancy beside "Pregnant", and the
patient's known allergies (kept on the patient; the visit's save updates them in the same transaction)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFormLayout, QGridLayout, QLabel, QLineEdit, QWidget

from app.ui import i18n
from app.ui.widgets.forms import ErrorLabel, FieldErrors, digits_only


def _tr(text: str) -> str:
    return QCoreApplication.translate("VisitForm", text)


class VisitExtras:
    def __init__(self, form: Any, vitals_grid: QGridLayout, top: QFormLayout, errors: FieldErrors) -> None:
        box = vitals_grid.parentWidget()
        self.weeks = QLineEdit(box)
        self.weeks.setObjectName("pregnancyWeeks")
        self.weeks.setPlaceholderText(_tr("weeks"))
        self.weeks.setMaximumWidth(110)
        self.weeks.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.weeks.setToolTip(_tr("Weeks of pregnancy, if known"))
        self.weeks_label = QLabel(_tr("Weeks of pregnancy"), box)
        weeks_error = ErrorLabel(box)
        vitals_grid.addWidget(self.weeks_label, 6, 2)
        vitals_grid.addWidget(self.weeks, 6, 3)
        vitals_grid.addWidget(weeks_error, 7, 2, 1, 2)
        errors.bind("pregnancy_weeks", self.weeks, weeks_error)
        female = form.asks_pregnancy()
        self.weeks.setVisible(female)
        self.weeks_label.setVisible(female)
        self.allergies = QLineEdit(top.parentWidget())
        self.allergies.setObjectName("allergies")
        self.allergies.setPlaceholderText(_tr("e.g. penicillin (rash); none known"))
        self.allergies.setText(form.args.get("patient_allergies", ""))
        allergies_error = ErrorLabel(top.parentWidget())
        top.addRow(_tr("Known allergies"), self.allergies)
        top.addRow(allergies_error)
        errors.bind("allergies", self.allergies, allergies_error)
        form.watch(self.weeks, self.allergies)

    def inputs(self) -> list[QWidget]:
        return [self.weeks, self.allergies]

    def problems(self) -> list[Any]:
        from app.services.errors import FieldError

        text = digits_only(self.weeks.text())
        if text and not text.isdigit():
            why = _tr("Enter the weeks as a whole number, e.g. 32")
            return [FieldError("pregnancy_weeks", "ui", why, why)]
        return []

    def values(self, pregnant: bool) -> dict[str, Any]:
        text = digits_only(self.weeks.text())
        return {"pregnancy_weeks": int(text) if text.isdigit() and pregnant else None,
                "allergies": self.allergies.text().strip()}

    def state(self) -> dict[str, str]:
        return {"weeks": self.weeks.text(), "allergies": self.allergies.text()}

    def restore(self, state: dict[str, Any]) -> None:
        if "weeks" in state:
            self.weeks.setText(state.get("weeks", ""))
        if "allergies" in state:
            self.allergies.setText(state.get("allergies", ""))

    def show_saved(self, fields: dict[str, Any]) -> None:
        weeks = fields.get("pregnancy_weeks")
        self.weeks.setText("" if weeks is None else i18n.num(weeks))
        self.allergies.setText(fields.get("allergies") or "")
