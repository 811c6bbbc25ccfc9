"""Mixed-direction text on screen: each value is laid out in the direction of its own first strong letter.

In a right-to-left window a Latin value such as "500 mg paracetamol" laid out right to left puts the digits after
the words ("mg paracetamol 500"). A value is therefore shown in its own direction (the Unicode "first strong
character" rule); values with no letters at all (doses, dates, numbers) read left to right.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget


def direction_of(text: str, default: Qt.LayoutDirection = Qt.LayoutDirection.LeftToRight) -> Qt.LayoutDirection:
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return Qt.LayoutDirection.LeftToRight
        if kind in ("R", "AL"):
            return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight if any(c.isdigit() for c in text) else default


def follow_text(edit: QLineEdit) -> None:
    """Let a line edit take the direction of what is typed into it (Latin or digits first: left to right)."""

    def update(text: str) -> None:
        edit.setLayoutDirection(direction_of(text, edit.parentWidget().layoutDirection()
                                              if edit.parentWidget() else Qt.LayoutDirection.LeftToRight))

    edit.textChanged.connect(update)
    update(edit.text())


class BidiDelegate(QStyledItemDelegate):
    """Table cells drawn and edited in the direction of their own text."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.direction = direction_of(option.text, option.direction)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            follow_text(editor)
        return editor
