"""Who may write what: the server's check of every change a device sends, online or in a bundle, from the one
declaration per entity (app.models.registry; trust rules in docs/architecture.md).

- Reference data (staff accounts and roles, units, facilities, departments, diagnoses) is headquarters' to change. A
  device may send the first copy of a record the server does not hold (the seeded lists every laptop starts with, a
  unit's own new staff account), never a change to one it holds; a staff account only for the device's own unit and
  never with headquarters' role.
- Owned records (visits, referrals, cases, enrolments, rosters) and audit entries carry the sending device's own id,
  and the device's unit where the record names one.
- Audit entries are insert-only: never changed, never tombstoned.

A refusal is a rejection with a machine-readable code and a sentence; the laptop quarantines the entry and shows why.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from app.core.reference import load_sample_site, reference_id
from app.models.registry import Policy, SyncedEntity
from app.security.roles import Role
from app.server.devices import Device
from app.sync.protocol import ChangeEntry, RejectionCode


@dataclass(frozen=True)
class Refusal:
    code: RejectionCode
    reason: str


def refusal(spec: SyncedEntity, entry: ChangeEntry, row: dict[str, Any], current: dict[str, Any] | None,
            device: Device) -> Refusal | None:
    """Why ``device`` may not make this change, or None. ``current`` is the server's copy (None: not held)."""
    if spec.headquarters_only:
        return _reference(spec, entry, row, current, device)
    if spec.owned_by_device and row.get("device_id") != device.device_id:
        if (current is not None and current.get("device_id") == row.get("device_id") and entry.changed is not None
                and set(entry.changed) <= set(spec.patient_pointers)):
            return None  # a merge elsewhere re-pointed another device's record; the server re-points it itself
        return Refusal("not_owner", f"{spec.name} {entry.record_id} names device {row.get('device_id')}, not the "
                                    f"device that sent it ({device.device_id}); a device sends only its own records")
    if spec.unit_column and device.unit_id and row.get(spec.unit_column) not in (None, device.unit_id):
        return Refusal("other_unit", f"{spec.name} {entry.record_id} names another unit than this device's")
    if spec.policy is Policy.APPEND_ONLY and (current is not None or entry.op != "insert" or row.get("deleted")):
        if current is not None and entry.op == "insert" and _same_version(row, current):
            return None  # the same insert seen again: a duplicate, answered as stale
        return Refusal("append_only", f"{spec.name} {entry.record_id}: audit entries are never changed or removed")
    return None


def _reference(spec: SyncedEntity, entry: ChangeEntry, row: dict[str, Any], current: dict[str, Any] | None,
               device: Device) -> Refusal | None:
    hq_only = f"{spec.name} is reference data: only headquarters changes it"
    if current is not None:
        newer = (row.get("version") or 0, row.get("hlc") or "") > (current.get("version") or 0, current.get("hlc") or "")
        if entry.op != "insert" and newer:
            return Refusal("headquarters_only", f"{hq_only} (record {entry.record_id})")
        return None  # a copy the server already holds (the same seed on every laptop): stale
    if entry.op != "insert" or row.get("deleted"):
        return Refusal("headquarters_only", f"{hq_only}; a device may send only a new record")
    if spec.name == "user_account":
        if _shipped_staff().get(entry.record_id) == (row.get("role"), row.get("unit_id")):
            return None  # the sample staff shipped with Sayyar, seeded on every laptop the same way
        if row.get("role") == Role.HEADQUARTERS:
            return Refusal("headquarters_only", "only headquarters creates headquarters staff accounts")
        if device.unit_id and row.get("unit_id") != device.unit_id:
            return Refusal("headquarters_only", "a device creates staff accounts for its own unit only")
    return None


@functools.cache
def _shipped_staff() -> dict[str, tuple[str, str | None]]:
    return {reference_id("user", u.username): (u.role, reference_id("unit", u.unit) if u.unit else None)
            for u in load_sample_site().users}


def _same_version(row: dict[str, Any], current: dict[str, Any]) -> bool:
    return bool((row.get("version"), row.get("hlc")) == (current.get("version"), current.get("hlc")))
