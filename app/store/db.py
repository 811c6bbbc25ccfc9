"""``Store``: the one owner of the local database file and of its single write path."""

from __future__ import annotations

import hashlib
import hmac
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exc, select
from sqlalchemy.orm import Session, sessionmaker

from app.config import write_private
from app.models import DeviceState
from app.store import changes
from app.store.bulk import BulkWriter
from app.store.clock import HybridClock
from app.store.engine import make_engine
from app.store.migrate import DatabaseError, DatabaseTooNew, ensure_schema


class WrongDatabaseKey(DatabaseError):
    pass


class StoreBusy(DatabaseError):
    """A rekey waited too long for reads in progress; nothing was changed."""


def key_opens(path: Path, key: bytes) -> bool:
    """Whether ``key`` opens the SQLCipher file at ``path`` (a settled key change, app.security.keystore)."""
    import sqlcipher3.dbapi2 as module  # type: ignore[import-not-found]

    from app.store.engine import key_pragma

    conn = module.connect(str(path))
    try:
        conn.execute(key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except module.DatabaseError:
        return False
    finally:
        conn.close()


class StoreSession(Session):
    """Sessions of the store: change capture is attached to this class only."""


changes.install(StoreSession)


@dataclass(frozen=True)
class DeviceInfo:
    device_id: str
    device_code: str
    epoch: int
    unit_id: str | None


class Store:
    """Open with :meth:`open`. ``write()`` is the only way to change records; every write is one transaction that
    also appends the change-log entries (docs/architecture.md, guarantees 1–2)."""

    def __init__(self, path: Path, key: bytes | None) -> None:
        self.path = path
        # Drafts of open forms are sealed under a key derived from the database key (app.ui.drafts): a copied data
        # folder shows no more of them than of the database. None for an unencrypted (test) database.
        self.drafts_key = hmac.new(key, b"sayyar:drafts:v1", hashlib.sha256).digest() if key else None
        self._key = key  # the open connections hold it anyway; kept for rekey (never logged)
        self._writer = make_engine(path, key, writer=True)
        changes.install_guard(self._writer)
        self._reader = make_engine(path, key, writer=False)
        self._write_sessions = sessionmaker(self._writer, class_=StoreSession, expire_on_commit=False)
        self._read_sessions = sessionmaker(self._reader, class_=StoreSession, expire_on_commit=False)
        self._write_lock = threading.Lock()
        # Readers in progress, and a gate a rekey closes: it re-encrypts the file, which no open connection may be
        # reading meanwhile (its pages would change key under it).
        self._readers = 0
        self._reading = threading.local()
        self._gate = threading.Condition()
        self._rekeying = False
        self.schema_status = ""
        self.device: DeviceInfo
        self.clock: HybridClock

    @classmethod
    def open(cls, path: Path | str, key: bytes | None = None, *, device_code: str = "DEV",
             device_id: str | None = None, epoch: int = 1) -> Store:
        """Open (or make) the file. ``device_id`` and ``epoch`` name a new file's device: a laptop that replaces
        another takes over its id under a new epoch before its first record is stamped; otherwise a new id."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        is_new = not path.exists() or path.stat().st_size == 0
        store = cls(path, key)
        try:
            store.schema_status = ensure_schema(store._writer, path, is_new)
            store._load_device(device_code, device_id, epoch)
        except exc.DatabaseError as err:
            store.close()
            if "not a database" in str(err) or "encrypted" in str(err):
                raise WrongDatabaseKey(
                    f"{path.name} could not be opened: the key is wrong or the file is damaged."
                ) from None
            raise DatabaseError(f"{path.name} could not be opened: {err.orig}") from None
        except DatabaseError:
            store.close()
            raise
        return store

    def _load_device(self, device_code: str, device_id: str | None = None, epoch: int = 1) -> None:
        with self._writer.begin() as conn:
            row = conn.execute(select(DeviceState.__table__)).first()
            if row is None:
                conn.execute(
                    DeviceState.__table__.insert().values(
                        id=1, device_id=device_id or str(uuid.uuid4()), device_code=device_code, epoch=epoch,
                        last_hlc=""
                    )
                )
                row = conn.execute(select(DeviceState.__table__)).first()
        assert row is not None
        self.device = DeviceInfo(row.device_id, row.device_code, row.epoch, row.unit_id)
        self.clock = HybridClock(row.device_id, row.last_hlc, offset_ms=int(row.clock_offset_ms or 0))

    def refresh_device(self) -> None:
        with self.read() as s:
            row = s.get(DeviceState, 1)
            assert row is not None
            self.device = DeviceInfo(row.device_id, row.device_code, row.epoch, row.unit_id)

    @contextmanager
    def write(self, user_id: str | None, *, applying_remote: bool = False) -> Iterator[Session]:
        """One transaction: commits on success, rolls back (leaving no record and no change-log entry) on error."""
        with self._write_lock:
            session = self._write_sessions()
            session.info["write"] = changes.WriteContext(
                device_id=self.device.device_id, epoch=self.device.epoch, clock=self.clock, user_id=user_id,
                applying_remote=applying_remote,
            )
            try:
                with session.begin():
                    if applying_remote:
                        # The feed's records are stored as the server sent them (app.sync.inbox).
                        with changes.sanctioned(session.connection(), "remote"):
                            yield session
                    else:
                        yield session
            finally:
                session.close()

    @contextmanager
    def bulk(self, user_id: str | None = None) -> Iterator[BulkWriter]:
        """One write transaction for bulk loads (demo data, benchmarks): records are buffered, stamped and logged
        by the same writer as ``write``; whatever is still buffered is written at the end. Same lock and same
        BEGIN IMMEDIATE as ``write``: still one write path."""
        with self._write_lock, self._writer.begin() as conn:
            # A bigger page cache while bulk-loading: index pages stay in memory instead of being re-read.
            conn.exec_driver_sql("PRAGMA cache_size = -262144")
            ctx = changes.WriteContext(device_id=self.device.device_id, epoch=self.device.epoch, clock=self.clock,
                                       user_id=user_id)
            try:
                writer = BulkWriter(conn, ctx)
                yield writer
                writer.flush()
            finally:
                conn.exec_driver_sql("PRAGMA cache_size = -32000")

    @contextmanager
    def read(self) -> Iterator[Session]:
        nested = getattr(self._reading, "depth", 0)
        if not nested:  # a read inside a read of the same thread is already counted (waiting here would deadlock)
            with self._gate:
                while self._rekeying:
                    self._gate.wait()
                self._readers += 1
        self._reading.depth = nested + 1
        try:
            session = self._read_sessions()
            try:
                yield session
            finally:
                # close() ends the read transaction without expiring what was loaded (rollback() would), so objects
                # a service returns from a read stay usable after the session is gone.
                session.close()
        finally:
            self._reading.depth = nested
            if not nested:
                with self._gate:
                    self._readers -= 1
                    self._gate.notify_all()

    @property
    def write_engine(self):  # type: ignore[no-untyped-def]
        return self._writer

    @property
    def read_engine(self):  # type: ignore[no-untyped-def]
        return self._reader

    def reclaim_space(self, *, min_free_pages: int = 1024) -> int:
        """Give the pages compaction freed back to the file system (incremental auto-vacuum, which new files have;
        an older file gets it from :meth:`vacuum`). Runs between transactions; a few free pages are left for the
        next writes to reuse. Returns how many pages were free."""
        with self._write_lock:
            raw = self._writer.raw_connection()  # the driver's own, outside any transaction
            try:
                if raw.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:  # type: ignore[attr-defined]
                    return 0
                free = int(raw.execute("PRAGMA freelist_count").fetchone()[0] or 0)  # type: ignore[attr-defined]
                if free < min_free_pages:
                    return 0
                # executescript steps the pragma to its end (execute frees one page per step, then stops)
                raw.executescript("PRAGMA incremental_vacuum;")  # type: ignore[attr-defined]
            finally:
                raw.close()
        return free

    def vacuum(self) -> tuple[int, int]:
        """Rewrite the whole file compactly (SQLite VACUUM, under the same key), switching it to incremental
        auto-vacuum, so later compactions shrink it by themselves. Takes the write lock for as long as it runs
        (about a minute for a laptop of 250,000 patients). Returns the file size before and after."""
        before = self.path.stat().st_size
        with self._write_lock:
            raw = self._writer.raw_connection()
            try:
                raw.execute("PRAGMA auto_vacuum = INCREMENTAL")  # type: ignore[attr-defined]
                raw.execute("VACUUM")  # type: ignore[attr-defined]
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # type: ignore[attr-defined]
            finally:
                raw.close()
        return before, self.path.stat().st_size

    def close(self) -> None:
        self._writer.dispose()
        self._reader.dispose()

    def rekey(self, old_key: bytes, new_key: bytes, *, wait_s: float = 30.0) -> None:
        """Re-encrypt the database under ``new_key`` (SQLCipher ``PRAGMA rekey``), and the drafts sealed under the
        key derived from it (``<data>/drafts``), then go on with the new key. For the keystore's ``rekey`` (removing
        someone's access rotates the database key: trust rules, docs/architecture.md). Safe while other threads use
        the store (the app's workers, the sync thread): it holds the write lock, so no write runs, and closes the
        readers' gate, waiting up to ``wait_s`` for the reads in progress to end (``StoreBusy`` if they do not: the
        caller tries again later); then the connections are closed, the file rekeyed and opened again. It must not
        be called from inside a read or write of this store."""
        import sqlcipher3.dbapi2 as module  # type: ignore[import-not-found]

        from app.store.engine import key_pragma

        with self._write_lock, self._readers_closed(wait_s):
            self._writer.dispose()
            self._reader.dispose()
            conn = module.connect(str(self.path))
            try:
                conn.execute(key_pragma(old_key))
                conn.execute("PRAGMA busy_timeout = 30000")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                conn.execute(key_pragma(new_key).replace("PRAGMA key", "PRAGMA rekey", 1))
            finally:
                conn.close()
            old_drafts = self.drafts_key
            self.drafts_key = hmac.new(new_key, b"sayyar:drafts:v1", hashlib.sha256).digest()
            _reseal_drafts(self.path.parent / "drafts", old_drafts, self.drafts_key)
            self._writer = make_engine(self.path, new_key, writer=True)
            changes.install_guard(self._writer)
            self._reader = make_engine(self.path, new_key, writer=False)
            self._write_sessions = sessionmaker(self._writer, class_=StoreSession, expire_on_commit=False)
            self._read_sessions = sessionmaker(self._reader, class_=StoreSession, expire_on_commit=False)
            self._key = new_key

    @contextmanager
    def _readers_closed(self, wait_s: float) -> Iterator[None]:
        import time

        deadline = time.monotonic() + wait_s
        with self._gate:
            self._rekeying = True
            try:
                while self._readers:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise StoreBusy("The database is busy; its key is changed at the next opportunity.")
                    self._gate.wait(left)
            except BaseException:
                self._rekeying = False
                self._gate.notify_all()
                raise
        try:
            yield
        finally:
            with self._gate:
                self._rekeying = False
                self._gate.notify_all()

    @property
    def encrypted(self) -> bool:
        return self._key is not None

    def current_key(self) -> bytes | None:
        """The key the store is open with (for the keystore's rekey)."""
        return self._key


_DRAFT_MAGIC = b"SYD1"  # app.ui.drafts: magic, 12-byte nonce, AES-GCM with the user id as associated data


def _reseal_drafts(folder: Path, old: bytes | None, new: bytes) -> None:
    """Seal every draft again under the new drafts key (one that no longer opens is left as it is)."""
    import os
    import secrets

    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if old is None or not folder.is_dir():
        return
    for path in folder.glob("*/*.draft"):
        user = path.parent.name.encode("utf-8")
        try:
            blob = path.read_bytes()
            if not blob.startswith(_DRAFT_MAGIC):
                continue
            data = AESGCM(old).decrypt(blob[4:16], blob[16:], user)
        except (OSError, InvalidTag):
            continue
        nonce = secrets.token_bytes(12)
        tmp = path.with_suffix(".draft.tmp")
        write_private(tmp, _DRAFT_MAGIC + nonce + AESGCM(new).encrypt(nonce, data, user))
        os.replace(tmp, path)


__all__ = ["DatabaseError", "DatabaseTooNew", "DeviceInfo", "Store", "StoreBusy", "WrongDatabaseKey", "key_opens"]
