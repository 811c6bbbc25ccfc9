"""Small building blocks shared by the forms: inline errors, calendar-aware date fields, banners."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui import i18n

if TYPE_CHECKING:
    from app.services.errors import FieldError
    from app.ui.widgets.calendar_popup import CalendarPopup

ERROR_STYLE = "color: #b3261e;"
INVALID_STYLE = "border: 2px solid #b3261e; border-radius: 3px;"


class ErrorLabel(QLabel):
    """A red line under a field; hidden while there is nothing to say so the form does not jump about."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.setVisible(False)

    def say(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    widget.setProperty("invalid", invalid)
    widget.setStyleSheet(INVALID_STYLE if invalid else "")


class FieldErrors:
    """Maps the service's field names (``temperature_c``, ``documents.0.number``) to widgets and their labels."""

    def __init__(self, general: ErrorLabel) -> None:
        self.general = general
        self._bound: dict[str, tuple[QWidget | None, ErrorLabel]] = {}

    def bind(self, field: str, widget: QWidget | None, label: ErrorLabel) -> None:
        self._bound[field] = (widget, label)

    def unbind(self, prefix: str) -> None:
        """Forget every field under ``prefix`` (``documents``): their widgets are about to go away."""
        for key in [k for k in self._bound if k == prefix or k.startswith(prefix + ".")]:
            del self._bound[key]

    def clear(self) -> None:
        self.general.say("")
        for widget, label in self._bound.values():
            label.say("")
            if widget is not None:
                mark_invalid(widget, False)

    def _target(self, field: str) -> tuple[QWidget | None, ErrorLabel] | None:
        best = None
        for key in self._bound:
            if field == key or field.startswith(key + ".") or key.startswith(field + "_"):
                if best is None or len(key) > len(best):
                    best = key
        return self._bound[best] if best else None

    def show_failure(self, err: BaseException) -> None:
        """A save that failed: each field's errors beside it and the cursor in the first, else one sentence."""
        from app.services.errors import ValidationFailed
        from app.ui.ops import error_text

        if isinstance(err, ValidationFailed):
            first = self.show(err.errors)
            if first is not None:
                first.setFocus()
        else:
            self.general.say(error_text(err))

    def show(self, errors: list[FieldError]) -> QWidget | None:
        """Show each error beside its field; anything unplaced goes to the general line. Returns the first widget."""
        self.clear()
        lang = i18n.current_lang()
        first: QWidget | None = None
        loose: list[str] = []
        texts: dict[int, list[str]] = {}
        for e in errors:
            target = self._target(e.field)
            if target is None:
                loose.append(e.message(lang))
                continue
            widget, label = target
            texts.setdefault(id(label), []).append(e.message(lang))
            label.say("\n".join(texts[id(label)]))
            if widget is not None:
                mark_invalid(widget, True)
                first = first or widget
        self.general.say("\n".join(loose))
        return first


class DateField(QLineEdit):
    """A date typed in the user's calendar (Solar Hijri in Persian, Gregorian in English), year first. A picker
    for the keyboard: Up/Down move a day (from today when empty), Page Up/Page Down a month, Ctrl+Up/Ctrl+Down a
    year; Alt+Down, F4 or the calendar button drop a month grid (calendar_popup.py); the tooltip reads the date
    in words, weekday included."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(i18n.num("1405/09/07") if i18n.calendar() == "jalali" else "2026-11-28")
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # digits and slashes read left to right
        self.setAlignment(Qt.AlignmentFlag.AlignRight if i18n.is_rtl() else Qt.AlignmentFlag.AlignLeft)
        self.textChanged.connect(self._say_in_words)
        i18n.screen_digits(self)
        from app.ui.widgets.calendar_popup import calendar_icon

        self.calendar_action = self.addAction(calendar_icon(), QLineEdit.ActionPosition.TrailingPosition)
        self.calendar_action.setToolTip(QCoreApplication.translate("DateField", "Choose from a calendar (Alt+Down)"))
        self.calendar_action.triggered.connect(self.open_calendar)
        self.popup: CalendarPopup | None = None

    def open_calendar(self) -> None:
        """The month grid under the field; the day picked goes in as if typed (an unreadable text opens today)."""
        if self.isReadOnly():
            return
        from app.ui.widgets.calendar_popup import CalendarPopup

        try:
            current = self.value()
        except ValueError:
            current = None
        if self.popup is None:
            self.popup = CalendarPopup(self)
            self.popup.picked.connect(self._picked)
        self.popup.open_at(self, current)

    def _picked(self, d: date) -> None:
        self.set_value(d)
        self.setFocus()
        self.editingFinished.emit()  # forms that check a date when it is left check a picked one too

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (event.key() == Qt.Key.Key_F4 or (event.key() == Qt.Key.Key_Down
                                             and event.modifiers() & Qt.KeyboardModifier.AltModifier)):
            self.open_calendar()
            event.accept()
            return
        step = _STEPS.get((event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)))
        if step is None or self.isReadOnly():
            super().keyPressEvent(event)
            return
        try:
            current = self.value()
        except ValueError:
            current = None
        self.set_value(_moved(current or date.today(), *step) if current else date.today())
        event.accept()

    def _say_in_words(self) -> None:
        try:
            d = self.value()
        except ValueError:
            d = None
        if d is None:
            self.setToolTip(QCoreApplication.translate("DateField", "Up/Down: a day, Page Up/Down: a month, "
                                                       "Ctrl+Up/Down: a year"))
            return
        from app.core.dates import weekday_name

        self.setToolTip(f"{weekday_name(d, lang=i18n.current_lang())} {i18n.show_date(d, long=True)}")  # type: ignore[arg-type]

    def value(self) -> date | None:
        """The date, None if empty; ValueError with a readable reason if it cannot be read."""
        text = self.text().strip()
        return i18n.read_date(text) if text else None

    def set_value(self, d: date | None) -> None:
        self.setText(i18n.edit_date(d))

    def problem(self) -> str:
        try:
            self.value()
        except ValueError as e:
            why = str(e)
            if "looks like a Gregorian year" in why:
                return QCoreApplication.translate(
                    "DateField", "That is a Gregorian year: enter the Solar Hijri date, e.g. %1").replace(
                    "%1", self.placeholderText())
            if "looks like a Solar Hijri year" in why:
                return QCoreApplication.translate(
                    "DateField", "That is a Solar Hijri year: enter the Gregorian date, e.g. %1").replace(
                    "%1", self.placeholderText())
            if "does not exist" in why or "between 1 and 12" in why:
                return QCoreApplication.translate(
                    "DateField", "That day does not exist in that month: check the day and the month")
            return QCoreApplication.translate(
                "DateField", "Enter the date year first, e.g. %1").replace("%1", self.placeholderText())
        return ""


# (key, with Ctrl) -> (days, months, years)
_STEPS = {(Qt.Key.Key_Up, False): (1, 0, 0), (Qt.Key.Key_Down, False): (-1, 0, 0),
          (Qt.Key.Key_PageUp, False): (0, 1, 0), (Qt.Key.Key_PageDown, False): (0, -1, 0),
          (Qt.Key.Key_Up, True): (0, 0, 1), (Qt.Key.Key_Down, True): (0, 0, -1)}


def _moved(d: date, days: int, months: int, years: int) -> date:
    """A day, a month or a year on, in the user's calendar (a Solar Hijri month is not a Gregorian one)."""
    from datetime import timedelta

    from app.core.dates import from_jalali, to_jalali

    if days:
        return d + timedelta(days=days)
    if i18n.calendar() == "jalali":
        y, m, day = to_jalali(d)
        index = y * 12 + m - 1 + months + 12 * years
        y, m = divmod(index, 12)
        for dd in (day, 30, 29):
            try:
                return from_jalali(y, m + 1, dd)
            except ValueError:
                continue
        return d
    index = d.year * 12 + d.month - 1 + months + 12 * years
    y, m = divmod(index, 12)
    for dd in (d.day, 30, 29, 28):
        try:
            return date(y, m + 1, dd)
        except ValueError:
            continue
    return d


class Banner(QFrame):
    """A coloured strip across a form: information, a warning, or danger (notifiable disease)."""

    closed = Signal()
    COLOURS = {"info": ("#e8f0fe", "#174ea6"), "warn": ("#fef7e0", "#7a4f01"), "danger": ("#b3261e", "#ffffff")}

    def __init__(self, kind: str = "info", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        bg, fg = self.COLOURS[kind]
        # Styled by a property, not the object name: callers name banners for tests and shortcuts.
        self.setProperty("bannerKind", kind)
        self.setStyleSheet(f'QFrame[bannerKind="{kind}"] {{ background: {bg}; border-radius: 4px; }} '
                           f"QLabel {{ color: {fg}; background: transparent; }}")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        if kind == "danger":
            font = self.label.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.15)
            self.label.setFont(font)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(10, 6, 10, 6)
        self.row.addWidget(self.label, 1)
        self.setVisible(False)

    def say(self, text: str) -> None:
        self.label.setText(text)
        self.setVisible(bool(text))

    def add_button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        self.row.addWidget(button)
        return button


def digits_only(text: str) -> str:
    from app.core.persian import to_ascii_digits

    return to_ascii_digits(text).strip()


def text_box(parent: QWidget, name: str, height: int = 60) -> QPlainTextEdit:
    """A multi-line field that tabs to the next field and stays compact. Each paragraph takes the direction of its
    own first letter (so "500 mg paracetamol" typed in the Persian interface keeps its order, and Persian typed in
    the English one reads right to left); in Persian every paragraph sits on the right like the rest of the screen."""
    edit = QPlainTextEdit(parent)
    edit.setObjectName(name)
    edit.setMaximumHeight(height)
    edit.setTabChangesFocus(True)
    option = edit.document().defaultTextOption()
    option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
    option.setAlignment((Qt.AlignmentFlag.AlignRight if i18n.is_rtl() else Qt.AlignmentFlag.AlignLeft)
                        | Qt.AlignmentFlag.AlignAbsolute)
    edit.document().setDefaultTextOption(option)
    return edit


def field_rows(form: QFormLayout, errors: FieldErrors, rows: list[tuple[str, str, QWidget]]) -> dict[str, QWidget]:
    """One form row per field: the label, the input with its own error line under it (bound in ``errors`` by the
    service's field name). Returns each field's row box (to enable or hide a whole row)."""
    boxes: dict[str, QWidget] = {}
    for name, text, widget in rows:
        box = QWidget(form.parentWidget())
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(widget)
        err = ErrorLabel(box)
        v.addWidget(err)
        errors.bind(name, widget, err)
        form.addRow(text, box)
        boxes[name] = box
    return boxes


def vaccine_choice(parent: QWidget, name: str) -> QComboBox:
    """The schedule's vaccines by their name in the current language, the code as data."""
    from app.core.immunisation import load_schedule

    combo = QComboBox(parent)
    combo.setObjectName(name)
    for code, v in load_schedule().vaccines.items():
        combo.addItem(v.name(i18n.current_lang()), code)
    return combo
