"""The wheel is what a plain `pip install` gets: built from this tree, installed with the locked dependencies into a
fresh virtualenv outside the checkout, it carries its fonts, reference data and translations and runs every field
command."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from release_scenario import ROOT, clean_env, run_field_commands


def _venv_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


def test_wheel_installed_in_a_fresh_venv_runs_every_field_command(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = wheels.glob("sayyar-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("app/_resources/fonts/Vazirmatn-Regular.ttf", "app/_resources/fonts/OFL.txt",
                    "app/_resources/reference/sample_site.json", "app/_resources/reference/diagnoses.csv",
                    "app/_resources/translations/sayyar_fa.ts", "app/_resources/hq/dhis2_mapping.json",
                    "app/store/migrations/env.py", "app/store/migrations/versions/0001_initial_schema.py",
                    "app/server/migrations/env.py", "app/server/migrations/versions/s0001_baseline.py"):
        assert shipped in names, shipped

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = _venv_bin(venv, "python")
    uv = [sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", str(python)]
    subprocess.run([*uv, "--require-hashes", "-r", str(ROOT / "requirements.lock")], check=True, env=clean_env())
    subprocess.run([*uv, "--no-deps", str(wheel)], check=True, env=clean_env())

    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run([str(python), "-c", "from app.resources import resources_dir; print(resources_dir())"],
                           cwd=work, env=clean_env(), capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv) and Path(where, "fonts", "Vazirmatn-Bold.ttf").exists(), where
    # Persian screens: the shipped .ts is compiled once into the user's cache (not into site-packages).
    env = clean_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    qm = subprocess.run([str(python), "-c", "from app.ui.i18n import compiled_translation; print(compiled_translation('fa'))"],
                        cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(qm).is_relative_to(tmp_path / "cache") and Path(qm).stat().st_size > 1000, qm
    run_field_commands([str(_venv_bin(venv, "sayyar"))], work)
