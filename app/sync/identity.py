"""This laptop's sync identity: its Ed25519 key (kept inside the encrypted database), server address, token and
headquarters' public keys; and starting a new epoch after a restore or a copy (docs/architecture.md, guarantee 7)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, insert, select, text, update

from app.models import ChangeLog, DeviceState, SyncIdentity, User
from app.security.roles import Action, require_role
from app.store import Store
from app.sync import crypto, outbox
from app.sync.protocol import DeviceEnrolment, DeviceRequest, DeviceUser, LaptopConfig
from app.sync.repair import renumber


class SyncNotConfigured(Exception):
    pass


@dataclass(frozen=True)
class Identity:
    device_id: str
    device_code: str
    epoch: int
    signing_key: bytes
    public_key: bytes
    server_url: str
    token: str
    hq_box_public: bytes | None
    hq_sign_public: bytes | None


def ensure_keys(store: Store) -> None:
    """Make the device key pair on first use (enrolment or first bundle)."""
    with store.read() as s:
        if s.get(SyncIdentity, 1) is not None:
            return
    private, public = crypto.new_signing_key()
    with store.write(None) as s:
        if s.get(SyncIdentity, 1) is None:
            s.add(SyncIdentity(id=1, signing_key=private, public_key=public, server_url="", token="", last_error=""))


def identity(store: Store) -> Identity:
    ensure_keys(store)
    store.refresh_device()
    with store.read() as s:
        row = s.get(SyncIdentity, 1)
        assert row is not None
        dev = store.device
        return Identity(dev.device_id, dev.device_code, dev.epoch, row.signing_key, row.public_key, row.server_url,
                        row.token, row.hq_box_public, row.hq_sign_public)


def device_request(store: Store, *, grant_public: bytes = b"") -> DeviceRequest:
    """``grant_public``: the keystore's grant key, recorded at enrolment (app.sync.anchor)."""
    ident = identity(store)
    with store.read() as s:
        # The accounts made here (the administrator first): the server refuses a name another laptop holds.
        users = [DeviceUser(user_id=uid, username=name) for uid, name in s.execute(
            select(User.id, User.username).where(User.device_id == ident.device_id).order_by(User.created_at))]
    return DeviceRequest(device_id=ident.device_id, device_code=ident.device_code,
                         public_key=crypto.b64(ident.public_key), unit_id=store.device.unit_id, users=users,
                         grant_public=crypto.b64(grant_public) if grant_public else "")


def load_enrolment(store: Store, enrolment: DeviceEnrolment, *, actor: object, server_url: str | None = None) -> None:
    """Keep the token, server address and headquarters' keys the administrator issued for this laptop. Only a unit
    administrator configures the device: whoever sets these decides where the laptop's records go and to whose key
    its bundles are encrypted."""
    require_role(actor, Action.CONFIGURE_DEVICE)
    ident = identity(store)
    if enrolment.device_id != ident.device_id:
        raise SyncNotConfigured(
            f"This enrolment is for device {enrolment.device_id}, but this laptop is {ident.device_id}.")
    values = dict(token=enrolment.token, hq_box_public=crypto.unb64(enrolment.hq_box_public, 32),
                  hq_sign_public=crypto.unb64(enrolment.hq_sign_public, 32))
    url = server_url if server_url is not None else enrolment.server_url
    if url:
        values["server_url"] = url
    with store.write(None) as s:
        s.execute(update(SyncIdentity).where(SyncIdentity.id == 1).values(**values))


def load_laptop_config(store: Store, config: LaptopConfig) -> None:
    """At setup from headquarters' file: where this laptop syncs and headquarters' public keys (bundles can be
    written at once). The token comes later, with the enrolment file."""
    ensure_keys(store)
    values: dict[str, object] = dict(hq_box_public=crypto.unb64(config.hq_box_public, 32),
                                     hq_sign_public=crypto.unb64(config.hq_sign_public, 32))
    if config.server_url:
        values["server_url"] = config.server_url
    if config.replacement is not None:
        # A replacement is enrolled by its file: the key and token headquarters issued (the old ones are refused).
        private = crypto.unb64(config.replacement.signing_key, 32)
        values.update(signing_key=private, public_key=crypto.public_of(private), token=config.replacement.token)
    with store.write(None) as s:
        s.execute(update(SyncIdentity).where(SyncIdentity.id == 1).values(**values))


def record_attempt(store: Store, *, error: str | None) -> None:
    now = datetime.now(timezone.utc)
    values: dict[str, object] = {"last_attempt_at": now}
    if error is None:
        values.update(last_success_at=now, last_error="")
    else:
        values.update(last_error=error[:2000], last_error_at=now)
    with store.write(None) as s:
        s.execute(update(SyncIdentity).where(SyncIdentity.id == 1).values(**values))


def local_max_seq(store: Store) -> int:
    """The highest sequence this laptop ever issued (AUTOINCREMENT keeps it even if entries were removed)."""
    with store.read() as s:
        top = outbox.max_seq(s)  # packed acknowledged entries included
        has_sequence = s.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first()
        row = None
        if has_sequence:
            row = s.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'")).first()
        return max(int(top), int(row[0]) if row else 0)


def start_new_epoch(store: Store, epoch: int | None = None) -> int:
    """Continue under a new epoch: every change not yet acknowledged is numbered again under it, so nothing the
    server holds under the old numbers is overwritten or duplicated. ``epoch`` comes from the server when online;
    offline a random jump makes two copies of one laptop unlikely to pick the same number."""
    store.refresh_device()
    current = store.device.epoch
    new = epoch if epoch is not None else current + 1 + secrets.randbelow(1000)
    if new <= current:
        raise ValueError(f"the new epoch ({new}) must be higher than the current one ({current})")
    cl = ChangeLog.__table__
    with store.write(None, applying_remote=True) as s:
        # Quarantined entries go too: under the new epoch they get new numbers and another chance.
        pending = s.execute(select(cl).where(cl.c.state.in_(("queued", "sent", "quarantined")))
                            .order_by(cl.c.seq)).mappings().all()
        if pending:
            s.execute(delete(cl).where(cl.c.seq.in_([r["seq"] for r in pending])))
            s.execute(insert(cl), [{**{k: v for k, v in r.items() if k != "seq"}, "epoch": new, "state": "queued",
                                    "reason": "", "reject_code": ""} for r in pending])
        # A new epoch is a new number range (numbering.prefix): codes the other copy hands out never collide.
        s.execute(update(DeviceState).values(epoch=new, next_patient_number=1, next_household_number=1,
                                             next_referral_number=1))
        renumber(s)
    store.refresh_device()
    return new
