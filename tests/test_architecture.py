"""The boundaries of docs/architecture.md: Qt only in app/ui; services and printing never import the UI; the command
line sits on top."""

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


def test_only_the_command_line_imports_the_command_line():
    """Command groups live in app/cli/; nothing below them (sync, server, hq, security, services) reaches up."""
    offenders = [str(p.relative_to(APP)) for p in APP.rglob("*.py")
                 if p.relative_to(APP).parts[0] not in ("cli", "__main__.py")
                 and any(n == "app.cli" or n.startswith("app.cli.") for n in imports_of(p))]
    assert offenders == []


def test_command_groups_never_import_each_other():
    groups = {p.stem for p in (APP / "cli").glob("*.py")} - {"__init__", "common"}
    for p in (APP / "cli").glob("*.py"):
        if p.stem in groups:
            bad = {n for n in imports_of(p) if n == "app.cli" or (n.startswith("app.cli.") and n != "app.cli.common")}
            assert bad == set(), p


def test_one_logger_tree():
    """Every logger is named sayyar.<part> (a literal), so one configuration and one filter cover them all."""
    for p in APP.rglob("*.py"):
        if p.name == "logging_setup.py":  # the configuration itself quiets other libraries' loggers by name
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "getLogger" and node.args:
                arg = node.args[0]
                assert isinstance(arg, ast.Constant) and str(arg.value).startswith("sayyar"), (
                    f"{p.relative_to(APP)}:{node.lineno}")
