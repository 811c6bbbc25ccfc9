"""The command-line tasks of app/cli/users.py, run through the real ``sayyar`` parser."""

from __future__ import annotations

from pathlib import Path

import pytest

import app.cli as cli
from app.services.site import SignInFailed, SiteSession, sign_in

from services_security.conftest import ADMIN_PW


@pytest.fixture
def run(site: SiteSession, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    folder: Path = site.store.path.parent

    def _run(*argv: str, user: str = "admin", password: str = ADMIN_PW, new: str | None = None) -> tuple[int, str]:
        monkeypatch.setenv("SAYYAR_PASSWORD", password)
        if new is not None:
            monkeypatch.setenv("SAYYAR_NEW_PASSWORD", new)
        code = cli.main(["--data-dir", str(folder), "--user", user, "--lang", "en", *argv])
        out = capsys.readouterr()
        return code, out.out + out.err

    return _run


def test_user_lifecycle_from_the_command_line(run, site: SiteSession) -> None:  # type: ignore[no-untyped-def]
    folder = site.store.path.parent
    assert run("users", "add", "nurse.k", "--role", "clinician", "--name-en", "Nurse K", new="nurse-k-pass")[0] == 0
    code, out = run("users", "list")
    assert code == 0 and "nurse.k" in out and "clinician" in out
    assert run("users", "reset-password", "nurse.k", new="nurse-k-pass2")[0] == 0
    assert run("change-password", user="nurse.k", password="nurse-k-pass2", new="nurse-k-pass3")[0] == 0
    sign_in(folder, "nurse.k", "nurse-k-pass3").store.close()
    assert run("users", "role", "nurse.k", "coordinator")[0] == 0
    code, out = run("audit", "--entity", "user_account")
    assert code == 0 and out.count("user_account") == 4 and "admin" in out and "nurse.k" in out
    assert run("users", "deactivate", "nurse.k")[0] == 0
    with pytest.raises(SignInFailed):
        sign_in(folder, "nurse.k", "nurse-k-pass3")
    assert run("users", "give-access", "h.rigi", new="rigi-pass-11")[0] == 0
    sign_in(folder, "h.rigi", "rigi-pass-11").store.close()


def test_errors_are_sentences_with_status_2(run) -> None:  # type: ignore[no-untyped-def]
    code, out = run("users", "add", "x.y", "--role", "clinician", "--name-en", "X", new="short")
    assert code == 2 and "at least 8 characters" in out and "Traceback" not in out
    code, out = run("users", "deactivate", "nobody")
    assert code == 2 and "no user named" in out
