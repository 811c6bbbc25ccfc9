"""Registering a patient: names in both scripts, identity, documents, household, consent."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.birth import BirthError, parse_birth
from app.ui import i18n, labels
from app.ui.ops import run_op
from app.ui.widgets.forms import DateField, ErrorLabel, digits_only, text_box
from app.ui.widgets.formtab import FormTab, set_combo

NAME_ROWS = (("given_name", "Given name"), ("father_name", "Father's name"),
             ("grandfather_name", "Grandfather's name"), ("family_name", "Family name"))
BIRTH_FIELDS = frozenset({"date_of_birth", "birth_year"})  # one question (when was the person born) in two fields


def _combo(parent: QWidget, values: dict[str, str], name: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    for code, text in values.items():
        combo.addItem(text, code)
    return combo


class DocumentRow(QWidget):
    def __init__(self, form: RegisterPatientForm, parent: QWidget) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.doc_type = _combo(self, labels.document_type(), "docType")
        self.number = QLineEdit(self)
        self.number.setObjectName("docNumber")
        self.number.setPlaceholderText(self.tr("Number"))
        # No screen_digits here: a document number is an identifier copied as the paper writes it, often with Latin
        # letters (a passport's P1234567); the service stores its digits in Latin (check_document_number).
        self.cycle = QLineEdit(self)
        self.cycle.setObjectName("docCycle")
        self.cycle.setPlaceholderText(self.tr("Amayesh cycle"))
        self.cycle.setMaximumWidth(120)
        remove = QPushButton(self.tr("Remove"), self)
        remove.setObjectName("removeDocument")
        remove.clicked.connect(lambda: form.remove_document(self))
        self.remove = remove
        self.error = ErrorLabel(self)
        for w in (self.doc_type, self.number, self.cycle, remove):
            row.addWidget(w)
        form.watch(self.doc_type, self.number, self.cycle)

    def value(self) -> dict[str, Any]:
        return {"doc_type": self.doc_type.currentData(), "number": self.number.text().strip(),
                "amayesh_cycle": self.cycle.text().strip()}


class RegisterPatientForm(FormTab):
    kind = "register"
    key_fields = ("household_id",)

    def __init__(self, session: Any, args: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(session, args, "", parent)
        self.set_title(self.tr("New patient"))
        self.setObjectName("registerForm")
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        inner = QWidget(scroll)
        scroll.setWidget(inner)
        self.body.addWidget(scroll)
        col = QVBoxLayout(inner)

        names = QGroupBox(self.tr("Names (Persian script and Latin letters; at least one of each pair)"), inner)
        grid = QGridLayout(names)
        grid.addWidget(QLabel(self.tr("Persian"), names), 0, 1)
        grid.addWidget(QLabel(self.tr("Latin"), names), 0, 2)
        self.names: dict[str, QLineEdit] = {}
        texts = {"given_name": self.tr("Given name"), "father_name": self.tr("Father's name"),
                 "grandfather_name": self.tr("Grandfather's name"), "family_name": self.tr("Family name")}
        for r, (base, _) in enumerate(NAME_ROWS, start=1):
            grid.addWidget(QLabel(texts[base], names), r * 2 - 1, 0)
            for c, script in ((1, "fa"), (2, "latin")):
                edit = QLineEdit(names)
                edit.setObjectName(f"{base}_{script}")
                if script == "fa":
                    edit.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
                else:
                    edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
                grid.addWidget(edit, r * 2 - 1, c)
                self.names[f"{base}_{script}"] = edit
                self.watch(edit)
            error = ErrorLabel(names)
            grid.addWidget(error, r * 2, 1, 1, 2)
            self.errors.bind(base, self.names[f"{base}_fa"], error)
            for script in ("fa", "latin"):
                self.errors.bind(f"{base}_{script}", self.names[f"{base}_{script}"], error)
        col.addWidget(names)

        who = QGroupBox(self.tr("Identity"), inner)
        g = QGridLayout(who)
        self.sex = _combo(who, {"": self.tr("— choose —"), **labels.sex()}, "sex")
        self.dob = DateField(who)
        self.dob.setObjectName("dateOfBirth")
        self.birth_year = QLineEdit(who)
        self.birth_year.setObjectName("birthYear")
        self.birth_year.setPlaceholderText(self.tr("Year (1990), month (1990-05) or age (35 years)"))
        self.birth_year.setToolTip(self.tr("If the date of birth is not known: the year, the month and year, or the "
                                           "age in years or months (an age or a month gives an estimated date)"))
        i18n.screen_digits(self.birth_year)  # a year or an age is a number: the screen's digits (parse_birth reads both)
        self.estimated = QCheckBox(self.tr("Year is estimated"), who)
        self.nationality = _combo(who, labels.nationality(), "nationality")
        self.legal = _combo(who, labels.legal_status(), "legalStatus")
        self.phone = QLineEdit(who)
        self.phone.setObjectName("phone")
        self.phone.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        i18n.screen_digits(self.phone)  # a number, not an identifier typed as written; digits_only stores Latin
        self.relationship = _combo(who, labels.relationship(), "relationship")
        rows = [(self.tr("Sex"), self.sex, "sex"), (self.tr("Date of birth"), self.dob, "date_of_birth"),
                (self.tr("Birth year"), self.birth_year, "birth_year"), ("", self.estimated, "birth_estimated"),
                (self.tr("Nationality"), self.nationality, "nationality"),
                (self.tr("Legal status"), self.legal, "legal_status"), (self.tr("Phone"), self.phone, "phone"),
                (self.tr("Relationship to household head"), self.relationship, "relationship_to_head")]
        for i, (text, widget, field) in enumerate(rows):
            r, c = divmod(i, 2)
            g.addWidget(QLabel(text, who), r * 2, c * 2)
            g.addWidget(widget, r * 2, c * 2 + 1)
            error = ErrorLabel(who)
            g.addWidget(error, r * 2 + 1, c * 2 + 1)
            self.errors.bind(field, widget, error)
            self.watch(widget)
        col.addWidget(who)

        docs = QGroupBox(self.tr("Identity documents"), inner)
        self.docs_col = QVBoxLayout(docs)
        self.doc_rows: list[DocumentRow] = []
        self.docs_box = docs
        self.add_button = add = QPushButton(self.tr("Add a document"), docs)
        add.setObjectName("addDocument")
        add.clicked.connect(lambda: self.add_document())
        self.docs_col.addWidget(add)
        col.addWidget(docs)

        house = QGroupBox(self.tr("Household"), inner)
        h = QVBoxLayout(house)
        self.household = QComboBox(house)
        self.household.setObjectName("household")
        self.household.addItem(self.tr("Not part of a household yet"), "none")
        self.household.addItem(self.tr("Start a new household with this person as head"), "new")
        if args.get("household_id"):
            self.household.addItem(self.tr("Member of household %1").replace("%1", args.get("household_code", "")),
                                   "existing")
            self.household.setCurrentIndex(2)
        self.watch(self.household)
        h.addWidget(self.household)
        herr = ErrorLabel(house)
        h.addWidget(herr)
        self.errors.bind("household_id", self.household, herr)
        col.addWidget(house)

        consent = QGroupBox(self.tr("Consent and notes"), inner)
        c2 = QVBoxLayout(consent)
        self.consent = QCheckBox(self.tr("The person (or guardian) agreed to registration today"), consent)
        self.consent.setObjectName("consent")
        self.consent_error = ErrorLabel(consent)
        self.errors.bind("consent_date", self.consent, self.consent_error)
        self.notes = text_box(consent, "notes", 70)
        for w in (self.consent, self.consent_error, QLabel(self.tr("Notes"), consent), self.notes):
            c2.addWidget(w)
        self.watch(self.consent, self.notes)
        col.addWidget(consent)

        self.save_button = QPushButton(self.tr("Save registration"), self)
        self.save_button.setObjectName("saveRegistration")
        self.save_button.clicked.connect(lambda: self.save())
        self.body.addWidget(self.save_button)
        self.first_field().setFocus()

    def first_field(self) -> QWidget:
        """Typing starts in the script of the interface: Persian names in Persian, Latin letters in English."""
        return self.names["given_name_fa" if i18n.is_rtl() else "given_name_latin"]

    # ----- documents -----

    def add_document(self, value: dict[str, Any] | None = None) -> DocumentRow:
        row = DocumentRow(self, self.docs_box)
        self.docs_col.insertWidget(len(self.doc_rows) * 2, row)
        self.docs_col.insertWidget(len(self.doc_rows) * 2 + 1, row.error)
        self.doc_rows.append(row)
        row.show()  # at once, not at the next turn of the event loop: the next Tab must find its fields
        self._documents_changed()
        if value:
            set_combo(row.doc_type, value.get("doc_type"))
            row.number.setText(value.get("number", ""))
            row.cycle.setText(value.get("amayesh_cycle", ""))
        row.number.setFocus()
        self.autosaver.touch()
        return row

    def remove_document(self, row: DocumentRow) -> None:
        self.doc_rows.remove(row)
        self.add_button.setFocus()  # the cursor stays in the documents, not on a button about to vanish
        row.hide()
        row.error.hide()
        row.error.deleteLater()
        row.deleteLater()
        self._documents_changed()
        self.autosaver.touch()

    def _documents_changed(self) -> None:
        """Errors name the rows that exist now (a removed row's label is gone), and Tab walks the rows in the
        order they are shown, between the identity fields and "Add a document"."""
        self.errors.unbind("documents")
        for i, r in enumerate(self.doc_rows):
            self.errors.bind(f"documents.{i}", r.number, r.error)
        chain: list[QWidget] = [self.relationship]
        for r in self.doc_rows:
            chain += [r.doc_type, r.number, r.cycle, r.remove]
        chain += [self.add_button, self.household]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    # ----- state -----

    def state(self) -> dict[str, Any]:
        return {"names": {k: e.text() for k, e in self.names.items()}, "sex": self.sex.currentData(),
                "dob": self.dob.text(), "birth_year": self.birth_year.text(), "estimated": self.estimated.isChecked(),
                "nationality": self.nationality.currentData(), "legal": self.legal.currentData(),
                "phone": self.phone.text(), "relationship": self.relationship.currentData(),
                "household": self.household.currentData(), "consent": self.consent.isChecked(),
                "notes": self.notes.toPlainText(), "documents": [r.value() for r in self.doc_rows]}

    def restore(self, state: dict[str, Any]) -> None:
        for k, text in state.get("names", {}).items():
            if k in self.names:
                self.names[k].setText(text)
        set_combo(self.sex, state.get("sex"))
        self.dob.setText(state.get("dob", ""))
        self.birth_year.setText(state.get("birth_year", ""))
        self.estimated.setChecked(bool(state.get("estimated")))
        set_combo(self.nationality, state.get("nationality"))
        set_combo(self.legal, state.get("legal"))
        self.phone.setText(state.get("phone", ""))
        set_combo(self.relationship, state.get("relationship"))
        set_combo(self.household, state.get("household"))
        self.consent.setChecked(bool(state.get("consent")))
        self.notes.setPlainText(state.get("notes", ""))
        for d in state.get("documents", []):
            self.add_document(d)

    # ----- saving -----

    def collect(self) -> tuple[dict[str, Any], list[Any]]:
        """The input for register_patient as far as it can be read, and the problems only the form can see (text
        it cannot read, the sex still unchosen, no consent); what cannot be read goes in as empty, so the
        service's own checks still run on the rest and report in the same save (issue 14)."""
        from app.services.errors import FieldError

        problems = []
        dob = None
        if self.dob.problem():
            problems.append(("date_of_birth", self.dob.problem()))
        else:
            dob = self.dob.value()
        birth = None
        try:
            birth = parse_birth(self.birth_year.text(), calendar=i18n.calendar(), today=date.today())  # type: ignore[arg-type]
        except BirthError as e:
            problems.append(("birth_year", self._birth_problem(e.code)))
        if not self.sex.currentData():
            problems.append(("sex", self.tr("Choose the sex.")))
        if not self.consent.isChecked():
            problems.append(("consent_date", self.tr("Registration needs the person's consent.")))
        household = self.household.currentData()
        data: dict[str, Any] = {k: e.text().strip() for k, e in self.names.items()}
        estimated = self.estimated.isChecked()
        if birth is not None and birth.date_of_birth is not None and dob is None:
            dob, estimated = birth.date_of_birth, True  # from an age or a month: an estimated date of birth
        data.update(sex=self.sex.currentData() or None, date_of_birth=dob,
                    birth_year=birth.birth_year if birth else None, birth_estimated=estimated,
                    nationality=self.nationality.currentData(), legal_status=self.legal.currentData(),
                    phone=digits_only(self.phone.text()),
                    consent_date=date.today() if self.consent.isChecked() else None,
                    relationship_to_head=self.relationship.currentData() or "", notes=self.notes.toPlainText(),
                    documents=[r.value() for r in self.doc_rows],
                    household_id=self.args.get("household_id") if household == "existing" else None,
                    new_household=household == "new")
        return data, [FieldError(f, "ui", t, t) for f, t in problems]

    def _birth_problem(self, code: str) -> str:
        if code == "jalali_in_english":
            return self.tr("That looks like a Solar Hijri year: enter the Gregorian year, e.g. 1990")
        if code == "bad_month":
            return self.tr("The month must be between 1 and 12, e.g. 1990-05")
        if code == "too_old":
            return self.tr("That age is over 120 years: check it")
        return self.tr("Enter a year (1990), a month and year (1990-05) or an age (35 years, 8 months)")

    def save(self, override_reason: str = "") -> None:
        from app.services.patients import register_patient, registration_problems

        self.errors.clear()
        data, own = self.collect()
        ctx = self.ctx
        self.save_button.setEnabled(False)
        if own:
            # Nothing is saved, but the service checks the rest now: one save lists every problem of the form.
            run_op(self, lambda: registration_problems(ctx, data), lambda found: self._refused(own, found),
                   self._failed)
            return
        run_op(self, lambda: register_patient(ctx, data, override_reason=override_reason), self._saved,
               self._failed, self.tr("Saving the registration…"))

    def _refused(self, own: list[Any], found: list[Any]) -> None:
        """The form's own problems with the service's, each field once: the form's words win for a field both
        saw (a date it could not read goes to the service as empty, which the service would call missing)."""
        covered = {p.field for p in own}
        if covered & BIRTH_FIELDS:
            covered |= BIRTH_FIELDS
        self.save_button.setEnabled(True)
        self.show_problems(own + [e for e in found if e.field.split(".")[0] not in covered])

    def _saved(self, result: Any) -> None:
        self.save_button.setEnabled(True)
        self.finished_ok(result)

    def _failed(self, err: BaseException) -> None:
        from app.services.errors import DuplicateSuspected, ValidationFailed
        from app.ui.ops import show_error

        self.save_button.setEnabled(True)
        if isinstance(err, DuplicateSuspected):
            self.ask_about_duplicates(err)
        elif isinstance(err, ValidationFailed):
            self.show_problems(err.errors)
        else:
            show_error(self, err)

    def ask_about_duplicates(self, err: Any) -> None:
        from app.ui.patients.duplicates import DuplicateDialog

        dialog = DuplicateDialog(err, self)
        self.duplicate_dialog = dialog

        def decided(_: int) -> None:
            self.duplicate_dialog = None
            if dialog.choice == DuplicateDialog.OPEN and dialog.chosen_id:
                self.saved.emit({"open_existing": dialog.chosen_id})
            elif dialog.choice == DuplicateDialog.REGISTER:
                self.save(dialog.reason_text)

        dialog.finished.connect(decided)
        dialog.open()
