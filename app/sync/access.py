"""Access removed by headquarters ends on the laptop too (docs/architecture.md, trust rules: removing someone's access
rotates the database key).

A deactivation that reaches the laptop as a headquarters-signed staff record, through the feed or a bundle receipt,
must do what the unit administrator's own deactivation does: drop the person's wrap
of the database key from keystore.json and rekey the SQLCipher file, so a copy of keystore.json taken before no
longer opens today's database. The rule is read from the data each time, not from a note of what arrived: whoever
has an entry in the keystore but whose staff record is inactive or deleted loses it, at the end of
a sync round, after a receipt, and at every sign-in (which also finishes one a crash cut short).

Where it runs: on the thread that ran the round (the app's sync thread), outside any read or write, under the
round lock; ``Store.rekey`` takes the write lock and waits for the reads in progress on other threads, so the app's
open connections never see the file change key under them. When reads do not end in time it is left for the next
round or sign-in.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from app.models import User
from app.security.keystore import Keystore, KeystoreError, LastUser
from app.store import Store
from app.store.db import StoreBusy

log = logging.getLogger("sayyar.sync.access")


@dataclass(frozen=True)
class Rotation:
    removed: list[str]  # user names whose entries were removed
    recovery_key: str | None  # a new recovery key to show once (the old entry predated sealing), else None


def without_access(store: Store, keystore: Keystore) -> list[str]:
    """User names in the keystore whose staff record is inactive or deleted."""
    entries = {u.user_id: u.username for u in keystore.users()}
    if not entries:
        return []
    with store.read() as s:
        rows = (
            s.execute(
                select(User.id).where(User.id.in_(sorted(entries)), User.active.is_(False) | User.deleted.is_(True))
            )
            .scalars()
            .all()
        )
    return sorted(entries[uid] for uid in rows)


def rotate_for_removed(store: Store, keystore: Keystore, *, also: tuple[str, ...] = ()) -> Rotation | None:
    """Remove the entries of people who lost access (and ``also``), rekeying the database for everyone who
    remains. None when there was nothing to do or it must wait (the database busy, nobody would remain)."""
    names = tuple(sorted({*without_access(store, keystore), *also}))
    if not names:
        return None
    old = store.current_key()
    if old is None:  # an unencrypted (test) database has no key to replace
        for name in names:
            keystore.remove_user(name)
        return Rotation(list(names), None)
    try:
        done = keystore.rekey(
            old, secrets.token_bytes(32), lambda before, after: store.rekey(before, after), remove=names
        )
    except LastUser:
        log.warning(
            "access removed at headquarters for every account of this laptop: the key is kept until a "
            "unit administrator is set up again"
        )
        return None
    except StoreBusy:
        log.warning("database busy: the key change for %d removed accounts waits for the next round", len(names))
        return None
    except KeystoreError as err:
        log.error("the key change for removed accounts failed: %s", type(err).__name__)
        return None
    log.info("database key replaced: %d accounts removed from this laptop", len(names))
    return Rotation(list(names) + done.dropped, done.recovery_key)
