"""The laptop's grant key anchored to headquarters (docs/architecture.md, trust rules: roles a database edit cannot
grant).

Roles are signed by the laptop's grant key (app.security.keystore.grants), whose public half is in keystore.json, a
file any user of the laptop can rewrite. So the key is certified: at each sync round the laptop presents it with the
id of headquarters' key it holds (``POST /v1/devices/me/anchor``); the server keeps the first one it saw for the
device, signs it with headquarters' key and refuses, and records, a laptop that later presents another. The key and
its certificate are kept inside the encrypted database, beside headquarters' key that came with the enrolment; at
sign-in the keystore must carry that certified key (``certified_grant_key``), so rewriting keystore.json alone is
refused. Someone who also rewrites these rows (they hold the database key) is refused by the server at the next round.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import update

from app.models import SyncIdentity
from app.store import Store
from app.sync import crypto
from app.sync.protocol import GrantAnchor, GrantCertificate

log = logging.getLogger("sayyar.sync.anchor")


def _checked(
    device_id: str, hq_sign_public: bytes | None, grant_public: bytes | None, grant_cert: bytes | None
) -> bytes | None:
    if not grant_public or not grant_cert or not hq_sign_public:
        return None
    if not crypto.verify(hq_sign_public, grant_cert, crypto.grant_key_message(device_id, grant_public)):
        # Rows edited by someone holding the database key: treated as not certified here; the server refuses the
        # laptop at its next round (it keeps the certified key itself).
        log.warning("the certificate of this laptop's grant key does not verify with headquarters' key")
        return None
    return grant_public


def certified_grant_key(store: Store) -> bytes | None:
    """The grant key headquarters certified for this laptop, or None (not certified yet: not synced since)."""
    with store.read() as s:
        row = s.get(SyncIdentity, 1)
        if row is None:
            return None
        return _checked(store.device.device_id, row.hq_sign_public, row.grant_public, row.grant_cert)


def certified_grant_key_at(db_file: Path, key: bytes) -> bytes | None:
    """The same, read from the database file before the store is opened (sign-in checks the keystore first). A
    database older than the anchor columns has none."""
    import sqlcipher3.dbapi2 as module  # type: ignore[import-not-found]

    from app.store.engine import key_pragma

    conn = module.connect(str(db_file))
    try:
        conn.execute(key_pragma(key))
        try:
            row = conn.execute(
                "SELECT s.hq_sign_public, s.grant_public, s.grant_cert, d.device_id "
                "FROM sync_identity s, device_state d WHERE s.id = 1"
            ).fetchone()
        except module.DatabaseError:
            return None  # no such table or column yet (a file of an older Sayyar, upgraded when opened)
    finally:
        conn.close()
    if row is None:
        return None
    return _checked(str(row[3]), row[0], row[1], row[2])


def present(store: Store, api: Any, grant_public: bytes) -> None:
    """Show the server this laptop's grant key; keep the certificate it answers with. A refusal (the server saw
    another key for this laptop) raises the client's ``Refused`` and stops the round. ``api``: the client's ``Api``
    (app.sync.client imports this module)."""
    from app.sync.identity import identity

    ident = identity(store)
    if ident.hq_sign_public is None:
        return
    hq_key_id = crypto.key_id(ident.hq_sign_public)
    signature = crypto.sign(ident.signing_key, crypto.grant_anchor_message(ident.device_id, grant_public, hq_key_id))
    answer = api.anchor(
        GrantAnchor(grant_public=crypto.b64(grant_public), hq_key_id=hq_key_id, device_signature=crypto.b64(signature))
    )
    assert isinstance(answer, GrantCertificate)
    cert = crypto.unb64(answer.signature, 64)
    if (
        answer.grant_public != crypto.b64(grant_public)
        or _checked(ident.device_id, ident.hq_sign_public, grant_public, cert) is None
    ):
        log.warning("the server's certificate of this laptop's grant key does not verify; not kept")
        return
    with store.write(None) as s:
        s.execute(update(SyncIdentity).where(SyncIdentity.id == 1).values(grant_public=grant_public, grant_cert=cert))
