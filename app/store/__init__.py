"""The local record store: one SQLite (SQLCipher) file, one write path, a change log written with every record."""

from app.store.db import DatabaseError, DatabaseTooNew, Store, WrongDatabaseKey

__all__ = ["DatabaseError", "DatabaseTooNew", "Store", "WrongDatabaseKey"]
