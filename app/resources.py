"""Find files shipped in ``resources/``: in the PyInstaller bundle, an installed wheel, or a source checkout (an
editable install reads the checkout)."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    # PyInstaller unpacks data files under sys._MEIPASS; build.spec puts resources/ there as "resources".
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    # A wheel has no top level: setup.py copies resources/ into the package as app/_resources.
    installed = _PACKAGE / "_resources"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "resources"


def resource_path(*parts: str) -> Path:
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"Sayyar resource missing: {'/'.join(parts)} (looked in {resources_dir()})")
    return path
