"""Publishing the notifiable-disease registry at headquarters: a new version, checked, hashed and signed with
headquarters' Ed25519 key, becomes the list the central server's alert rules use at once (laptops adopt it from
the sync feed and check the signature first).

A version must be newer than every published one, and a published version is never changed: a correction is the
next version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, func, insert, select

from app.core.diseases import DiseaseRegistry, canonical_bytes, parse_registry, shipped_registry, signed_bytes
from app.hq.models import hq_registry_version


class RegistryRefused(ValueError):
    pass


@dataclass(frozen=True)
class Published:
    version: int
    label: str
    sha256: str
    signature: str
    key_id: str
    published_at: datetime
    published_by: str
    content: dict[str, Any]

    @property
    def registry(self) -> DiseaseRegistry:
        return parse_registry(self.content)


def describe_problems(err: ValidationError) -> str:
    parts = []
    for e in err.errors()[:8]:
        where = ".".join(str(p) for p in e["loc"])
        parts.append(f"{where}: {e['msg']}" if where else e["msg"])
    return "; ".join(parts)


def publish_registry(conn: Connection, data: bytes | str | dict[str, Any], *, by: str,
                     now: datetime | None = None) -> Published:
    """Check, sign and store a new registry version (the caller checks that ``by`` is headquarters)."""
    from app.server.devices import hq_keys
    from app.sync import crypto

    try:
        registry = parse_registry(data)
    except ValidationError as err:
        raise RegistryRefused(f"The disease list was not published: {describe_problems(err)}.") from None
    except ValueError as err:
        raise RegistryRefused(f"The disease list was not published: it is not JSON ({err}).") from None
    newest = max(conn.execute(select(func.max(hq_registry_version.c.version))).scalar() or 0,
                 shipped_registry().version)
    if registry.version <= newest:
        raise RegistryRefused(f"The disease list was not published: version {registry.version} is not newer than "
                              f"version {newest}. Give it version {newest + 1}.")
    keys = hq_keys(conn)
    content = registry.model_dump(mode="json")
    signature = crypto.b64(crypto.sign(keys.sign_private, signed_bytes(content)))
    row = dict(version=registry.version, label=registry.label, content=content,
               sha256=hashlib.sha256(canonical_bytes(content)).hexdigest(), signature=signature,
               key_id=crypto.key_id(keys.sign_public), published_at=now or datetime.now(timezone.utc),
               published_by=by[:60])
    conn.execute(insert(hq_registry_version).values(**row))
    _to_feed(conn, row)
    _cache.clear()
    return Published(**row)


def _to_feed(conn: Connection, row: dict[str, Any]) -> None:
    """The published version as a reference record in the change feed (entity ``disease_registry``, to every
    laptop): laptops check headquarters' signature and use it from their next sync, with no reinstall."""
    import uuid

    from sqlalchemy import update

    from app.server import models as m
    from app.store.clock import format_hlc

    table = m.RECORDS["disease_registry"]
    counter = m.counter
    # The feed counter row serialises writers, as apply_changes does: positions are handed out in commit order.
    seq = conn.execute(select(counter.c.value).where(counter.c.name == "feed").with_for_update()).scalar_one() + 1
    at = row["published_at"]
    conn.execute(insert(table).values(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"sayyar:disease_registry:{row['version']}")),
        created_at=at, updated_at=at, created_by=None, updated_by=None, device_id=None, version=1,
        hlc=format_hlc(int(at.timestamp() * 1000), 0, "hq"), deleted=False, list_version=row["version"],
        label=row["label"], content=row["content"], sha256=row["sha256"], signature=row["signature"],
        key_id=row["key_id"], published_at=at, srv_seq=seq, field_hlc=None))
    conn.execute(update(counter).where(counter.c.name == "feed").values(value=seq))


def published_versions(conn: Connection) -> list[Published]:
    rows = conn.execute(select(hq_registry_version).order_by(hq_registry_version.c.version.desc())).mappings()
    return [Published(**{k: r[k] for k in Published.__dataclass_fields__}) for r in rows]


_cache: dict[tuple[int, str], DiseaseRegistry] = {}


def active_registry(conn: Connection) -> DiseaseRegistry:
    """The newest published version, else the one shipped with Sayyar."""
    row = conn.execute(select(hq_registry_version.c.version, hq_registry_version.c.sha256)
                       .order_by(hq_registry_version.c.version.desc()).limit(1)).first()
    if row is None:
        return shipped_registry()
    key = (row.version, row.sha256)
    if key not in _cache:
        content = conn.execute(select(hq_registry_version.c.content)
                               .where(hq_registry_version.c.version == row.version)).scalar_one()
        _cache.clear()
        _cache[key] = parse_registry(content)
    return _cache[key]
