"""The boundaries of DESIGN.md: Qt only in app/ui; services and printing never import the UI."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_qt_only_in_app_ui():
    offenders = [str(p.relative_to(APP)) for p in APP.rglob("*.py")
                 if "ui" not in p.relative_to(APP).parts[:1] and any(n.split(".")[0] == "PySide6" for n in imports_of(p))]
    assert offenders == []


def test_core_layers_never_import_the_ui():
    for layer in ("services", "models", "store", "printing", "core", "security", "sync", "server", "hq"):
        for p in (APP / layer).rglob("*.py") if (APP / layer).exists() else []:
            assert not any(n.startswith("app.ui") for n in imports_of(p)), p


def test_printing_never_touches_the_database():
    for p in (APP / "printing").rglob("*.py"):
        assert not any(n.startswith(("app.store", "app.models", "sqlalchemy")) for n in imports_of(p)), p
