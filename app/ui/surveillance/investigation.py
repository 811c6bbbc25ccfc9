"""The malaria case-investigation form (issue 16; ``app.services.test_results.save_investigation``): travel in the
30 days before onset, the countries and provinces visited with dates, where the infection was acquired, household
contacts tested and positive. One form per case; saving it again stores a new version.

Keyboard: the cursor starts on the date, Tab goes down the form and through each place's four fields in turn,
Alt+A adds a place (its country field takes the cursor), Ctrl+S saves, Esc closes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.core.persian import to_ascii_digits
from app.services.test_results import ORIGINS
from app.ui import i18n
from app.ui.ops import run_op
from app.ui.surveillance.common import SurveillanceDialog, label
from app.ui.surveillance.result import case_title
from app.ui.widgets.forms import Banner, DateField, ErrorLabel, text_box

MAX_PLACES = 20


class PlaceRow:
    """One place visited: country, province or district, arrived, left."""

    def __init__(self, dialog: InvestigationDialog, index: int, form: QFormLayout) -> None:
        self.country = QLineEdit(dialog)
        self.country.setObjectName(f"placeCountry{index}")
        self.country.setPlaceholderText(QCoreApplication.translate("InvestigationDialog", "e.g. Afghanistan"))
        self.province = QLineEdit(dialog)
        self.province.setObjectName(f"placeProvince{index}")
        self.province.setPlaceholderText(QCoreApplication.translate("InvestigationDialog", "e.g. Nimruz"))
        self.arrived = DateField(dialog)
        self.arrived.setObjectName(f"placeArrived{index}")
        self.left = DateField(dialog)
        self.left.setObjectName(f"placeLeft{index}")
        n = i18n.num(index + 1)
        for name, text, widget in (("country", QCoreApplication.translate("InvestigationDialog", "Place %1: country"), self.country),
                                   ("province", QCoreApplication.translate("InvestigationDialog", "Place %1: province or district"), self.province),
                                   ("arrived", QCoreApplication.translate("InvestigationDialog", "Place %1: arrived"), self.arrived),
                                   ("left", QCoreApplication.translate("InvestigationDialog", "Place %1: left"), self.left)):
            dialog.row(f"places.{index}.{name}", text.replace("%1", n), widget, form)

    def widgets(self) -> list[QWidget]:
        return [self.country, self.province, self.arrived, self.left]

    def empty(self) -> bool:
        return not any(w.text().strip() for w in self.widgets())


class InvestigationDialog(SurveillanceDialog):
    saved = Signal(object)

    def __init__(self, ctx: Any, case: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("investigationDialog")
        self.setWindowTitle(self.tr("Malaria case investigation"))
        self.setMinimumWidth(620)
        self.case_id = case.id
        self.result: Any = None
        self.banner = Banner("info", self)
        self.banner.setObjectName("investigationSaved")
        self.outer.addWidget(self.banner)
        self.case_label = QLabel(case_title(case), self)
        self.case_label.setObjectName("investigationCase")
        self.outer.addWidget(self.case_label)
        self.investigated_on = DateField(self)
        self.investigated_on.setObjectName("investigatedOn")
        self.investigated_on.set_value(ctx.today())
        self.travelled = QComboBox(self)
        self.travelled.setObjectName("travelled")
        for value, text in ((None, self.tr("Not known yet")), (True, self.tr("Yes")), (False, self.tr("No"))):
            self.travelled.addItem(text, value)
        self.origin = QComboBox(self)
        self.origin.setObjectName("origin")
        for code in ORIGINS:
            self.origin.addItem(label("origin", code), code)
        self.origin.setCurrentIndex(self.origin.findData("unknown"))
        self.contacts_tested = QLineEdit(self)
        self.contacts_tested.setObjectName("contactsTested")
        self.contacts_positive = QLineEdit(self)
        self.contacts_positive.setObjectName("contactsPositive")
        for edit in (self.contacts_tested, self.contacts_positive):
            i18n.screen_digits(edit)  # Persian digits on a Persian screen, whichever keys typed them
            edit.setText("0")
            edit.setMaximumWidth(90)
        self.note = text_box(self, "investigationNote")
        self.row("investigated_on", self.tr("Investigated on"), self.investigated_on)
        self.row("travelled", self.tr("Travelled in the 30 days before onset"), self.travelled)
        self.outer.addLayout(self.form)
        self.places_box = QGroupBox(self.tr("Places visited"), self)
        self.places_form = QFormLayout(self.places_box)
        self.places_error = ErrorLabel(self.places_box)
        self.places_form.addRow(self.places_error)
        self.errors.bind("places", None, self.places_error)
        self.places: list[PlaceRow] = []
        self.add_place_button = QPushButton(self.tr("Add a place (Alt+A)"), self.places_box)
        self.add_place_button.setObjectName("addPlace")
        self.add_place_button.setAutoDefault(False)
        self.add_place_button.clicked.connect(lambda: self.add_place(focus=True))
        self.places_form.addRow(self.add_place_button)
        self.outer.addWidget(self.places_box)
        self.after = QFormLayout()
        self.row("origin", self.tr("Where the infection was acquired"), self.origin, self.after)
        self.row("contacts_tested", self.tr("Household contacts tested"), self.contacts_tested, self.after)
        self.row("contacts_positive", self.tr("Household contacts positive"), self.contacts_positive, self.after)
        self.row("note", self.tr("Note"), self.note, self.after)
        self.outer.addLayout(self.after)
        self.outer.addWidget(self.general)
        self.add_buttons(self.tr("Save investigation"), self.tr("Save investigation (Ctrl+S)"), "saveInvestigation",
                         "closeInvestigation")
        shortcut = QShortcut(QKeySequence("Alt+A"), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda: self.add_place(focus=True))
        self.travelled.currentIndexChanged.connect(self._travel_changed)
        self.add_place()
        self._travel_changed()
        self._tabs()
        self._load()

    def add_place(self, *, focus: bool = False) -> PlaceRow | None:
        if len(self.places) >= MAX_PLACES:
            return None
        place = PlaceRow(self, len(self.places), self.places_form)
        # A new row lands under the "Add a place" button: move the button to the end again.
        index, _role = self.places_form.getWidgetPosition(self.add_place_button)
        self.places_form.takeRow(index)
        self.places_form.addRow(self.add_place_button)
        self.places.append(place)
        self._tabs()
        if focus:
            self.travelled.setCurrentIndex(self.travelled.findData(True))
            place.country.setFocus()
        return place

    def _tabs(self) -> None:
        chain: list[QWidget] = [self.investigated_on, self.travelled]
        for p in self.places:
            chain.extend(p.widgets())
        chain += [self.add_place_button, self.origin, self.contacts_tested, self.contacts_positive, self.note,
                  self.save_button, self.close_button]
        self.chain_tabs(chain)

    def _travel_changed(self) -> None:
        self.places_box.setEnabled(self.travelled.currentData() is not False)

    def _load(self) -> None:
        from app.services.test_results import investigation_for

        ctx, case_id = self.ctx, self.case_id
        run_op(self, lambda: investigation_for(ctx, case_id), self._show)

    def _show(self, inv: Any) -> None:
        if inv is None:
            return
        self.investigated_on.set_value(inv.investigated_on)
        self.travelled.setCurrentIndex(self.travelled.findData(inv.travelled))
        for i, place in enumerate(inv.places or []):
            row = self.places[i] if i < len(self.places) else self.add_place()
            if row is None:
                break
            row.country.setText(place.get("country", ""))
            row.province.setText(place.get("province", ""))
            row.arrived.set_value(_iso(place.get("arrived")))
            row.left.set_value(_iso(place.get("left")))
        self.origin.setCurrentIndex(self.origin.findData(inv.origin))
        self.contacts_tested.setText(i18n.num(inv.contacts_tested))
        self.contacts_positive.setText(i18n.num(inv.contacts_positive))
        self.note.setPlainText(inv.note or "")
        self.banner.say(self.tr("Investigated on %1. Saving again stores a corrected version.")
                        .replace("%1", i18n.show_date(inv.investigated_on)))

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.investigated_on.setFocus()

    # ----- saving -----

    def _count(self, name: str, edit: QLineEdit, problems: list[Any]) -> int:
        text = to_ascii_digits(edit.text()).strip() or "0"
        if not text.isdigit():
            problems.append(self.problem(name, self.tr("write a whole number, e.g. 4.")))
            return 0
        return int(text)

    def _data(self, problems: list[Any]) -> dict[str, Any]:
        if self.investigated_on.problem():
            problems.append(self.problem("investigated_on", self.investigated_on.problem()))
        elif self.investigated_on.value() is None:
            problems.append(self.problem("investigated_on", self.tr("enter the day of the investigation.")))
        places = []
        travelled = self.travelled.currentData()
        for i, p in enumerate(self.places):
            if p.empty() or travelled is False:
                continue
            for name, field in (("arrived", p.arrived), ("left", p.left)):
                if field.problem():
                    problems.append(self.problem(f"places.{i}.{name}", field.problem()))
            if not p.country.text().strip():
                problems.append(self.problem(f"places.{i}.country", self.tr("write the country visited.")))
            if not problems:
                arrived, left = p.arrived.value(), p.left.value()
                if arrived and left and left < arrived:
                    problems.append(self.problem(f"places.{i}.left", self.tr("cannot be before the arrival.")))
                places.append({"country": p.country.text(), "province": p.province.text(), "arrived": arrived,
                               "left": left})
        tested = self._count("contacts_tested", self.contacts_tested, problems)
        positive = self._count("contacts_positive", self.contacts_positive, problems)
        return {"investigated_on": None if problems else self.investigated_on.value(), "travelled": travelled,
                "places": places, "origin": self.origin.currentData(), "contacts_tested": tested,
                "contacts_positive": positive, "note": self.note.toPlainText()}

    def save(self) -> None:
        self.errors.clear()
        problems: list[Any] = []
        data = self._data(problems)
        if problems:
            self.show_problems(problems)
            return
        ctx, case_id = self.ctx, self.case_id
        self.save_button.setEnabled(False)

        def work() -> Any:
            from app.services.test_results import save_investigation

            return save_investigation(ctx, case_id, data)

        run_op(self, work, self._saved, self.failed, self.tr("Saving the investigation…"))

    def _saved(self, inv: Any) -> None:
        self.result = inv
        self.save_button.setEnabled(True)
        self._show(inv)
        self.banner.say(self.tr("Investigation saved (%1).").replace("%1", label("origin", inv.origin)))
        self.saved.emit(inv)
        self.close_button.setFocus()  # done: Enter or Esc closes


def _iso(value: Any) -> Any:
    from datetime import date

    return date.fromisoformat(value) if isinstance(value, str) and value else None
