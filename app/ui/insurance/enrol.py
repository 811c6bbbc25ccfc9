"""Enrolling a household in health insurance: members, payer, voucher or gift card, a 12-month cover by default."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from app.ui import i18n, labels
from app.ui.ops import run_op, show_error
from app.ui.widgets.forms import DateField, ErrorLabel, digits_only
from app.ui.widgets.formtab import FormTab, set_combo


def default_end(start: date) -> date:
    from app.services.insurance import add_months

    return add_months(start, 12) - timedelta(days=1)


class EnrolForm(FormTab):
    kind = "enrol"
    key_fields = ("household_id",)

    def __init__(self, session: Any, args: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(session, args, "", parent)
        self.set_title(self.tr("Insurance: household %1").replace("%1", args.get("household_code", "")))
        self.setObjectName("enrolForm")
        self._pending_state: dict[str, Any] | None = None
        form = QFormLayout()
        self.body.addLayout(form)
        self.members = QListWidget(self)
        self.members.setObjectName("members")
        self.members.setMaximumHeight(140)
        self.members.itemChanged.connect(self.autosaver.touch)
        self.members.itemChanged.connect(self._note_touched)
        self.scheme = self._combo("scheme", labels.scheme())
        # Category and payer are chosen, never assumed: an untouched form is not an enrolment.
        choose = {"": self.tr("— choose —")}
        self.category = self._combo("category", {**choose, **labels.category()})
        self.payer = self._combo("payer", {**choose, **labels.payer()})
        self.voucher = QLineEdit(self)
        self.voucher.setObjectName("voucher")
        self.premium = QLineEdit(self)
        self.premium.setObjectName("premium")
        self.premium.setPlaceholderText(self.tr("Rials"))
        self.document = QLineEdit(self)
        self.document.setObjectName("documentUsed")
        self.enrolled = DateField(self)
        self.enrolled.setObjectName("enrolmentDate")
        self.start = DateField(self)
        self.start.setObjectName("coverageStart")
        self.end = DateField(self)
        self.end.setObjectName("coverageEnd")
        self.centre = QLineEdit(self)
        self.centre.setObjectName("pishkhan")
        self.confirmation = QLineEdit(self)
        self.confirmation.setObjectName("confirmation")
        rows = (("member_ids", self.tr("Members enrolled"), self.members), ("scheme", self.tr("Scheme"), self.scheme),
                ("category", self.tr("Category"), self.category), ("payer", self.tr("Payer"), self.payer),
                ("voucher_number", self.tr("Voucher / gift card number"), self.voucher),
                ("premium_irr", self.tr("Premium (IRR)"), self.premium),
                ("document_used", self.tr("Document used"), self.document),
                ("enrolment_date", self.tr("Enrolment date"), self.enrolled),
                ("coverage_start", self.tr("Cover starts"), self.start),
                ("coverage_end", self.tr("Cover ends"), self.end),
                ("pishkhan_centre", self.tr("Pishkhan centre"), self.centre),
                ("confirmation_number", self.tr("Confirmation number"), self.confirmation))
        self._labels = {field: text for field, text, _ in rows}  # the form's own problems name their field
        for field, text, widget in rows:
            form.addRow(text, widget)
            error = ErrorLabel(self)
            form.addRow(error)
            self.errors.bind(field, widget, error)
            self.watch(widget)
        self.errors.bind("members", self.members, self.errors._bound["member_ids"][1])
        self.errors.bind("head_patient_id", self.members, self.errors._bound["member_ids"][1])
        today = date.today()
        self.enrolled.set_value(today)
        self.start.set_value(today)
        self.end.set_value(default_end(today))
        self._end_touched = False
        self.end.textEdited.connect(lambda _: setattr(self, "_end_touched", True))
        self.start.textChanged.connect(self._start_changed)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Enrol household"), self)
        self.save_button.setObjectName("saveEnrolment")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self._load_members()
        self.touched = False  # the dates above were filled in for the person, not by them

    def _combo(self, name: str, values: dict[str, str]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        for code, text in values.items():
            combo.addItem(text, code)
        return combo

    def _start_changed(self) -> None:
        # Cover lasts 12 months from the start unless the end was typed by hand (docs/architecture.md, "Domain facts").
        if not self._end_touched and not self.start.problem() and self.start.value():
            self.end.set_value(default_end(self.start.value()))

    def _load_members(self) -> None:
        ctx, head = self.ctx, self.args["head_patient_id"]

        def load() -> list[tuple[str, str]]:
            from app.services.chart import open_patient_chart

            chart = open_patient_chart(ctx, head)
            return [(m.id, f"{m.code} {i18n.pick(m.given_name_latin, m.given_name_fa)} "
                           f"{i18n.pick(m.family_name_latin, m.family_name_fa)}".strip())
                    for m in chart.household_members]

        run_op(self, load, self._fill)

    def _fill(self, members: list[tuple[str, str]]) -> None:
        self.autosaver.paused = True
        for pid, text in members:
            item = QListWidgetItem(text, self.members)
            item.setData(Qt.ItemDataRole.UserRole, pid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self.autosaver.paused = False
        if self._pending_state:
            self.restore(self._pending_state)

    def member_ids(self) -> list[str]:
        return [self.members.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.members.count())
                if self.members.item(i).checkState() == Qt.CheckState.Checked]

    def state(self) -> dict[str, Any]:
        return {"members": self.member_ids(), "scheme": self.scheme.currentData(),
                "category": self.category.currentData(), "payer": self.payer.currentData(),
                "voucher": self.voucher.text(), "premium": self.premium.text(), "document": self.document.text(),
                "enrolled": self.enrolled.text(), "start": self.start.text(), "end": self.end.text(),
                "centre": self.centre.text(), "confirmation": self.confirmation.text()}

    def restore(self, state: dict[str, Any]) -> None:
        if self.members.count() == 0:
            self._pending_state = state
        else:
            wanted = set(state.get("members", []))
            for i in range(self.members.count()):
                item = self.members.item(i)
                item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted
                                   else Qt.CheckState.Unchecked)
        for combo, key in ((self.scheme, "scheme"), (self.category, "category"), (self.payer, "payer")):
            set_combo(combo, state.get(key))
        for edit, key in ((self.voucher, "voucher"), (self.premium, "premium"), (self.document, "document"),
                          (self.enrolled, "enrolled"), (self.start, "start"), (self.end, "end"),
                          (self.centre, "centre"), (self.confirmation, "confirmation")):
            edit.setText(state.get(key, ""))

    def _own_problems(self) -> tuple[list[Any], frozenset[str]]:
        """What only the form can see (a date or an amount it cannot read), each naming its field, and the
        service's fields it could not read (sent as empty; the rules that read them are skipped)."""
        from app.services.errors import FieldError

        problems = []
        for field, widget in (("enrolment_date", self.enrolled), ("coverage_start", self.start),
                              ("coverage_end", self.end)):
            if widget.problem():
                text = f"{self._labels[field]}: {widget.problem()}"
                problems.append(FieldError(field, "ui", text, text))
        premium = digits_only(self.premium.text()).replace(",", "")
        if premium and not premium.isdigit():
            text = f"{self._labels['premium_irr']}: " + self.tr("Enter the premium in rials, digits only.")
            problems.append(FieldError("premium_irr", "ui", text, text))
        return problems, frozenset(p.field for p in problems)

    def _data(self, unread: frozenset[str]) -> dict[str, Any]:
        def date_of(field: str, widget: DateField) -> Any:
            return None if field in unread else widget.value()

        premium = digits_only(self.premium.text()).replace(",", "")
        return {"household_id": self.args["household_id"], "head_patient_id": self.args["head_patient_id"],
                "member_ids": self.member_ids(), "scheme": self.scheme.currentData(),
                "category": self.category.currentData() or None, "payer": self.payer.currentData() or None,
                "premium_irr": 0 if "premium_irr" in unread else int(premium or 0),
                "voucher_number": self.voucher.text().strip(), "document_used": self.document.text().strip(),
                "enrolment_date": date_of("enrolment_date", self.enrolled),
                "coverage_start": date_of("coverage_start", self.start),
                "coverage_end": date_of("coverage_end", self.end),
                "pishkhan_centre": self.centre.text().strip(), "confirmation_number": self.confirmation.text().strip()}

    def save(self) -> None:
        from app.services.insurance import enrol_household, enrolment_check

        self.errors.clear()
        if not self.touched:
            why = self.tr("Nothing was entered yet, so nothing was saved: choose the category and the payer, check "
                          "the members, then save.")
            self.general_error.say(why)
            self.say_status(why)
            self.category.setFocus()
            return
        own, unread = self._own_problems()
        data = self._data(unread)
        ctx = self.ctx
        self.save_button.setEnabled(False)
        if own:
            # Nothing is saved, but the service checks the rest now: one save lists every problem of the form.
            run_op(self, lambda: enrolment_check(ctx, data, unread=unread), lambda found: self._refused(own, found),
                   self._failed)
            return
        run_op(self, lambda: enrol_household(ctx, data), self.finished_ok, self._failed,
               self.tr("Saving the enrolment…"))

    def _refused(self, own: list[Any], found: list[Any]) -> None:
        """The form's own problems with the service's, each field once (the form's words win for a field both saw)."""
        self.save_button.setEnabled(True)
        covered = {p.field for p in own}
        self.show_problems(own + [e for e in found if e.field.split(".")[0] not in covered])

    def _failed(self, err: BaseException) -> None:
        from app.services.errors import ValidationFailed

        self.save_button.setEnabled(True)
        if isinstance(err, ValidationFailed):
            self.show_problems(err.errors)  # FormTab's: beside the fields, the first focused, the status line says why
        else:
            show_error(self, err)
