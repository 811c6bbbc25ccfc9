"""Language, set once for the whole application: translators, layout direction, dates.

Persian installs Sayyar's own translation plus Qt's ``qtbase_fa`` (so the built-in dialogs' buttons speak Persian
too) and turns the application right-to-left. Compiled ``.qm`` files are not in git: they come from the build
(build.spec) or, in a source checkout, are compiled from ``resources/translations/*.ts`` into a cache folder once.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from app.resources import resources_dir

log = logging.getLogger("sayyar.ui.i18n")

LANGUAGES = {"en": "English", "fa": "فارسی"}
_state = {"lang": "en"}
_installed: list[QTranslator] = []


def current_lang() -> str:
    return _state["lang"]


def is_rtl() -> bool:
    return current_lang() == "fa"


def _cache_dir() -> Path:
    # A source checkout compiles next to the sources (build/ is ignored by git); elsewhere the user's cache.
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").exists() and os.access(root, os.W_OK):
        return root / "build" / "translations"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("Sayyar", "IOM")) / "translations"


def _lrelease() -> str | None:
    exe = Path(sys.executable).with_name("pyside6-lrelease")
    return str(exe) if exe.exists() else shutil.which("pyside6-lrelease")


def compiled_translation(lang: str) -> Path | None:
    """Path of ``sayyar_<lang>.qm``: shipped in the bundle, or compiled from the .ts when missing or stale."""
    folder = resources_dir() / "translations"
    shipped = folder / f"sayyar_{lang}.qm"
    source = folder / f"sayyar_{lang}.ts"
    if shipped.exists() and (not source.exists() or shipped.stat().st_mtime >= source.stat().st_mtime):
        return shipped
    if not source.exists():
        return None
    target = _cache_dir() / f"sayyar_{lang}.qm"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    tool = _lrelease()
    if tool is None:
        log.warning("pyside6-lrelease not found; the interface stays in English")
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([tool, "-silent", str(source), "-qm", str(target)], check=False, capture_output=True)
    return target if target.exists() else None


def set_language(lang: str) -> None:
    """Switch every translator and the layout direction. Windows built afterwards come up in the new language."""
    app = QCoreApplication.instance()
    lang = lang if lang in LANGUAGES else "en"
    _state["lang"] = lang
    if app is None:
        return
    for tr in _installed:
        app.removeTranslator(tr)
    _installed.clear()
    if lang != "en":
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in ((f"qtbase_{lang}", qt_dir), ):
            tr = QTranslator(app)
            if tr.load(name, folder):
                app.installTranslator(tr)
                _installed.append(tr)
        qm = compiled_translation(lang)
        if qm is not None:
            tr = QTranslator(app)
            if tr.load(str(qm)):
                app.installTranslator(tr)
                _installed.append(tr)
    QLocale.setDefault(QLocale(QLocale.Language.Persian, QLocale.Country.Iran) if lang == "fa"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    if isinstance(app, QApplication):
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if lang == "fa" else Qt.LayoutDirection.LeftToRight)
    # The system's file and print dialogs speak the system's language (English on most field laptops): in Persian,
    # Qt's own, translated by qtbase_fa and, for the labels it leaves in English, by sayyar_fa (context QFileDialog).
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, lang != "en")


def calendar() -> str:
    # Persian users read and type Solar Hijri dates; English users Gregorian (docs/architecture.md, "Languages").
    return "jalali" if current_lang() == "fa" else "gregorian"


def show_date(d: date | None, *, long: bool = False) -> str:
    from app.core.dates import format_date

    if d is None:
        return ""
    return format_date(d, lang=current_lang(), long=long)  # type: ignore[arg-type]


def edit_date(d: date | None) -> str:
    """A date as it is typed in a field: the user's calendar, in the screen's digits (one digit style per screen;
    Latin digits typed on a Persian screen are shown as Persian ones, and both are read)."""
    from app.core.dates import format_date

    if d is None:
        return ""
    return format_date(d, lang=current_lang(), calendar=calendar())  # type: ignore[arg-type]


# What people type for a decimal point: ".", the Persian decimal separator "٫" (U+066B), "/" (how Iranians write
# 37/5 by hand and where the Persian keyboard puts it) and a comma of either script.
_POINTS = ".\u066b/,\u060c"
_DECIMAL_POINTS = str.maketrans({p: "." for p in _POINTS})
_PERSIAN_POINTS = str.maketrans({p: "\u066b" for p in _POINTS})


def read_decimal(text: str) -> str:
    """A typed decimal number in Latin digits with ".": "۳۷٫۵", "37/5" and "37,5" all read "37.5"."""
    from app.core.persian import to_ascii_digits

    return to_ascii_digits(text).strip().translate(_DECIMAL_POINTS)


def decimal(value: object) -> str:
    """A decimal number as the user reads it: Persian digits and the Persian decimal separator (٫) in Persian."""
    text = num(value)
    return text.replace(".", "\u066b") if current_lang() == "fa" else text


def screen_digits(edit: Any, *, decimal_point: bool = False) -> None:
    """A line edit for a number (a date, a vital sign, a birth year or age, a phone) shows the screen's one digit
    style whichever keys typed it and however the text was set: Persian digits on a Persian screen (the numeric
    keypad and most field laptops give Latin ones, an Arabic keyboard Arabic-Indic ones), Latin on an English one.
    The cursor stays where it was; whoever reads the text back converts it to Latin digits (to_ascii_digits)."""
    from app.core.persian import to_ascii_digits, to_persian_digits

    persian = current_lang() == "fa"

    def convert(text: str) -> None:
        shown = to_persian_digits(to_ascii_digits(text)) if persian else to_ascii_digits(text)
        if decimal_point:  # a decimal field shows the screen's separator whichever one was typed
            shown = shown.translate(_PERSIAN_POINTS if persian else _DECIMAL_POINTS)
        if shown != text:
            pos = edit.cursorPosition()
            edit.blockSignals(True)
            edit.setText(shown)
            edit.blockSignals(False)
            edit.setCursorPosition(pos)
            edit.textChanged.emit(shown)

    edit.textChanged.connect(convert)  # typed, restored from a draft or shown from the record alike


def read_date(text: str) -> date:
    from app.core.dates import parse_date

    return parse_date(text, calendar=calendar())  # type: ignore[arg-type]


def joined(items: Any, kind: str = ",") -> str:
    """A list in a sentence with the language's own separator: Persian writes "،" and "؛", not "," and ";"."""
    if current_lang() == "fa":
        return ("؛ " if kind == ";" else "، ").join(items)
    return (kind + " ").join(items)


def pick(en: str, fa: str) -> str:
    """A bilingual database value in the user's language, falling back to the other form."""
    return (fa or en) if current_lang() == "fa" else (en or fa)


def show_datetime(when: datetime) -> str:
    local = when.astimezone()
    return f"{show_date(local.date())} {num(f'{local:%H:%M}')}"  # the time in the screen's digits too


def show_utc(value: Any) -> str:
    """An ISO time kept in UTC (a backup's manifest), shown in UTC in the screen's calendar and digits."""
    from datetime import timezone

    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return num(str(value or ""))
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return f"{show_date(when.date())} {num(f'{when:%H:%M}')}"


def num(value: object) -> str:
    """A number as the user reads it: Persian digits in Persian."""
    from app.core.persian import to_persian_digits

    text = str(value)
    return to_persian_digits(text) if current_lang() == "fa" else text


def para(text: str) -> str:
    """Mark a label's paragraph right-to-left in Persian, so a value starting with Latin letters or digits (a code,
    a Latin name) still sits on the right like the rest of the screen."""
    return "\u200f" + text if current_lang() == "fa" and text else text
