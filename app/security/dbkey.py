"""SQLCipher key helpers.

The database key is 32 random bytes (see keystore.py), so it is handed to SQLCipher as a raw key
(``x'…'``): SQLCipher then skips its own PBKDF2, which would otherwise add a deliberately slow key
derivation to every connection that is opened. The password stretching already happened in argon2id.
"""

from __future__ import annotations

import os
from pathlib import Path

DB_KEY_BYTES = 32


def sqlcipher_key_pragma(db_key: bytes) -> str:
    """SQL text that keys a SQLCipher connection; must be the first statement run on the connection.

    The result contains the key: never log it.
    """
    if not isinstance(db_key, (bytes, bytearray)) or len(db_key) != DB_KEY_BYTES:
        raise ValueError(f"the database key must be {DB_KEY_BYTES} bytes")
    return f"PRAGMA key = \"x'{bytes(db_key).hex()}'\""


def verify_db_key(path: str | os.PathLike[str], db_key: bytes) -> bool:
    """True if ``db_key`` opens the SQLCipher database at ``path``; False if the key is wrong or the file
    is not a database. Raises FileNotFoundError rather than creating an empty database."""
    import sqlcipher3  # imported here so that modules that only build the pragma do not need the driver

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(str(p))
    pragma = sqlcipher_key_pragma(db_key)
    conn = sqlcipher3.connect(str(p))
    try:
        conn.execute(pragma)
        # SQLCipher only reads (and authenticates) the first page when the schema is touched.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()
