"""Docs that cannot drift (as Datasette's tests/test_docs.py): every command-line command and option, every
setting (environment variables and ui-settings.json) and every HTTP endpoint is documented in README.md or docs/."""

from __future__ import annotations

import argparse
import re
from dataclasses import fields
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
GLOBAL = {"-h", "--help", "--data-dir", "--user", "--lang"}


def _commands() -> list[tuple[str, argparse.ArgumentParser]]:
    from app.cli import build_parser

    out: list[tuple[str, argparse.ArgumentParser]] = []

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        if path:
            out.append((" ".join(path), parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, [*path, name])

    walk(build_parser(), [])
    return out


def _section(command: str) -> str:
    m = re.search(rf"^### `sayyar {re.escape(command)}`\n(.*?)(?=^### |\Z)", CLI_DOC, re.S | re.M)
    assert m, f"docs/cli.md has no section '### `sayyar {command}`'"
    return m.group(1)


@pytest.mark.parametrize(("command", "parser"), _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_and_option_is_documented(command: str, parser: argparse.ArgumentParser) -> None:
    section = _section(command)
    for action in parser._actions:
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):
            continue
        for option in action.option_strings:
            if option not in GLOBAL:
                assert f"`{option}" in section, f"sayyar {command}: {option} is not documented in docs/cli.md"
    assert f"sayyar {command.split()[0]}" in Path(ROOT / "README.md").read_text(encoding="utf-8"), (
        f"the README's command table does not mention sayyar {command.split()[0]}")


def test_every_environment_variable_is_documented() -> None:
    names = set()
    for path in (ROOT / "app").rglob("*.py"):
        names.update(re.findall(r"[\"'](SAYYAR_[A-Z_]+)[\"']", path.read_text(encoding="utf-8")))
    assert names, "no settings found: the scan is broken"
    missing = sorted(n for n in names if n not in DOCS)
    assert missing == [], f"undocumented environment variables: {missing}"


def test_every_ui_setting_is_documented() -> None:
    from app.ui.prefs import Prefs, UserPrefs

    missing = [f.name for cls in (Prefs, UserPrefs) for f in fields(cls) if f"`{f.name}`" not in DOCS]
    assert missing == [], f"ui-settings.json fields not documented: {missing}"


def test_every_http_endpoint_is_documented(tmp_path: Path) -> None:
    from app.hq.web import router
    from app.server.app import create_app

    api = create_app(str(tmp_path / "central.db"))
    paths = set(api.openapi()["paths"]) | {"/hq" + r.path for r in router.routes}  # type: ignore[attr-defined]
    missing = sorted(p for p in paths if not re.search(rf"(?<![\w/{{}}]){re.escape(p)}(?![\w/{{}}])", DOCS))
    assert missing == [], f"endpoints not documented in README.md or docs/: {missing}"
