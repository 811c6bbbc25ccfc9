"""A saved visit on the form: shown as stored, read-only, until a real amendment (a new version with its reason,
audited by ``app.services.visits.correct_visit``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from app.ui import i18n, labels
from app.ui.ops import run_op
from app.ui.widgets.formtab import set_combo

# Fields of the service's VisitIn that the form edits; an amendment sends those that differ from the stored visit.
EDITED = ("visit_type", "complaint", "findings", "temperature_c", "systolic", "diastolic", "pulse", "resp_rate",
          "spo2", "weight_kg", "height_cm", "muac_mm", "pregnant", "pregnancy_weeks", "treatment", "medicines",
          "follow_up_date", "allergies")


class SavedVisitMixin:
    """Part of ``VisitForm``: the fields it names are built there."""

    def set_read_only(self, locked: bool) -> None:
        for w in self.inputs:
            w.setEnabled(not locked)
            # A hint such as "30–45" or a sample date in a locked field reads like a stored value: not shown.
            if hasattr(w, "placeholderText"):
                if locked and w.property("hint") is None:
                    w.setProperty("hint", w.placeholderText())
                if locked:
                    w.setPlaceholderText("")
                elif w.property("hint") is not None:
                    w.setPlaceholderText(w.property("hint"))
        self.diagnoses.locked = locked
        self.vitals.setEnabled(not locked)

    def load_saved(self) -> None:
        from app.services.visits import open_visit

        ctx, visit_id = self.ctx, self.visit_id
        run_op(self, lambda: open_visit(ctx, visit_id), self._show_saved, None, QCoreApplication.translate("VisitForm", "Opening the visit…"))

    def _show_saved(self, saved: Any) -> None:
        self.saved_visit = saved
        self.visit_id = saved.visit_id
        f = saved.fields
        paused = self.autosaver.paused
        self.autosaver.paused = True
        set_combo(self.visit_type, f["visit_type"])
        self.complaint.setPlainText(f["complaint"] or "")
        self.findings.setPlainText(f["findings"] or "")
        self.vitals.restore({n: ("" if f.get(n) is None else i18n.decimal(f"{f[n]:g}")) for n in self.vitals.edits})
        self.pregnant.setChecked(bool(f.get("pregnant")))
        if f.get("pregnant"):  # what the record says is shown, whatever the age rule would ask today
            self.pregnant.setVisible(True)
            self.extras.weeks.setVisible(True)
            self.extras.weeks_label.setVisible(True)
        self.vitals.show_confirmed(list(f.get("unusual_vitals") or []))
        self.diagnoses.set_chosen(saved.diagnoses)
        self.onset.edit.set_value(saved.onset_date or saved.visit_date)
        self.treatment.setPlainText(f["treatment"] or "")
        self.medicines.set_rows([[m.get("name", ""), m.get("dose", ""), m.get("quantity", ""), m.get("time", "")]
                                 for m in f["medicines"]])
        self.extras.show_saved(f)
        self.follow_up.set_value(f["follow_up_date"])
        self.autosaver.paused = paused
        self._diagnoses_changed_quietly()
        when = i18n.show_date(saved.visit_date)
        text = QCoreApplication.translate("VisitForm", "Saved visit of %1.").replace("%1", when)
        if f.get("unusual_vitals"):
            from app.ui.visits.vitals import vital_labels

            names = vital_labels()
            text += " " + QCoreApplication.translate("VisitForm", "Unusual readings checked and confirmed: %1.").replace(
                "%1", "، ".join(names.get(n, n) for n in f["unusual_vitals"]) if i18n.is_rtl() else
                ", ".join(names.get(n, n) for n in f["unusual_vitals"]))
        if saved.correction_reason:
            text += " " + QCoreApplication.translate("VisitForm", "Amended (version %1): %2").replace("%1", i18n.num(saved.version)).replace(
                "%2", saved.correction_reason)
        self.stored_label.setText(text)
        self.amending = False
        self.autosaver.paused = True  # shown as stored: a record, not a draft, until "Amend"
        self.reason_row.setVisible(False)
        self.set_read_only(True)
        self.save_button.setVisible(False)
        from app.security.roles import Action, can

        self.amend_button.setVisible(can(self.ctx.role, Action.RECORD_VISIT))
        self.amend_button.setEnabled(True)
        self.refer_button.setEnabled(can(self.ctx.role, Action.REFER_PATIENT))
        focus = QApplication.focusWidget()
        if self.isVisible() and (self._focus_on_load or focus is None or not self.isAncestorOf(focus)
                                 or not focus.isEnabled()):
            (self.first_field() or self.refer_button).setFocus()  # opened from the chart: on "Amend", now that it is shown
        self._focus_on_load = False
        pending, self._pending_amendment = self._pending_amendment, None
        if pending is not None:  # "Restore" was pressed (or a language switch) before the visit had loaded
            self.autosaver.paused = True
            try:
                self.restore(pending)
            finally:
                self.autosaver.paused = False

    def _diagnoses_changed_quietly(self) -> None:
        hot = self.diagnoses.notifiable()
        names = i18n.joined(labels.disease(d["notifiable"]) for d in hot)
        self.alarm.say(QCoreApplication.translate("VisitForm", "Notifiable disease recorded: %1").replace("%1", names) if hot else "")

    def start_amend(self) -> None:
        if self.saved_visit is None:
            return
        self.amending = True
        self.set_read_only(False)
        self.reason.clear()
        self.reason_row.setVisible(True)
        self.amend_button.setVisible(False)
        self.save_button.setText(QCoreApplication.translate("VisitForm", "Save the amendment"))
        self.save_button.setVisible(True)
        self.save_button.setEnabled(True)
        # From here on the typing is kept as a draft, as a new form's is: a user switch, a quit, a lock or a closed
        # tab loses nothing, and only the person who typed it is offered it back (app.ui.drafts).
        label = self.args.get("patient_label", "")
        self.autosaver.title = QCoreApplication.translate("VisitForm", "Amending a visit: %1").replace("%1", label)
        self.autosaver.paused = False
        self.complaint.setFocus()

    def amendment_state(self) -> dict[str, Any]:
        """What a kept amendment holds beyond the fields: that it is one, its reason, the version it changes."""
        return {"amending": True, "reason": self.reason.text(),
                "version": self.saved_visit.version if self.saved_visit is not None else None}

    def resume_amendment(self, state: dict[str, Any]) -> bool:
        """Put a kept amendment back: the form unlocked as by "Amend", its reason typed. False while the saved visit
        is still loading (it is resumed once shown, or its fields would be overwritten by the stored ones)."""
        if self.saved_visit is None:
            self._pending_amendment = state
            return False
        paused = self.autosaver.paused
        self.start_amend()
        self.autosaver.paused = paused
        self.reason.setText(state.get("reason", ""))
        if state.get("version") not in (None, self.saved_visit.version):
            # Another amendment was saved meanwhile: whatever this typing leaves as it was would undo it.
            text = QCoreApplication.translate(
                "VisitForm", "The visit was amended again after this typing was kept (now version %1): check "
                             "every field before saving.").replace("%1", i18n.num(self.saved_visit.version))
            self.general_error.say(text)
            self.say_status(text)
        return True

    def _save_amendment(self, data: dict[str, Any]) -> None:
        from app.services.visits import correct_visit

        saved = self.saved_visit
        changes = {n: data[n] for n in EDITED if _differs(data[n], saved.fields.get(n))}
        stored_codes = [(d["code"], d["certainty"]) for d in saved.diagnoses]
        if [(d["code"], d["certainty"]) for d in data["diagnoses"]] != stored_codes:
            changes["diagnoses"] = data["diagnoses"]
        onset = data["onset_date"] or saved.visit_date
        if onset != (saved.onset_date or saved.visit_date):
            changes["onset_date"] = onset
        if changes and self.vitals.confirmed:
            changes["unusual_vitals"] = sorted(self.vitals.confirmed)
        if not changes:
            self.save_button.setEnabled(True)
            self.show_problems([])
            text = QCoreApplication.translate("VisitForm", "Nothing was changed, so there is nothing to amend.")
            self.general_error.say(text)
            self.say_status(text)
            return
        ctx, visit_id, reason = self.ctx, saved.visit_id, self.reason.text()
        run_op(self, lambda: correct_visit(ctx, visit_id, changes, reason=reason), self._amended, self._failed,
               QCoreApplication.translate("VisitForm", "Saving the amendment…"))

    def _amended(self, cases: Any) -> None:
        self.autosaver.discard()  # stored now: the draft (patient data) goes
        self.autosaver.paused = True
        self.say_status(QCoreApplication.translate("VisitForm", "Amendment saved."))
        self.load_saved()
        self.saved.emit(cases)  # the chart shows the new version


def _differs(new: Any, stored: Any) -> bool:
    if isinstance(new, bool) or isinstance(stored, bool):
        return bool(new) != bool(stored)
    if isinstance(new, str) or isinstance(stored, str):
        return (new or "").strip() != (stored or "").strip()
    if isinstance(new, list):
        return [{k: (v or "") for k, v in m.items()} for m in new] != [
            {k: (v or "") for k, v in m.items()} for m in (stored or [])]
    return bool(new != stored)
