"""Fixtures for the sync tests: central databases (SQLite files; PostgreSQL when reachable), laptops, a live server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parent))

from helpers import LiveServer, server_engine  # noqa: E402
from postgres_required import fresh_database  # noqa: E402


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test, dropped afterwards."""
    with fresh_database("sayyar_sync") as url:
        yield url


@pytest.fixture
def central(tmp_path: Path) -> Iterator[Engine]:
    engine = server_engine(str(tmp_path / "central.db"))
    yield engine
    engine.dispose()


@pytest.fixture
def live(central: Engine) -> Iterator[LiveServer]:
    with LiveServer(central) as srv:
        yield srv
