"""What a database holds, table by table, to prove that a refused command or request changed nothing: every table's
row count and a checksum of its rows in primary-key order (shared by tests/hq and tests/sync; tests/sync/helpers.py's
``central_checksums`` covers the synced record tables only, this covers every table: staff, sessions, alerts,
settings, audit, coverage, devices…)."""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine, MetaData, select


def table_checksums(engine: Engine) -> dict[str, tuple[int, str]]:
    """Table name -> (rows, SHA-256 of the rows ordered by primary key, or by every column when it has none)."""
    metadata = MetaData()
    metadata.reflect(engine)
    out: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for name, table in sorted(metadata.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            out[name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


def changed_tables(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    """The tables whose count or content differ (a table made or dropped counts as changed), for a readable failure."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
