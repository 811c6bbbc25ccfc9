"""Opening the central database: an SQLite file by default, PostgreSQL through a URL (psycopg)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, Connection, Engine, create_engine, event, insert, inspect, select, update
from sqlalchemy.pool import NullPool

from app.server import models as m
from app.sync import crypto


def normalise_url(url: str) -> str:
    """Accept a bare file path, ``sqlite:///…`` or ``postgresql://…`` (psycopg 3 is the driver)."""
    if "://" not in url:
        return f"sqlite+pysqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60}, poolclass=NullPool)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA busy_timeout = 60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # IMMEDIATE: the writer lock is taken up front, so two appliers never deadlock.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True)


def add_missing_columns(conn: Connection, table_name: str, columns: list[Column]) -> None:  # type: ignore[type-arg]
    """ALTER TABLE … ADD COLUMN for each column the table lacks (a table not made yet is left to ``create_all``)."""
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


def _v2_case_classification(conn: Connection) -> None:
    """Surveillance cases carry who classified them, when, why, and the registry version (laptop revision 0004)."""
    from sqlalchemy import Integer, String

    from app.models.base import UTCDateTime

    add_missing_columns(conn, "surveillance_case", [
        Column("classified_at", UTCDateTime()), Column("classified_by", String(36)),
        Column("classification_reason", String(300), server_default=""),
        Column("registry_version", Integer(), server_default="0")])


def _v3_device_unit(conn: Connection) -> None:
    """Devices know their unit: the server checks owned records against it (trust rules)."""
    from sqlalchemy import String

    add_missing_columns(conn, "srv_device", [Column("unit_id", String(36))])


def _v4_visit_fields(conn: Connection) -> None:
    """Columns laptops added to synced records after the central copy was made: the vitals a clinician confirmed
    as unusual (laptop revision 0011), and the weeks of pregnancy and known allergies (laptop revision 0007)."""
    from sqlalchemy import JSON, Integer, String

    add_missing_columns(conn, "visit", [Column("unusual_vitals", JSON()),
                                        Column("pregnancy_weeks", Integer())])
    add_missing_columns(conn, "patient", [Column("allergies", String(500), server_default="")])


@contextmanager
def feed_connection(engine: Engine) -> Iterator[Connection]:
    """A connection whose statements all read one snapshot. PostgreSQL's default (READ COMMITTED) gives every
    statement its own, so a batch committing between the feed's per-table reads was seen in part and the cursor
    moved past the rest; REPEATABLE READ takes one snapshot at the first statement. SQLite's transactions already
    read one snapshot."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
            yield conn
    else:
        with engine.connect() as conn, conn.begin():
            yield conn


# The central database's schema version. A change to the server tables bumps it and adds a step to UPGRADES that
# takes a database from the previous version (run in one transaction, in order, when the server opens it).
SCHEMA_VERSION = 4
UPGRADES: dict[int, Callable[[Connection], None]] = {2: _v2_case_classification, 3: _v3_device_unit,
                                                     4: _v4_visit_fields}


class ServerSchemaError(Exception):
    pass


def _check_version(conn: Connection, *, new: bool) -> None:
    row = conn.execute(select(m.counter.c.value).where(m.counter.c.name == "schema_version")).first()
    if row is None:
        # A new database is made at the current version; one made before versions were kept was version 1.
        found = SCHEMA_VERSION if new else 1
        conn.execute(insert(m.counter).values(name="schema_version", value=found))
    else:
        found = int(row.value)
    if found > SCHEMA_VERSION:
        raise ServerSchemaError(
            f"The central database is at schema version {found}, newer than this server ({SCHEMA_VERSION}). "
            "Run the newer Sayyar server on it; nothing was changed.")
    for version in range(found + 1, SCHEMA_VERSION + 1):
        if version not in UPGRADES:
            raise ServerSchemaError(f"No upgrade step to schema version {version}; nothing was changed.")
        UPGRADES[version](conn)
        conn.execute(update(m.counter).where(m.counter.c.name == "schema_version").values(value=version))


def create_schema(engine: Engine) -> None:
    """Tables (``create_all``), the schema version, the feed counter and headquarters' keys on first use."""
    with engine.connect() as conn:
        new = not inspect(conn).has_table(m.counter.name)
    with engine.begin() as conn:
        if not new:
            _check_version(conn, new=False)  # upgrade the existing tables before any new one is made
        m.server_metadata.create_all(conn)
        if new:
            _check_version(conn, new=True)
        if conn.execute(select(m.counter.c.value).where(m.counter.c.name == "feed")).first() is None:
            conn.execute(insert(m.counter).values(name="feed", value=0))
        if conn.execute(select(m.hq_key.c.id)).first() is None:
            box_priv, box_pub = crypto.new_box_key()
            sign_priv, sign_pub = crypto.new_signing_key()
            conn.execute(insert(m.hq_key).values(
                id=1, box_private=crypto.b64(box_priv), box_public=crypto.b64(box_pub),
                sign_private=crypto.b64(sign_priv), sign_public=crypto.b64(sign_pub),
                created_at=datetime.now(timezone.utc),
            ))


def open_database(url: str) -> Engine:
    engine = make_engine(url)
    create_schema(engine)
    from app.server.extensions import extensions

    for ext in extensions():  # headquarters' alert, audit tables and report indexes live in the central database
        ext.ensure_schema(engine)
    return engine
