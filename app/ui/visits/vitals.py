"""Vital signs with range checks as the user types — the same limits as the service's ``VisitIn``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QWidget

from app.ui import i18n
from app.ui.widgets.forms import ERROR_STYLE, ErrorLabel, FieldErrors, digits_only, mark_invalid

WARNING_STYLE = "color: #7a4f01;"

# (field, is_float): the order on screen.
VITALS = (("temperature_c", True), ("systolic", False), ("diastolic", False), ("pulse", False),
          ("resp_rate", False), ("spo2", False), ("weight_kg", True), ("height_cm", True), ("muac_mm", False))


def vital_limits() -> dict[str, tuple[float, float]]:
    """Read from the service's model so the screen and the service can never disagree."""
    from app.services.visits import VisitIn

    limits = {}
    for name, _ in VITALS:
        lo = hi = None
        for m in VisitIn.model_fields[name].metadata:
            lo = getattr(m, "ge", lo)
            hi = getattr(m, "le", hi)
        limits[name] = (float(lo), float(hi))
    return limits



def vital_labels() -> dict[str, str]:
    return {"temperature_c": QCoreApplication.translate("VitalsBox", "Temperature (°C)"), "systolic": QCoreApplication.translate("VitalsBox", "Systolic BP (mmHg)"),
            "diastolic": QCoreApplication.translate("VitalsBox", "Diastolic BP (mmHg)"), "pulse": QCoreApplication.translate("VitalsBox", "Pulse (/min)"), "resp_rate": QCoreApplication.translate("VitalsBox", "Breaths (/min)"),
            "spo2": QCoreApplication.translate("VitalsBox", "SpO₂ (%)"), "weight_kg": QCoreApplication.translate("VitalsBox", "Weight (kg)"), "height_cm": QCoreApplication.translate("VitalsBox", "Height (cm)"),
            "muac_mm": QCoreApplication.translate("VitalsBox", "MUAC (mm)")}


class VitalsBox(QGroupBox):
    def __init__(self, errors: FieldErrors, parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate("VitalsBox", "Vital signs"), parent)
        self.limits = vital_limits()
        self.edits: dict[str, QLineEdit] = {}
        self.notes: dict[str, ErrorLabel] = {}
        grid = QGridLayout(self)
        names = vital_labels()
        for i, (name, _is_float) in enumerate(VITALS):
            r, c = divmod(i, 3)
            edit = QLineEdit(self)
            edit.setObjectName(name)
            edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            lo, hi = self.limits[name]
            edit.setPlaceholderText(i18n.decimal(f"{lo:g}–{hi:g}"))
            i18n.screen_digits(edit, decimal_point=_is_float)
            edit.setMaximumWidth(110)
            note = ErrorLabel(self)
            note.setObjectName(f"{name}_error")
            grid.addWidget(QLabel(names[name], self), r * 2, c * 2)
            grid.addWidget(edit, r * 2, c * 2 + 1)
            grid.addWidget(note, r * 2 + 1, c * 2, 1, 2)
            edit.textChanged.connect(lambda _t, n=name: self._edited(n))
            errors.bind(name, edit, note)
            self.edits[name], self.notes[name] = edit, note
        self.floats = {name for name, f in VITALS if f}
        from app.services.vital_ranges import USUAL

        self.usual = USUAL
        self.confirmed: set[str] = set()  # readings confirmed as unusual but true; typing again asks again

    def _edited(self, name: str) -> None:
        if self.isEnabled():
            self.confirmed.discard(name)
        self.check(name)

    def check(self, name: str) -> bool:
        """Inline check of one field as it is typed; True when it can be saved (or is empty). A reading outside the
        usual range but possible gets a warning, not an error: saving asks to confirm it."""
        text = i18n.read_decimal(self.edits[name].text()) if name in self.floats else digits_only(self.edits[name].text())
        message = warning = ""
        if text:
            try:
                value = float(text) if name in self.floats else int(text)
            except ValueError:
                message = QCoreApplication.translate("VitalsBox", "Enter a number") if name in self.floats else QCoreApplication.translate("VitalsBox", "Enter a whole number")
            else:
                lo, hi = self.limits[name]
                if not lo <= value <= hi:
                    message = QCoreApplication.translate("VitalsBox", "Outside %1–%2: check the typing").replace("%1", i18n.decimal(f"{lo:g}")).replace("%2", i18n.decimal(f"{hi:g}"))
                elif not self.usual[name][0] <= value <= self.usual[name][1]:
                    ulo, uhi = self.usual[name]
                    warning = (QCoreApplication.translate("VitalsBox", "Unusual, confirmed as true")
                               if name in self.confirmed else
                               QCoreApplication.translate("VitalsBox", "Unusual (usual %1–%2): saving asks you to "
                                                          "confirm it").replace("%1", i18n.decimal(f"{ulo:g}")).replace("%2", i18n.decimal(f"{uhi:g}")))
        self.notes[name].say(message or warning)
        self.notes[name].setStyleSheet(ERROR_STYLE if message else WARNING_STYLE)
        mark_invalid(self.edits[name], bool(message))
        return not message

    def unusual(self) -> list[str]:
        """The readings on screen outside their usual range (and inside the hard limits)."""
        from app.services.vital_ranges import unusual_fields

        values = self.values() if all(self.check(n) for n in self.edits) else {}
        return unusual_fields(values)

    def show_confirmed(self, names: list[str]) -> None:
        """A saved visit: the readings its clinician confirmed are marked as such."""
        self.confirmed = set(names)
        for n in self.edits:
            self.check(n)

    def all_ok(self) -> bool:
        return all([self.check(n) for n in self.edits])

    def problems(self) -> list[Any]:
        """Each vital that cannot be saved, as the form's field errors (every one, not only the first)."""
        from app.services.errors import FieldError

        out = []
        for name in self.edits:
            if not self.check(name):
                text = self.notes[name].text()
                out.append(FieldError(name, "ui", text, text))
        return out

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, edit in self.edits.items():
            text = i18n.read_decimal(edit.text()) if name in self.floats else digits_only(edit.text())
            out[name] = (float(text) if name in self.floats else int(text)) if text else None
        return out

    def state(self) -> dict[str, str]:
        return {n: e.text() for n, e in self.edits.items()}

    def restore(self, state: dict[str, str]) -> None:
        for n, text in state.items():
            if n in self.edits:
                self.edits[n].setText(text)
