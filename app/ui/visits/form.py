"""Recording a visit: complaint, vitals, diagnoses, treatment, medicines, follow-up; notifiable diseases are loud."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui import i18n, labels
from app.ui.ops import run_op, show_error
from app.ui.visits.amend import SavedVisitMixin
from app.ui.visits.diagnoses import DiagnosisPicker
from app.ui.visits.extras import VisitExtras
from app.ui.visits.medicines import MedicinesTable
from app.ui.visits.onset import OnsetField
from app.ui.visits.vitals import VitalsBox
from app.ui.widgets.forms import Banner, DateField, ErrorLabel, digits_only, text_box
from app.ui.widgets.formtab import FormTab, set_combo


class VisitForm(SavedVisitMixin, FormTab):
    kind = "visit"
    key_fields = ("patient_id",)

    def asks_pregnancy(self) -> bool:
        """Only for a female of reproductive age on the visit's day (app.core.birth.may_be_pregnant); asked too
        when the form does not know the birth (a draft kept by an older version)."""
        from datetime import date

        from app.core.birth import may_be_pregnant

        born = self.args.get("patient_birth_date") or ""
        return may_be_pregnant(self.args.get("patient_sex"), date_of_birth=date.fromisoformat(born) if born else None,
                               birth_year=self.args.get("patient_birth_year") or None, on=self.ctx.today())

    def __init__(self, session: Any, args: dict[str, Any], parent: QWidget | None = None) -> None:
        kept = {"patient_id": args["patient_id"], "patient_label": args.get("patient_label", ""),
                "patient_sex": args.get("patient_sex", ""), "patient_allergies": args.get("patient_allergies", ""),
                "patient_birth_date": args.get("patient_birth_date", ""),
                "patient_birth_year": args.get("patient_birth_year", 0)}
        if args.get("visit_id"):
            kept["visit_id"] = args["visit_id"]
        super().__init__(session, kept, "", parent)
        self.set_title(self.tr("Visit: %1").replace("%1", args.get("patient_label", "")))
        self.setObjectName("visitForm")
        self.visit_id: str | None = args.get("visit_id")
        self.result: Any = None
        self.saved_visit: Any = None  # the stored visit this form shows (app.services.visits.SavedVisit)
        self.amending = False
        self._focus_on_load = bool(self.visit_id)
        self._pending_amendment: dict[str, Any] | None = None  # a kept amendment waiting for the visit to load
        if self.visit_id:
            # A saved visit opened from the chart: a record; only an amendment of it is kept as a draft.
            self.rekey(f"visit-saved-{self.visit_id}")
            self.autosaver.paused = True
        self.alarm = Banner("danger", self)
        self.alarm.setObjectName("notifiableBanner")
        self.body.addWidget(self.alarm)
        self.scroll = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        inner = QWidget(scroll)
        scroll.setWidget(inner)
        self.body.addWidget(scroll, 1)
        col = QVBoxLayout(inner)

        top = QGroupBox(self.tr("Why they came"), inner)
        form = QFormLayout(top)
        self.visit_type = QComboBox(top)
        self.visit_type.setObjectName("visitType")
        self.visit_type.addItem(self.tr("New problem"), "new")
        self.visit_type.addItem(self.tr("Follow-up"), "follow_up")
        self.complaint = text_box(top, "complaint")
        complaint_error = ErrorLabel(top)
        self.findings = text_box(top, "findings")
        form.addRow(self.tr("Visit"), self.visit_type)
        form.addRow(self.tr("Complaint"), self.complaint)
        form.addRow(complaint_error)
        form.addRow(self.tr("Findings"), self.findings)
        self.errors.bind("complaint", self.complaint, complaint_error)
        col.addWidget(top)

        self.vitals = VitalsBox(self.errors, inner)
        for edit in self.vitals.edits.values():
            self.watch(edit)
        self.pregnant = QCheckBox(self.tr("Pregnant"), self.vitals)
        self.pregnant.setObjectName("pregnant")
        self.pregnant.setVisible(self.asks_pregnancy())
        self.vitals.layout().addWidget(self.pregnant, 6, 0, 1, 2)
        col.addWidget(self.vitals)
        self.extras = VisitExtras(self, self.vitals.layout(), form, self.errors)

        self.diagnoses = DiagnosisPicker(self.ctx, inner)
        self.diagnoses.changed.connect(self._diagnoses_changed)
        self.errors.bind("diagnoses", self.diagnoses.search, self.diagnoses.error)
        col.addWidget(self.diagnoses)
        self.onset = OnsetField(self.ctx.today(), inner)
        self.errors.bind("onset_date", self.onset.edit, self.onset.error)
        self.diagnoses.layout().addWidget(self.onset)

        care = QGroupBox(self.tr("Treatment"), inner)
        care_col = QVBoxLayout(care)
        self.treatment = text_box(care, "treatment")
        care_col.addWidget(self.treatment)
        self.medicines = MedicinesTable(care)
        self.medicines.itemChanged.connect(self.autosaver.touch)
        medicines_error = ErrorLabel(care)
        self.errors.bind("medicines", self.medicines, medicines_error)
        self.add_button = add = QPushButton(self.tr("Add a medicine"), care)
        add.setObjectName("addMedicine")
        add.clicked.connect(lambda: self.add_medicine())
        care_col.addWidget(self.medicines)
        care_col.addWidget(medicines_error)
        care_col.addWidget(add)
        follow = QHBoxLayout()
        follow.addWidget(QLabel(self.tr("Follow-up date"), care))
        self.follow_up = DateField(care)
        self.follow_up.setObjectName("followUp")
        follow.addWidget(self.follow_up)
        follow.addStretch(1)
        care_col.addLayout(follow)
        self.follow_error = ErrorLabel(care)
        care_col.addWidget(self.follow_error)
        self.errors.bind("follow_up_date", self.follow_up, self.follow_error)
        col.addWidget(care)
        self.watch(self.visit_type, self.complaint, self.findings, self.pregnant, self.treatment, self.follow_up,
                   self.onset.edit)

        self.reason_row = QWidget(self)
        reason_col = QVBoxLayout(self.reason_row)
        reason_col.setContentsMargins(0, 0, 0, 0)
        reason_line = QHBoxLayout()
        reason_line.addWidget(QLabel(self.tr("Why is the visit amended?"), self.reason_row))
        self.reason = QLineEdit(self.reason_row)
        self.reason.setObjectName("amendReason")
        self.reason.setPlaceholderText(self.tr("e.g. the rapid test came back positive"))
        reason_line.addWidget(self.reason, 1)
        reason_col.addLayout(reason_line)
        reason_error = ErrorLabel(self.reason_row)
        reason_col.addWidget(reason_error)
        self.errors.bind("reason", self.reason, reason_error)
        self.watch(self.reason)
        self.reason_row.setVisible(False)
        self.body.addWidget(self.reason_row)
        self.stored_label = QLabel(self)
        self.stored_label.setObjectName("storedLabel")
        self.stored_label.setWordWrap(True)
        self.body.addWidget(self.stored_label)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save visit"), self)
        self.save_button.setObjectName("saveVisit")
        self.save_button.setToolTip(self.tr("Save visit (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.amend_button = QPushButton(self.tr("Amend…"), self)
        self.amend_button.setObjectName("amendVisit")
        self.amend_button.setToolTip(self.tr("Change the saved visit: the change is stored as a new version with "
                                             "its reason"))
        self.amend_button.setVisible(False)
        self.amend_button.clicked.connect(self.start_amend)
        self.refer_button = QPushButton(self.tr("Refer this patient…"), self)
        self.refer_button.setObjectName("referButton")
        self.refer_button.setToolTip(self.tr("Refer this patient (Ctrl+Shift+R)"))
        self.refer_button.setEnabled(False)
        self.refer_button.clicked.connect(self.refer)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.amend_button)
        buttons.addWidget(self.refer_button)
        from app.ui.surveillance.panel import attach_to_visit  # issue 16: results for this visit's cases

        attach_to_visit(self, buttons)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        # The inputs that a saved visit locks (read-only until "Amend").
        self.inputs: list[QWidget] = [self.visit_type, self.complaint, self.findings, *self.vitals.edits.values(),
                                      self.pregnant, self.diagnoses.search, self.diagnoses.toggle_button,
                                      self.diagnoses.remove_button, self.onset.edit, self.treatment,
                                      self.medicines, self.add_button, self.follow_up, *self.extras.inputs()]
        # Keyboard jumps, so a simple visit is a few keys: Alt+I diagnosis, Alt+M a medicine, Alt+U follow-up.
        for keys, slot in (("Alt+I", self.diagnoses.search.setFocus), ("Alt+M", self.add_medicine),
                           ("Alt+U", self.follow_up.setFocus)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=slot: s() if self.diagnoses.search.isEnabled() else None)
        self.diagnoses.search.setToolTip(self.tr("Alt+I: diagnosis (ICD-10)"))
        self.add_button.setToolTip(self.tr("Alt+M: add a medicine"))
        self.follow_up.setToolTip(self.tr("Alt+U: follow-up date"))
        from app.ui.immunisation.at_visit import attach_to_visit as vaccinations  # issue 18: shown at the visit

        self.immunisation = vaccinations(self, self.body)  # filled in off the GUI thread when ready
        if self.visit_id:
            self.set_read_only(True)
            self.save_button.setVisible(False)
            self.load_saved()

    def first_field(self) -> QWidget | None:
        """Where the cursor goes when the form comes to the front."""
        if self.visit_id and not self.amending:
            if self.saved_visit is None:
                return None  # still loading: _show_saved puts the cursor on "Amend"
            return self.amend_button if self.amend_button.isVisible() else self.refer_button
        return self.complaint

    def add_medicine(self, values: list[str] | None = None) -> None:
        self.medicines.add_row(values)
        if values is None:  # the button: the cursor goes into the new row's first cell
            self.medicines.setCurrentCell(self.medicines.rowCount() - 1, 0)
            self.medicines.setFocus()

    def _medicine_rows(self) -> list[list[str]]:
        return self.medicines.rows()

    def _diagnoses_changed(self) -> None:
        self.autosaver.touch()
        hot = self.diagnoses.notifiable()
        if hot:
            names = i18n.joined(labels.disease(d["notifiable"]) for d in hot)
            self.alarm.say(self.tr("NOTIFIABLE DISEASE: %1 — report immediately to the district health centre. "
                                   "This visit will be marked urgent.").replace("%1", names))
        else:
            self.alarm.say("")

    # ----- drafts -----

    def state(self) -> dict[str, Any]:
        state = {"visit_type": self.visit_type.currentData(), "complaint": self.complaint.toPlainText(),
                 "findings": self.findings.toPlainText(), "vitals": self.vitals.state(),
                 "pregnant": self.pregnant.isChecked(), "diagnoses": self.diagnoses.chosen,
                 "treatment": self.treatment.toPlainText(), "medicines": self._medicine_rows(),
                 "follow_up": self.follow_up.text(), "onset": self.onset.state(), **self.extras.state()}
        if self.amending:
            state.update(self.amendment_state())
        return state

    def restore(self, state: dict[str, Any]) -> None:
        if state.get("amending") and not self.resume_amendment(state):
            return  # the saved visit is still loading: the amendment is put back over it once it is shown
        set_combo(self.visit_type, state.get("visit_type"))
        self.complaint.setPlainText(state.get("complaint", ""))
        self.findings.setPlainText(state.get("findings", ""))
        self.vitals.restore(state.get("vitals", {}))
        self.pregnant.setChecked(bool(state.get("pregnant")))
        self.diagnoses.set_chosen(state.get("diagnoses", []))
        self.treatment.setPlainText(state.get("treatment", ""))
        self.medicines.set_rows(state.get("medicines", []))
        self.follow_up.setText(state.get("follow_up", ""))
        self.onset.restore(state.get("onset"))
        self.extras.restore(state)

    # ----- saving -----

    def _problems(self) -> list[Any]:
        """Every problem the form can see before asking the service, in the order of the screen."""
        from app.services.errors import FieldError

        problems = []
        if not self.complaint.toPlainText().strip():
            text = self.tr("Write the complaint.")
            problems.append(FieldError("complaint", "ui", text, text))
        problems.extend(self.vitals.problems())
        problems.extend(self.extras.problems())
        if self.onset.problem():
            problems.append(FieldError("onset_date", "ui", self.onset.problem(), self.onset.problem()))
        if self.follow_up.problem():
            problems.append(FieldError("follow_up_date", "ui", self.follow_up.problem(), self.follow_up.problem()))
        if self.amending and not self.reason.text().strip():
            text = self.tr("Say why the visit is amended.")
            problems.append(FieldError("reason", "ui", text, text))
        return problems

    def _data(self) -> dict[str, Any]:
        return {"patient_id": self.args["patient_id"], "visit_type": self.visit_type.currentData(),
                "complaint": self.complaint.toPlainText(), "findings": self.findings.toPlainText(),
                **self.vitals.values(), "pregnant": True if self.pregnant.isChecked() else None,
                "diagnoses": [{"code": d["code"], "certainty": d.get("certainty", "suspected")}
                              for d in self.diagnoses.chosen],
                "treatment": self.treatment.toPlainText(),
                "medicines": [{"name": n, "dose": d, "quantity": q, "time": digits_only(t)}
                              for n, d, q, t in self._medicine_rows() if n],
                **self.extras.values(self.pregnant.isChecked()),
                "follow_up_date": self.follow_up.value(), "onset_date": self.onset.value(),
                "unusual_vitals": sorted(self.vitals.confirmed)}

    def save(self) -> None:
        self.medicines.commit_open_editor()  # Ctrl+S with a dose still being typed saves that dose
        self.errors.clear()
        problems = self._problems()
        if problems:
            self.show_problems(problems)  # FormTab's: beside the fields, the first focused, the status line says why
            return
        data = self._data()
        ctx = self.ctx
        self.save_button.setEnabled(False)
        if self.amending:
            self._save_amendment(data)
            return
        from app.services.visits import record_visit

        run_op(self, lambda: record_visit(ctx, data), self._saved, self._failed, self.tr("Saving the visit…"))

    def _failed(self, err: BaseException) -> None:
        from app.services.errors import ValidationFailed
        from app.services.vital_ranges import UnusualVitals

        self.save_button.setEnabled(True)
        if isinstance(err, ValidationFailed):
            self.show_problems(err.errors)
        elif isinstance(err, UnusualVitals):
            from app.ui.visits.unusual import ask_to_confirm

            ask_to_confirm(self, err)
        else:
            show_error(self, err)

    def _saved(self, result: Any) -> None:
        self.visit_id, self.result = result.visit_id, result
        self.args["visit_id"] = result.visit_id
        self.finished_ok(result)
        self.rekey(f"visit-saved-{result.visit_id}")  # a new visit for this patient opens a fresh form
        self.set_read_only(True)
        self.save_button.setText(self.tr("Saved"))
        self.save_button.setEnabled(False)
        self.refer_button.setEnabled(True)
        self.refer_button.setFocus()
        self.say_status(self.tr("Visit saved."))
        self.load_saved()  # show what was stored, not what was typed
        if result.notifiable:
            self.warn_notifiable(result.notifiable)

    def warn_notifiable(self, notices: list[Any]) -> None:
        lines = []
        for n in notices:
            when = self.tr("report immediately") if n.immediate else self.tr("report in the weekly list")
            lines.append(f"{labels.disease(n.disease)} ({n.code}) — {when}")
        self.alarm.say(self.tr("URGENT — notifiable disease: %1").replace("%1", i18n.joined(lines, ";")))
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("Notifiable disease"),
                          self.tr("This visit records a notifiable disease:\n\n%1\n\nReport it to the district "
                                  "health centre now. The visit is marked urgent.").replace("%1", "\n".join(lines)),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("notifiableDialog")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notifiable_dialog = box
        box.open()

    def refer(self) -> None:
        if self.visit_id:
            self.parent_main().open_form("referral", {"visit_id": self.visit_id,
                                                      "patient_id": self.args["patient_id"],
                                                      "patient_label": self.args.get("patient_label", "")})

    def refer_from_keyboard(self) -> None:
        if self.refer_button.isEnabled() and self.refer_button.isVisible():
            self.refer()

    def parent_main(self) -> Any:
        w = self.parentWidget()
        while w is not None and not hasattr(w, "open_form"):
            w = w.parentWidget()
        return w
