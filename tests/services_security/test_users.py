"""User management: the User record and the keystore entry always agree, whatever fails."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event, select

from app.models import User
from app.security.keystore import Keystore, WrongPassword
from app.services.errors import ServiceError, ValidationFailed
from app.services.site import SignInFailed, SiteSession, context_for, sign_in
from app.services.users import (
    add_user, change_own_password, change_role, deactivate_user, give_access, list_users_with_state,
    reset_password,
)
from app.store.db import StoreSession

from services_security.conftest import ADMIN_PW, STAFF_PW, World, change_log_count

NEW = dict(username="Nurse.Parwin", full_name_en="Parwin Rahimi", full_name_fa="پروین رحیمی", role="clinician",
           password="parwin-pass-1")


def _folder(site: SiteSession):  # type: ignore[no-untyped-def]
    return site.store.path.parent


def _db_user(site: SiteSession, user_id: str) -> User | None:
    with site.store.read() as s:
        return s.get(User, user_id)


def _on_disk(site: SiteSession) -> dict[str, str]:
    """user_id -> role, as a fresh load of the keystore file sees it."""
    return {u.user_id: u.role for u in Keystore.load(site.keystore.path).users()}


def test_add_user_writes_both_with_the_same_id_and_the_person_can_sign_in(site: SiteSession) -> None:
    uid = add_user(site.ctx, site.keystore, site.db_key, **NEW)  # type: ignore[arg-type]
    user = _db_user(site, uid)
    assert user is not None and (user.username, user.role, user.active) == ("Nurse.Parwin", "clinician", True)
    assert user.unit_id == site.ctx.unit_id and user.full_name_fa == "پروین رحیمی"
    assert _on_disk(site)[uid] == "clinician"
    other = sign_in(_folder(site), "nurse.parwin", "parwin-pass-1")  # user names are case-insensitive
    try:
        assert (other.ctx.user_id, other.ctx.role) == (uid, "clinician")
    finally:
        other.store.close()


@pytest.mark.parametrize(("change", "field"), [
    ({"password": "short"}, "password"),
    ({"username": "   "}, "username"),
    ({"username": "A.NOORI"}, "username"),  # a sample-site user already has this name (case-insensitive)
    ({"username": "admin"}, "username"),
    ({"role": "superuser"}, "role"),
    ({"full_name_en": "", "full_name_fa": ""}, "full_name"),
])
def test_invalid_new_users_change_nothing(site: SiteSession, change: dict[str, Any], field: str) -> None:
    before_log, before_keys = change_log_count(site.store), _on_disk(site)
    with pytest.raises(ValidationFailed) as info:
        add_user(site.ctx, site.keystore, site.db_key, **{**NEW, **change})  # type: ignore[arg-type]
    assert [e.field for e in info.value.errors] == [field]
    assert info.value.message("fa") and info.value.message("en")
    assert change_log_count(site.store) == before_log and _on_disk(site) == before_keys


def test_keystore_save_failure_leaves_no_user_record(site: SiteSession, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    before = change_log_count(site.store)
    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(ServiceError) as info:
        add_user(site.ctx, site.keystore, site.db_key, **NEW)  # type: ignore[arg-type]
    monkeypatch.undo()
    assert info.value.code == "KeystoreWriteError" and "disk" in info.value.message_en
    assert change_log_count(site.store) == before
    with site.store.read() as s:
        assert s.scalar(select(User).where(User.username == "Nurse.Parwin")) is None


def test_database_commit_failure_takes_the_keystore_entry_back(site: SiteSession) -> None:
    before_keys = _on_disk(site)

    def refuse(_session: object) -> None:
        raise RuntimeError("database is gone")

    event.listen(StoreSession, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError):
            add_user(site.ctx, site.keystore, site.db_key, **NEW)  # type: ignore[arg-type]
    finally:
        event.remove(StoreSession, "before_commit", refuse)
    assert _on_disk(site) == before_keys  # the file...
    assert {u.user_id for u in site.keystore.users()} == set(before_keys)  # ...and the object in memory
    with pytest.raises(SignInFailed):
        sign_in(_folder(site), "nurse.parwin", "parwin-pass-1")


def test_reset_password_replaces_it_and_unlocks(world: World) -> None:
    site, ks = world.site, world.site.keystore
    name = next(u.username for u in ks.users() if u.user_id == world.staff_id)
    t = datetime.now(timezone.utc)
    for i in range(10):  # ten wrong guesses, spaced past the throttle: locked
        with pytest.raises(Exception):
            ks.unlock(name, f"guess-{i}-wrong", now=t + timedelta(minutes=i))
    state = {r.user_id: r for r in list_users_with_state(world.admin, ks, now=t + timedelta(minutes=10))}
    assert state[world.staff_id].locked and state[world.staff_id].can_sign_in_here
    reset_password(world.admin, ks, site.db_key, user_id=world.staff_id, new_password="fresh-pass-1")
    assert not {r.user_id: r for r in list_users_with_state(world.admin, ks)}[world.staff_id].locked
    assert ks.unlock(name, "fresh-pass-1").user_id == world.staff_id
    with pytest.raises(WrongPassword):
        Keystore.load(ks.path).unlock(name, STAFF_PW)


def test_change_own_password_checks_the_old_one(world: World) -> None:
    ks = world.site.keystore
    me = context_for(world.store, world.staff_id)
    before = change_log_count(world.store)
    with pytest.raises(ServiceError) as info:
        change_own_password(me, ks, old_password="not-my-password", new_password="brand-new-pass")
    assert "Wrong user name or password" in info.value.message_en
    assert change_log_count(world.store) == before  # no audit entry for a change that did not happen
    change_own_password(me, ks, old_password=STAFF_PW, new_password="brand-new-pass")
    name = next(u.username for u in ks.users() if u.user_id == world.staff_id)
    assert Keystore.load(ks.path).unlock(name, "brand-new-pass").user_id == world.staff_id


def test_change_role_moves_both_and_the_next_sign_in_has_it(world: World) -> None:
    change_role(world.admin, world.site.keystore, world.site.db_key, user_id=world.staff_id, role="coordinator")
    assert _db_user(world.site, world.staff_id).role == "coordinator"  # type: ignore[union-attr]
    assert _on_disk(world.site)[world.staff_id] == "coordinator"
    name = next(u.username for u in world.site.keystore.users() if u.user_id == world.staff_id)
    again = sign_in(world.store.path.parent, name, STAFF_PW)
    try:
        assert again.ctx.role == "coordinator"
    finally:
        again.store.close()


def test_deactivated_users_cannot_sign_in_and_keep_their_record(world: World) -> None:
    name = next(u.username for u in world.site.keystore.users() if u.user_id == world.staff_id)
    deactivate_user(world.admin, world.site.keystore, user_id=world.staff_id)
    user = _db_user(world.site, world.staff_id)
    assert user is not None and not user.active and not user.deleted
    assert world.staff_id not in _on_disk(world.site)
    with pytest.raises(SignInFailed):
        sign_in(world.store.path.parent, name, STAFF_PW)
    with pytest.raises(SignInFailed):  # nor be switched to on an open laptop
        context_for(world.store, world.staff_id)
    rows = list_users_with_state(world.admin, world.site.keystore, include_inactive=True)
    assert any(r.user_id == world.staff_id and not r.active and not r.can_sign_in_here for r in rows)
    assert all(r.user_id != world.staff_id for r in list_users_with_state(world.admin, world.site.keystore))


def test_an_administrator_always_remains(site: SiteSession) -> None:
    with pytest.raises(ServiceError) as info:
        deactivate_user(site.ctx, site.keystore, user_id=site.ctx.user_id)
    assert info.value.code == "self"
    with pytest.raises(ServiceError) as info:
        change_role(site.ctx, site.keystore, site.db_key, user_id=site.ctx.user_id, role="clinician")
    assert info.value.code == "last_admin" and info.value.message_fa
    second = add_user(site.ctx, site.keystore, site.db_key, username="admin2", full_name_en="Second Admin",
                      role="unit_admin", password="admin2-pass-1")
    other = context_for(site.store, second)
    deactivate_user(other, site.keystore, user_id=site.ctx.user_id)  # another administrator remains: allowed
    with pytest.raises(SignInFailed):
        sign_in(_folder(site), "admin", ADMIN_PW)


def test_management_needs_the_key_from_sign_in(site: SiteSession) -> None:
    assert "db_key" not in repr(site) and site.db_key is not None and site.db_key.hex() not in repr(site)
    with pytest.raises(ServiceError) as info:
        add_user(site.ctx, site.keystore, None, **NEW)  # type: ignore[arg-type]
    assert info.value.code == "no_key"


def test_give_access_to_staff_sent_by_headquarters_and_back_after_deactivation(world: World) -> None:
    folder, ks = world.store.path.parent, world.site.keystore
    rows = {r.username: r for r in list_users_with_state(world.admin, ks)}
    sarani = rows["z.sarani"]
    assert not sarani.can_sign_in_here  # known from the sample site, but no password on this laptop yet
    give_access(world.admin, ks, world.site.db_key, user_id=sarani.user_id, password="sarani-pass-1")
    again = sign_in(folder, "z.sarani", "sarani-pass-1")
    try:
        assert (again.ctx.user_id, again.ctx.role) == (sarani.user_id, "unit_admin")
    finally:
        again.store.close()
    with pytest.raises(ServiceError) as info:
        give_access(world.admin, ks, world.site.db_key, user_id=sarani.user_id, password="sarani-pass-2")
    assert info.value.code == "already_on_laptop"

    deactivate_user(world.admin, ks, user_id=world.staff_id)
    give_access(world.admin, ks, world.site.db_key, user_id=world.staff_id, password="welcome-back-1")
    assert _db_user(world.site, world.staff_id).active  # type: ignore[union-attr]
    name = _db_user(world.site, world.staff_id).username  # type: ignore[union-attr]
    sign_in(folder, name, "welcome-back-1").store.close()


def test_changes_that_arrive_by_sync_reach_the_keystore_at_the_next_sign_in(site: SiteSession) -> None:
    """Headquarters changes a role or deactivates someone; the staff record arrives through sync (written here as
    a remote change would be). A role is what a unit administrator granted (issue #12, hole 5): a staff record
    with another role is refused at sign-in until the administrator sets it (a raw edit of the table looks the
    same); a deactivation takes effect at once."""
    uid = add_user(site.ctx, site.keystore, site.db_key, **NEW)  # type: ignore[arg-type]
    with site.store.write(None, applying_remote=True) as s:
        s.get(User, uid).role = "coordinator"
    with pytest.raises(SignInFailed) as refused:
        sign_in(_folder(site), "nurse.parwin", "parwin-pass-1")
    assert refused.value.code == "role_not_granted"
    change_role(site.ctx, site.keystore, site.db_key, user_id=uid, role="coordinator")
    other = sign_in(_folder(site), "nurse.parwin", "parwin-pass-1")
    assert other.ctx.role == "coordinator" and _on_disk(site)[uid] == "coordinator"
    other.store.close()
    with site.store.write(None, applying_remote=True) as s:
        s.get(User, uid).active = False
    with pytest.raises(SignInFailed, match="not active"):
        sign_in(_folder(site), "nurse.parwin", "parwin-pass-1")
    assert uid not in _on_disk(site)  # that password no longer unwraps the database key
