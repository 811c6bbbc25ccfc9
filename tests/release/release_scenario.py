"""The field commands, run against an installed Sayyar (a wheel in a fresh virtualenv, or the built app) exactly as
an operator types them: a demo site, its info, both kinds of paper, the users, enrolment, a bundle and the sync
status. Shared by tests/release/test_wheel.py and tests/release/test_built_app.py."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pypdf

from app import __version__
from app.services.site import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a person at a terminal: nothing that points Python at this checkout, no Sayyar settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SAYYAR_", "PYTHON", "VIRTUAL_ENV")) and k not in ("PYTEST_CURRENT_TEST",)}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return env


class Runner:
    def __init__(self, command: list[str], work: Path) -> None:
        self.command = command
        self.work = work
        self.env = clean_env(SAYYAR_PASSWORD=DEMO_PASSWORD, SAYYAR_NEW_PASSWORD=DEMO_PASSWORD)

    def __call__(self, *args: str | Path, expect: int = 0) -> str:
        done = subprocess.run([*self.command, *map(str, args)], cwd=self.work, env=self.env, capture_output=True,
                              text=True, encoding="utf-8", stdin=subprocess.DEVNULL, timeout=300)
        assert done.returncode == expect, f"sayyar {' '.join(map(str, args))}: {done.returncode}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
        return done.stdout + done.stderr


def _referral_number(folder: Path) -> str:
    from sqlalchemy import select

    from app.config import db_path, keystore_path
    from app.models import Referral
    from app.security.keystore import Keystore
    from app.store import Store

    key = Keystore.load(keystore_path(folder)).unlock("admin", DEMO_PASSWORD).db_key
    store = Store.open(db_path(folder), key)
    try:
        with store.read() as s:
            number = s.scalars(select(Referral.referral_number).order_by(Referral.referral_number)).first()
    finally:
        store.close()
    assert number, "the demo data made no referral"
    return str(number)


def _fonts(pdf: Path) -> set[str]:
    names: set[str] = set()
    for page in pypdf.PdfReader(pdf).pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            names.add(str(font.get_object().get("/BaseFont", "")))
    return names


def make_demo_site(command: list[str], site: Path) -> str:
    """Demo data reads the sample site and the ICD-10 list from the shipped resources."""
    out = Runner(command, site.parent)("demo-data", "--data-dir", site, "--patients", "12", "--visits-per-patient", "2")
    assert "patient: 12" in out.replace(",", "")
    return out


def run_field_commands(command: list[str], work: Path, site: Path | None = None) -> dict[str, str]:
    """Every command of the issue, checked by its effect, on ``site`` (a demo site made with ``command`` when not
    given). Returns each command's output by name."""
    run = Runner(command, work)
    central = work / "central.db"
    out: dict[str, str] = {}
    out["version"] = run("--version")
    assert out["version"].startswith(f"sayyar {__version__} (laptop database schema "), out["version"]
    if site is None:
        site = work / "site"
        out["demo-data"] = make_demo_site(command, site)
    out["info"] = run("info", "--data-dir", site)
    assert "set up: yes" in out["info"] and "encrypted" in out["info"]

    slip, roster = work / "slip.pdf", work / "roster.pdf"
    number = _referral_number(site)
    out["print referral"] = run("print", "referral", number, "--out", slip, "--data-dir", site, "--user", "m.shahraki")
    assert number in pypdf.PdfReader(slip).pages[0].extract_text()
    out["print roster"] = run("--user", "h.rigi", "--data-dir", site, "print", "roster", "--date",
                              date.today().isoformat(), "--facility", "F03", "--out", roster)
    assert len(pypdf.PdfReader(roster).pages) >= 1
    # Persian paper needs the bundled font: it must have been found wherever the resources were installed.
    assert any("Vazirmatn" in f for f in _fonts(slip) | _fonts(roster)), _fonts(slip)

    out["users list"] = run("users", "list", "--data-dir", site, "--user", "z.sarani", "--lang", "en")
    assert "m.shahraki" in out["users list"] and "clinician" in out["users list"]

    laptop = ["--data-dir", site, "--user", "admin"]
    run(*laptop, "sync", "device-request", "--out", work / "request.json")
    # Headquarters' side, in its set-up order: the central database, its first staff administrator (no sign-in
    # while none exists), then the laptop's enrolment signed in as that administrator.
    from app.server.db import open_database

    open_database(str(central)).dispose()  # what `sayyar server --db central.db` does when it starts
    run("hq", "staff", "--db", central, "--username", "hq.admin", "--admin")
    run("--user", "hq.admin", "server", "enrol-device", "--db", central, "--request", work / "request.json", "--out",
        work / "enrol.json")
    run(*laptop, "sync", "enrol", work / "enrol.json")
    bundle = work / "zah1.sayyar"
    out["bundle export"] = run("bundle", "export", "--out", bundle, "--data-dir", site, "--user", "h.rigi")
    assert bundle.stat().st_size > 1000 and "changes" in out["bundle export"]
    out["sync status"] = run(*laptop, "sync", "status")
    assert "epoch 1" in out["sync status"] and "queued" in out["sync status"]
    return out
