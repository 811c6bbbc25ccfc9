"""The built app is the tested app: `make dist` (scripts/build_dist.py, build.spec) builds the one-folder app, and
the built executable, not this checkout, runs a person's first hour on the real screens (the field check: sign in,
register, visit, refer, print the slip, plan and print the roster, PDFs saved through the preview) and every field
command (info, print, bundle export, users list, sync status). A module left out of the bundle fails here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from app.services.site import DEMO_PASSWORD
from release_scenario import ROOT, clean_env, make_demo_site, run_field_commands

EXE = "sayyar.exe" if os.name == "nt" else "sayyar"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_dist.py"), "--distpath", str(dist)],
                          cwd=ROOT, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stdout + done.stderr
    print(done.stdout.strip())  # "built … (N MB)": the size shows in the test log
    app = dist / "sayyar"
    assert (app / EXE).exists()
    return app


@pytest.fixture(scope="module")
def demo_site(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo site made by the built executable (argon2 for every demo user takes a while); copied per test."""
    site = tmp_path_factory.mktemp("built-demo") / "site"
    make_demo_site([str(built / EXE)], site)
    return site


@pytest.fixture
def site(demo_site: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(demo_site, tmp_path / "site"))


def _run(app: Path, *args: str, work: Path, timeout: float = 240, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(app / EXE), *args], cwd=work, env=clean_env(**env), capture_output=True, text=True,
                          encoding="utf-8", stdin=subprocess.DEVNULL, timeout=timeout)


def test_the_built_app_starts_with_every_part(built: Path, site: Path, tmp_path: Path) -> None:
    done = _run(built, "--data-dir", str(site), "--smoke-test", work=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "first window shown" in done.stdout and "every part loaded" in done.stdout


def test_a_first_hour_on_the_real_screens_of_the_built_app(built: Path, site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _run(built, "--data-dir", str(site), work=tmp_path, timeout=480, SAYYAR_FIELD_CHECK=str(out),
                SAYYAR_PASSWORD=DEMO_PASSWORD)
    report = json.loads((out / "field-check.json").read_text(encoding="utf-8"))
    log = site / "logs" / "sayyar.log"  # the app's own (filtered) log says what a failed step ran into
    log_tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else ""
    assert done.returncode == 0 and report["ok"], (report, done.stdout[-2000:], done.stderr[-2000:], log_tail)
    assert "Traceback" not in done.stderr, done.stderr
    slip = pypdf.PdfReader(out / "referral-slip.pdf")
    text = " ".join(page.extract_text() for page in slip.pages)
    assert "Field" in text and "Check" in text and "Chest X-ray and sputum test" in text
    roster = pypdf.PdfReader(out / "roster.pdf")
    assert len(roster.pages) >= 1 and roster.pages[0].extract_text().strip()


def test_every_field_command_from_the_built_executable(built: Path, site: Path, tmp_path: Path) -> None:
    run_field_commands([str(built / EXE)], tmp_path, site)
