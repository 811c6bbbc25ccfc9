"""The role matrix beyond app/services (issue #12, hole 7; the services' own matrix is
tests/services_security/test_role_matrix.py): every route of the central server's app, every command of the command
line and every function below the services or in the UI that checks a role is listed here with what it requires. The
lists are read from the code (the app's routes, the argument parser, the source of app/sync, app/hq and app/ui), so
a new route, command or check that is not in the matrix fails this file; each route is then called by a staff account
of every role and must answer 403 exactly when the role may not, with nothing changed in the central database.
"""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import central_checksums
from sqlalchemy import Engine

import app
from app.security.roles import PERMISSIONS, Action, Role

APP_DIR = Path(app.__file__).parent
PASSWORD = "staff-pass-1405"
PUBLIC, DEVICE, SIGNED_IN, STAFF_ADMIN = "public", "device token", "any staff account", "staff administrator"

# (method, path) -> what it takes. An Action: a staff account whose role PERMISSIONS allows for it.
ROUTES: dict[tuple[str, str], Action | str] = {
    ("GET", "/openapi.json"): PUBLIC, ("GET", "/docs"): PUBLIC, ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC, ("GET", "/v1/health"): PUBLIC,
    ("GET", "/hq/sign-in"): PUBLIC, ("POST", "/hq/sign-in"): PUBLIC, ("GET", "/hq/static/{font}"): PUBLIC,
    ("GET", "/v1/devices/me"): DEVICE, ("POST", "/v1/devices/me/status"): DEVICE,
    ("POST", "/v1/devices/me/epoch"): DEVICE, ("POST", "/v1/devices/me/anchor"): DEVICE,
    ("POST", "/v1/changes"): DEVICE, ("GET", "/v1/feed"): DEVICE,
    ("POST", "/v1/bundles"): DEVICE, ("GET", "/v1/conflicts"): DEVICE,
    ("POST", "/v1/conflicts/{conflict_id}/resolve"): DEVICE, ("POST", "/v1/patients/lookup"): DEVICE,
    ("POST", "/hq/sign-out"): SIGNED_IN,
    ("GET", "/hq/staff"): STAFF_ADMIN, ("POST", "/hq/staff/{username}/password"): STAFF_ADMIN,
    ("POST", "/hq/staff/{username}/{step}"): STAFF_ADMIN,
    ("GET", "/hq/"): Action.VIEW_UNIT_REPORTS, ("GET", "/hq/board"): Action.VIEW_UNIT_REPORTS,
    ("GET", "/hq/report"): Action.VIEW_UNIT_REPORTS, ("GET", "/hq/report.pdf"): Action.VIEW_UNIT_REPORTS,
    ("GET", "/hq/exports"): Action.VIEW_UNIT_REPORTS, ("GET", "/hq/exports/dhis2"): Action.VIEW_UNIT_REPORTS,
    ("GET", "/hq/exports/linelist"): Action.VIEW_UNIT_REPORTS,
    ("POST", "/hq/exports/linelist"): Action.VIEW_UNIT_REPORTS,
    ("GET", "/hq/insurance"): Action.VIEW_UNIT_REPORTS,
    ("GET", "/hq/board/{device_code}/rejected"): Action.VIEW_UNIT_REPORTS,
    ("GET", "/hq/immunisation"): Action.VIEW_UNIT_REPORTS, ("GET", "/hq/immunisation/dhis2"): Action.VIEW_UNIT_REPORTS,
    ("GET", "/hq/alerts"): Action.VIEW_SURVEILLANCE, ("GET", "/hq/alerts/{alert_id}"): Action.VIEW_SURVEILLANCE,
    ("GET", "/hq/surveillance"): Action.VIEW_SURVEILLANCE,
    ("POST", "/hq/alerts/{alert_id}/{action}"): Action.VIEW_SURVEILLANCE,
    ("GET", "/hq/import"): Action.IMPORT_BUNDLE, ("POST", "/hq/import"): Action.IMPORT_BUNDLE,
    ("GET", "/hq/import/{bundle_id}/receipt"): Action.IMPORT_BUNDLE,
    ("GET", "/hq/conflicts"): Action.RESOLVE_CONFLICTS, ("POST", "/hq/conflicts/{conflict_id}/keep"): Action.RESOLVE_CONFLICTS,
    ("GET", "/hq/duplicates"): Action.REVIEW_DUPLICATES,
}


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for r in routes:
        if hasattr(r, "original_router"):  # a router included with a prefix (FastAPI's _IncludedRouter)
            yield from _walk(r.original_router.routes, prefix + r.include_context.prefix)
            continue
        for method in sorted(set(getattr(r, "methods", None) or ()) - {"HEAD"}):
            yield method, prefix + r.path


def _app(engine: Engine) -> Any:
    from app.server.app import create_app
    from app.server.guard import Throttle

    return create_app(engine=engine, throttle=Throttle(per_client=10**6, per_account=10**6, base_delay_s=0.001,
                                                       max_delay_s=0.01))


def test_every_route_of_the_server_is_in_the_matrix(central: Engine) -> None:
    assert sorted(set(_walk(_app(central).routes))) == sorted(ROUTES), \
        "a route was added or removed: say in ROUTES what it takes"


@pytest.fixture
def staff(central: Engine, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """One staff account per role (cheap argon2: the check is under test here, not its cost), and an administrator."""
    from argon2 import PasswordHasher

    from app.hq import staff as staff_mod

    monkeypatch.setattr(staff_mod, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    names = {}
    for role in Role:
        names[role.value] = f"s.{role.value}"
        staff_mod.set_staff(central, username=names[role.value], role=role.value, password=PASSWORD,
                            unit_id=None if role is Role.HEADQUARTERS else "u1")
    staff_mod.set_staff(central, username="s.admin", role="headquarters", password=PASSWORD, admin=True)
    return names


def _call(client: Any, method: str, path: str, user: str | None) -> Any:
    url = re.sub(r"\{[^}]+\}", "1", path)
    auth = (user, PASSWORD) if user else None
    if method == "GET":
        return client.get(url, auth=auth, headers={"accept": "application/json"})
    return client.post(url, auth=auth, data={"reason": "matrix"})


MATRIX = [(m, p, r) for (m, p), need in sorted(ROUTES.items()) if need not in (PUBLIC,) for r in [*Role, "admin"]
          if need is not DEVICE or r == "admin"]


@pytest.mark.parametrize(("method", "path", "role"), MATRIX, ids=[f"{m}{p}-{r}" for m, p, r in MATRIX])
def test_route_role_matrix(central: Engine, staff: dict[str, str], method: str, path: str, role: Any) -> None:
    from fastapi.testclient import TestClient

    need = ROUTES[(method, path)]
    user = "s.admin" if role == "admin" else staff[str(role)]
    if need == STAFF_ADMIN and role == "admin":  # the staff list is a browser session's, never Basic credentials
        from helpers import hq_signed_in

        c = hq_signed_in(central, user, PASSWORD)
        try:
            page = c.get("/hq/staff", headers={"accept": "text/html"})
            assert page.status_code == 200, page.text[:300]
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            if method == "POST":
                answer = c.post(re.sub(r"\{[^}]+\}", "1", path), data={"csrf": csrf, "password": "x"})
                assert answer.status_code not in (401, 403), (answer.status_code, answer.text[:300])
        finally:
            c.__exit__(None, None, None)
        return
    before = central_checksums(central)
    with TestClient(_app(central)) as client:
        if need == DEVICE:  # a staff password is no device token
            assert _call(client, method, path, user).status_code == 401
            return
        assert _call(client, method, path, None).status_code in (401, 303), "answered without anyone signed in"
        answer = _call(client, method, path, user)
    if need == SIGNED_IN:
        allowed = True
    elif need == STAFF_ADMIN:
        allowed = role == "admin"
    else:
        assert isinstance(need, Action)
        allowed = Role.HEADQUARTERS in PERMISSIONS[need] if role == "admin" else Role(role) in PERMISSIONS[need]
    if allowed:
        assert answer.status_code not in (401, 403), (answer.status_code, answer.text[:300])
        return
    assert answer.status_code == 403, (answer.status_code, answer.text[:300])
    assert central_checksums(central) == before, "a refused request changed the central database"


# --- the command line ------------------------------------------------------------------------------------------------

CENTRAL_ONLY = "the central database's own credentials (run on the server's machine; no staff role checked)"
GROUP = "a group: only its subcommands act"
HQ_STAFF = "headquarters staff, signed in with the password"
# Every `sayyar hq` command signs in; tests/hq/test_cli_sign_in.py runs each without a user, with a wrong password and
# by every staff role, with every table of the central database checked unchanged after each refusal.
# Every command: the Action whose role check guards it (in the command, or the service or sync function it calls:
# their matrices above and in test_role_matrix.py), or why it has none.
COMMANDS: dict[tuple[str, ...], Action | str] = {
    ("demo",): "a clearly labelled SAMPLE site in its own folder, no real record",
    ("demo-data",): "fills the demo site only",
    ("load-facilities",): Action.LOAD_FACILITIES,
    ("info",): "where the data folder is and its state: no record",
    ("setup",): "a new laptop's first administrator (refused on a folder already set up)",
    ("backup",): Action.CONFIGURE_DEVICE,
    ("restore",): "into an empty folder, opened by an administrator's password or the recovery key",
    ("compact",): Action.CONFIGURE_DEVICE,
    ("recover",): "the recovery key itself",
    ("print",): GROUP, ("print", "referral"): Action.PRINT_REFERRAL, ("print", "roster"): Action.PRINT_ROSTER,
    ("users",): GROUP, ("users", "list"): Action.MANAGE_USERS, ("users", "add"): Action.MANAGE_USERS,
    ("users", "reset-password"): Action.MANAGE_USERS, ("users", "give-access"): Action.MANAGE_USERS,
    ("users", "role"): Action.MANAGE_USERS, ("users", "deactivate"): Action.MANAGE_USERS,
    ("change-password",): "one's own password, after signing in with it",
    ("audit",): Action.VIEW_AUDIT,
    ("sync",): Action.RUN_SYNC, ("sync", "device-request"): Action.CONFIGURE_DEVICE,
    ("sync", "enrol"): Action.CONFIGURE_DEVICE,
    ("sync", "status"): "counts of the laptop's queue and the reasons of refusals: no patient's details",
    ("sync", "new-epoch"): Action.RUN_SYNC, ("sync", "requeue"): Action.RUN_SYNC,
    ("sync", "conflicts"): Action.RESOLVE_CONFLICTS, ("sync", "resolve"): Action.RESOLVE_CONFLICTS,
    ("sync", "lookup"): Action.LOOKUP_PATIENT,
    ("bundle",): GROUP, ("bundle", "export"): Action.EXPORT_BUNDLE,
    ("bundle", "pending"): "which bundles wait for a receipt: ids and counts",
    ("bundle", "receipt"): Action.EXPORT_BUNDLE,
    ("server",): CENTRAL_ONLY,  # running the server; each subcommand signs in (tests/sync/test_server_cli_signin.py)
    ("server", "enrol-device"): Action.MANAGE_DEVICES, ("server", "revoke-device"): Action.MANAGE_DEVICES,
    ("server", "laptop-config"): Action.MANAGE_DEVICES, ("server", "replace-device"): Action.MANAGE_DEVICES,
    ("server", "devices"): Action.VIEW_UNIT_REPORTS,  # scoped like the reporting board
    ("hq",): GROUP,
    ("hq", "import"): Action.IMPORT_BUNDLE,  # headquarters staff, signed in with the password
    ("hq", "conflicts"): Action.RESOLVE_CONFLICTS,
    ("hq", "duplicates"): Action.REVIEW_DUPLICATES,  # as the page: a unit administrator sees their own unit
    ("hq", "report"): Action.VIEW_UNIT_REPORTS, ("hq", "export"): GROUP,
    ("hq", "export", "dhis2"): Action.VIEW_UNIT_REPORTS,
    ("hq", "export", "linelist"): Action.VIEW_UNIT_REPORTS,  # and EXPORT_IDENTITIES with --identities
    ("hq", "alerts"): HQ_STAFF, ("hq", "immunisation"): HQ_STAFF,
    ("hq", "config"): "showing: any staff account (Action.VIEW_UNIT_REPORTS, as the report page); changing: " + HQ_STAFF,
    ("hq", "registry"): GROUP, ("hq", "registry", "show"): Action.VIEW_UNIT_REPORTS,
    ("hq", "registry", "publish"): HQ_STAFF,
    ("hq", "reference"): HQ_STAFF,
    ("hq", "staff"): "a headquarters staff administrator, signed in (the Staff page's rule); the first administrator: "
                     + CENTRAL_ONLY,
}


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, child in action.choices.items():
                if id(child) not in seen:  # aliases share a parser
                    seen.add(id(child))
                    yield (*path, name)
                    yield from _commands(child, (*path, name))


def test_every_command_is_in_the_matrix() -> None:
    from app.cli import build_parser

    assert sorted(_commands(build_parser())) == sorted(COMMANDS), "a command was added: say in COMMANDS what it takes"


# The laptop commands whose check is the command's own (the work below has none), run by every role of a real laptop.
OWN_CHECK = {
    ("sync", "device-request"): ["--out", "{folder}/r.json"], ("sync", "new-epoch"): ["--offline"],
    ("sync", "requeue"): ["1"], ("sync", "conflicts"): [], ("bundle", "receipt"): ["{folder}/none.receipt.json"],
    ("compact",): [],
}


def test_commands_that_check_the_role_themselves_refuse_every_other_role(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fast_kdf: None) -> None:
    from app.cli import main
    from app.services.site import create_site, sign_in
    from app.services.users import add_user

    folder = tmp_path / "zah1"
    create_site(folder, admin_username="zah.admin", admin_password=PASSWORD, admin_full_name="Admin",
                device_code="ZAH1", unit_code="MHU-ZAH")
    session = sign_in(folder, "zah.admin", PASSWORD)
    users = {Role.UNIT_ADMIN: "zah.admin"}
    for role in (Role.CLINICIAN, Role.COORDINATOR, Role.HEADQUARTERS):
        users[role] = f"zah.{role.value}"
        add_user(session.ctx, session.keystore, session.db_key, username=users[role], full_name_en=role.value,
                 full_name_fa="کاربر", role=role.value, password=PASSWORD)
    session.store.close()
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)
    assert set(OWN_CHECK) <= set(COMMANDS)
    for command, extra in OWN_CHECK.items():
        need = COMMANDS[command]
        assert isinstance(need, Action)
        for role, user in users.items():
            capsys.readouterr()
            status = main(["--data-dir", str(folder), "--user", user, *command,
                           *[a.format(folder=folder) for a in extra]])
            err = capsys.readouterr().err
            if role in PERMISSIONS[need]:
                assert "may not" not in err, (command, role, err)
            else:
                assert status == 2 and "may not" in err, (command, role, status, err)


# --- role checks below the services and in the UI --------------------------------------------------------------------

CHECK_CALLS = {"require_role", "require", "_guard_lang", "_require", "_headquarters", "_headquarters_operator",
               "staff_allowed"}


def discover_checks() -> dict[str, set[str]]:
    """``package/module:function`` -> the actions it checks, for every function of app/sync, app/hq, app/cli and app/ui
    that checks a role (``can()``, which only hides a button, is not a check)."""
    found: dict[str, set[str]] = {}
    for package in ("sync", "hq", "cli", "ui"):
        for path in sorted((APP_DIR / package).rglob("*.py")):
            module = "/".join(path.relative_to(APP_DIR).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name in CHECK_CALLS:
                    continue
                for call in ast.walk(node):
                    if not isinstance(call, ast.Call):
                        continue
                    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
                    if name not in CHECK_CALLS:
                        continue
                    for arg in call.args:
                        if isinstance(arg, ast.Attribute) and getattr(arg.value, "id", "") == "Action":
                            found.setdefault(f"{module}:{node.name}", set()).add(arg.attr)
                        elif name == "_require" and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            found.setdefault(f"{module}:{node.name}", set()).add(arg.value)
                        elif name.startswith("_headquarters"):
                            found.setdefault(f"{module}:{node.name}", set()).add("headquarters staff")
    return found


# Where each check found above is tried by every role: "routes" and "commands" (this file's matrices above, which
# call them through the server's routes and the command line), "below" (the scenarios just below), or the test of
# app/sync's own checks (tests/sync/test_trust.py, test_every_role_against_the_sync_and_device_checks).
TRUST = "tests/sync/test_trust.py"
CHECKED_BELOW: dict[str, str] = {
    "sync/client:run_sync_round": TRUST, "sync/identity:load_enrolment": TRUST, "sync/bundle:export_bundle": TRUST,
    "sync/client:lookup_patient": "below", "sync/status:resolve_conflict": "below", "ui/sync/backend:call": "below",
    "hq/exports:linelist_rows": "routes", "hq/exports:export_dhis2": "routes",
}


def test_every_role_check_below_the_services_is_in_the_matrix() -> None:
    found = discover_checks()
    # A page's or a command's own check is tried through ROUTES and COMMANDS; every other one must be listed.
    below = {k for k in found if not k.startswith(("hq/web", "hq/alerts_web", "hq/immunisation_web", "hq/refusals_web",
                                                    "hq/workspace_web", "cli/"))}
    assert sorted(below) == sorted(CHECKED_BELOW), \
        "a function below the services checks a role (or stopped checking one): say where every role tries it"
    # The actions no service checks (test_role_matrix.py, NOT_YET_IN_SERVICES) are each checked somewhere here.
    checked = {a for actions in found.values() for a in actions}
    for action in (Action.VIEW_UNIT_REPORTS, Action.RUN_SYNC, Action.EXPORT_BUNDLE, Action.IMPORT_BUNDLE,
                   Action.EXPORT_IDENTITIES, Action.VIEW_SURVEILLANCE, Action.RESOLVE_CONFLICTS,
                   Action.MANAGE_DEVICES):
        assert action.name in checked, action


BELOW = ["lookup", "resolve", *[f"ui:{a}" for a in ("sync_now", "export_bundle", "load_receipt", "device_request",
                                                      "load_enrolment")]]


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_the_checks_below_the_services_and_in_the_ui_for_every_role(tmp_path: Path, central: Engine,
                                                                     role: Role) -> None:
    """Each called as the UI and the command line call it, by every role: refused exactly when PERMISSIONS says,
    and a refusal writes nothing to the laptop's change log."""
    import httpx
    from helpers import enrol, make_laptop
    from sqlalchemy import func, select

    from app.models import ChangeLog
    from app.security.roles import NoSignedInUser
    from app.services.context import Ctx
    from app.services.errors import PermissionDenied
    from app.sync import identity
    from app.sync.client import lookup_patient
    from app.sync.status import resolve_conflict
    from app.ui.sync import backend

    lap = make_laptop(tmp_path, "A1")
    enrol(central, lap, "http://127.0.0.1:9")
    request = identity.device_request(lap.store)
    from app.server import devices

    with central.begin() as conn:  # an enrolment file for the load_enrolment action (the laptop's own, again)
        enrolment = devices.enrol_device(conn, device_id=request.device_id, device_code=request.device_code,
                                         public_key=request.public_key, unit_id=request.unit_id, reenrol=True)
    enrolment_file = tmp_path / "enrolment.json"
    enrolment_file.write_text(enrolment.model_dump_json(), encoding="utf-8")
    receipt = tmp_path / "none.receipt.json"
    ctx = Ctx(lap.store, lap.ctx.user_id, role.value, unit_id=lap.store.device.unit_id, lang="en")
    nobody = httpx.MockTransport(lambda r: httpx.Response(404, json={"detail": {"code": "not_found",
                                                                               "message": "no such patient"}}))
    calls = {
        "lookup": (Action.LOOKUP_PATIENT, lambda: lookup_patient(lap.store, ctx, "http://hq.invalid", "t",
                                                                  reason="moved here", patient_code="ZAH-1",
                                                                  transport=nobody)),
        "resolve": (Action.RESOLVE_CONFLICTS, lambda: resolve_conflict(ctx, "no-such-conflict", restore_lost=False)),
        "ui:sync_now": (Action.RUN_SYNC, lambda: backend.call("sync_now", lap.store, ctx)),
        "ui:export_bundle": (Action.EXPORT_BUNDLE, lambda: backend.call("export_bundle", lap.store, ctx,
                                                                         tmp_path / f"{role.value}.sayyar")),
        "ui:load_receipt": (Action.EXPORT_BUNDLE, lambda: backend.call("load_receipt", lap.store, ctx, receipt)),
        "ui:device_request": (Action.CONFIGURE_DEVICE, lambda: backend.call("device_request", lap.store, ctx,
                                                                             tmp_path / "request.json")),
        "ui:load_enrolment": (Action.CONFIGURE_DEVICE, lambda: backend.call("load_enrolment", lap.store, ctx,
                                                                             enrolment_file)),
    }
    assert sorted(calls) == sorted(BELOW)
    for name, (action, call) in calls.items():
        with lap.store.read() as s:
            before = s.scalar(select(func.count()).select_from(ChangeLog))
        try:
            call()
        except (PermissionDenied, NoSignedInUser) as err:
            assert role not in PERMISSIONS[action], (name, role, err)
            with lap.store.read() as s:
                assert s.scalar(select(func.count()).select_from(ChangeLog)) == before, (name, "wrote after a refusal")
            continue
        except Exception as err:  # noqa: BLE001 - allowed, and then failed for its own reason (no server here)
            assert not isinstance(getattr(err, "__cause__", None), PermissionDenied), (name, role)
        assert role in PERMISSIONS[action], (name, role, "not refused")
    lap.close()
