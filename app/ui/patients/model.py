"""The patient list model: only the ordered ids of the current search; rows are read lazily, a page at a time.

Like Anki's browser table: the search (and its order) happens in SQL; the model never holds more than the ids
plus the pages someone has scrolled to, so 250,000 patients cost a list of strings, not 250,000 objects.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.ui import i18n, labels
from app.ui.ops import run_op

PAGE = 100
Index = QModelIndex | QPersistentModelIndex
MATCH_COLUMN = 6


def reason_labels() -> dict[str, str]:
    """Why a row matched, in the reader's language (codes from app.services.patient_search). Each text is written out
    in full: pyside6-lupdate finds translatable strings only in literal translate() calls."""
    t = QCoreApplication
    return {
        "card": t.translate("PatientMatch", "scanned card"),
        "code": t.translate("PatientMatch", "patient code"),
        "document": t.translate("PatientMatch", "document number"),
        "phone": t.translate("PatientMatch", "phone"),
        "exact": t.translate("PatientMatch", "exact name"),
        "prefix": t.translate("PatientMatch", "beginning of the name"),
        "spacing": t.translate("PatientMatch", "written with or without spaces"),
        "spelling": t.translate("PatientMatch", "another spelling"),
        "script": t.translate("PatientMatch", "the other script"),
        "sound": t.translate("PatientMatch", "sounds alike"),
        "given": t.translate("PatientMatch", "given name"),
        "father": t.translate("PatientMatch", "father's name"),
        "other_name": t.translate("PatientMatch", "family or grandfather's name"),
        "birth_year": t.translate("PatientMatch", "birth year"),
        "sex": t.translate("PatientMatch", "sex"),
    }


def reasons_text(reasons: tuple[str, ...], labels: dict[str, str]) -> str:
    return i18n.joined(labels.get(r, r) for r in reasons)


class PatientTableModel(QAbstractTableModel):
    page_loaded = Signal(int)
    # A header click: the search runs again, sorted in SQL (the model only ever holds ids).
    sort_changed = Signal()

    def __init__(self, session: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ids: list[str] = []
        self.reasons: dict[str, tuple[str, ...]] = {}
        self._reason_labels = reason_labels()
        self.pages: dict[int, list[Any]] = {}
        self._loading: set[int] = set()
        self._generation = 0
        self._sex = labels.sex()
        self.sort_key: str | None = None
        self.sort_descending = False
        self._headers = [self.tr("Code"), self.tr("Name"), self.tr("Father's name"), self.tr("Sex"),
                         self.tr("Age"), self.tr("Phone"), self.tr("Found by")]

    # ----- filling -----

    def set_ids(self, ids: list[str], reasons: dict[str, tuple[str, ...]] | None = None) -> None:
        self.beginResetModel()
        self._generation += 1
        self.ids = ids
        self.reasons = reasons or {}
        self.pages = {}
        self._loading = set()
        self.endResetModel()

    def extend_ids(self, ids: list[str], reasons: dict[str, tuple[str, ...]] | None = None) -> None:
        """The rest of the same search, appended without a reset: selection and scroll position stay put."""
        if reasons:
            self.reasons.update(reasons)
        if len(ids) <= len(self.ids):
            return
        self.beginInsertRows(QModelIndex(), len(self.ids), len(ids) - 1)
        self.ids = ids
        self.endInsertRows()

    def patient_id(self, row: int) -> str | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def _request(self, page: int) -> None:
        if page in self._loading:
            return
        self._loading.add(page)
        ids = self.ids[page * PAGE:(page + 1) * PAGE]
        generation, lang, store = self._generation, i18n.current_lang(), self.session.store

        def load() -> list[Any]:
            from app.services.patient_search import load_rows

            with store.read() as s:
                return load_rows(s, ids, lang)

        def loaded(rows: list[Any]) -> None:
            if generation != self._generation:
                return  # a newer search replaced the list meanwhile
            by_id = {r.id: r for r in rows}
            self.pages[page] = [by_id.get(i) for i in ids]
            self._loading.discard(page)
            first, last = page * PAGE, min(len(self.ids), (page + 1) * PAGE) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))
            self.page_loaded.emit(page)

        run_op(self, load, loaded, lambda err: self._loading.discard(page))

    def row(self, row: int) -> Any:
        page = self.pages.get(row // PAGE)
        if page is None:
            self._request(row // PAGE)
            return None
        return page[row % PAGE]

    # ----- Qt model -----

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        from app.services.patient_search import SORT_KEYS  # one per column, in column order

        key = SORT_KEYS[column] if 0 <= column < len(SORT_KEYS) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.sort_key, self.sort_descending):
            self.sort_key, self.sort_descending = key, descending
            self.sort_changed.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.ids):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self.ids[index.row()]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self.row(index.row())
        if r is None:
            return "…"
        col = index.column()
        if col == 0:
            return r.code
        if col == 1:
            # The reader's own script first, the other after it (who registered whom in which script varies).
            name = " ".join(x for x in (r.given_name, r.family_name) if x)
            return f"{name} ({r.other_name})" if r.other_name and r.other_name != name else name
        if col == 2:
            return r.father_name
        if col == 3:
            return self._sex.get(r.sex, r.sex)
        if col == 4:
            age = i18n.num(r.age(date.today()))
            return ("~" + age) if r.birth_estimated else age
        if col == 5:
            return i18n.num(r.phone)  # stored in Latin digits; read in the screen's, like the age beside it
        if col == MATCH_COLUMN:
            return reasons_text(self.reasons.get(r.id, ()), self._reason_labels)
        return None
