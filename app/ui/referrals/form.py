"""Referring from a visit: receiving facility (hospitals first), department, urgency, reason; then the slip."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from app.ui import i18n, labels
from app.ui.ops import run_op, show_error
from app.ui.referrals.printing import print_referral
from app.ui.widgets.forms import ErrorLabel, text_box
from app.ui.widgets.formtab import FormTab, set_combo

KIND_ORDER = {"hospital": 0, "health_centre": 1, "health_post": 2}


class ReferralForm(FormTab):
    kind = "referral"
    key_fields = ("visit_id",)

    def __init__(self, session: Any, args: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(session, args, "", parent)
        self.set_title(self.tr("Referral: %1").replace("%1", args.get("patient_label", "")))
        self.setObjectName("referralForm")
        self.referral: Any = None
        self._pending_state: dict[str, Any] | None = None
        form = QFormLayout()
        self.body.addLayout(form)
        self.facility = QComboBox(self)
        self.facility.setObjectName("toFacility")
        self.department = QComboBox(self)
        self.department.setObjectName("department")
        self.urgency = QComboBox(self)
        self.urgency.setObjectName("urgency")
        for code, text in labels.urgency().items():
            self.urgency.addItem(text, code)
        self.reason = text_box(self, "reason", 90)
        for field, text, widget in (("to_facility_id", self.tr("Receiving facility"), self.facility),
                                    ("department", self.tr("Department"), self.department),
                                    ("urgency", self.tr("Urgency"), self.urgency),
                                    ("reason", self.tr("Reason for referral"), self.reason)):
            form.addRow(text, widget)
            error = ErrorLabel(self)
            form.addRow(error)
            self.errors.bind(field, widget, error)
        self.watch(self.facility, self.department, self.urgency, self.reason)
        self.issued = QLabel(self)
        self.issued.setObjectName("issuedLabel")
        self.body.addWidget(self.issued)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Issue referral"), self)
        self.save_button.setObjectName("issueReferral")
        self.save_button.setToolTip(self.tr("Issue referral (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton(self.tr("Preview and print slip"), self)
        self.print_button.setObjectName("printSlip")
        self.print_button.setToolTip(self.tr("Preview and print slip (Ctrl+P)"))
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_slip)
        row.addWidget(self.save_button)
        row.addWidget(self.print_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.body.addStretch(1)
        self._load_choices()

    def _load_choices(self) -> None:
        ctx = self.ctx

        def load() -> tuple[list[Any], list[Any]]:
            from app.services.reference import list_departments, list_facilities

            facilities = sorted(list_facilities(ctx), key=lambda f: (KIND_ORDER.get(f.kind, 9), f.code))
            return ([(f.id, i18n.pick(f.name_en, f.name_fa), f.kind) for f in facilities],
                    [(d.code, i18n.pick(d.name_en, d.name_fa)) for d in list_departments(ctx)])

        run_op(self, load, self._fill)

    def _fill(self, choices: tuple[list[Any], list[Any]]) -> None:
        facilities, departments = choices
        self.autosaver.paused = True
        for fid, name, kind in facilities:
            self.facility.addItem(f"{name} ({labels.facility_kind(kind)})", fid)
        for code, name in departments:
            self.department.addItem(name, code)
        self.autosaver.paused = False
        if self._pending_state:
            self.restore(self._pending_state)
        self.reason.setFocus()

    def state(self) -> dict[str, Any]:
        return {"facility": self.facility.currentData(), "department": self.department.currentData(),
                "urgency": self.urgency.currentData(), "reason": self.reason.toPlainText()}

    def restore(self, state: dict[str, Any]) -> None:
        if self.facility.count() == 0:
            self._pending_state = state  # choices still loading; applied when they arrive
        set_combo(self.facility, state.get("facility"))
        set_combo(self.department, state.get("department"))
        set_combo(self.urgency, state.get("urgency"))
        self.reason.setPlainText(state.get("reason", ""))

    def save(self) -> None:
        from app.services.referrals import refer_patient

        self.errors.clear()
        data = {"visit_id": self.args["visit_id"], "to_facility_id": self.facility.currentData() or "",
                "department": self.department.currentData() or "", "urgency": self.urgency.currentData(),
                "reason": self.reason.toPlainText()}
        ctx = self.ctx
        self.save_button.setEnabled(False)
        run_op(self, lambda: refer_patient(ctx, data), self._saved, self._failed, self.tr("Issuing the referral…"))

    def _failed(self, err: BaseException) -> None:
        from app.services.errors import ValidationFailed

        self.save_button.setEnabled(True)
        if isinstance(err, ValidationFailed):
            self.show_problems(err.errors)  # the first focused and the status line says why, as on every form
        else:
            show_error(self, err)

    def _saved(self, result: Any) -> None:
        self.referral = result
        self.finished_ok(result)
        for w in (self.facility, self.department, self.urgency, self.reason):
            w.setEnabled(False)
        self.save_button.setText(self.tr("Issued"))
        self.issued.setText(self.tr("Referral %1 issued (check code %2).").replace("%1", result.referral_number)
                            .replace("%2", result.short_code))
        self.print_button.setEnabled(True)
        self.print_button.setFocus()

    def first_field(self) -> QWidget:
        return self.print_button if self.referral is not None else self.reason

    def print_from_keyboard(self) -> None:
        if self.print_button.isEnabled():
            self.print_slip()

    def print_slip(self) -> None:
        if self.referral is not None:
            print_referral(self, self.ctx, self.referral.referral_id)
