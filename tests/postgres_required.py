"""PostgreSQL tests skip on a developer's machine without it, but FAIL where it must be there: CI sets
SAYYAR_REQUIRE_POSTGRES=1 (.ci/run), so a missing or broken PostgreSQL can never pass as "skipped"."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text


def postgres_missing(reason: str) -> None:
    if os.environ.get("SAYYAR_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here (SAYYAR_REQUIRE_POSTGRES=1) but {reason}", pytrace=False)
    pytest.skip(reason)


SERVER = os.environ.get("SAYYAR_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database of its own, dropped afterwards (each test run its own database);
    fails or skips (``postgres_missing``) when the server is not reachable."""
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as c:
            c.execute(text("select 1"))
    except Exception as err:  # noqa: BLE001 - any failure to reach it is "not reachable"
        admin.dispose()
        postgres_missing(f"PostgreSQL is not reachable ({type(err).__name__})")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{SERVER}/{name}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
