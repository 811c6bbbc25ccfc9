"""Onset of illness on the visit form: a case counts in the epi week its illness began, not the week it was seen.

Prefilled with the visit day; typed in the user's calendar (Solar Hijri in Persian). Shown for every visit because
a notifiable diagnosis may be added last.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.ui.widgets.forms import DateField, ErrorLabel


class OnsetField(QWidget):
    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Illness began on"), self))
        self.edit = DateField(self)
        self.edit.setObjectName("onsetDate")
        self.edit.set_value(today)
        self.edit.setToolTip(self.tr("The day the first symptoms began (the visit day if not known). Notifiable "
                                     "cases count in the week of their onset."))
        row.addWidget(self.edit)
        row.addStretch(1)
        col.addLayout(row)
        self.error = ErrorLabel(self)
        col.addWidget(self.error)

    def value(self) -> date | None:
        """None when it is the visit day (the service's default) or empty."""
        found = self.edit.value()
        return None if found == self.today else found

    def problem(self) -> str:
        return self.edit.problem()

    def state(self) -> str:
        return self.edit.text()

    def restore(self, text: str | None) -> None:
        if text:
            self.edit.setText(text)
