"""Schema versions: Alembic scripts shipped in the package; new files created at head; older files upgraded
after a backup copy; files from a newer Sayyar refused."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from app.models import Base

# The newest revision in app/store/migrations/versions. Kept here so that opening a current database never has to
# load Alembic (tests check it matches the scripts).
HEAD_REVISION = "0018"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(Exception):
    """The database cannot be used; the message says why and what to do."""


class DatabaseTooNew(DatabaseError):
    pass


def alembic_config(connection: Connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def create_at_head(engine: Engine) -> None:
    # Incremental auto-vacuum, so that pages compaction frees can be given back (Store.reclaim_space). The file
    # already has its header (WAL mode): the setting takes a VACUUM, instant while the file is empty.
    raw = engine.raw_connection()
    try:
        raw.execute("PRAGMA auto_vacuum = INCREMENTAL")  # type: ignore[attr-defined]
        raw.execute("VACUUM")  # type: ignore[attr-defined]
    finally:
        raw.close()
    with engine.begin() as conn:
        Base.metadata.create_all(conn)
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": HEAD_REVISION})


def backup_copy(path: Path, revision: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.before-upgrade-from-{revision}.{stamp}{path.suffix}")
    shutil.copy2(path, target)
    return target


def upgrade(engine: Engine, path: Path, revision: str) -> Path:
    """Copy the file aside, then upgrade to head. Returns the backup's path."""
    from alembic import command

    with engine.connect() as conn:
        raw_execute(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
    backup = backup_copy(path, revision)
    with engine.connect() as conn:
        # Batch mode rebuilds tables; foreign keys must be off meanwhile or the copy would be checked half-made.
        raw_execute(conn, "PRAGMA foreign_keys = OFF")
        try:
            from app.store.changes import sanctioned

            # Data steps of a migration rewrite synced rows as a schema change, not as a user's edit.
            with sanctioned(conn, "migration"):
                command.upgrade(alembic_config(conn), "head")
            conn.commit()
        finally:
            raw_execute(conn, "PRAGMA foreign_keys = ON")
    return backup


def raw_execute(conn: Connection, sql: str) -> None:
    """Run a statement outside any transaction (PRAGMAs that are ignored inside one)."""
    conn.connection.dbapi_connection.execute(sql)  # type: ignore[union-attr]


def ensure_schema(engine: Engine, path: Path, is_new: bool) -> str:
    """Bring the file to the current schema. Returns "created", "current" or "upgraded"."""
    if is_new:
        create_at_head(engine)
        return "created"
    with engine.connect() as conn:
        revision = current_revision(conn)
    if revision == HEAD_REVISION:
        return "current"
    if revision is None:
        raise DatabaseError(
            f"{path} is not a Sayyar database (it has no schema version). Choose another data folder."
        )
    if revision not in known_revisions():
        raise DatabaseTooNew(
            f"This database was written by a newer version of Sayyar (schema {revision}; this version knows up to "
            f"{HEAD_REVISION}). Install the newer Sayyar on this laptop; nothing was changed."
        )
    upgrade(engine, path, revision)
    return "upgraded"
