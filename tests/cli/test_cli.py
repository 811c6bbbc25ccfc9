"""The command line as a person uses it: real processes, a real data folder, clear errors, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

ROOT = Path(__file__).resolve().parents[2]


def sayyar(*args: str, data: Path, password: str | None = "sayyar-demo") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SAYYAR_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen")
    env.pop("SAYYAR_PASSWORD", None)
    if password is not None:
        env["SAYYAR_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          stdin=subprocess.DEVNULL, timeout=300)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("demo")
    done = sayyar("demo-data", "--patients", "300", data=data)
    assert done.returncode == 0, done.stderr
    assert "patient: 300" in done.stdout.replace(",", "")
    return data


def test_info(demo):
    done = sayyar("info", data=demo)
    assert done.returncode == 0 and "set up: yes" in done.stdout and "encrypted" in done.stdout


def test_print_roster_and_referral(demo, tmp_path):
    out = tmp_path / "roster.pdf"
    done = sayyar("--user", "h.rigi", "print", "roster", "--date", "1405/09/07", "--facility", "F03",
                  "--out", str(out), data=demo)
    assert done.returncode == 0, done.stderr
    assert len(pypdf.PdfReader(out).pages) >= 1
    from app.config import db_path, keystore_path
    from app.security.keystore import Keystore
    from app.store import Store

    key = Keystore.load(keystore_path(demo)).unlock("admin", "sayyar-demo").db_key
    store = Store.open(db_path(demo), key)
    with store.read() as s:
        from sqlalchemy import select

        from app.models import Referral
        number = s.scalars(select(Referral.referral_number)).first()
    store.close()
    slip = tmp_path / "slip.pdf"
    done = sayyar("--user", "m.shahraki", "print", "referral", number.lower(), "--out", str(slip), data=demo)
    assert done.returncode == 0, done.stderr
    assert number in pypdf.PdfReader(slip).pages[0].extract_text()


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--user", "m.shahraki", "print", "referral", "NOPE", "--out", "x.pdf"], "sayyar-demo",
         "no referral has the id"),
        (["--user", "m.shahraki", "print", "roster", "--date", "2026-11-28", "--facility", "F03", "--out", "r.pdf"],
         "sayyar-demo", "may not print rosters"),
        (["--user", "m.shahraki", "print", "referral", "X", "--out", "x.pdf"], "wrong-password",
         "Wrong user name or password"),
        (["--user", "m.shahraki", "print", "referral", "X", "--out", "x.pdf"], None, "SAYYAR_PASSWORD"),
        (["print", "referral", "X", "--out", "x.pdf"], "sayyar-demo", "--user"),
    ],
)
def test_errors_are_sentences_not_tracebacks(demo, args, password, message):
    done = sayyar(*args, data=demo, password=password)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_load_facilities_reports_bad_rows(demo, tmp_path):
    bad = tmp_path / "f.csv"
    bad.write_text("code,name_en,name_fa,unit\nF77,,پایگاه,MHU-ZAH\n", encoding="utf-8")
    done = sayyar("--user", "z.sarani", "load-facilities", str(bad), data=demo)
    assert done.returncode == 2 and "line 2: name_en" in done.stderr and "nothing was changed" in done.stderr
    good = tmp_path / "g.csv"
    good.write_text("code,name_en,name_fa,unit\nF77,Lutak,لوتک,MHU-ZAH\n", encoding="utf-8")
    done = sayyar("--user", "z.sarani", "load-facilities", str(good), data=demo)
    assert done.returncode == 0 and "Loaded 1 facilities" in done.stdout


def test_not_set_up(tmp_path):
    done = sayyar("--user", "x", "print", "referral", "X", "--out", "x.pdf", data=tmp_path / "empty")
    assert done.returncode == 2 and "sayyar demo" in done.stderr


def test_an_unexpected_error_is_a_sentence_not_a_traceback(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import app.cli.site as site_commands
    from app.cli import main

    def broken(args):  # type: ignore[no-untyped-def]
        raise RuntimeError("could not parse 'Gulalai Ahmadzai, 09121234567'")  # a bug quoting a record

    monkeypatch.setattr(site_commands, "cmd_info", broken)
    code = main(["--data-dir", str(tmp_path), "info"])
    err = capsys.readouterr().err
    assert code == 1
    assert "unexpected error (RuntimeError)" in err and "sayyar.log" in err
    assert "Traceback" not in err and "Gulalai" not in err and "0912" not in err
    logged = (tmp_path / "logs" / "sayyar.log").read_text(encoding="utf-8")
    assert "RuntimeError" in logged and "Gulalai" not in logged and "09121234567" not in logged


def test_compact_rewrites_the_file_for_a_unit_administrator_only(demo):
    refused = sayyar("--user", "m.shahraki", "compact", data=demo)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    done = sayyar("--user", "z.sarani", "compact", data=demo)
    assert done.returncode == 0, done.stderr
    assert "database rewritten" in done.stdout
    from app.config import db_path, keystore_path
    from app.security.keystore import Keystore
    from app.store import Store

    key = Keystore.load(keystore_path(demo)).unlock("admin", "sayyar-demo").db_key
    store = Store.open(db_path(demo), key)
    raw = store.write_engine.raw_connection()
    assert raw.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental from now on
    raw.close()
    store.close()
