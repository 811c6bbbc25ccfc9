"""Trust boundaries (issue #12, holes 1 and 2): the server is the authority on who may write what, from the registry's
declarations; a laptop applies reference data from the feed only when headquarters signed it.

Each attack goes through the real server on a loopback port with a real device token, and must leave the central
record tables exactly as they were (per-table count and checksum), and the victim laptop unchanged after it syncs.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import httpx
from helpers import Laptop, LiveServer, central_checksums, central_row, enrol, make_activity, make_laptop
from sqlalchemy import Engine, select

from app.models import AuditEntry, Diagnosis, User
from app.server import devices
from app.sync import inbox
from app.sync.client import run_sync_round
from app.sync.feed_trust import sign_item
from app.sync.protocol import FeedItem, FeedPage
from app.sync.records import row_to_payload


def _laptop_checksums(lap: Laptop) -> dict[str, str]:
    out = {}
    with lap.store.read() as s:
        for model in (User, Diagnosis, AuditEntry):
            rows = s.execute(select(model.__table__).order_by(model.__table__.c.id)).all()  # type: ignore[attr-defined]
            out[model.__tablename__] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def _entry(seq: int, entity: str, row: dict[str, Any], *, op: str, bump: bool = True, **changes: Any) -> dict[str, Any]:
    payload = row_to_payload(entity, {**row, **changes})
    payload["version"] = int(row["version"]) + (1 if bump else 0)
    payload["hlc"] = f"{int(payload['hlc'].split(':')[0]) + 1000:013d}:00000:attacker"
    return {"seq": seq, "entity": entity, "record_id": row["id"], "op": op, "payload": payload,
            "hlc": payload["hlc"], "changed": sorted(changes) or None}


def _push(live: LiveServer, lap: Laptop, entries: list[dict[str, Any]]) -> dict[str, Any]:
    body = {"device_id": lap.device_id, "epoch": lap.store.device.epoch, "batch_id": str(uuid.uuid4()),
            "entries": entries}
    resp = httpx.post(f"{live.url}/v1/changes", json=body, headers={"Authorization": f"Bearer {lap.token}"})
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def test_a_device_cannot_rewrite_reference_data_or_write_as_another_device(
        tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2")
    for lap in (a, b):
        enrol(central, lap, live.url)
        make_activity(lap, 4)
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)
    run_sync_round(a.store, a.ctx, live.url, a.token)
    central_before = central_checksums(central)
    a_before = _laptop_checksums(a)

    clinician = central_row(central, "user_account", role="clinician", unit_id=a.store.device.unit_id)
    admin = central_row(central, "user_account", role="unit_admin", unit_id=a.store.device.unit_id)
    malaria = central_row(central, "diagnosis", code="B54")
    facility = central_row(central, "facility", unit_id=a.store.device.unit_id)
    a_visit = central_row(central, "visit", device_id=a.device_id)
    a_audit = central_row(central, "audit_entry", device_id=a.device_id)
    b_audit = central_row(central, "audit_entry", device_id=b.device_id)
    new_id = str(uuid.uuid4())
    top = 10_000
    attacks = [
        _entry(top + 1, "user_account", clinician, op="update", role="unit_admin"),
        _entry(top + 2, "user_account", admin, op="update", active=False),
        _entry(top + 3, "diagnosis", malaria, op="update", notifiable=None),
        _entry(top + 4, "facility", facility, op="delete", deleted=True),
        # A new staff account for another unit, with headquarters' role.
        _entry(top + 5, "user_account", {**clinician, "id": new_id, "username": "mallory", "version": 0}, op="insert",
               role="headquarters"),
        # Records claiming to come from laptop A.
        _entry(top + 6, "visit", {**a_visit, "id": str(uuid.uuid4()), "version": 0}, op="insert"),
        _entry(top + 7, "audit_entry", {**a_audit, "id": str(uuid.uuid4()), "version": 0}, op="insert"),
        _entry(top + 8, "audit_entry", a_audit, op="update", deleted=True),
        # Its own audit entry: insert-only, never rewritten or tombstoned.
        _entry(top + 9, "audit_entry", b_audit, op="update", action="printed"),
        _entry(top + 10, "audit_entry", b_audit, op="delete", deleted=True),
    ]
    ack = _push(live, b, attacks)
    refused = {r["seq"]: r for r in ack["rejected"]}
    assert sorted(refused) == [e["seq"] for e in attacks], ack
    codes = {seq: r["code"] for seq, r in refused.items()}
    assert {codes[top + i] for i in (1, 2, 3, 4, 5)} == {"headquarters_only"}
    assert {codes[top + i] for i in (6, 7, 8)} == {"not_owner"}
    assert {codes[top + i] for i in (9, 10)} == {"append_only"}
    assert central_checksums(central) == central_before

    # The same attacks in a signed bundle imported at headquarters: tests/sync/test_trust_bundles.py.
    run_sync_round(a.store, a.ctx, live.url, a.token)
    assert _laptop_checksums(a) == a_before
    a.close()
    b.close()


def test_a_laptop_applies_reference_data_only_when_headquarters_signed_it(
        tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    run_sync_round(a.store, a.ctx, live.url, a.token)
    with a.store.read() as s:
        nurse = s.scalars(select(User).where(User.role == "clinician")).first()
        assert nurse is not None
        row = {c.key: getattr(nurse, c.key) for c in User.__table__.columns}  # type: ignore[attr-defined]
    payload = row_to_payload("user_account", {**row, "role": "unit_admin", "version": row["version"] + 1})
    item = FeedItem(cursor=10**9, entity="user_account", record_id=row["id"], version=row["version"] + 1,
                    hlc=payload["hlc"] or "", payload=payload)
    before = _laptop_checksums(a)
    # A server that is not headquarters' (a re-pointed address, a forged answer) sends a role change: refused.
    forged = sign_item(item, b"\x01" * 32)
    for bad in (item, forged):
        result = inbox.apply_page(a.store, FeedPage(cursor=0, next_cursor=0, more=False, items=[bad]))
        assert result.applied == 0 and result.invalid == 1
    assert _laptop_checksums(a) == before
    # Signed by headquarters: applied.
    with central.connect() as conn:
        keys = devices.hq_keys(conn)
    result = inbox.apply_page(a.store, FeedPage(cursor=0, next_cursor=0, more=False,
                                                items=[sign_item(item, keys.sign_private)]))
    assert result.applied == 1
    with a.store.read() as s:
        assert s.get(User, row["id"]).role == "unit_admin"  # type: ignore[union-attr]
    a.close()


def test_sync_bundles_and_device_configuration_always_check_the_role(
        tmp_path: Path, central: Engine, live: LiveServer) -> None:
    """Hole 7: a role is checked even when the caller passes no context; only a unit administrator re-points the
    laptop's server, token and headquarters' keys."""
    import pytest

    from app.security.roles import NoSignedInUser
    from app.server import devices
    from app.services.errors import PermissionDenied
    from app.sync import identity
    from app.sync.bundle import export_bundle

    a = make_laptop(tmp_path, "A1")
    token = enrol(central, a, live.url)
    with pytest.raises(NoSignedInUser):
        run_sync_round(a.store, None, live.url, token)
    with pytest.raises(NoSignedInUser):
        export_bundle(a.store, None, tmp_path / "x.sayyar")
    with pytest.raises(PermissionDenied):
        export_bundle(a.store, a.ctx, tmp_path / "x.sayyar")  # a clinician
    before = identity.identity(a.store)
    attacker_keys = {"hq_box_public": "A" * 43 + "=", "hq_sign_public": "A" * 43 + "="}
    forged = devices.DeviceEnrolment(device_id=a.device_id, device_code="A1", token="stolen",
                                     server_url="http://evil.example", **attacker_keys)
    from app.security.roles import SCHEDULED_ROUND

    with pytest.raises(NoSignedInUser):  # the laptop's own scheduled round may sync, nothing more
        export_bundle(a.store, SCHEDULED_ROUND, tmp_path / "x.sayyar")
    for who in (a.ctx, a.coord, None, SCHEDULED_ROUND):
        with pytest.raises((PermissionDenied, NoSignedInUser)):
            identity.load_enrolment(a.store, forged, actor=who)
    after = identity.identity(a.store)
    assert (after.server_url, after.token, after.hq_box_public) == (before.server_url, before.token,
                                                                    before.hq_box_public)
    assert not (tmp_path / "x.sayyar").exists()
    a.close()


def test_every_role_against_the_sync_and_device_checks(tmp_path: Path, central: Engine) -> None:
    """The role matrix of the checks below the services (the services' own matrix is test_role_matrix.py)."""
    import pytest

    from app.security.roles import PERMISSIONS, Action, Role
    from app.services.context import Ctx
    from app.services.errors import PermissionDenied
    from app.sync import identity
    from app.sync.bundle import export_bundle

    a = make_laptop(tmp_path, "A1")
    admin = Ctx(a.store, a.ctx.user_id, "unit_admin", unit_id=a.store.device.unit_id, lang="en")
    request = identity.device_request(a.store)
    with central.begin() as conn:
        enrolment = devices.enrol_device(conn, device_id=request.device_id, device_code=request.device_code,
                                         public_key=request.public_key, unit_id=request.unit_id)
    for role in Role:
        ctx = Ctx(a.store, a.ctx.user_id, role.value, unit_id=a.store.device.unit_id, lang="en")
        checks = {Action.CONFIGURE_DEVICE: lambda c: identity.load_enrolment(a.store, enrolment, actor=c),
                  Action.EXPORT_BUNDLE: lambda c, r=role: export_bundle(a.store, c, tmp_path / f"{r.value}.sayyar"),
                  Action.RUN_SYNC: lambda c: run_sync_round(a.store, c, "http://127.0.0.1:9", "t")}
        for action, call in checks.items():
            if role in PERMISSIONS[action]:
                if action is not Action.RUN_SYNC:  # allowed: runs (a sync round needs a server: not here)
                    identity.load_enrolment(a.store, enrolment, actor=admin)
                    call(ctx)
            else:
                with pytest.raises(PermissionDenied):
                    call(ctx)
    a.close()
