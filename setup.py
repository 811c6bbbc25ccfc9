"""Build hook: the wheel carries ``resources/`` (fonts, reference data, translations) as ``app/_resources``.

The source tree keeps ``resources/`` at the top level (build.spec, the tests and translators find it there); a wheel
has no top level, so the folder is copied into the package when the wheel is built. ``app.resources`` looks in
both places. Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SKIP = shutil.ignore_patterns("*.qm", "__pycache__", ".*")


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the source tree's resources/ directly
        target = Path(self.build_lib) / "app" / "_resources"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / "resources", target, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithResources})
