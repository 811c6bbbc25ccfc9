"""Headquarters changes reference data: a staff account's role, unit or active flag, a facility's active flag, a
diagnosis's notifiable disease (trust rules, docs/architecture.md: reference data only from headquarters).

The change is written to the central copy with a newer version and a feed position; the feed signs every reference
item with headquarters' key, so laptops apply it only when that signature verifies (app.sync.inbox). Only a
headquarters staff account (signed in with its password) may do it; every change is audited (``hq_audit``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, select, update

from app.hq.access import Actor, audit
from app.security.roles import Role


class ReferenceRefused(Exception):
    """One sentence naming the record or field and why."""


@dataclass(frozen=True)
class Changed:
    entity: str
    key: str
    field: str
    before: Any
    after: Any


# (entity, the column that names a record, the fields headquarters may change)
ALLOWED: dict[str, tuple[str, tuple[str, ...]]] = {
    "user_account": ("username", ("role", "active", "unit")),
    "facility": ("code", ("active",)),
    "diagnosis": ("code", ("notifiable",)),
}


def change_reference(conn: Connection, actor: Actor, entity: str, key: str, field: str, value: str) -> Changed:
    """Set ``field`` of the ``entity`` record named ``key`` to ``value`` (text as typed). Raises ReferenceRefused."""
    from app.server import models as m
    from app.store.clock import format_hlc

    if not actor.is_hq:
        raise ReferenceRefused(f"A {actor.role} may not change reference data (headquarters only).")
    if entity not in ALLOWED:
        raise ReferenceRefused(f"{entity}: headquarters changes staff accounts, facilities and diagnoses here.")
    key_column, fields = ALLOWED[entity]
    if field not in fields:
        raise ReferenceRefused(f"{entity}.{field}: not a field headquarters changes here (one of {', '.join(fields)}).")
    table = m.RECORDS[entity]
    row = conn.execute(select(table).where(table.c[key_column] == key, table.c.deleted.is_(False))).mappings().first()
    if row is None:
        raise ReferenceRefused(f"{entity} {key!r}: no such record at headquarters (it reaches headquarters with the "
                               "first sync of a laptop that holds it).")
    column, new = _parse(conn, entity, field, value)
    before = row[column]
    if before == new:
        raise ReferenceRefused(f"{entity} {key!r}: {field} is already {value!r}; nothing was changed.")
    counter = m.counter
    # The feed counter row serialises writers, as apply_changes does: positions are handed out in commit order.
    seq = conn.execute(select(counter.c.value).where(counter.c.name == "feed").with_for_update()).scalar_one() + 1
    now = datetime.now(timezone.utc)
    now_ms = int(now.timestamp() * 1000)
    old_ms = int((row["hlc"] or "0:0:x").split(":")[0])
    hlc = format_hlc(max(now_ms, old_ms + 1), 0, "hq")
    conn.execute(update(table).where(table.c.id == row["id"]).values(
        **{column: new}, version=int(row["version"] or 0) + 1, hlc=hlc, updated_at=now, updated_by=None,
        srv_seq=seq))
    conn.execute(update(counter).where(counter.c.name == "feed").values(value=seq))
    audit(conn, actor, "reference_change", f"{entity}.{field}", 1,
          detail={"record": key, "from": _plain(before), "to": _plain(new)})
    return Changed(entity, key, field, before, new)


def _parse(conn: Connection, entity: str, field: str, value: str) -> tuple[str, Any]:
    text = value.strip()
    if field == "active":
        if text not in ("on", "off"):
            raise ReferenceRefused(f"{entity}.active: give on or off, not {value!r}.")
        return "active", text == "on"
    if field == "role":
        if text not in Role._value2member_map_:
            raise ReferenceRefused(f"user_account.role: {value!r} is not a role (one of "
                                   f"{', '.join(r.value for r in Role)}).")
        return "role", text
    if field == "unit":
        from app.server import models as m

        units = m.RECORDS["unit"]
        unit_id = conn.execute(select(units.c.id).where(units.c.code == text)).scalar()
        if unit_id is None:
            raise ReferenceRefused(f"user_account.unit: no unit with the code {value!r}.")
        return "unit_id", unit_id
    if field == "notifiable":
        if text in ("none", ""):
            return "notifiable", None
        from app.hq.registry import active_registry

        keys = sorted(d.key for d in active_registry(conn).diseases)
        if text not in keys:
            raise ReferenceRefused(f"diagnosis.notifiable: {value!r} is not a disease of the list in use (one of "
                                   f"{', '.join(keys)}, or none).")
        return "notifiable", text
    raise ReferenceRefused(f"{entity}.{field}: not a field headquarters changes here.")


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (bool, int, str)) else str(value)
