"""Issue 12, item 3 re-checked (session 8): no token, password or key is ever a command-line argument (every user of
the machine reads a command line in ``ps`` and /proc). Secrets come from an environment variable, a private file or
a prompt; a database URL carrying a password was still accepted as ``--db`` by `sayyar server` (which had no other
way to be given one) and every `sayyar hq` command."""

from __future__ import annotations

import argparse
import re

import pytest

from app.cli import build_parser, main

SECRET = re.compile(r"token|pass(word|phrase)?|secret|private|recovery|credential|api.?key", re.I)
BAD_URL = "postgresql://sayyar:s3cret-pw@127.0.0.1:1/sayyar"


def _options() -> list[tuple[str, argparse.Action]]:
    out: list[tuple[str, argparse.Action]] = []

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, [*path, name])
            else:
                out.append((" ".join(path), action))

    walk(build_parser(), [])
    return out


def test_no_option_takes_a_secret_as_its_value() -> None:
    taking_values = [(cmd, a) for cmd, a in _options() if a.nargs != 0 and not isinstance(
        a, argparse._StoreTrueAction | argparse._StoreFalseAction | argparse._HelpAction | argparse._VersionAction)]
    assert taking_values
    named = [f"sayyar {cmd} {'/'.join(a.option_strings) or a.dest}" for cmd, a in taking_values
             if SECRET.search(a.dest) or any(SECRET.search(o) for o in a.option_strings)]
    # `restore --recovery-key` is a flag: the key is asked at a prompt (checked above: it takes no value).
    assert named == []


@pytest.mark.parametrize("argv", [["server", "--db", BAD_URL, "devices"], ["server", "--db", BAD_URL],
                                  ["server", "--db", BAD_URL, "revoke-device", "--device-code", "ZAH1"],
                                  ["hq", "conflicts", "--db", BAD_URL], ["hq", "duplicates", "--db", BAD_URL], ["hq", "alerts", "--db", BAD_URL]])
def test_a_database_password_on_the_command_line_is_refused_before_it_is_used(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--db" in err and "~/.pgpass" in err and "SAYYAR_CENTRAL_DB" in err and "s3cret" not in err
    assert "Traceback" not in err


def test_the_server_takes_its_database_from_the_environment(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from app.server.db import open_database

    db = tmp_path / "central.db"
    monkeypatch.setenv("SAYYAR_CENTRAL_DB", str(db))
    monkeypatch.chdir(tmp_path / "..")
    # A missing one is named and not made (a mistyped path would become a new, empty central database).
    assert main(["server", "devices"]) == 2
    assert f"there is no central database at {db}" in capsys.readouterr().err and not db.exists()
    open_database(str(db)).dispose()  # `sayyar server` made it
    assert main(["server", "devices"]) == 2  # found: it then asks who is signing in
    assert "--user" in capsys.readouterr().err
