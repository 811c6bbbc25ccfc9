"""SQLite engines with the pragmas of docs/architecture.md ("Local store"); SQLCipher when a database key is given."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

KEY_BYTES = 32


def key_pragma(key: bytes) -> str:
    """SQL that keys a SQLCipher connection (the first statement on it). The text holds the key: never log it."""
    # A raw 256-bit key: SQLCipher skips its own PBKDF2, which would otherwise cost every open ~0.5 s (the password
    # was already stretched by argon2id in the keystore).
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise ValueError(f"the database key must be {KEY_BYTES} bytes")
    return f"PRAGMA key = \"x'{bytes(key).hex()}'\""


def make_engine(path: Path, key: bytes | None, *, writer: bool) -> Engine:
    if key is not None:
        import sqlcipher3.dbapi2 as module  # type: ignore[import-not-found]
    else:
        module = sqlite3
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        module=module,
        poolclass=QueuePool,
        pool_size=1 if writer else 4,
        max_overflow=0 if writer else 4,
        connect_args={"check_same_thread": False, "timeout": 30},
        # A failed statement's values (names, phones...) must never reach an exception message or a traceback.
        hide_parameters=True,
        # Compact JSON, Persian kept as UTF-8 (not \\uXXXX escapes): the change log holds a copy of every record.
        json_serializer=lambda obj: json.dumps(obj, ensure_ascii=False, separators=(",", ":")),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # The driver's own transaction handling is switched off so that BEGIN below is the only one.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if key is not None:
            cur.execute(key_pragma(key))
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA temp_store = MEMORY")
        cur.execute("PRAGMA cache_size = -32000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # The writer takes the lock up front so two writers never deadlock upgrading a read lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine
