"""Enrolled laptops: their Ed25519 public keys and bearer tokens (hashed at rest), and headquarters' keys."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, case, delete, func, insert, select, update

from app.server import models as m
from app.sync import crypto
from app.sync.bundle import SupersededKey
from app.sync.protocol import DeviceEnrolment, LaptopConfig, ReplacementIdentity


class DeviceError(Exception):
    pass


@dataclass(frozen=True)
class Device:
    device_id: str
    device_code: str
    public_key: bytes
    unit_id: str | None = None  # None: enrolled before devices named their unit (no unit check)
    superseded: tuple[SupersededKey, ...] = ()  # keys a replacement took over from (bundles signed before it)


@dataclass(frozen=True)
class HqKeys:
    box_private: bytes
    box_public: bytes
    sign_private: bytes
    sign_public: bytes

    @property
    def key_id(self) -> str:
        return crypto.key_id(self.box_public)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hq_keys(conn: Connection) -> HqKeys:
    row = conn.execute(select(m.hq_key).where(m.hq_key.c.id == 1)).one()
    return HqKeys(crypto.unb64(row.box_private), crypto.unb64(row.box_public), crypto.unb64(row.sign_private),
                  crypto.unb64(row.sign_public))


def enrol_device(conn: Connection, *, device_id: str, device_code: str, public_key: str,
                 server_url: str = "", reenrol: bool = False, unit_id: str | None = None,
                 users: Sequence[tuple[str, str]] = (), grant_public: str = "") -> DeviceEnrolment:
    """Register a laptop (or give it a new token). The token is returned once; only its hash is kept.

    A device code names one laptop: a second laptop with a code already enrolled is refused, so two laptops never
    number patients alike. A revoked laptop comes back only when asked for explicitly (``reenrol``). ``users``
    (user id, user name) are the accounts made on the laptop: a name another account holds (at headquarters, or
    brought by another laptop's enrolment) is refused, since a user name signs in wherever its record goes.
    ``grant_public`` (from the request): the laptop's grant key, kept as the one to certify (``certify_grant_key``),
    replacing any earlier one: enrolling is headquarters' deliberate act."""
    key = crypto.unb64(public_key, 32)
    token = secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    code = device_code.strip().upper()
    other = conn.execute(select(m.device.c.device_id, m.device.c.enrolled_at).where(
        m.device.c.device_code == code, m.device.c.device_id != device_id)).first()
    if other is not None:
        raise DeviceError(f"The device code {code} is already used by another laptop (enrolled "
                          f"{other.enrolled_at:%Y-%m-%d}). Set this laptop up again with a code of its own; two "
                          "laptops with one code would hand out the same patient numbers.")
    _check_user_names(conn, code, users)
    existing = conn.execute(select(m.device.c.device_id, m.device.c.revoked).where(
        m.device.c.device_id == device_id)).first()
    if existing is not None and existing.revoked and not reenrol:
        raise DeviceError(f"The laptop {code} was revoked. Enrolling it again is a deliberate act: repeat with "
                          "--re-enrol if it is back in safe hands.")
    values = dict(device_code=code, public_key=crypto.b64(key), token_hash=token_hash(token), revoked=False,
                  unit_id=unit_id)
    if existing is None:
        conn.execute(insert(m.device).values(device_id=device_id, enrolled_at=now, epoch_counter=1, **values))
    else:
        conn.execute(update(m.device).where(m.device.c.device_id == device_id).values(**values))
    for user_id, username in users:
        name_key = username.casefold()
        if conn.execute(select(m.device_user.c.username_key).where(m.device_user.c.username_key == name_key)).first():
            continue
        conn.execute(insert(m.device_user).values(username_key=name_key, username=username, user_id=user_id,
                                                  device_id=device_id))
    if grant_public:
        a = m.device_anchor
        conn.execute(delete(a).where(a.c.device_id == device_id))
        conn.execute(insert(a).values(device_id=device_id, grant_public=crypto.b64(crypto.unb64(grant_public, 32)),
                                      certified_at=now, refused_count=0))
    keys = hq_keys(conn)
    return DeviceEnrolment(device_id=device_id, device_code=code, token=token, server_url=server_url,
                           hq_box_public=crypto.b64(keys.box_public), hq_sign_public=crypto.b64(keys.sign_public))


class AnchorChanged(DeviceError):
    code = "anchor_changed"


class AnchorUnsigned(DeviceError):
    code = "anchor_unsigned"


def certify_grant_key(conn: Connection, device_id: str, grant_public: str, hq_key_id: str,
                      device_signature: str = "") -> str:
    """Headquarters' signature over the laptop's grant key (base64), recorded for the device the first time it is
    presented. Refused (``AnchorChanged``, and the refusal kept on the device) when the laptop holds another
    headquarters key, or shows a grant key other than the one certified: its keystore or its copy of headquarters'
    key was replaced, so the roles it signs are not the ones its administrators granted.

    A key not recorded yet (a laptop enrolled before requests named it, or a replacement) is certified only when
    the laptop's enrolled device key signed it (``device_signature``, ``AnchorUnsigned`` otherwise): the device key
    never leaves the laptop's encrypted database, while its token travels in the enrolment file, so whoever holds a
    copy of that file cannot have a key of their own certified first."""
    keys = hq_keys(conn)
    key = crypto.unb64(grant_public, 32)
    a = m.device_anchor
    row = conn.execute(select(a).where(a.c.device_id == device_id)).first()
    now = datetime.now(timezone.utc)
    if hq_key_id != crypto.key_id(keys.sign_public):
        reason = "it holds another headquarters key than this server's"
    elif row is not None and row.grant_public != crypto.b64(key):
        reason = "the key that signs its roles is not the one headquarters certified for it"
    elif row is None and not _signed_by_device(conn, device_id, key, hq_key_id, device_signature):
        raise AnchorUnsigned("This laptop's grant key did not come signed by the laptop's own device key, so it was "
                             "not certified (nothing was taken from it). Update Sayyar on the laptop and sync again; "
                             "if it still fails, headquarters checks the laptop (sayyar server devices).")
    else:
        if row is None:
            conn.execute(insert(a).values(device_id=device_id, grant_public=crypto.b64(key), certified_at=now,
                                          refused_count=0))
        return crypto.b64(crypto.sign(keys.sign_private, crypto.grant_key_message(device_id, key)))
    raise AnchorChanged(f"This laptop's keys were changed: {reason}. Its roles cannot be trusted; nothing was "
                        "taken from it. Headquarters checks the laptop (sayyar server devices) before it syncs again.")


def _signed_by_device(conn: Connection, device_id: str, grant_key: bytes, hq_key_id: str, signature: str) -> bool:
    public = conn.execute(select(m.device.c.public_key).where(m.device.c.device_id == device_id)).scalar()
    if not public or not signature:
        return False
    try:
        raw = crypto.unb64(signature, 64)
    except crypto.EnvelopeError:
        return False
    return crypto.verify(crypto.unb64(public, 32), raw, crypto.grant_anchor_message(device_id, grant_key, hq_key_id))


def record_anchor_refusal(conn: Connection, device_id: str, grant_public: str) -> None:
    """Keep a refused anchor on the device (its own transaction: the refusal itself rolled back), for
    ``sayyar server devices``."""
    a = m.device_anchor
    conn.execute(update(a).where(a.c.device_id == device_id).values(
        refused_at=datetime.now(timezone.utc), refused_count=a.c.refused_count + 1,
        refused_grant_public=grant_public[:64]))


def laptop_config(conn: Connection, *, unit_code: str, device_code: str, server_url: str = "") -> LaptopConfig:
    """Headquarters' file for setting up a new laptop: refused for a device code another laptop is enrolled with."""
    code = device_code.strip().upper()
    other = conn.execute(select(m.device.c.enrolled_at).where(m.device.c.device_code == code)).first()
    if other is not None:
        raise DeviceError(f"The device code {code} is already used by a laptop enrolled {other.enrolled_at:%Y-%m-%d}; "
                          "choose a code no laptop has.")
    keys = hq_keys(conn)
    return LaptopConfig(unit_code=unit_code, device_code=code, server_url=server_url,
                        hq_box_public=crypto.b64(keys.box_public), hq_sign_public=crypto.b64(keys.sign_public))


def replace_device(conn: Connection, *, unit_code: str, unit_id: str, device_code: str, admin_username: str,
                   server_url: str = "", again: bool = False) -> LaptopConfig:
    """A new laptop takes over a broken or lost one: the file it is set up from (``sayyar setup --config``) carries
    the old laptop's device id and code, a new epoch (so the patient numbers it hands out never meet the old
    laptop's), a new signing key and token, and an administrator name reserved here. The old token and key stop
    working at once: whoever holds the old laptop can no longer send as it. No request file is needed, since the
    laptop to be replaced is usually the one that cannot make it."""
    code = device_code.strip().upper()
    row = conn.execute(select(m.device).where(m.device.c.device_code == code)).first()
    if row is None:
        raise DeviceError(f"No laptop {code} is enrolled at this server, so there is none to replace "
                          "(`sayyar server devices` lists them). A laptop that never was is set up with "
                          "`sayyar server laptop-config` and enrolled from its request.")
    if row.unit_id and row.unit_id != unit_id:
        unit = m.RECORDS["unit"]
        theirs = conn.execute(select(unit.c.code).where(unit.c.id == row.unit_id)).scalar() or str(row.unit_id)[:8]
        raise DeviceError(f"{code} is a laptop of unit {theirs}, not {unit_code}: check the code on the broken "
                          "laptop's label (`sayyar server devices` lists each laptop's unit); nothing was changed.")
    if row.replaced_at is not None and not again:
        report = conn.execute(select(m.device_report.c.reported_at).where(
            m.device_report.c.device_id == row.device_id)).scalar()
        heard = [t for t in (row.last_seen_at, report) if t is not None]
        if not any(_aware(t) > _aware(row.replaced_at) for t in heard):
            raise DeviceError(f"{code} was already replaced on {row.replaced_at:%Y-%m-%d %H:%M} UTC and no laptop "
                              "has synced with that identity since: set the new laptop up from the file issued "
                              "then, or repeat with --again to cancel that file and issue a new one.")
    user_id = str(uuid.uuid4())
    _check_user_names(conn, code, [(user_id, admin_username)])
    private, public = crypto.new_signing_key()
    token = secrets.token_urlsafe(32)
    epoch = new_epoch(conn, row.device_id)
    now = datetime.now(timezone.utc)
    # The old key is kept, not forgotten: the old laptop's bundles signed before now may still be on their way.
    if conn.execute(select(m.device_key.c.device_id).where(m.device_key.c.device_id == row.device_id,
                                                           m.device_key.c.public_key == row.public_key)).first() is None:
        conn.execute(insert(m.device_key).values(device_id=row.device_id, public_key=row.public_key,
                                                 superseded_at=now, before_epoch=epoch))
    conn.execute(update(m.device).where(m.device.c.device_id == row.device_id).values(
        public_key=crypto.b64(public), token_hash=token_hash(token), revoked=False, unit_id=row.unit_id or unit_id,
        replaced_at=now))
    conn.execute(insert(m.device_user).values(username_key=admin_username.casefold(), username=admin_username,
                                              user_id=user_id, device_id=row.device_id))
    # The new laptop has a keystore, so a grant key, of its own: the one it presents first (with the fresh token,
    # which only this file carries) is the one certified (certify_grant_key).
    conn.execute(delete(m.device_anchor).where(m.device_anchor.c.device_id == row.device_id))
    keys = hq_keys(conn)
    return LaptopConfig(unit_code=unit_code, device_code=code, server_url=server_url,
                        hq_box_public=crypto.b64(keys.box_public), hq_sign_public=crypto.b64(keys.sign_public),
                        replacement=ReplacementIdentity(device_id=row.device_id, epoch=epoch, token=token,
                                                        signing_key=crypto.b64(private),
                                                        admin_username=admin_username, admin_user_id=user_id))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


def _check_user_names(conn: Connection, code: str, users: Sequence[tuple[str, str]]) -> None:
    staff = m.RECORDS["user_account"]
    for user_id, username in users:
        key = username.casefold()
        held = conn.execute(select(staff.c.id).where(func.lower(staff.c.username) == key.lower(),
                                                     staff.c.id != user_id)).first()
        claim = conn.execute(select(m.device_user.c.user_id, m.device.c.device_code)
                             .join(m.device, m.device.c.device_id == m.device_user.c.device_id, isouter=True)
                             .where(m.device_user.c.username_key == key, m.device_user.c.user_id != user_id)).first()
        if held is None and claim is None:
            continue
        where = f"by laptop {claim.device_code}" if claim is not None and claim.device_code else \
            "by another account"
        raise DeviceError(f"The user name {username} is already used {where}. A user name signs in on every "
                          "laptop of the unit, so each must be one person's: set this laptop up again with another "
                          "administrator name (e.g. the device code in it, like "
                          f"{code.lower()}.admin); nothing was enrolled.")


def record_report(conn: Connection, device_id: str, *, queued: int, quarantined: int, parked: int,
                  conflicts: int) -> None:
    """Keep what the laptop told of itself (one row per laptop, the latest)."""
    values = dict(reported_at=datetime.now(timezone.utc), queued=queued, quarantined=quarantined, parked=parked,
                  conflicts=conflicts)
    done = conn.execute(update(m.device_report).where(m.device_report.c.device_id == device_id).values(**values))
    if not done.rowcount:
        conn.execute(insert(m.device_report).values(device_id=device_id, **values))


@dataclass(frozen=True)
class DeviceRow:
    device_id: str
    device_code: str
    epoch: int
    enrolled_at: datetime
    last_seen_at: datetime | None
    received: int
    rejected: int
    revoked: bool
    # As the laptop told them at its last round (None: it never did).
    reported_at: datetime | None = None
    queued: int | None = None
    quarantined: int | None = None
    parked: int | None = None
    conflicts: int | None = None
    unit_code: str | None = None  # the unit it was enrolled for (None: enrolled without one)
    replaced_at: datetime | None = None  # when a replacement laptop last took over its identity
    keys_refused: int = 0  # rounds refused since its grant key or headquarters key changed (certify_grant_key)


def list_devices(conn: Connection) -> list[DeviceRow]:
    """Every enrolled laptop with its current epoch, when it was last heard of, and what the server holds of it."""
    from sqlalchemy import func

    def counts(stmt: Any) -> dict[str, int]:
        return {str(k): int(v or 0) for k, v in conn.execute(stmt).all()}

    epochs = counts(select(m.device_epoch.c.device_id, func.max(m.device_epoch.c.epoch))
                    .group_by(m.device_epoch.c.device_id))
    received = counts(select(m.received.c.device_id, func.count()).group_by(m.received.c.device_id))
    rejected = counts(select(m.rejected.c.device_id, func.count()).group_by(m.rejected.c.device_id))
    reports = {r.device_id: r for r in conn.execute(select(m.device_report)).all()}
    refused = counts(select(m.device_anchor.c.device_id, m.device_anchor.c.refused_count))
    unit = m.RECORDS["unit"]
    units = {str(k): str(v) for k, v in conn.execute(select(unit.c.id, unit.c.code)).all()}
    rows = conn.execute(select(m.device).order_by(m.device.c.device_code)).all()
    out = []
    for r in rows:
        rep = reports.get(r.device_id)
        out.append(DeviceRow(r.device_id, r.device_code, int(epochs.get(r.device_id) or 1), r.enrolled_at,
                             r.last_seen_at, int(received.get(r.device_id, 0)), int(rejected.get(r.device_id, 0)),
                             bool(r.revoked), rep.reported_at if rep else None, rep.queued if rep else None,
                             rep.quarantined if rep else None, rep.parked if rep else None,
                             rep.conflicts if rep else None,
                             units.get(str(r.unit_id), str(r.unit_id)[:8]) if r.unit_id else None,
                             r.replaced_at, int(refused.get(r.device_id, 0))))
    return out


@dataclass(frozen=True)
class RejectedRow:
    """One change the server refused from a laptop (``srv_rejected``), as headquarters is shown it."""

    at: datetime
    epoch: int
    seq: int
    entity: str
    record_id: str
    code: str  # a RejectionCode (app.sync.protocol): what kind of refusal
    reason: str  # the server's sentence (record ids, never a record's values)


def rejection_parts(stored: str) -> tuple[str, str]:
    """(code, sentence) of a stored reason: ``"headquarters_only: diagnosis is ..."``. An invalid record's reason is
    stored without its code (apply._bookkeep), and so is the isolated fallback's (apply.apply_isolated)."""
    from typing import get_args

    from app.sync.protocol import RejectionCode

    head, sep, rest = stored.partition(": ")
    if sep and head in get_args(RejectionCode):
        return head, rest
    if stored.startswith("the server could not apply this record"):
        return "refused", stored
    return "invalid", stored


def count_rejected(conn: Connection, device_id: str) -> int:
    r = m.rejected
    return int(conn.execute(select(func.count()).select_from(r).where(r.c.device_id == device_id)).scalar() or 0)


def list_rejected(conn: Connection, device_id: str, *, offset: int = 0, limit: int | None = None) -> list[RejectedRow]:
    """A laptop's refused changes, newest first (the row id breaks ties: a batch's refusals share their moment, and
    pages never overlap)."""
    r = m.rejected
    q = (select(r.c.at, r.c.epoch, r.c.seq, r.c.entity, r.c.record_id, r.c.reason).where(r.c.device_id == device_id)
         .order_by(r.c.at.desc(), r.c.id.desc()).offset(offset))
    if limit is not None:
        q = q.limit(limit)
    out = []
    for row in conn.execute(q):
        code, reason = rejection_parts(row.reason)
        out.append(RejectedRow(row.at, int(row.epoch), int(row.seq), row.entity, row.record_id, code, reason))
    return out


def find_device_id(conn: Connection, device: str) -> str | None:
    """A device named by its id or its code."""
    row = conn.execute(select(m.device.c.device_id).where(
        (m.device.c.device_id == device) | (m.device.c.device_code == device.strip().upper()))).first()
    return str(row.device_id) if row else None


def revoke_device(conn: Connection, device_id: str) -> bool:
    result = conn.execute(update(m.device).where(m.device.c.device_id == device_id).values(revoked=True))
    return bool(result.rowcount)


def device_for_token(conn: Connection, token: str) -> Device | None:
    row = conn.execute(select(m.device).where(m.device.c.token_hash == token_hash(token))).first()
    if row is None or row.revoked:
        return None
    return Device(row.device_id, row.device_code, crypto.unb64(row.public_key), row.unit_id)


def get_device(conn: Connection, device_id: str) -> Device | None:
    """Any enrolled, not revoked device (bundles are checked against it)."""
    row = conn.execute(select(m.device).where(m.device.c.device_id == device_id)).first()
    if row is None or row.revoked:
        return None
    k = m.device_key
    superseded = tuple(SupersededKey(crypto.unb64(r.public_key), _aware(r.superseded_at), int(r.before_epoch))
                       for r in conn.execute(select(k).where(k.c.device_id == device_id)
                                             .order_by(k.c.superseded_at)))
    return Device(row.device_id, row.device_code, crypto.unb64(row.public_key), row.unit_id, superseded)


def new_epoch(conn: Connection, device_id: str) -> int:
    """A fresh epoch number for a restored or cloned laptop: higher than any this device has used or been given.

    One UPDATE … RETURNING, so the database hands it out: two server processes asked at once get different numbers
    (the second waits for the first's row lock and counts on from its value)."""
    d, de = m.device, m.device_epoch
    used = (select(func.coalesce(func.max(de.c.epoch), 0)).where(de.c.device_id == device_id).scalar_subquery())
    top = case((used > d.c.epoch_counter, used), else_=d.c.epoch_counter)
    epoch = conn.execute(update(d).where(d.c.device_id == device_id).values(epoch_counter=top + 1)
                         .returning(d.c.epoch_counter)).scalar_one_or_none()
    if epoch is None:
        raise DeviceError(f"device {device_id} is not enrolled")
    return int(epoch)
