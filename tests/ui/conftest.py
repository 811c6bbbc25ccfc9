"""Fixtures for the UI tests: a demo site made once and copied per test, and a driver that signs people in."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_helpers import Driver, ServerProcess, enrol_demo_laptop, free_port

from app.services.site import create_demo_site


@pytest.fixture(autouse=True)
def gui_thread_gc(qapp):  # type: ignore[no-untyped-def]
    """As in the app (make_app): garbage is collected on the GUI thread; the suite after these tests gets
    Python's own collector back."""
    from app.ui import collector

    collector.install(qapp)
    yield
    collector.uninstall()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Made once (argon2 per user takes a while) and copied for each test.
    folder = tmp_path_factory.mktemp("demo-template")
    create_demo_site(folder)
    return folder


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(demo_template, target)
    return target


@pytest.fixture
def driver(qtbot, demo_dir: Path) -> Iterator[Driver]:  # type: ignore[no-untyped-def]
    d = Driver(qtbot, demo_dir)
    yield d
    d.close()


@pytest.fixture
def server(tmp_path: Path, demo_dir: Path) -> Iterator[ServerProcess]:
    """The demo laptop enrolled with a central server on a loopback port, not started yet (``server.start()``)."""
    db = tmp_path / "central.db"
    srv = ServerProcess(db, free_port())
    enrol_demo_laptop(demo_dir, db, srv.url)
    yield srv
    srv.stop()
