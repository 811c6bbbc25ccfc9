"""The command line behaves like one: global options before or after the command, one version line."""

from __future__ import annotations

import argparse

import pytest

from app import __version__
from app.cli import build_parser, main
from app.services.site import DEMO_PASSWORD, create_demo_site
from app.store.migrate import HEAD_REVISION


def test_demo_data_accepts_data_dir_after_the_command(tmp_path, capsys) -> None:
    """``sayyar demo-data --data-dir D`` was refused ("unrecognized arguments")."""
    folder = tmp_path / "site"
    assert main(["demo-data", "--data-dir", str(folder), "--patients", "3", "--visits-per-patient", "1"]) == 0
    assert "patient: 3" in capsys.readouterr().out
    assert (folder / "sayyar.db").exists()


@pytest.mark.parametrize("argv", [
    ["--data-dir", "D", "--user", "u", "--lang", "fa", "sync", "status"],
    ["sync", "status", "--data-dir", "D", "--user", "u", "--lang", "fa"],
    ["sync", "--user", "u", "status", "--data-dir", "D", "--lang", "fa"],
    ["--user", "u", "users", "list", "--data-dir", "D", "--lang", "fa"],
    ["--lang", "fa", "hq", "export", "dhis2", "--user", "u", "--out", "x", "--data-dir", "D"],
])
def test_global_options_before_or_after_the_command(argv) -> None:
    args = build_parser().parse_args(argv)
    assert (args.data_dir, args.user, args.lang) == ("D", "u", "fa")


def test_an_option_given_after_the_command_wins_and_one_given_before_is_kept() -> None:
    args = build_parser().parse_args(["--user", "a", "--lang", "fa", "print", "roster", "--user", "b", "--date",
                                      "2026-11-28", "--facility", "F03", "--out", "r.pdf"])
    assert (args.user, args.lang) == ("b", "fa")


def test_every_command_accepts_the_global_options() -> None:
    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        options = {s for a in parser._actions for s in a.option_strings}
        assert {"--data-dir", "--user", "--lang"} <= options, path
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, f"{path} {name}")

    walk(build_parser(), "sayyar")


def test_version_names_the_schema_revision(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"sayyar {__version__} ") and f"schema {HEAD_REVISION}" in line


def test_sync_status_with_options_after_the_command(tmp_path, monkeypatch, capsys) -> None:
    folder = tmp_path / "site"
    create_demo_site(folder, with_staff=False)
    monkeypatch.setenv("SAYYAR_PASSWORD", DEMO_PASSWORD)
    assert main(["sync", "status", "--data-dir", str(folder), "--user", "admin"]) == 0
    assert "epoch" in capsys.readouterr().out
