"""Installs are reproducible: every dependency pyproject.toml names is pinned in requirements.lock, with hashes, and
the Makefile installs from the lock (not from pyproject's lower bounds)."""

from __future__ import annotations

import re
import tomllib

from release_scenario import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def _pins() -> dict[str, list[str]]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins: dict[str, list[str]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        m = re.match(r"([A-Za-z0-9._-]+)==(\S+)", block)
        if m:
            pins.setdefault(_name(m.group(1)), []).extend(re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return pins


def test_every_dependency_is_pinned_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    pins = _pins()
    assert wanted - set(pins) == set(), "run `make lock`: requirements.lock is older than pyproject.toml"
    assert all(pins.values()), [n for n, h in pins.items() if not h]


def test_the_makefile_installs_from_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements.lock" in makefile and "--no-deps" in makefile
