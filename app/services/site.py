"""Setting up a laptop (first run, demo site) and signing in: the keystore unlocks the encrypted store."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update

from app.config import db_path, keystore_path, make_private
from app.models import DeviceState, Unit, User, new_id
from app.security.keystore import Keystore, KeystoreError
from app.services.context import Ctx
from app.services.errors import ServiceError
from app.services.reference import seed_reference
from app.store import Store
from app.store.db import WrongDatabaseKey
from app.sync.protocol import LaptopConfig

log = logging.getLogger("sayyar.services.site")

# Documented in the README; only the demo site has these users.
DEMO_PASSWORD = "sayyar-demo"
DEMO_UNIT = "MHU-ZAH"
DEMO_DEVICE_CODE = "ZAH1"


class SignInFailed(ServiceError):
    pass


@dataclass
class SiteSession:
    """A signed-in user on an open store. Switching user reuses the store; nobody's queued work is touched."""

    store: Store
    keystore: Keystore
    ctx: Ctx
    # The database key from sign-in, kept in memory only (never on disk, never printed: repr=False) so that a unit
    # administrator can add users and reset passwords (app.services.users) without typing the password again.
    # The open store already holds the same key, so keeping it here exposes nothing new.
    db_key: bytes | None = field(default=None, repr=False, compare=False)


def site_exists(folder: Path) -> bool:
    return keystore_path(folder).exists() and db_path(folder).exists()


def _as_service_error(err: KeystoreError) -> SignInFailed:
    return SignInFailed(str(err.message), str(err.message_fa), code=type(err).__name__)


def create_site(folder: Path, *, admin_username: str, admin_password: str, admin_full_name: str,
                device_code: str, unit_code: str | None = None, sample_staff: bool = False,
                laptop_config: LaptopConfig | None = None, admin_full_name_fa: str = "") -> str:
    """First run: the unit administrator, an encrypted database with the reference data, and the recovery key
    (returned, to be shown once). A real installation gets no sample staff: its people are added by the
    administrator or come from headquarters. With headquarters' configuration file (``laptop_config``) its unit,
    device code, server address and headquarters' keys are used. If anything fails, nothing half-made is left."""
    replacement = laptop_config.replacement if laptop_config is not None else None
    if laptop_config is not None:
        device_code, unit_code = laptop_config.device_code, laptop_config.unit_code
    if replacement is not None and admin_username.casefold() != replacement.admin_username.casefold():
        # The server reserved this name for the replacement (names are unique across laptops); another one could
        # belong to someone else already.
        raise ServiceError(f"This laptop replaces {laptop_config.device_code if laptop_config else ''}: its "
                           f"administrator is {replacement.admin_username}, the name headquarters reserved for it. "
                           "Set it up with that name.",
                           f"این رایانه جانشین {laptop_config.device_code if laptop_config else ''} است و مدیر آن "
                           f"{replacement.admin_username} است، نامی که ستاد برایش نگه داشته است. با همین نام "
                           "راه‌اندازی کنید.", code="invalid")
    code = device_code.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{2,8}", code):
        raise ServiceError("The laptop code must be 2 to 8 letters or digits, e.g. ZAH1.",
                           "کد رایانه باید ۲ تا ۸ حرف لاتین یا رقم باشد، مثلاً ZAH1.", code="invalid")
    folder.mkdir(parents=True, exist_ok=True)
    if site_exists(folder) or db_path(folder).exists() or keystore_path(folder).exists():
        raise ServiceError("Sayyar is already set up in this folder.", "سیار در این پوشه از قبل راه‌اندازی شده است.")
    user_id = replacement.admin_user_id if replacement is not None else new_id()
    try:
        keystore, db_key, recovery = Keystore.create(keystore_path(folder), user_id=user_id, username=admin_username,
                                                     password=admin_password, role="unit_admin")
    except KeystoreError as err:
        raise _as_service_error(err) from None
    try:
        store = Store.open(db_path(folder), db_key, device_code=code,
                           device_id=replacement.device_id if replacement is not None else None,
                           epoch=replacement.epoch if replacement is not None else 1)
        try:
            seed_reference(store, unit_code=unit_code, sample_staff=sample_staff)
            username = keystore.users()[0].username
            with store.write(user_id) as session:
                if session.scalar(select(User.id).where(User.username == username)):
                    raise ServiceError(f"The user name {username!r} is already taken; choose another.",
                                       f"نام کاربری «{username}» گرفته شده است؛ نام دیگری برگزینید.", code="invalid")
                unit_id = session.scalar(select(Unit.id).where(Unit.code == unit_code)) if unit_code else None
                name_en, name_fa = _admin_names(admin_full_name, admin_full_name_fa)
                session.add(User(id=user_id, username=username, full_name_en=name_en, full_name_fa=name_fa,
                                 role="unit_admin", unit_id=unit_id))
            if laptop_config is not None:
                from app.sync.identity import load_laptop_config

                load_laptop_config(store, laptop_config)
        finally:
            store.close()
        for private in (folder, db_path(folder), keystore_path(folder)):
            make_private(private)  # encrypted, and still nobody else's to copy
    except BaseException:
        for leftover in (keystore_path(folder), *folder.glob(db_path(folder).name + "*")):
            leftover.unlink(missing_ok=True)
        raise
    return recovery


def _admin_names(full_name: str, full_name_fa: str) -> tuple[str, str]:
    """(English, Persian) names of the first administrator. The first-run screen and ``sayyar setup --full-name``
    ask one name: typed in Persian script it is the Persian name (a Persian screen shows it; an English one falls
    back to it), as staff records keep each script in its own field."""
    from app.core.persian import is_persian

    full_name, full_name_fa = full_name.strip(), full_name_fa.strip()
    if not full_name_fa and is_persian(full_name):
        return "", full_name
    return full_name, full_name_fa


def create_demo_site(folder: Path, *, with_staff: bool = True) -> str:
    """The README's demo: the SAMPLE site as seen from unit MHU-ZAH's laptop, its staff and one headquarters user,
    all with the documented demo password."""
    recovery = create_site(folder, admin_username="admin", admin_password=DEMO_PASSWORD,
                           admin_full_name="Demo administrator", admin_full_name_fa="مدیر نمونه",
                           device_code=DEMO_DEVICE_CODE, unit_code=DEMO_UNIT,
                           sample_staff=True)
    if not with_staff:
        return recovery
    keystore = Keystore.load(keystore_path(folder))
    db_key = keystore.unlock("admin", DEMO_PASSWORD).db_key
    store = Store.open(db_path(folder), db_key)
    try:
        with store.read() as session:
            unit_id = store.device.unit_id
            staff = list(session.scalars(select(User).where((User.unit_id == unit_id) | (User.role == "headquarters"))))
        added_hq = False
        for user in staff:
            if user.username == "admin" or (user.role == "headquarters" and added_hq):
                continue
            added_hq = added_hq or user.role == "headquarters"
            keystore.add_user(db_key, user_id=user.id, username=user.username, password=DEMO_PASSWORD, role=user.role)
    finally:
        store.close()
    return recovery


def sign_in(folder: Path, username: str, password: str, *, lang: str | None = None,
            facility_id: str | None = None) -> SiteSession:
    """Unlock, check the grant against the key headquarters certified (app.sync.anchor), open the database, and end
    the access of anyone whose staff record no longer allows it (app.sync.access: also finishes a key change a crash
    cut short)."""
    from app.store.db import key_opens
    from app.sync.access import rotate_for_removed
    from app.sync.anchor import certified_grant_key_at

    keystore = Keystore.load(keystore_path(folder))
    database = db_path(folder)
    if keystore.rotation_pending:
        keystore.settle_rotation(username, password, lambda key: key_opens(database, key))
    try:
        result = keystore.unlock(username, password, anchor=lambda key: certified_grant_key_at(database, key))
    except KeystoreError as err:
        raise _as_service_error(err) from None
    try:
        store = Store.open(database, result.db_key)
    except WrongDatabaseKey:
        raise SignInFailed("This account no longer opens this laptop's database (its key was changed). Ask the "
                           "unit administrator.", "این حساب دیگر پایگاه دادهٔ این رایانه را باز نمی‌کند (کلید آن "
                           "عوض شده است). از مدیر واحد بپرسید.", code="key_replaced") from None
    try:
        ctx = context_for(store, result.user_id, lang=lang, facility_id=facility_id)
    except SignInFailed:
        # Deactivated (here or by headquarters through sync): this password must stop unwrapping the key too, and
        # the key is replaced, so a copy of the keystore taken before opens nothing either.
        rotate_for_removed(store, keystore, also=(username,))
        store.close()
        raise
    rotate_for_removed(store, keystore)
    try:
        check_granted_role(keystore, str(result.role), ctx, db_key=result.db_key, username=username)
    except SignInFailed:
        store.close()
        raise
    return SiteSession(store, keystore, ctx, db_key=result.db_key)


def check_granted_role(keystore: Keystore, granted: str, ctx: Ctx, *, db_key: bytes, username: str) -> None:
    """The role a person works with is the one a unit administrator signed (the keystore's grant, checked when it
    unlocked), never only what the staff table says: a raw edit of the table grants nothing (trust rules). A staff
    record whose role differs (changed by headquarters through sync, or by hand) is refused until the unit
    administrator sets the role again (``change_role``)."""
    if granted == ctx.role:
        return
    if not keystore.grants_in_force:
        # A keystore written before grants: the staff record (which sync keeps current) leads, as it did.
        keystore.set_role(db_key, username, ctx.role)
        return
    log.warning("sign-in refused: the staff record's role is not the granted one (user %s)", ctx.user_id)
    raise SignInFailed(
        "Your role on this laptop is not the one the unit administrator granted (the staff record was changed). "
        "Ask the unit administrator to set your role again.",
        "نقش شما در این رایانه همان نقشی نیست که مدیر واحد داده است (سابقهٔ کارمند تغییر کرده است). "
        "از مدیر واحد بخواهید نقش شما را دوباره تعیین کند.", code="role_not_granted")


def context_for(store: Store, user_id: str, *, lang: str | None = None, facility_id: str | None = None) -> Ctx:
    with store.read() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise SignInFailed("This account is not active on this laptop.", "این حساب در این رایانه فعال نیست.")
        return Ctx(store, user.id, user.role, unit_id=user.unit_id or store.device.unit_id,
                   facility_id=facility_id, lang=lang or user.language)


def set_device_unit(store: Store, unit_code: str) -> None:
    with store.write(None) as session:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == unit_code))
        session.execute(update(DeviceState).values(unit_id=unit_id))
    store.refresh_device()
