from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection

from hq_helpers import add_site, central_sqlite


@pytest.fixture
def conn() -> Iterator[Connection]:
    engine = central_sqlite()
    with engine.begin() as c:
        yield c
    engine.dispose()


@pytest.fixture
def site(conn: Connection) -> dict:
    return add_site(conn)
