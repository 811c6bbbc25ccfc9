"""Readings unusual but possible (issue 14): before they are saved the clinician confirms them, from the keyboard.
"Check again" is the default (Enter, Esc) and puts the cursor on the first such reading; "Save anyway (unusual but
true)" (Alt+A) saves them, and the visit keeps that they were confirmed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from app.ui import i18n


def _tr(text: str) -> str:
    return QCoreApplication.translate("UnusualVitals", text)


def ask_to_confirm(form: Any, err: Any) -> None:
    """``err`` is the service's UnusualVitals; saving again with the readings confirmed is the form's ``save``."""
    from app.services.vital_ranges import usual_text
    from app.ui.visits.vitals import vital_labels

    names = vital_labels()
    lines = [_tr("%1: %2 (usual %3)").replace("%1", names.get(f, f))
             .replace("%2", i18n.decimal(form.vitals.edits[f].text().strip()))
             .replace("%3", i18n.decimal(usual_text(f))) for f in err.fields]
    box = QMessageBox(QMessageBox.Icon.Warning, _tr("Unusual readings"),
                      _tr("These readings are unusual:\n\n%1\n\nCheck them with the patient. If they are right, "
                          "save anyway: the visit is marked as checked and confirmed.").replace("%1", "\n".join(lines)),
                      QMessageBox.StandardButton.NoButton, form)
    box.setObjectName("unusualVitalsDialog")
    anyway = box.addButton(_tr("Save &anyway (unusual but true)"), QMessageBox.ButtonRole.AcceptRole)
    anyway.setObjectName("saveAnyway")
    again = box.addButton(_tr("&Check again"), QMessageBox.ButtonRole.RejectRole)
    again.setObjectName("checkAgain")
    box.setDefaultButton(again)
    box.setEscapeButton(again)
    form.unusual_dialog = box

    def done(_: int) -> None:
        form.unusual_dialog = None
        if box.clickedButton() is anyway:
            form.vitals.confirmed.update(err.fields)
            form.save()
        else:
            edit = form.vitals.edits[err.fields[0]]
            form.scroll.ensureWidgetVisible(edit)
            edit.setFocus()
            edit.selectAll()
            form.say_status(_tr("Not saved: check the unusual readings."))

    box.finished.connect(done)
    box.open()
