"""Diagnosis picker: ICD-10 by code or by English/Persian words, completed from the database as you type."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui import i18n, labels
from app.ui.ops import run_op
from app.ui.widgets.forms import ErrorLabel

DEBOUNCE_MS = 150


class DiagnosisPicker(QGroupBox):
    changed = Signal()
    suggestions_ready = Signal(int)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Diagnoses (ICD-10)"), parent)
        self.ctx = ctx
        self.found: list[dict[str, Any]] = []
        self.chosen: list[dict[str, Any]] = []
        self._generation = 0
        self.locked = False  # a saved visit: nothing here changes until the visit is amended
        col = QVBoxLayout(self)
        row = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("diagnosisSearch")
        self.search.setPlaceholderText(self.tr("Type a code (B05) or words (measles, سرخک)"))
        row.addWidget(self.search, 1)
        confirm = QPushButton(self.tr("Confirmed / suspected"), self)
        confirm.setObjectName("toggleCertainty")
        confirm.setToolTip(self.tr("Mark the selected diagnosis confirmed (e.g. by a rapid test or the laboratory), "
                                   "or back to suspected"))
        confirm.clicked.connect(self.toggle_certainty)
        row.addWidget(confirm)
        self.toggle_button = confirm
        remove = QPushButton(self.tr("Remove selected"), self)
        remove.setObjectName("removeDiagnosis")
        remove.clicked.connect(self.remove_selected)
        row.addWidget(remove)
        self.remove_button = remove
        col.addLayout(row)
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        # The database already filtered and ordered the suggestions; the completer must show them all as they are.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setWidget(self.search)
        self.completer.activated[str].connect(self._activated_text)
        self.list = QListWidget(self)
        self.list.setObjectName("chosenDiagnoses")
        self.list.setMaximumHeight(90)
        col.addWidget(self.list)
        self.error = ErrorLabel(self)
        col.addWidget(self.error)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._lookup)
        self.search.textEdited.connect(lambda _: self._debounce.start())
        self.search.returnPressed.connect(self._enter)

    def _lookup(self) -> None:
        text = self.search.text().strip()
        self._generation += 1
        generation, ctx = self._generation, self.ctx
        if not text:
            self.model.setStringList([])
            return

        def find() -> list[dict[str, Any]]:
            from app.services.visits import search_diagnoses

            return [{"code": d.code, "label_en": d.label_en, "label_fa": d.label_fa, "notifiable": d.notifiable}
                    for d in search_diagnoses(ctx, text, limit=20)]

        def show(found: list[dict[str, Any]]) -> None:
            if generation != self._generation:
                return
            self.found = found
            self.model.setStringList([self.describe(d) for d in found])
            if found and self.search.hasFocus():
                self.completer.complete()
                # The first suggestion is highlighted: Enter takes it, Down/Up pick another.
                self.completer.popup().setCurrentIndex(self.completer.completionModel().index(0, 0))
            self.suggestions_ready.emit(len(found))

        run_op(self, find, show)

    @staticmethod
    def describe(d: dict[str, Any]) -> str:
        text = f"{d['code']} — {i18n.pick(d['label_en'], d['label_fa'])}"
        if d.get("notifiable"):
            text += "  ⚠ " + labels.disease(d["notifiable"])
        return text

    def describe_chosen(self, d: dict[str, Any]) -> str:
        # Surveillance classifies the case from this: suspected unless a test confirmed it.
        certainty = self.tr("confirmed") if d.get("certainty") == "confirmed" else self.tr("suspected")
        return f"{self.describe(d)}  ({certainty})"

    def toggle_certainty(self) -> None:
        row = self.list.currentRow()
        if row < 0 or self.locked:
            return
        d = self.chosen[row]
        d["certainty"] = "suspected" if d.get("certainty") == "confirmed" else "confirmed"
        self.list.item(row).setText(self.describe_chosen(d))
        self.changed.emit()

    def _activated_text(self, text: str) -> None:
        for i, d in enumerate(self.found):
            if self.describe(d) == text:
                self.choose(i)
                return

    def _enter(self) -> None:
        if self.found and not self.completer.popup().isVisible():
            self.choose(0)

    def choose(self, index: int) -> None:
        if self.locked:
            return
        d = self.found[index]
        if any(c["code"] == d["code"] for c in self.chosen):
            self.error.say(self.tr("%1 is already in the list.").replace("%1", d["code"]))
            return
        self.error.say("")
        self.completer.popup().hide()
        self.add(d)
        QTimer.singleShot(0, self.search.clear)

    def add(self, d: dict[str, Any]) -> None:
        d = {**d, "certainty": d.get("certainty", "suspected")}
        self.chosen.append(d)
        item = QListWidgetItem(self.describe_chosen(d), self.list)
        if d.get("notifiable"):
            item.setForeground(Qt.GlobalColor.darkRed)
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0 and not self.locked:
            self.list.takeItem(row)
            del self.chosen[row]
            self.changed.emit()

    def set_chosen(self, chosen: list[dict[str, Any]]) -> None:
        self.list.clear()
        self.chosen = []
        for d in chosen:
            self.add(d)

    def notifiable(self) -> list[dict[str, Any]]:
        return [d for d in self.chosen if d.get("notifiable")]
