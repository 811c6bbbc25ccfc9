"""Fixtures for the sync tests: central databases (SQLite files; PostgreSQL when reachable), laptops, a live server."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).parent))

from helpers import LiveServer, server_engine  # noqa: E402
from postgres_required import postgres_missing  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _pg_available() -> bool:
    try:
        eng = create_engine(PG_ADMIN, connect_args={"connect_timeout": 2})
        with eng.connect():
            pass
        eng.dispose()
        return True
    except Exception:
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test, dropped afterwards."""
    if not _pg_available():
        postgres_missing("PostgreSQL is not reachable on 127.0.0.1:5432")
    name = f"sayyar_sync_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def central(tmp_path: Path) -> Iterator[Engine]:
    engine = server_engine(str(tmp_path / "central.db"))
    yield engine
    engine.dispose()


@pytest.fixture
def live(central: Engine) -> Iterator[LiveServer]:
    with LiveServer(central) as srv:
        yield srv
