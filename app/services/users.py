"""Managing the people who may use this laptop: the User record (who they are, synced) and the keystore entry
(how they sign in, local) change together or not at all.

Each change runs in one database transaction with the keystore change made last, inside it: if the keystore
refuses (weak password, disk full) the transaction rolls back; if the commit fails after the keystore was saved,
``Keystore.undo_on_error`` puts the keystore back. So a person is never in one and missing from the other.
Passwords and the database key are never logged, stored in the database or put in the audit detail.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry, User, new_id
from app.security.keystore import (
    InvalidUserName,
    Keystore,
    KeystoreError,
    UserExists,
    WeakPassword,
    check_password_strength,
    clean_username,
    username_key,
)
from app.security.roles import Action, Role, role_label
from app.services.context import Ctx
from app.services.errors import FieldError, NotFound, ServiceError, ValidationFailed

log = logging.getLogger("sayyar.services.users")

ENTITY = "user_account"
_MAX_USERNAME = 60  # the User.username column
_MAX_NAME = 200


@dataclass(frozen=True)
class UserRow:
    """One line of the users screen: who, which role, and whether they can sign in here right now."""

    user_id: str
    username: str
    full_name: str
    full_name_en: str
    full_name_fa: str
    role: str
    role_label: str
    active: bool
    can_sign_in_here: bool  # has a keystore entry on this laptop
    locked_until: datetime | None
    failed_attempts: int

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


# ----- errors -------------------------------------------------------------------------------------------------


def _field(name: str, code: str, en: str, fa: str) -> ValidationFailed:
    label_en, label_fa = {"username": ("User name", "نام کاربری"), "password": ("Password", "گذرواژه"),
                          "role": ("Role", "نقش"), "full_name": ("Full name", "نام کامل")}[name]
    return ValidationFailed([FieldError(name, code, f"{label_en}: {en}", f"{label_fa}: {fa}")])


def _as_service_error(err: KeystoreError) -> ServiceError:
    if isinstance(err, WeakPassword):
        return _field("password", "weak_password", err.message, err.message_fa)
    if isinstance(err, (InvalidUserName, UserExists)):
        return _field("username", "username_taken" if isinstance(err, UserExists) else "invalid_username",
                      err.message, err.message_fa)
    return ServiceError(err.message, err.message_fa, code=type(err).__name__)


@contextmanager
def _keystore_errors() -> Iterator[None]:
    try:
        yield
    except KeystoreError as err:
        raise _as_service_error(err) from None


@contextmanager
def _together(ctx: Ctx, keystore: Keystore) -> Iterator[Session]:
    """One step across the database and the keystore. Inside, write the records and flush first (so database
    constraints fail before the keystore is touched), then change the keystore last."""
    with _keystore_errors(), keystore.undo_on_error(), ctx.write() as session:
        yield session


def _need_key(db_key: bytes | None) -> bytes:
    if not db_key:
        raise ServiceError("Sign in again to manage users.", "برای مدیریت کاربران دوباره وارد شوید.",
                           code="no_key")
    return db_key


# ----- validation ---------------------------------------------------------------------------------------------


def _role(role: str) -> str:
    value = str(role.value) if isinstance(role, Role) else str(role)
    if value not in Role._value2member_map_:
        raise _field("role", "unknown_role", "choose one of the roles.", "یکی از نقش‌ها را انتخاب کنید.")
    return value


def _username(session: Session, username: str) -> str:
    try:
        clean = clean_username(username)
    except InvalidUserName as err:
        raise _as_service_error(err) from None
    if len(clean) > _MAX_USERNAME:
        raise _field("username", "too_long", f"at most {_MAX_USERNAME} characters.",
                     f"حداکثر {_MAX_USERNAME} نویسه.")
    wanted = username_key(clean)
    # Deactivated accounts keep their name: records they made still point at it.
    if any(username_key(u) == wanted for u in session.scalars(select(User.username))):
        raise _as_service_error(UserExists())
    return clean


def _names(full_name_en: str, full_name_fa: str) -> tuple[str, str]:
    en, fa = (unicodedata.normalize("NFC", n).strip() for n in (full_name_en, full_name_fa))
    if not (en or fa):
        raise _field("full_name", "missing", "give the name in English or Persian.",
                     "نام را به انگلیسی یا فارسی وارد کنید.")
    if len(en) > _MAX_NAME or len(fa) > _MAX_NAME:
        raise _field("full_name", "too_long", f"at most {_MAX_NAME} characters.", f"حداکثر {_MAX_NAME} نویسه.")
    return en, fa


def _password(password: str) -> None:
    try:
        check_password_strength(password)
    except WeakPassword as err:
        raise _as_service_error(err) from None


# ----- lookups ------------------------------------------------------------------------------------------------


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None or user.deleted:
        raise NotFound("user", "کاربر", user_id)
    return user


def _keystore_name(keystore: Keystore, user_id: str) -> str:
    """The name the keystore knows this person by (matched by id, so a renamed record cannot point elsewhere)."""
    for entry in keystore.users():
        if entry.user_id == user_id:
            return entry.username
    raise ServiceError("This person cannot sign in on this laptop.", "این فرد نمی‌تواند در این رایانه وارد شود.",
                       code="not_on_laptop")


def _keep_an_admin(session: Session, keystore: Keystore, losing_id: str) -> None:
    """Someone must still be able to manage users afterwards: refuse to remove the last active administrator."""
    here = {u.user_id for u in keystore.users()}
    admins = session.scalars(select(User.id).where(User.role == Role.UNIT_ADMIN.value, User.active.is_(True),
                                                   User.deleted.is_(False), User.id != losing_id)).all()
    if not any(a in here for a in admins):
        raise ServiceError(
            "This is the last unit administrator on this laptop. Make someone else administrator first.",
            "این آخرین مدیر واحد در این رایانه است. ابتدا فرد دیگری را مدیر کنید.", code="last_admin")


def _audit(session: Session, ctx: Ctx, action: str, user_id: str, detail: dict[str, object]) -> None:
    session.add(AuditEntry(user_id=ctx.user_id, action=action, entity=ENTITY, record_id=user_id, detail=detail))


# ----- use cases ----------------------------------------------------------------------------------------------


def add_user(ctx: Ctx, session_keystore: Keystore, db_key: bytes | None, *, username: str, full_name_en: str,
             full_name_fa: str = "", role: str, password: str, language: str = "fa") -> str:
    """A new member of staff: the User record and the keystore entry, with the same id. Returns the id."""
    ctx.require(Action.MANAGE_USERS)
    key = _need_key(db_key)
    role = _role(role)
    en, fa = _names(full_name_en, full_name_fa)
    _password(password)
    user_id = new_id()
    with _together(ctx, session_keystore) as session:
        clean = _username(session, username)
        session.add(User(id=user_id, username=clean, full_name_en=en, full_name_fa=fa, role=role,
                         unit_id=ctx.unit_id, language="en" if language == "en" else "fa"))
        _audit(session, ctx, "created", user_id, {"role": role})
        session.flush()
        session_keystore.add_user(key, user_id=user_id, username=clean, password=password, role=role)
    log.info("user added id=%s role=%s", user_id, Role(role))
    return user_id


def give_access(ctx: Ctx, session_keystore: Keystore, db_key: bytes | None, *, user_id: str, password: str) -> None:
    """Lets someone who already has a User record (staff sent down from headquarters by sync, or a deactivated
    colleague coming back) sign in on this laptop: a keystore entry with the record's id and role."""
    ctx.require(Action.MANAGE_USERS)
    key = _need_key(db_key)
    _password(password)
    with _together(ctx, session_keystore) as session:
        user = _user(session, user_id)
        if any(u.user_id == user_id for u in session_keystore.users()):
            raise ServiceError("This person can already sign in on this laptop.",
                               "این فرد از قبل می‌تواند در این رایانه وارد شود.", code="already_on_laptop")
        _role(user.role)
        detail: dict[str, object] = {"change": "access_given"}
        if not user.active:
            user.active = True
            detail["reactivated"] = True
        _audit(session, ctx, "changed", user_id, detail)
        session.flush()
        session_keystore.add_user(key, user_id=user.id, username=user.username, password=password, role=user.role)
    log.info("access given to user id=%s", user_id)


def reset_password(ctx: Ctx, session_keystore: Keystore, db_key: bytes | None, *, user_id: str,
                   new_password: str) -> None:
    """An administrator sets a new password (the person forgot theirs, or was locked out: this also unlocks)."""
    ctx.require(Action.MANAGE_USERS)
    key = _need_key(db_key)
    _password(new_password)
    with _together(ctx, session_keystore) as session:
        user = _user(session, user_id)
        if not user.active:
            raise ServiceError("This account is deactivated.", "این حساب غیرفعال است.", code="inactive")
        name = _keystore_name(session_keystore, user_id)
        _audit(session, ctx, "changed", user_id, {"change": "password_reset"})
        session.flush()
        session_keystore.reset_password(key, name, new_password)
    log.info("password reset for user id=%s", user_id)


def change_own_password(ctx: Ctx, session_keystore: Keystore, *, old_password: str, new_password: str) -> None:
    """Anyone signed in may change their own password; the old one is checked (and throttled) like a sign-in."""
    _password(new_password)
    with _together(ctx, session_keystore) as session:
        _user(session, ctx.user_id)
        name = _keystore_name(session_keystore, ctx.user_id)
        _audit(session, ctx, "changed", ctx.user_id, {"change": "own_password"})
        session.flush()
        session_keystore.change_password(name, old_password, new_password)
    log.info("password changed by user id=%s", ctx.user_id)


def change_role(ctx: Ctx, session_keystore: Keystore, db_key: bytes | None, *, user_id: str, role: str) -> None:
    """The role in the User record (what the services check) and in the keystore (authenticated) move together."""
    ctx.require(Action.MANAGE_USERS)
    key = _need_key(db_key)
    role = _role(role)
    with _together(ctx, session_keystore) as session:
        user = _user(session, user_id)
        granted = next((u.role for u in session_keystore.users() if u.user_id == user_id), role)
        if user.role == role and granted == role and session_keystore.grant_holds(user_id):
            return  # unchanged; a grant that no longer holds (signed by an impostor key) is signed again
        if user.role == Role.UNIT_ADMIN.value and role != Role.UNIT_ADMIN.value:
            _keep_an_admin(session, session_keystore, user_id)
        name = _keystore_name(session_keystore, user_id)
        _audit(session, ctx, "changed", user_id, {"change": "role", "from": user.role, "to": role})
        user.role = role
        session.flush()
        session_keystore.set_role(key, name, role)
    log.info("role changed for user id=%s to %s", user_id, Role(role))


def deactivate_user(ctx: Ctx, session_keystore: Keystore, *, user_id: str) -> str | None:
    """The person can no longer sign in here: User.active=False and the keystore entry removed, then the database
    key replaced and sealed again for the others (``_rotate_database_key``; returns a new recovery key to show when
    one had to be made). The record stays (records they made still name them) and the change travels with sync."""
    ctx.require(Action.MANAGE_USERS)
    if user_id == ctx.user_id:
        raise ServiceError("You cannot deactivate your own account.", "نمی‌توانید حساب خودتان را غیرفعال کنید.",
                           code="self")
    with _together(ctx, session_keystore) as session:
        user = _user(session, user_id)
        if user.role == Role.UNIT_ADMIN.value:
            _keep_an_admin(session, session_keystore, user_id)
        on_laptop = any(u.user_id == user_id for u in session_keystore.users())
        if not user.active and not on_laptop:
            return None
        user.active = False
        _audit(session, ctx, "changed", user_id, {"change": "deactivated"})
        session.flush()
        name = _keystore_name(session_keystore, user_id) if on_laptop else ""
    log.info("user deactivated id=%s", user_id)
    # The entry goes in the same crash-safe step as the key change (Keystore.rekey): cut off before it, the staff
    # record is already inactive, and the next sign-in or sync round removes the entry and replaces the key
    # (app.sync.access).
    return _rotate_database_key(ctx, session_keystore, remove=(name,)) if on_laptop else None


def _rotate_database_key(ctx: Ctx, session_keystore: Keystore, *, remove: tuple[str, ...] = ()) -> str | None:
    """Removing someone's access replaces the database key (SQLCipher rekey) and seals the new one for everyone
    who remains, so a copy of the keystore taken before cannot open the database (trust rules). Returns a new
    recovery key to show once when the old recovery entry could not be sealed again, else None."""
    import secrets

    old = ctx.store.current_key()
    if old is None:  # an unencrypted (test) database has no key to replace
        with _keystore_errors():
            for name in remove:
                session_keystore.remove_user(name)
        return None
    with _keystore_errors():
        done = session_keystore.rekey(old, secrets.token_bytes(32),
                                      lambda before, after: ctx.store.rekey(before, after), remove=remove)
    if done.dropped:
        log.warning("database key replaced: %d accounts from before sealing need a new password", len(done.dropped))
    return done.recovery_key


def list_users_with_state(ctx: Ctx, session_keystore: Keystore, *, include_inactive: bool = False,
                          now: datetime | None = None) -> list[UserRow]:
    """Staff of this unit and everyone who can sign in on this laptop, with lockout state."""
    ctx.require(Action.MANAGE_USERS)
    entries = {u.user_id: u for u in session_keystore.users(now=now)}
    with ctx.read() as session:
        stmt = select(User).where(User.deleted.is_(False))
        if not include_inactive:
            stmt = stmt.where(User.active.is_(True))
        users = [u for u in session.scalars(stmt.order_by(User.username))
                 if u.id in entries or (ctx.unit_id is not None and u.unit_id == ctx.unit_id)]
    rows = []
    for u in users:
        entry = entries.get(u.id)
        label_en, label_fa = role_label(u.role)
        rows.append(UserRow(
            user_id=u.id, username=u.username,
            full_name=(u.full_name_fa or u.full_name_en) if ctx.lang == "fa" else (u.full_name_en or u.full_name_fa),
            full_name_en=u.full_name_en, full_name_fa=u.full_name_fa, role=u.role,
            role_label=label_fa if ctx.lang == "fa" else label_en, active=u.active, can_sign_in_here=entry is not None,
            locked_until=entry.locked_until if entry else None, failed_attempts=entry.failed_attempts if entry else 0,
        ))
    return rows
