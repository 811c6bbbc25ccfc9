"""The Keystore class: sign-in with throttling and lockout, and user management. Every change is saved
atomically before a method returns."""

from __future__ import annotations

import copy
import hmac
import json
import logging
import math
import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.security.keystore.crypto import (
    _argon2,
    _check_password_strength,
    _clean_username,
    _key_check,
    _norm_username,
    _recovery_ad,
    _role_mac,
    _role_text,
    _user_ad,
    _wrap_for_user,
)
from app.security.keystore.errors import (
    AccountLocked,
    EntryDamaged,
    GrantKeyNotCertified,
    KeystoreError,
    KeystoreWriteError,
    LastUser,
    NoSuchUser,
    NotAGrantor,
    RoleNotGranted,
    TooManyAttempts,
    UnknownUser,
    UserExists,
    WrongDatabaseKey,
    WrongPassword,
    WrongRecoveryKey,
    _BadPassword,
    _corrupt,
)
from app.security.keystore.fileio import _atomic_write, _doc_from_json, _doc_to_json, _fsync_dir, _replace_with_retry
from app.security.keystore.grants import (
    grant_holds,
    new_root,
    root_public_of,
    seal_root,
    sign_grant,
    unseal_root,
    unwrap_root,
)
from app.security.keystore.model import (
    _SALT_BYTES,
    DB_KEY_BYTES,
    DEFAULT_KDF_PARAMS,
    KdfParams,
    KeystoreUser,
    LockoutPolicy,
    UnlockResult,
    _Doc,
    _FailureState,
    _UserEntry,
)
from app.security.keystore.recovery import _new_recovery_entry, _parse_recovery, _recovery_wrap_key
from app.security.keystore.sealing import seal, unseal, unwrap_box

log = logging.getLogger("sayyar.security.keystore")  # one logger name for the whole package

_ADMIN = "unit_admin"


@dataclass(frozen=True)
class Rekeyed:
    dropped: list[str]  # user names whose entries predate sealing: they need a new password
    recovery_key: str | None  # a new recovery key to show once (the old entry predated sealing), else None

# Unknown user names tracked in memory for throttling; bounded so typing thousands of names cannot grow memory.
_MAX_GHOSTS = 1000


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    return now if now.tzinfo else now.replace(tzinfo=timezone.utc)


class Keystore:
    """Users and wrapped database keys. Every change is saved before the method returns; if saving fails,
    the object and the file both stay as they were."""

    def __init__(
        self, path: Path, doc: _Doc, *, kdf_params: KdfParams, policy: LockoutPolicy
    ) -> None:  # use create() or load()
        self.path = path
        self._doc = doc
        self.kdf_params = kdf_params
        self.policy = policy
        # Failure counters for user names that do not exist, so that they throttle and lock exactly like real
        # ones and the sign-in screen does not reveal which names exist. Memory only: a typo must not be
        # written to disk.
        self._ghosts: dict[str, _FailureState] = {}
        # The grant key's private half, in memory only, while a unit administrator is signed in (grants.py).
        self._root: bytes | None = None
        # Keys replaced by rekey() in this process -> their successor (memory only).
        self._replaced: dict[bytes, bytes] = {}
        # A rekey that did not finish (keystore.json.next beside the file): settled at the next sign-in.
        self._pending: _Doc | None = None

    # ----- construction -----

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        user_id: str,
        username: str,
        password: str,
        role: str,
        kdf_params: KdfParams | None = None,
        policy: LockoutPolicy | None = None,
    ) -> tuple[Keystore, bytes, str]:
        """New keystore with a new random database key, the first user (the unit administrator) and a recovery
        key. Returns (keystore, db_key, recovery_key_text); the recovery key text is not stored anywhere."""
        p = Path(path)
        if p.exists():
            # Overwriting would orphan the database that the existing keystore unlocks.
            raise KeystoreError(
                "A keystore already exists here. It was not replaced.",
                "فایل کلیدها از پیش اینجا وجود دارد و جایگزین نشد.",
            )
        params = kdf_params or DEFAULT_KDF_PARAMS
        _check_password_strength(password)
        clean = _clean_username(username)
        role = _role_text(role)
        if not user_id:
            raise KeystoreError("A user id is required.", "شناسهٔ کاربر لازم است.")
        db_key = secrets.token_bytes(DB_KEY_BYTES)
        keystore_id = uuid.uuid4().hex
        root_private, root_public = new_root()
        entry = _wrap_for_user(db_key, user_id=user_id, username=clean, role=role, password=password, params=params,
                               root_private=root_private,
                               grant=sign_grant(root_private, keystore_id, user_id, clean, role))
        recovery, text = _new_recovery_entry(db_key, root_private)
        doc = _Doc(keystore_id=keystore_id, key_check=_key_check(db_key, keystore_id), users=[entry], recovery=recovery,
                   root_public=root_public)
        ks = cls(p, doc, kdf_params=params, policy=policy or LockoutPolicy())
        ks._root = root_private
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KeystoreWriteError() from exc
        ks._save(doc)
        return ks, db_key, text

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        kdf_params: KdfParams | None = None,
        policy: LockoutPolicy | None = None,
    ) -> Keystore:
        """``kdf_params`` is the target cost for new and re-wrapped entries (entries keep their own)."""
        p = Path(path)
        try:
            raw_bytes = p.read_bytes()
        except FileNotFoundError:
            raise KeystoreError(
                "No keystore was found. Set up this laptop first, or restore the keystore from a backup.",
                "فایل کلیدها پیدا نشد. ابتدا این رایانه را راه‌اندازی کنید یا فایل را از نسخهٔ پشتیبان برگردانید.",
            ) from None
        except OSError as exc:
            raise KeystoreError(
                "The keystore file could not be read.", "فایل کلیدها خوانده نشد."
            ) from exc
        try:
            raw = json.loads(raw_bytes.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _corrupt("not valid JSON") from None
        doc = _doc_from_json(raw)
        ks = cls(p, doc, kdf_params=kdf_params or DEFAULT_KDF_PARAMS, policy=policy or LockoutPolicy())
        ks._pending = _read_pending(_next_path(p))
        return ks

    # ----- sign-in -----

    def unlock(self, username: str, password: str, *, now: datetime | None = None,
               anchor: Callable[[bytes], bytes | None] | None = None) -> UnlockResult:
        """``anchor(db_key)`` answers the grant key headquarters certified for this laptop (app.sync.anchor), or
        None while there is none: a keystore with another grant key is refused (or repaired by an administrator
        who holds the certified one)."""
        at = _utc(now)
        key = _norm_username(username)
        entry = self._find(key)
        if entry is None and len(self._ghosts) > _MAX_GHOSTS:
            self._ghosts.clear()  # bound memory if someone types thousands of different names
        state = entry.failures if entry is not None else self._ghosts.setdefault(key, _FailureState())
        self._gate(state, at, persist=entry is not None)
        if entry is None:
            # Spend the same time as a real check so timing does not reveal unknown names.
            _argon2(password, secrets.token_bytes(_SALT_BYTES), self.kdf_params)
            self._record_failure(state, at, persist=False)
            raise UnknownUser(self._remaining(state))
        try:
            db_key = self._open_entry(entry, password)
        except _BadPassword:
            self._record_failure(state, at, persist=True)
            raise WrongPassword(self._remaining(state)) from None
        self._after_success(entry, password, db_key)
        entry = self._find(key) or entry  # _after_success may have re-wrapped it
        certified = anchor(db_key) if anchor is not None else None
        if certified is not None and certified != self._doc.root_public:
            self._restore_root(entry, password, db_key, certified)
            entry = self._find(key) or entry
        self._grants_at_sign_in(entry, password)
        return UnlockResult(user_id=entry.user_id, username=entry.username, role=entry.role, db_key=db_key)

    def unlock_with_recovery(self, recovery_key_text: str) -> bytes:
        canonical = _parse_recovery(recovery_key_text)
        rec = self._doc.recovery
        try:
            wrap_key = _recovery_wrap_key(canonical, rec.salt)
            if rec.sealed:
                owner = f"recovery:{rec.recovery_id}"
                db_key = unseal(rec.sealed, unwrap_box(wrap_key, owner, rec.box_nonce, rec.box_wrapped), owner)
            else:
                db_key = AESGCM(wrap_key).decrypt(rec.nonce, rec.wrapped_key, _recovery_ad(rec.recovery_id))
        except InvalidTag:
            raise WrongRecoveryKey() from None
        if not hmac.compare_digest(_key_check(db_key, self._doc.keystore_id), self._doc.key_check):
            raise WrongRecoveryKey()
        if rec.root_wrapped:
            try:
                self._root = unwrap_root(_recovery_wrap_key(canonical, rec.salt), f"recovery:{rec.recovery_id}",
                                         rec.root_nonce, rec.root_wrapped)
            except InvalidTag:
                log.warning("keystore grant key (recovery) failed authentication")
        return db_key

    # ----- management -----

    @contextmanager
    def undo_on_error(self) -> Iterator[None]:
        """Puts the users and the recovery entry back as they were if the block raises.

        For callers that change the keystore and another store together (app.services.users writes the User
        record in the same step): if the database commit fails after the keystore was saved, the keystore is
        restored, so the two never disagree. Failure counters from a wrong password inside the block are kept:
        they change the current document in place, which is not treated as a change to undo.
        """
        before = self._doc
        snapshot = copy.deepcopy(before)
        try:
            yield
        except BaseException:
            if self._doc is not before:
                try:
                    self._commit(snapshot)
                except KeystoreWriteError:
                    log.error("keystore could not be restored after a failed change")
            raise


    def users(self, *, now: datetime | None = None) -> list[KeystoreUser]:
        at = _utc(now)
        return [
            KeystoreUser(
                user_id=u.user_id,
                username=u.username,
                role=u.role,
                locked_until=self._lock_in_effect(u.failures, at),
                failed_attempts=u.failures.failed_attempts,
            )
            for u in self._doc.users
        ]

    def add_user(self, db_key: bytes, *, user_id: str, username: str, password: str, role: str) -> None:
        db_key = self._require_db_key(db_key)
        _check_password_strength(password)
        clean = _clean_username(username)
        role = _role_text(role)
        if not user_id:
            raise KeystoreError("A user id is required.", "شناسهٔ کاربر لازم است.")
        if self._find(_norm_username(clean)) is not None or any(u.user_id == user_id for u in self._doc.users):
            raise UserExists()
        entry = _wrap_for_user(
            db_key, user_id=user_id, username=clean, role=role, password=password, params=self.kdf_params,
            **self._granted(user_id, clean, role),
        )
        doc = copy.deepcopy(self._doc)
        doc.users.append(entry)
        self._commit(doc)
        self._ghosts.pop(_norm_username(clean), None)

    def change_password(
        self, username: str, old_password: str, new_password: str, *, now: datetime | None = None
    ) -> None:
        """The user changes their own password. Goes through unlock() so that it is throttled like sign-in."""
        _check_password_strength(new_password)
        result = self.unlock(username, old_password, now=now)
        self._rewrap(result.username, result.db_key, new_password)

    def reset_password(self, db_key: bytes, username: str, new_password: str) -> None:
        """An administrator (already unlocked, so holding db_key) sets a new password; clears any lockout."""
        db_key = self._require_db_key(db_key)
        _check_password_strength(new_password)
        self._rewrap(username, db_key, new_password)

    def set_role(self, db_key: bytes, username: str, role: str) -> None:
        """Changes a user's role. Needs the db key because the role is authenticated by a MAC under it."""
        db_key = self._require_db_key(db_key)
        role = _role_text(role)
        doc = copy.deepcopy(self._doc)
        entry = self._find_in(doc, username)
        granted = self._granted(entry.user_id, entry.username, role)
        entry.role = role
        entry.role_mac = _role_mac(db_key, entry.user_id, role)
        entry.grant = granted.get("grant", b"")  # type: ignore[assignment]
        if role != _ADMIN:
            entry.root_nonce, entry.root_wrapped, entry.root_sealed = b"", b"", b""  # no longer signs grants
        elif not entry.root_wrapped and self._root is not None:
            if entry.box_public:  # handed over now, taken under their own password at their next sign-in
                entry.root_sealed = seal_root(self._root, entry.box_public, entry.user_id)
            else:
                log.warning("keystore: a promoted administrator signs grants only after a password reset")
        self._commit(doc)

    def remove_user(self, username: str) -> None:
        key = _norm_username(username)
        if self._find(key) is None:
            raise NoSuchUser()
        if len(self._doc.users) == 1:
            raise LastUser()
        doc = copy.deepcopy(self._doc)
        doc.users = [u for u in doc.users if _norm_username(u.username) != key]
        self._commit(doc)

    def rotate_recovery_key(self, db_key: bytes) -> str:
        """Replaces the recovery key; the old one stops working. Returns the new text to show once."""
        db_key = self._require_db_key(db_key)
        recovery, text = _new_recovery_entry(db_key, self._root)
        doc = copy.deepcopy(self._doc)
        doc.recovery = recovery
        self._commit(doc)
        return text

    def backup_document(self, *, roles: tuple[str, ...] = ("unit_admin",)) -> bytes:
        """This keystore as file bytes for a laptop backup: the recovery entry and only the users of ``roles``
        (the unit administrators), with their failure counters cleared. So the backup opens with the recovery key
        or an administrator's password, and with nobody else's (app.services.backup)."""
        doc = copy.deepcopy(self._doc)
        doc.users = [u for u in doc.users if u.role in roles]
        for u in doc.users:
            u.failures = _FailureState()
        if not doc.users:
            raise KeystoreError("This laptop has no unit administrator, so a backup could not be opened by one.",
                                "این رایانه مدیر واحد ندارد، پس نسخهٔ پشتیبان را مدیری نمی‌تواند باز کند.")
        return json.dumps(_doc_to_json(doc), ensure_ascii=False, indent=2).encode("utf-8")

    def rekey(self, db_key: bytes, new_key: bytes, rekey_database: Callable[[bytes, bytes], None], *,
              remove: tuple[str, ...] = ()) -> Rekeyed:
        """Replace the database key: ``rekey_database(old, new)`` re-encrypts the database (``Store.rekey``), then
        the new key is sealed for every remaining user and the recovery key, and saved. An entry written before
        sealing (its person has not signed in since) cannot be sealed without its password: it is removed and named
        (the administrator gives that person a new password). A recovery entry written before sealing is replaced:
        the new recovery key is returned, to be shown once. ``remove``: user names whose entries go in the same step.

        Crash-safe in three steps: the new keystore is written whole beside the old one (``keystore.json.next``),
        the database is rekeyed, then the new file is renamed over the old. Cut off anywhere, one of the two files
        opens the database for every remaining user; the next sign-in keeps that one (``settle_rotation``)."""
        db_key = self._require_db_key(db_key)
        if len(new_key) != DB_KEY_BYTES or new_key == db_key:
            raise KeystoreError("A new database key of 32 bytes is required.", "کلید تازهٔ ۳۲ بایتی لازم است.")
        doc = copy.deepcopy(self._doc)
        gone = {_norm_username(name) for name in remove}
        doc.users = [u for u in doc.users if _norm_username(u.username) not in gone]
        doc.key_check = _key_check(new_key, doc.keystore_id)
        dropped = [u.username for u in doc.users if not u.sealed]
        doc.users = [u for u in doc.users if u.sealed]
        if not doc.users:
            raise LastUser()
        for u in doc.users:
            u.sealed = seal(new_key, u.box_public, u.user_id)
            u.wrapped_key = secrets.token_bytes(len(u.wrapped_key))  # the old key's wrap is of no use now
            u.role_mac = _role_mac(new_key, u.user_id, u.role)
        text = None
        if doc.recovery.sealed:
            doc.recovery.sealed = seal(new_key, doc.recovery.box_public, f"recovery:{doc.recovery.recovery_id}")
            doc.recovery.wrapped_key = secrets.token_bytes(len(doc.recovery.wrapped_key))
        else:
            doc.recovery, text = _new_recovery_entry(new_key, self._root)
        nxt = _next_path(self.path)
        self._save_to(nxt, doc)  # raises KeystoreWriteError before anything changed
        try:
            rekey_database(db_key, new_key)
        except BaseException:
            _unlink_quietly(nxt)  # the database kept the old key: so does the keystore
            raise
        self._doc, self._pending = doc, doc
        self._promote_pending()
        self._replaced = {**{k: new_key for k, v in self._replaced.items() if v == db_key}, db_key: new_key}
        log.info("keystore: database key replaced; %d entries could not be sealed and were removed", len(dropped))
        return Rekeyed(dropped=dropped, recovery_key=text)

    @property
    def rotation_pending(self) -> bool:
        """A database key change was cut off (a crash between its steps): settle it before anything else."""
        return self._pending is not None

    def settle_rotation(self, username: str, password: str, opens: Callable[[bytes], bool]) -> bool:
        """Keep whichever keystore opens the database after a key change was cut off: the new one (the database was
        rekeyed) is renamed over the old, or, when the database kept the old key, the new one is removed (the
        change is then made again: the removed person's staff record is inactive). Needs a password of someone in
        either file; True when settled."""

        def key_in(doc: _Doc) -> bytes | None:
            entry = next((u for u in doc.users if _norm_username(u.username) == _norm_username(username)), None)
            if entry is None:
                return None
            try:
                return self._open_entry_in(doc, entry, password)
            except (_BadPassword, EntryDamaged):
                return None

        return self._settle(key_in, opens)

    def settle_rotation_with_recovery(self, recovery_key_text: str, opens: Callable[[bytes], bool]) -> bool:
        """``settle_rotation`` when every password is lost: the recovery key opens its entry in either file."""

        def key_in(doc: _Doc) -> bytes | None:
            before = self._doc
            self._doc = doc
            try:
                return self.unlock_with_recovery(recovery_key_text)
            except KeystoreError:
                return None
            finally:
                self._doc = before

        return self._settle(key_in, opens)

    def _settle(self, key_in: Callable[[_Doc], bytes | None], opens: Callable[[bytes], bool]) -> bool:
        pending = self._pending
        if pending is None:
            return True
        for doc, is_new in ((pending, True), (self._doc, False)):
            key = key_in(doc)
            if key is None:
                continue
            if opens(key) == is_new:
                self._doc = pending
                self._promote_pending()
            else:
                _unlink_quietly(_next_path(self.path))
                self._pending = None
            log.info("keystore: an unfinished database key change was settled")
            return True
        return False

    def grant_holds(self, user_id: str) -> bool:
        """Whether this user's role is one the laptop's grant key signed (False after a grant key an impostor put in
        was replaced by the certified one: the administrator sets such roles again, ``set_role``)."""
        doc = self._doc
        entry = next((u for u in doc.users if u.user_id == user_id), None)
        if entry is None or not doc.root_public:
            return entry is not None
        return grant_holds(doc.root_public, entry.grant, doc.keystore_id, entry.user_id, entry.username, entry.role)

    @property
    def grant_public(self) -> bytes:
        """The public half of the key that signs roles here (empty: a keystore written before grants)."""
        return self._doc.root_public

    @property
    def grants_in_force(self) -> bool:
        """Roles on this laptop are signed (a keystore written before grants has none until an administrator
        signs in)."""
        return bool(self._doc.root_public)

    # ----- internals -----

    def _granted(self, user_id: str, username: str, role: str) -> dict[str, bytes]:
        """The grant for a new or changed role (and the grant key for a new administrator), signed with the key
        of the administrator signed in now."""
        if not self._doc.root_public:
            return {}
        if self._root is None:
            raise NotAGrantor()
        out = {"grant": sign_grant(self._root, self._doc.keystore_id, user_id, username, role)}
        if role == _ADMIN:
            out["root_private"] = self._root
        return out

    def _unwrap_root(self, entry: _UserEntry, password: str) -> bytes:
        wrap_key, _ = _argon2(password, entry.salt, entry.kdf)
        try:
            return unwrap_root(wrap_key, entry.user_id, entry.root_nonce, entry.root_wrapped)
        except InvalidTag:
            log.warning("keystore grant key failed authentication")
            raise EntryDamaged() from None

    def _grants_at_sign_in(self, entry: _UserEntry, password: str) -> None:
        """Refuse a role no administrator signed; an administrator's sign-in unlocks the grant key (and, in a
        keystore written before grants, makes one and signs everyone's present roles)."""
        doc = self._doc
        if doc.root_public:
            if not grant_holds(doc.root_public, entry.grant, doc.keystore_id, entry.user_id, entry.username,
                               entry.role):
                log.warning("keystore role not granted")
                raise RoleNotGranted()
            if entry.root_wrapped and entry.role == _ADMIN:
                self._root = self._unwrap_root(entry, password)
            elif entry.root_sealed and entry.role == _ADMIN:
                self._take_sealed_root(entry, password)
            return
        if entry.role != _ADMIN:
            return
        root_private, root_public = new_root()
        new = copy.deepcopy(doc)
        new.root_public = root_public
        for u in new.users:
            u.grant = sign_grant(root_private, doc.keystore_id, u.user_id, u.username, u.role)
        mine = self._find_in(new, entry.username)
        wrap_key, _ = _argon2(password, mine.salt, mine.kdf)
        from app.security.keystore.grants import wrap_root

        mine.root_nonce, mine.root_wrapped = wrap_root(wrap_key, mine.user_id, root_private)
        try:
            self._commit(new)
        except KeystoreWriteError:
            log.warning("keystore grants could not be saved; they are made at the next administrator sign-in")
            return
        self._root = root_private
        log.info("keystore: roles are signed from now on")

    def _open_sealed_root(self, entry: _UserEntry, wrap_key: bytes) -> bytes | None:
        """The grant key an administrator sealed to this entry at promotion, or None (altered: no grant powers,
        but the person still signs in with their role)."""
        try:
            box = unwrap_box(wrap_key, entry.user_id, entry.box_nonce, entry.box_wrapped)
            return unseal_root(entry.root_sealed, box, entry.user_id, self._doc.root_public)
        except InvalidTag:
            log.warning("keystore grant key (sealed at promotion) failed authentication")
            return None

    def _take_sealed_root(self, entry: _UserEntry, password: str) -> None:
        from app.security.keystore.grants import wrap_root

        wrap_key, _ = _argon2(password, entry.salt, entry.kdf)
        root = self._open_sealed_root(entry, wrap_key)
        if root is None:
            return
        self._root = root
        doc = copy.deepcopy(self._doc)
        mine = self._find_in(doc, entry.username)
        mine.root_nonce, mine.root_wrapped = wrap_root(wrap_key, mine.user_id, root)
        mine.root_sealed = b""
        try:
            self._commit(doc)
        except KeystoreWriteError:
            log.warning("keystore: the grant key could not be saved under the password; kept sealed until next time")

    def _restore_root(self, entry: _UserEntry, password: str, db_key: bytes, certified: bytes) -> None:
        """The keystore's grant key is not the certified one: someone replaced it (and signed roles with their own).
        A unit administrator whose entry holds the certified key under their password (nobody can forge that wrap
        without the password) puts it back and is let in; every grant the impostor key signed stops holding.
        Anyone else is refused."""
        root = None
        if entry.root_wrapped:
            wrap_key, _ = _argon2(password, entry.salt, entry.kdf)
            try:
                root = unwrap_root(wrap_key, entry.user_id, entry.root_nonce, entry.root_wrapped)
            except InvalidTag:
                root = None
        if root is None or root_public_of(root) != certified:
            log.warning("keystore refused: its grant key is not the one headquarters certified for this laptop")
            raise GrantKeyNotCertified()
        doc = copy.deepcopy(self._doc)
        doc.root_public = certified
        mine = self._find_in(doc, entry.username)
        mine.role = _ADMIN  # only an administrator is given the grant key under their own password
        mine.role_mac = _role_mac(db_key, mine.user_id, _ADMIN)
        mine.grant = sign_grant(root, doc.keystore_id, mine.user_id, mine.username, _ADMIN)
        self._commit(doc)
        self._root = root
        log.warning("keystore: a grant key headquarters did not certify was replaced by the certified one")

    def _promote_pending(self) -> None:
        """Rename keystore.json.next over keystore.json (the database already has the new key). If the rename
        fails the new file stays beside the old and the next sign-in settles it; this process goes on with it."""
        try:
            _replace_with_retry(str(_next_path(self.path)), self.path)
            _fsync_dir(self.path.parent)
        except OSError as exc:
            log.error("keystore: the new key file could not replace the old (%s); settled at the next sign-in",
                      type(exc).__name__)
            return
        self._pending = None

    def _open_entry_in(self, doc: _Doc, entry: _UserEntry, password: str) -> bytes:
        before = self._doc
        self._doc = doc
        try:
            return self._open_entry(entry, password)
        finally:
            self._doc = before

    def _find(self, key: str) -> _UserEntry | None:
        for u in self._doc.users:
            if _norm_username(u.username) == key:
                return u
        return None

    def _find_in(self, doc: _Doc, username: str) -> _UserEntry:
        key = _norm_username(username)
        for u in doc.users:
            if _norm_username(u.username) == key:
                return u
        raise NoSuchUser()

    def _require_db_key(self, db_key: bytes) -> bytes:
        """The current database key: ``db_key`` itself, or the key this keystore replaced it with in this process
        (a session that signed in before a rekey keeps working)."""
        db_key = self._replaced.get(bytes(db_key), db_key)
        if len(db_key) != DB_KEY_BYTES or not hmac.compare_digest(
            _key_check(db_key, self._doc.keystore_id), self._doc.key_check
        ):
            raise WrongDatabaseKey()
        return db_key

    def _open_entry(self, entry: _UserEntry, password: str) -> bytes:
        wrap_key, verifier = _argon2(password, entry.salt, entry.kdf)
        if not hmac.compare_digest(verifier, entry.verifier):
            raise _BadPassword()
        try:
            if entry.sealed:  # the database key may have been replaced since this password was set (sealing.py)
                box = unwrap_box(wrap_key, entry.user_id, entry.box_nonce, entry.box_wrapped)
                db_key = unseal(entry.sealed, box, entry.user_id)
            else:
                db_key = AESGCM(wrap_key).decrypt(entry.nonce, entry.wrapped_key, _user_ad(entry.user_id))
        except InvalidTag:
            # Right password, but the wrap or its user_id was changed: tampering or damage.
            log.warning("keystore entry failed authentication")
            raise EntryDamaged() from None
        if not hmac.compare_digest(_key_check(db_key, self._doc.keystore_id), self._doc.key_check):
            raise EntryDamaged()
        if not hmac.compare_digest(_role_mac(db_key, entry.user_id, entry.role), entry.role_mac):
            log.warning("keystore role failed authentication")
            raise EntryDamaged()
        return db_key

    def _rewrap(self, username: str, db_key: bytes, new_password: str) -> None:
        doc = copy.deepcopy(self._doc)
        old = self._find_in(doc, username)
        new = _wrap_for_user(
            db_key, user_id=old.user_id, username=old.username, role=old.role, password=new_password,
            params=self.kdf_params if self.kdf_params.at_least(old.kdf) else old.kdf, grant=old.grant,
            root_private=self._root if old.role == _ADMIN and (old.root_wrapped or self._root) else None,
        )
        doc.users[doc.users.index(old)] = new  # new entry has fresh failure counters: lockout cleared
        self._commit(doc)

    def _lock_in_effect(self, state: _FailureState, at: datetime) -> datetime | None:
        if state.locked_until is None:
            return None
        # Field laptop clocks are wrong; if the clock jumped back, never lock longer than one lock duration.
        until = min(state.locked_until, at + self.policy.lock_duration)
        return until if at < until else None

    def _gate(self, state: _FailureState, at: datetime, *, persist: bool) -> None:
        """Refuses the attempt while locked or throttled. Expired locks are cleared here."""
        # Field laptop clocks are wrong. If the clock went back, pull stored times back to "now" (and save)
        # so that a lock or a wait never lasts longer than one lock duration or one delay of real time.
        clamped = False
        if state.locked_until is not None and state.locked_until > at + self.policy.lock_duration:
            state.locked_until = at + self.policy.lock_duration
            clamped = True
        if state.last_failure_at is not None and state.last_failure_at > at:
            state.last_failure_at = at
            clamped = True
        if clamped and persist:
            self._save_quietly()
        if state.locked_until is not None:
            until = self._lock_in_effect(state, at)
            if until is not None:
                raise AccountLocked(until, max(1, math.ceil((until - at).total_seconds() / 60)))
            # Lock expired: a fresh start (throttling still applies from the 4th new failure).
            state.failed_attempts = 0
            state.last_failure_at = None
            state.locked_until = None
            if persist:
                self._save_quietly()
        delay = self.policy.delay_after(state.failed_attempts)
        if delay and state.last_failure_at is not None:
            wait = delay - (at - state.last_failure_at).total_seconds()
            if wait > 0:
                raise TooManyAttempts(math.ceil(wait))

    def _record_failure(self, state: _FailureState, at: datetime, *, persist: bool) -> None:
        state.failed_attempts += 1
        state.last_failure_at = at
        locked = state.failed_attempts >= self.policy.lock_after
        if locked:
            state.locked_until = at + self.policy.lock_duration
        if persist:
            self._save_quietly()
        if locked:
            raise AccountLocked(state.locked_until, math.ceil(self.policy.lock_duration.total_seconds() / 60))  # type: ignore[arg-type]

    def _remaining(self, state: _FailureState) -> int:
        return max(0, self.policy.lock_after - state.failed_attempts)

    def _after_success(self, entry: _UserEntry, password: str, db_key: bytes) -> None:
        changed = False
        if entry.failures.failed_attempts or entry.failures.locked_until or entry.failures.last_failure_at:
            entry.failures = _FailureState()
            changed = True
        if not entry.kdf.at_least(self.kdf_params) or not entry.sealed:
            # Defaults were raised since this entry was written: re-wrap now, while we know the password.
            root = self._unwrap_root(entry, password) if entry.root_wrapped else None
            if root is None and entry.root_sealed and entry.role == _ADMIN:  # its box key is replaced below
                root = self._open_sealed_root(entry, _argon2(password, entry.salt, entry.kdf)[0])
            fresh = _wrap_for_user(
                db_key, user_id=entry.user_id, username=entry.username, role=entry.role, password=password,
                params=self.kdf_params, grant=entry.grant, root_private=root,
            )
            self._doc.users[self._doc.users.index(entry)] = fresh
            changed = True
        if changed:
            self._save_quietly()

    def _save_quietly(self) -> None:
        # Counter updates must not turn a sign-in into a crash when the disk is full; they are kept in memory.
        try:
            self._save(self._doc)
        except KeystoreWriteError:
            log.warning("keystore counters could not be saved")

    def _commit(self, doc: _Doc) -> None:
        self._save(doc)  # raises KeystoreWriteError and leaves self._doc untouched
        self._doc = doc

    def _save(self, doc: _Doc) -> None:
        self._save_to(self.path, doc)

    @staticmethod
    def _save_to(path: Path, doc: _Doc) -> None:
        data = json.dumps(_doc_to_json(doc), ensure_ascii=False, indent=2).encode("utf-8")
        _atomic_write(path, data)


def _next_path(path: Path) -> Path:
    return path.with_name(path.name + ".next")


def _read_pending(path: Path) -> _Doc | None:
    """The keystore a cut-off rekey wrote beside the file (written whole: a temporary file renamed). One that does
    not read was damaged since; it is ignored."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        return _doc_from_json(json.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError, KeystoreError):
        log.warning("keystore: an unreadable unfinished key file was ignored")
        return None


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
