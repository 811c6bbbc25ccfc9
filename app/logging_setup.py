"""Logging for the desktop app and the command line: a rotating file in the data folder that never holds
patient data, passwords or keys.

A lost laptop must not expose the people in the records, and the log file is NOT encrypted. So:
- SQLAlchemy (whose INFO/DEBUG output carries every bound parameter: names, phones, document numbers) and other
  chatty libraries are held at WARNING whatever level the app runs at;
- every record reaching our handlers passes ``PersonalDataFilter``, which
  * keeps numbers and id-like arguments (UUIDs, codes, dotted/underscored names, exception class names),
    replaces any other single-word or single-line text argument with ``[redacted]`` (a name passed as an argument),
  * and in the final message and in tracebacks masks Persian/Arabic script, quoted strings, e-mail addresses,
    runs of 6+ digits (phones, national codes, Amayesh/tazkira/passport numbers, dates of birth) and
    SQLAlchemy's ``[parameters: ...]`` lines.
Write log calls with ids, not names: ``log.info("visit recorded id=%s", visit_id)``. Text baked into an f-string is
only protected by the second rule, so never put a person's Latin-script name into one.

Call ``configure_logging()`` once at start (app and CLI). Portable: the folder comes from app.config.data_dir
(platformdirs), files are UTF-8, and rotation keeps at most ~6 MB.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
from collections.abc import Container
from enum import Enum
from pathlib import Path
from typing import Any

from app.config import data_dir, make_private, private_opener

LOG_DIRNAME = "logs"
LOG_FILENAME = "sayyar.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Libraries whose debug output carries record contents (bound SQL parameters, PDF text, HTTP bodies).
QUIET_LOGGERS = ("sqlalchemy", "alembic.runtime.migration", "PIL", "fontTools", "reportlab", "httpx", "httpcore",
                 "urllib3", "asyncio", "multipart", "uvicorn.access")

REDACTED = "[redacted]"

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_DIGIT = r"[0-9\u06F0-\u06F9\u0660-\u0669]"
_SCRIPT = r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]"
# Order matters: UUIDs are kept whole before digit runs are looked at.
_CONTENT = re.compile(
    rf"(?P<uuid>\b{_UUID}\b)"
    r"|(?P<params>\[parameters:[^\n]*)"
    r"|(?P<email>[\w.+-]+@[\w-]+\.[\w.-]+)"
    rf"|(?P<number>{_DIGIT}(?:[\s./-]?{_DIGIT}){{5,}})"  # before script: Persian digits are in its range
    rf"|(?P<script>{_SCRIPT}(?:[{_SCRIPT[1:-1]}\u200c\s]*{_SCRIPT})?)"
    r"|(?P<quoted>'[^'\n]{1,200}'|\"[^\"\n]{1,200}\")"
)
_SAFE_ARG = re.compile(
    rf"^(?:{_UUID}"
    r"|(?=[^\s]*[_./\\:])(?:[A-Za-z]:)?[/\\~]?[\w.-]+(?:[/\\:][\w.-]+)*"  # snake_case, modules, file paths
    r"|(?=[^\s]*\d)[A-Za-z0-9-]+"  # has a digit: device codes, hex, short codes ("Abdul-Rahman" has none)
    r"|[A-Z][A-Za-z0-9]*(?:Error|Exception|Warning|Exit|Interrupt|Failed|Denied|Found)"  # exception class names
    r"|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+){2,}"  # CamelCase with three or more humps
    r"|)$"
)


class Word(str):
    """Program vocabulary logged as it is: an entity name, a refusal code, a phase (``Word("patient")``). Only
    lower-case identifiers qualify; never wrap anything a person typed or a record holds."""

    def __new__(cls, text: str) -> Word:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", text):
            raise ValueError("a log Word is a lower-case identifier")
        return super().__new__(cls, text)

    @classmethod
    def of(cls, text: str, vocabulary: Container[str] | None = None) -> Word:
        """``text`` when it is a lower-case identifier (in ``vocabulary``, when given); otherwise ``other``."""
        if (vocabulary is None or text in vocabulary) and re.fullmatch(r"[a-z][a-z0-9_]{0,39}", text):
            return cls(text)
        return cls("other")


def _is_safe(text: str) -> bool:
    """An id-like token with nothing in it that the content rules would mask (UUIDs pass, digit runs do not)."""
    return bool(_SAFE_ARG.match(text)) and all(m.lastgroup == "uuid" for m in _CONTENT.finditer(text))


def redact_text(text: str) -> str:
    """Masks what looks like personal data in free text (messages, tracebacks)."""

    def repl(m: re.Match[str]) -> str:
        kind = m.lastgroup
        if kind == "uuid":
            return m.group(0)
        if kind == "params":
            return "[parameters: redacted]"
        if kind == "quoted":
            inner = m.group(0)[1:-1]
            return m.group(0) if _is_safe(inner) else f"'{REDACTED}'"
        return {"email": "[email]", "script": "[fa]", "number": "[number]"}[kind or ""]

    return _CONTENT.sub(repl, text)


def _safe_arg(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Enum | Word):
        return str(value.value if isinstance(value, Enum) else value)  # program vocabulary, never a person's data
    text = str(value)
    if "\n" in text:
        return redact_text(text)  # a traceback or a block of text: keep its shape, mask the contents
    if _is_safe(text):
        return text
    return REDACTED


class PersonalDataFilter(logging.Filter):
    """Rewrites each record so that only the redacted message reaches the handler (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            args = record.args
            if isinstance(args, dict):
                safe: Any = {k: _safe_arg(v) for k, v in args.items()}
            elif isinstance(args, tuple):
                safe = tuple(_safe_arg(v) for v in args)
            else:
                safe = args
            message = str(record.msg) % safe if safe else str(record.msg)
        except Exception:  # noqa: BLE001 - a malformed call must not leak its arguments through logging's report
            message = f"{record.msg!s} (arguments withheld)"
        record.msg = redact_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file it starts, the first and the new one after each rotation, is the user's alone (0600): the
    folder's 0700 alone leaves a copied-out log readable by anyone."""

    def _open(self):  # type: ignore[no-untyped-def]
        stream = open(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors,  # noqa: SIM115
                      opener=private_opener)
        make_private(Path(self.baseFilename))  # a file left by an older Sayyar keeps its mode otherwise
        return stream


def log_path(folder: Path | None = None) -> Path:
    return (folder if folder is not None else data_dir()) / LOG_DIRNAME / LOG_FILENAME


def configure_logging(folder: Path | None = None, *, level: int | str | None = None,
                      console: bool = False) -> Path:
    """Sends the app's logging to ``<data dir>/logs/sayyar.log`` (rotated), filtered. Safe to call again (e.g.
    after the data folder changes): our previous handlers are replaced, other handlers (pytest's) are left alone.
    ``level`` defaults to $SAYYAR_LOG_LEVEL or INFO. Returns the log file's path."""
    path = log_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    make_private(path.parent)  # only the user may read the logs, and the rotated files made there later
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_sayyar", False):
            root.removeHandler(handler)
            handler.close()
    chosen = level if level is not None else os.environ.get("SAYYAR_LOG_LEVEL", "INFO")
    root.setLevel(chosen.upper() if isinstance(chosen, str) else chosen)
    # delay=True: the file is opened on the first record, so a read-only start (e.g. --help) creates nothing.
    handlers: list[logging.Handler] = [_PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)]
    if console:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(PersonalDataFilter())
        handler._sayyar = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    _log_uncaught()
    return path


def _log_uncaught() -> None:
    """Crashes go to the log through the same filter (a traceback's message can quote a record's values), and
    then to the previous hook (stderr or Qt's), so nothing is hidden from the developer at the console."""
    if getattr(sys.excepthook, "_sayyar", False):
        return
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            logging.getLogger("sayyar.crash").critical("uncaught %s", kind.__name__, exc_info=(kind, value, tb))
        previous(kind, value, tb)

    hook._sayyar = True  # type: ignore[attr-defined]
    sys.excepthook = hook
