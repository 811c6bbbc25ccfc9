"""Fast bulk inserts and key lookups, for the central database and the laptop's inbox alike: one prepared statement,
executemany (COPY on PostgreSQL), values adapted once per column.

SQLAlchemy's per-row parameter processing costs more than the database's own work for a 100,000-change bundle or a
first sync's feed pages, so record rows and received keys are inserted through the driver directly. Values are stored exactly as SQLAlchemy
would store them (its SQLite date-time text format, JSON text), so ORM and Core reads see no difference.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timezone
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, Table

from app.models.base import UTCDateTime
from app.models.lookup import in_json

Adapter = Callable[[Any], Any]


def _sqlite_datetime(v: datetime) -> str:
    # SQLAlchemy's SQLite text form ("YYYY-MM-DD HH:MM:SS.ffffff", UTC, no offset), made by datetime's own C code.
    if v.tzinfo is timezone.utc:  # the usual case (payload stamps are UTC): the text without its "+00:00"
        return v.isoformat(" ", "microseconds")[:26]
    if v.tzinfo is not None:
        v = v.astimezone(timezone.utc).replace(tzinfo=None)
    return v.isoformat(" ", "microseconds")


def _naive_utc(v: datetime) -> datetime:
    if v.tzinfo is timezone.utc:
        return v.replace(tzinfo=None)
    return v.astimezone(timezone.utc).replace(tzinfo=None) if v.tzinfo is not None else v


def _adapter(col_type: Any, dialect: str) -> Adapter | None:
    sqlite = dialect == "sqlite"
    if isinstance(col_type, UTCDateTime):
        return _sqlite_datetime if sqlite else _naive_utc
    if isinstance(col_type, Date):
        return date.isoformat if sqlite else None
    if isinstance(col_type, Boolean):
        return int if sqlite else None
    if isinstance(col_type, JSON):
        return json.dumps
    return None


def _names(conn: Connection, table: Table) -> tuple[str, str]:
    quote = conn.dialect.identifier_preparer.quote
    return quote(table.name), ", ".join(quote(c.name) for c in table.columns)


@cache
def _plan(table: Table, dialect: str, paramstyle: str) -> tuple[str, tuple[tuple[str, Adapter | None], ...]]:
    cols = [c for c in table.columns]
    mark = "?" if paramstyle == "qmark" else "%s"
    # Names come from our own table definitions (never from input); quoted in case one is a keyword.
    quoted = ", ".join(f'"{c.name}"' for c in cols)
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join(mark for _ in cols)})'
    return sql, tuple((c.key, _adapter(c.type, dialect)) for c in cols)


def one_of(conn: Connection, column: Any, values: list[Any]) -> Any:
    """``column IN values`` as the database likes it best: one array parameter on PostgreSQL (a 5,000-value IN list
    costs more to build and parse than to run), one JSON parameter on SQLite (app.models.lookup)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy import any_, bindparam
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return in_json(column, values)


def among(conn: Connection, column: Any, values: list[Any]) -> Any:
    """``column IN values`` for the server's batch look-ups (tens of thousands of ids): on PostgreSQL one JSON text
    parameter unpacked by the database, since psycopg builds an array parameter value by value in Python (five times
    the cost); on SQLite the same JSON parameter as :func:`one_of`."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy import String, Text, bindparam, cast, func, select
        from sqlalchemy.dialects.postgresql import JSONB

        listed = func.jsonb_array_elements_text(cast(bindparam(None, json.dumps(values, default=str), type_=Text),
                                                     JSONB)).table_valued("value")
        # Text stays text: a cast to VARCHAR(n) would cut a longer value and could match another record's id.
        as_type = Text() if isinstance(column.type, String) else column.type
        return column.in_(select(cast(listed.c.value, as_type)).scalar_subquery())
    return in_json(column, values)


def by_ids(conn: Connection, key: Any, values: list[Any], *columns: Any, where: tuple[Any, ...] = ()) -> Any:
    """``SELECT columns FROM key's table WHERE key IN values AND where``, for a key with an index (a primary key).

    On PostgreSQL one index probe per value, whatever the planner believes: a batch's look-ups run in the transaction
    that has just written tens of thousands of rows into tables without statistics yet (a first bundle into a new
    central database), and with :func:`among` the planner then takes the table for empty and re-reads the whole
    value list for each of its rows (20,000 patients: 400 million comparisons). The probe is a lateral subquery
    that cannot be flattened (``OFFSET 0``), so the value list is read once and each value looked up by the key."""
    from sqlalchemy import String, Text, bindparam, cast, func, select, true
    from sqlalchemy.dialects.postgresql import JSONB

    if conn.dialect.name != "postgresql":
        return select(*columns).where(among(conn, key, values), *where)
    unique = list(dict.fromkeys(values))  # IN's meaning: a value asked twice gives its row once
    wanted = func.jsonb_array_elements_text(cast(bindparam(None, json.dumps(unique, default=str), type_=Text),
                                                 JSONB)).table_valued("value").alias("wanted")
    as_type = Text() if isinstance(key.type, String) else key.type
    probe = select(*columns).where(key == cast(wanted.c.value, as_type), *where).offset(0).lateral("probe")
    return select(*probe.c).select_from(wanted.join(probe, true()))


def in_chunks(conn: Connection) -> int:
    """How many values one lookup carries."""
    return 20000


@cache
def _builder(table: Table, dialect: str) -> Callable[[list[dict[str, Any]]], list[tuple[Any, ...]]]:
    """A function, made once per table and database, that turns rows into parameter tuples in column order with each
    value adapted: one tuple expression a row instead of a Python loop over the columns."""
    env: dict[str, Any] = {}
    every, some = [], []  # a row with every column (indexing is quicker), or one that may lack some (None)
    for i, col in enumerate(table.columns):
        adapt = _adapter(col.type, dialect)
        if adapt is None:
            every.append(f"row[{col.key!r}]")
            some.append(f"g({col.key!r})")
        else:
            env[f"a{i}"] = adapt
            every.append(f"(None if (v := row[{col.key!r}]) is None else a{i}(v))")
            some.append(f"(None if (v := g({col.key!r})) is None else a{i}(v))")
    code = ("def build(rows):\n    out = []\n    put = out.append\n    for row in rows:\n        try:\n"
            f"            put(({', '.join(every)},))\n        except KeyError:\n            g = row.get\n"
            f"            put(({', '.join(some)},))\n    return out\n")
    exec(code, env)  # noqa: S102 - built from our own table definition
    return env["build"]  # type: ignore[no-any-return]


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (column key → Python value; missing keys are NULL) in one executemany."""
    if not rows:
        return
    insert_values(conn, table, _builder(table, conn.dialect.name)(rows))


def insert_values(conn: Connection, table: Table, params: list[tuple[Any, ...]]) -> None:
    """Insert rows given as tuples in the table's column order, already in the driver's form (what
    :func:`bulk_insert` makes of its rows; bookkeeping rows of plain text and numbers can be made so directly)."""
    if not params:
        return
    dialect = conn.dialect
    if dialect.name == "postgresql":
        # COPY is PostgreSQL's bulk path: several times faster than executemany, same transaction.
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            name, columns = _names(conn, table)
            with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                for record in params:
                    copy.write_row(record)
        finally:
            cursor.close()
        return
    sql, _ = _plan(table, dialect.name, dialect.paramstyle)
    conn.exec_driver_sql(sql, params)
