"""The month grid that drops down from a date field (Alt+Down, F4 or the field's calendar button): Solar Hijri
months with Persian names and weeks from Saturday for Persian users, Gregorian for English ones, as typed dates
are (docs/architecture.md, "Languages"); Friday is the weekend in both. Qt's own Jalali calendar does the
arithmetic; the chosen day goes back into the field as if typed, so the field's checks apply unchanged."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCalendar, QDate, QLocale, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPen, QPixmap, QTextCharFormat
from PySide6.QtWidgets import QCalendarWidget, QWidget

from app.ui import i18n


def calendar_icon(size: int = 16) -> QIcon:
    """Drawn, not shipped: a page with a binding and a grid of days, legible at any scale."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#455a64"), 1.2))
    painter.drawRoundedRect(QRectF(1.5, 2.5, size - 3, size - 4), 1.5, 1.5)
    painter.fillRect(QRectF(1.5, 2.5, size - 3, 3), QColor("#455a64"))
    step = (size - 5) / 3
    for row in range(2):
        for col in range(3):
            painter.fillRect(QRectF(3 + col * step, 7.5 + row * step * 0.9, 1.8, 1.8), QColor("#455a64"))
    painter.end()
    return QIcon(pixmap)


class CalendarPopup(QCalendarWidget):
    """A popup window: a click or Enter on a day picks it; Escape or a click elsewhere closes it unchanged."""

    picked = Signal(object)  # datetime.date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Popup)
        self.setGridVisible(True)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        if i18n.calendar() == "jalali":
            self.setCalendar(QCalendar(QCalendar.System.Jalali))
            self.setLocale(QLocale(QLocale.Language.Persian, QLocale.Country.Iran))
            self.setFirstDayOfWeek(Qt.DayOfWeek.Saturday)  # the Iranian week
            self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        else:
            self.setCalendar(QCalendar(QCalendar.System.Gregorian))
            self.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
            self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        # Iran's weekend is Friday, whatever the language (Qt marks Saturday and Sunday by default).
        plain, weekend = QTextCharFormat(), QTextCharFormat()
        weekend.setForeground(QColor("#b3261e"))
        for day in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.setWeekdayTextFormat(day, plain)
        self.setWeekdayTextFormat(Qt.DayOfWeek.Friday, weekend)
        self.activated.connect(self._chosen)  # Enter or a double click
        self.clicked.connect(self._chosen)

    def open_at(self, anchor: QWidget, current: date | None) -> None:
        day = current or date.today()
        self.setSelectedDate(QDate(day.year, day.month, day.day))
        self.adjustSize()
        below = anchor.mapToGlobal(QPoint(0, anchor.height()))
        if i18n.is_rtl():  # right edges line up, as the field's text does
            below.setX(below.x() + anchor.width() - self.width())
        screen = anchor.screen().availableGeometry() if anchor.screen() else None
        if screen is not None:
            below.setX(max(screen.left(), min(below.x(), screen.right() - self.width())))
            if below.y() + self.height() > screen.bottom():
                below.setY(anchor.mapToGlobal(QPoint(0, 0)).y() - self.height())
        self.move(below)
        self.show()
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            event.accept()
            return
        super().keyPressEvent(event)

    def _chosen(self, qdate: QDate) -> None:
        self.close()
        self.picked.emit(date(qdate.year(), qdate.month(), qdate.day()))
