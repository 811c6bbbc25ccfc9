"""The reporting board (issue 17): every enrolled laptop by its code and unit with its last contact, last bundle and
the period it covered, what it still holds and what was rejected; completeness per facility and week over a stable
denominator (the facilities expected to report: active, not hospitals), and the import history.

Read from the central server's bookkeeping (``srv_device``, ``srv_batch``, ``srv_bundle_import``,
``srv_rejected``) and the record tables; a laptop that enrolled and never synced is on it (red, "never").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, inspect, select

from app.hq import tables as t
from app.hq.access import Actor
from app.hq.overview import device_status, server_sync_info

AMBER_AFTER = timedelta(days=3)
RED_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class Laptop:
    device_id: str
    code: str
    unit: str
    enrolled_at: datetime | None
    last_contact: datetime | None
    last_bundle_at: datetime | None
    bundle_covered: tuple[int, int, int] | None  # the last bundle's change numbers (from, to) and how many changes
    newest_record: datetime | None
    queued: int | None
    rejected: int
    revoked: bool

    def level(self, now: datetime) -> str:
        """ok, amber (no contact for 3 days) or red (7 days, or never)."""
        if self.last_contact is None:
            return "red"
        age = now - self.last_contact
        return "red" if age >= RED_AFTER else "amber" if age >= AMBER_AFTER else "ok"


def _aware(v: Any) -> datetime | None:
    return t.as_datetime(v) if v is not None else None


def device_codes(conn: Connection) -> dict[str, str]:
    """Device id -> its code (ZAH1), from the server's enrolment list (empty without one)."""
    from app.server import models as m

    if not inspect(conn).has_table(m.device.name):
        return {}
    return {r.device_id: r.device_code for r in conn.execute(select(m.device.c.device_id, m.device.c.device_code))}


def laptops(conn: Connection) -> list[Laptop]:
    from app.server import models as m

    if not inspect(conn).has_table(m.device.name):
        return []
    # One pass over the devices (newest record and the server's bookkeeping together), and the imports' columns
    # without their receipts (a receipt is kilobytes of JSON; the board needs four numbers).
    records = {d.device_id: d for d in device_status(conn, server_sync_info)}
    sync = {dev: d.sync for dev, d in records.items() if d.sync is not None}
    bi = m.bundle_import
    bundles: dict[str, Any] = {}
    for r in conn.execute(select(bi.c.device_id, bi.c.seq_from, bi.c.seq_to, bi.c.entries)
                          .order_by(bi.c.imported_at)).mappings():
        bundles[r["device_id"]] = r
    # The unit the laptop was enrolled for when its records name none: a laptop whose every change was refused has
    # no records here, and its coordinator must still see it and why (issue 12).
    enrolled = {k: v.get("code", "") for k, v in t.units(conn).items()}
    out = []
    for d in conn.execute(select(m.device).order_by(m.device.c.device_code)).mappings():
        dev = d["device_id"]
        info = sync.get(dev)
        rec = records.get(dev)
        contact = [x for x in (_aware(d["last_seen_at"]), info.last_sync_at if info else None,
                               info.last_bundle_at if info else None) if x is not None]
        b = bundles.get(dev)
        covered = (int(b["seq_from"]), int(b["seq_to"]), int(b["entries"])) if b is not None else None
        out.append(Laptop(
            device_id=dev, code=d["device_code"], unit=(rec.unit if rec else "") or enrolled.get(d["unit_id"], ""),
            enrolled_at=_aware(d["enrolled_at"]),
            last_contact=max(contact) if contact else None, last_bundle_at=info.last_bundle_at if info else None,
            bundle_covered=covered, newest_record=rec.last_record_at if rec else None,
            queued=info.pending if info else None, rejected=info.rejected if info else 0,
            revoked=bool(d["revoked"])))
    return out


def visible_laptops(conn: Connection, actor: Actor) -> list[Laptop]:
    """The laptops on ``actor``'s board: every one for headquarters, a coordinator's or unit administrator's own
    unit's only (the pages reached from the board are scoped the same way)."""
    shown = laptops(conn)
    if actor.is_hq:
        return shown
    own = t.units(conn).get(actor.unit_id or "", {}).get("code", "")
    return [x for x in shown if own and x.unit == own]


def import_history(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    from app.server import models as m

    if not inspect(conn).has_table(m.bundle_import.name):
        return []
    codes = dict(conn.execute(select(m.device.c.device_id, m.device.c.device_code)).all())
    rows = conn.execute(select(m.bundle_import).order_by(m.bundle_import.c.imported_at.desc()).limit(limit)).mappings()
    return [{"at": _aware(r["imported_at"]), "device": codes.get(r["device_id"], r["device_id"][:8]),
             "bundle_id": r["bundle_id"],
             "entries": r["entries"], "seq_from": r["seq_from"], "seq_to": r["seq_to"],
             "applied": (r["receipt"] or {}).get("applied", 0),
             "rejected": len((r["receipt"] or {}).get("rejected", []))} for r in rows]


def expected_facilities(conn: Connection) -> list[Any]:
    """The denominator of completeness: active facilities that are not hospitals (hospitals report when they
    receive referrals, not every week), whatever had visits."""
    f = t.facility
    active = {r.id for r in conn.execute(select(f.c.id).where(t.live(f), func.coalesce(f.c.active, True)))}
    return [x for x in t.facilities(conn).values() if x.kind != "hospital" and x.id in active]
