"""House rules for app/ui: no SQL (services do the database work), small modules, every string translated."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI = [p for p in (ROOT / "app" / "ui").rglob("*.py") if "printing" not in p.parts]


def test_no_sql_in_the_ui() -> None:
    offenders = [p.name for p in UI if re.search(r"^\s*(from|import) sqlalchemy", p.read_text(), re.M)]
    assert offenders == []


def test_modules_stay_small() -> None:
    big = {p.name: n for p in UI if (n := len(p.read_text().splitlines())) > 400}
    assert big == {}


def test_persian_translation_is_complete() -> None:
    tree = ET.parse(ROOT / "resources" / "translations" / "sayyar_fa.ts")
    unfinished = [m.findtext("source") for m in tree.getroot().iter("message")
                  if m.find("translation").get("type") in ("unfinished", None) and
                  not (m.findtext("translation") or list(m.find("translation")))]
    assert unfinished == []


def test_every_string_in_the_code_is_in_the_persian_translation(tmp_path) -> None:
    """lupdate over all of app/ui (print preview included) adds nothing untranslated to a copy of the .ts."""
    import shutil
    import subprocess
    import sys

    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    if not lupdate.exists():
        import pytest

        pytest.skip("pyside6-lupdate is not installed beside this Python")
    copy = tmp_path / "fa.ts"
    shutil.copy(ROOT / "resources" / "translations" / "sayyar_fa.ts", copy)
    sources = sorted(str(p) for p in (ROOT / "app" / "ui").rglob("*.py"))
    subprocess.run([str(lupdate), *sources, "-ts", str(copy)], check=True, capture_output=True)
    tree = ET.parse(copy)
    new = [m.findtext("source") for m in tree.getroot().iter("message")
           if m.find("translation").get("type") == "unfinished"]
    assert new == []
