"""Opening the central database: an SQLite file by default, PostgreSQL through a URL (psycopg)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Engine, create_engine, event, insert, inspect, select, text, update

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
        # Pooled connections keep their page cache between batches, and closing the last connection of a WAL
        # database checkpoints it: a new connection per request cost an upload a third of its time. The WAL is
        # checkpointed every 32 MB instead of every 4 MB (index pages written again by the next batch are copied
        # once); every commit is still on disk before it is acknowledged (synchronous = FULL). Five are kept; up to
        # 40 more open when needed (as many as the server's worker threads), so no request waits for a connection
        # (a crowd of refused tokens, each looked up, must not hold up a device's round).
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60}, pool_size=5,
                               max_overflow=40)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA busy_timeout = 60000")
            cur.execute("PRAGMA cache_size = -65536")
            cur.execute("PRAGMA wal_autocheckpoint = 8192")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # IMMEDIATE: the writer lock is taken up front, so two appliers never deadlock.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True)


def add_missing_columns(conn: Connection, table_name: str, columns: list[Column]) -> None:  # type: ignore[type-arg]
    """ALTER TABLE … ADD COLUMN for each column the table lacks (headquarters' extension tables use it too)."""
    from app.server.migrations.steps import add_columns

    add_columns(conn, table_name, columns)


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


# The central schema is upgraded by Alembic scripts in app/server/migrations/versions (a second migration location
# beside the laptop's; version table ``srv_schema_revision``). HEAD_REVISION is the newest (a test checks it against
# the scripts), kept here so that opening a current database never loads Alembic.
HEAD_REVISION = "s0007"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_VERSION_TABLE = "srv_schema_revision"
# Databases made before Alembic kept a number in the counter table (1–4): each is the revision s000N. The number is
# set past the last of them, so a server of that time refuses a database upgraded here instead of misreading it.
_LEGACY_COUNTER = "schema_version"
_LEGACY_REFUSED = 5


class ServerSchemaError(Exception):
    pass


def _alembic_config(conn: Connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions()}  # type: ignore[arg-type]


def current_revision(conn: Connection) -> str | None:
    """The database's revision; a database made before Alembic answers with its counter's revision."""
    if inspect(conn).has_table(_VERSION_TABLE):
        return conn.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalar()
    if not inspect(conn).has_table(m.counter.name):
        return None
    row = conn.execute(select(m.counter.c.value).where(m.counter.c.name == _LEGACY_COUNTER)).first()
    number = int(row.value) if row is not None else 1
    if number >= _LEGACY_REFUSED:
        raise ServerSchemaError(
            f"The central database is at schema version {number}, newer than this server. Run the newer Sayyar "
            "server on it; nothing was changed.")
    return f"s{number:04d}"


def _stamp(conn: Connection, revision: str) -> None:
    if not inspect(conn).has_table(_VERSION_TABLE):
        conn.execute(text(f"CREATE TABLE {_VERSION_TABLE} (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
    conn.execute(text(f"DELETE FROM {_VERSION_TABLE}"))
    conn.execute(text(f"INSERT INTO {_VERSION_TABLE} (version_num) VALUES (:v)"), {"v": revision})
    legacy = m.counter
    if conn.execute(select(legacy.c.value).where(legacy.c.name == _LEGACY_COUNTER)).first() is None:
        conn.execute(insert(legacy).values(name=_LEGACY_COUNTER, value=_LEGACY_REFUSED))
    else:
        conn.execute(update(legacy).where(legacy.c.name == _LEGACY_COUNTER).values(value=_LEGACY_REFUSED))


def _upgrade(engine: Engine) -> None:
    """Bring an existing central database to HEAD_REVISION before any new table is made (nothing is changed when
    it is newer than this server)."""
    with engine.connect() as conn:
        revision = current_revision(conn)
    if revision is None or revision == HEAD_REVISION:
        return
    if revision not in known_revisions():
        raise ServerSchemaError(
            f"The central database is at schema revision {revision}, newer than this server (it knows up to "
            f"{HEAD_REVISION}). Run the newer Sayyar server on it; nothing was changed.")
    from alembic import command

    with engine.begin() as conn:
        _stamp(conn, revision)  # a database of the counter's time starts from its revision
        command.upgrade(_alembic_config(conn), "head")
        _stamp(conn, HEAD_REVISION)


def create_schema(engine: Engine) -> None:
    """Upgrade an existing database (Alembic), then the tables (``create_all``: new ones), the revision, the feed
    counter and headquarters' keys on first use."""
    _upgrade(engine)
    with engine.connect() as conn:
        new = not inspect(conn).has_table(m.counter.name)
    with engine.begin() as conn:
        m.server_metadata.create_all(conn)
        if new:
            _stamp(conn, HEAD_REVISION)
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
