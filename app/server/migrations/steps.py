"""Building blocks of the central database's upgrade scripts."""

from __future__ import annotations

from sqlalchemy import Column, Connection, inspect


def add_columns(conn: Connection, table_name: str, columns: list[Column]) -> None:  # type: ignore[type-arg]
    """ADD COLUMN for each column the table lacks. A table not made yet is left alone: ``create_all`` makes it whole
    after the upgrade. Columns a database already has (made by an earlier server at a newer state) are skipped, so a
    step may run on any database of its revision."""
    insp = inspect(conn)
    if not insp.has_table(table_name):
        return
    have = {c["name"] for c in insp.get_columns(table_name)}
    for col in columns:
        if col.name in have:
            continue
        ddl = col.type.compile(dialect=conn.dialect)
        default = col.server_default.arg if col.server_default is not None else None  # type: ignore[union-attr,attr-defined]
        clause = f" NOT NULL DEFAULT '{default}'" if default is not None else ""
        conn.exec_driver_sql(f'ALTER TABLE {table_name} ADD COLUMN "{col.name}" {ddl}{clause}')
