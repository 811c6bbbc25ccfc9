"""Recording a visit: complaint, vitals, diagnoses, treatment, medicines, follow-up; notifiable diseases are loud."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui import labels
from app.ui.ops import run_op, show_error
from app.ui.visits.diagnoses import DiagnosisPicker
from app.ui.visits.onset import OnsetField
from app.ui.visits.vitals import VitalsBox
from app.ui.widgets.forms import Banner, DateField, ErrorLabel, text_box
from app.ui.widgets.formtab import FormTab, set_combo


class VisitForm(FormTab):
    kind = "visit"
    key_fields = ("patient_id",)

    def __init__(self, session: Any, args: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(session, {"patient_id": args["patient_id"], "patient_label": args.get("patient_label", ""),
                                   "patient_sex": args.get("patient_sex", "")}, "", parent)
        self.set_title(self.tr("Visit: %1").replace("%1", args.get("patient_label", "")))
        self.setObjectName("visitForm")
        self.visit_id: str | None = None
        self.result: Any = None
        self.alarm = Banner("danger", self)
        self.alarm.setObjectName("notifiableBanner")
        self.body.addWidget(self.alarm)
        scroll = QScrollArea(self)
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
        self.pregnant.setVisible(args.get("patient_sex") == "female")
        self.vitals.layout().addWidget(self.pregnant, 6, 0, 1, 2)
        col.addWidget(self.vitals)

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
        self.medicines = QTableWidget(0, 3, care)
        self.medicines.setObjectName("medicines")
        self.medicines.setHorizontalHeaderLabels([self.tr("Medicine"), self.tr("Dose"), self.tr("Quantity")])
        self.medicines.horizontalHeader().setStretchLastSection(True)
        self.medicines.setColumnWidth(0, 240)
        self.medicines.setColumnWidth(1, 200)
        self.medicines.setMaximumHeight(120)
        self.medicines.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.medicines.itemChanged.connect(self.autosaver.touch)
        add = QPushButton(self.tr("Add a medicine"), care)
        add.setObjectName("addMedicine")
        add.clicked.connect(lambda: self.add_medicine())
        care_col.addWidget(self.medicines)
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

        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save visit"), self)
        self.save_button.setObjectName("saveVisit")
        self.save_button.clicked.connect(self.save)
        self.refer_button = QPushButton(self.tr("Refer this patient…"), self)
        self.refer_button.setObjectName("referButton")
        self.refer_button.setEnabled(False)
        self.refer_button.clicked.connect(self.refer)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.refer_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.complaint.setFocus()

    def add_medicine(self, values: list[str] | None = None) -> None:
        row = self.medicines.rowCount()
        self.medicines.insertRow(row)
        for c, v in enumerate(values or ["", "", ""]):
            self.medicines.setItem(row, c, QTableWidgetItem(v))
        self.medicines.setCurrentCell(row, 0)
        self.medicines.setFocus()

    def _medicine_rows(self) -> list[list[str]]:
        rows = []
        for r in range(self.medicines.rowCount()):
            rows.append([(self.medicines.item(r, c).text().strip() if self.medicines.item(r, c) else "")
                         for c in range(3)])
        return rows

    def _diagnoses_changed(self) -> None:
        self.autosaver.touch()
        hot = self.diagnoses.notifiable()
        if hot:
            names = ", ".join(labels.disease(d["notifiable"]) for d in hot)
            self.alarm.say(self.tr("NOTIFIABLE DISEASE: %1 — report immediately to the district health centre. "
                                   "This visit will be marked urgent.").replace("%1", names))
        else:
            self.alarm.say("")

    # ----- drafts -----

    def state(self) -> dict[str, Any]:
        return {"visit_type": self.visit_type.currentData(), "complaint": self.complaint.toPlainText(),
                "findings": self.findings.toPlainText(), "vitals": self.vitals.state(),
                "pregnant": self.pregnant.isChecked(), "diagnoses": self.diagnoses.chosen,
                "treatment": self.treatment.toPlainText(), "medicines": self._medicine_rows(),
                "follow_up": self.follow_up.text(), "onset": self.onset.state()}

    def restore(self, state: dict[str, Any]) -> None:
        set_combo(self.visit_type, state.get("visit_type"))
        self.complaint.setPlainText(state.get("complaint", ""))
        self.findings.setPlainText(state.get("findings", ""))
        self.vitals.restore(state.get("vitals", {}))
        self.pregnant.setChecked(bool(state.get("pregnant")))
        self.diagnoses.set_chosen(state.get("diagnoses", []))
        self.treatment.setPlainText(state.get("treatment", ""))
        for row in state.get("medicines", []):
            self.add_medicine(row)
        self.follow_up.setText(state.get("follow_up", ""))
        self.onset.restore(state.get("onset"))

    # ----- saving -----

    def save(self) -> None:
        from app.services.errors import FieldError

        self.errors.clear()
        problems = []
        if not self.vitals.all_ok():
            return
        if self.follow_up.problem():
            problems.append(FieldError("follow_up_date", "ui", self.follow_up.problem(), self.follow_up.problem()))
        if self.onset.problem():
            problems.append(FieldError("onset_date", "ui", self.onset.problem(), self.onset.problem()))
        if not self.complaint.toPlainText().strip():
            text = self.tr("Write the complaint.")
            problems.append(FieldError("complaint", "ui", text, text))
        if problems:
            self.errors.show(problems)
            return
        data = {"patient_id": self.args["patient_id"], "visit_type": self.visit_type.currentData(),
                "complaint": self.complaint.toPlainText(), "findings": self.findings.toPlainText(),
                **self.vitals.values(), "pregnant": True if self.pregnant.isChecked() else None,
                "diagnoses": [{"code": d["code"], "certainty": d.get("certainty", "suspected")}
                              for d in self.diagnoses.chosen],
                "treatment": self.treatment.toPlainText(),
                "medicines": [{"name": n, "dose": d, "quantity": q} for n, d, q in self._medicine_rows() if n],
                "follow_up_date": self.follow_up.value(), "onset_date": self.onset.value()}
        from app.services.visits import record_visit

        ctx = self.ctx
        self.save_button.setEnabled(False)
        run_op(self, lambda: record_visit(ctx, data), self._saved, self._failed, self.tr("Saving the visit…"))

    def _failed(self, err: BaseException) -> None:
        from app.services.errors import ValidationFailed

        self.save_button.setEnabled(True)
        if isinstance(err, ValidationFailed):
            first = self.errors.show(err.errors)
            if first is not None:
                first.setFocus()
        else:
            show_error(self, err)

    def _saved(self, result: Any) -> None:
        self.visit_id, self.result = result.visit_id, result
        self.finished_ok(result)
        self.key = f"visit-done-{result.visit_id}"  # a new visit for this patient opens a fresh form
        for w in self.findChildren(QWidget):
            if isinstance(w, (QPlainTextEdit, QTableWidget)) or w.objectName() in ("diagnosisSearch",):
                w.setEnabled(False)
        self.vitals.setEnabled(False)
        self.save_button.setText(self.tr("Saved"))
        self.refer_button.setEnabled(True)
        self.refer_button.setFocus()
        if result.notifiable:
            self.warn_notifiable(result.notifiable)

    def warn_notifiable(self, notices: list[Any]) -> None:
        lines = []
        for n in notices:
            when = self.tr("report immediately") if n.immediate else self.tr("report in the weekly list")
            lines.append(f"{labels.disease(n.disease)} ({n.code}) — {when}")
        self.alarm.say(self.tr("URGENT — notifiable disease: %1").replace("%1", "; ".join(lines)))
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

    def parent_main(self) -> Any:
        w = self.parentWidget()
        while w is not None and not hasattr(w, "open_form"):
            w = w.parentWidget()
        return w
