"""Who may do what. Checked in the services (``require``), not only by hiding buttons (docs/architecture.md, "Trust rules")."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLINICIAN = "clinician"
    COORDINATOR = "coordinator"
    UNIT_ADMIN = "unit_admin"
    HEADQUARTERS = "headquarters"


class Action(StrEnum):
    VIEW_PATIENT = "view_patient"
    # Fetch another unit's patient from the server on demand, with a reason (trust rules: audited centrally).
    LOOKUP_PATIENT = "lookup_patient"
    REGISTER_PATIENT = "register_patient"
    UPDATE_PATIENT = "update_patient"
    MERGE_PATIENTS = "merge_patients"
    REVIEW_DUPLICATES = "review_duplicates"
    RECORD_VISIT = "record_visit"
    REFER_PATIENT = "refer_patient"
    RECORD_REFERRAL_FEEDBACK = "record_referral_feedback"
    PRINT_REFERRAL = "print_referral"
    PRINT_PATIENT_CARD = "print_patient_card"
    ENROL_HOUSEHOLD = "enrol_household"
    PLAN_ROSTER = "plan_roster"
    VIEW_ROSTER = "view_roster"
    PRINT_ROSTER = "print_roster"
    VIEW_UNIT_REPORTS = "view_unit_reports"
    RUN_SYNC = "run_sync"
    EXPORT_BUNDLE = "export_bundle"
    IMPORT_BUNDLE = "import_bundle"
    EXPORT_IDENTITIES = "export_identities"
    VIEW_SURVEILLANCE = "view_surveillance"
    MANAGE_USERS = "manage_users"
    CONFIGURE_DEVICE = "configure_device"
    # Which laptops may write to the central database (enrol, revoke, replace, a laptop's set-up file): the
    # central server's command line (app/cli/server.py).
    MANAGE_DEVICES = "manage_devices"
    LOAD_FACILITIES = "load_facilities"
    VIEW_AUDIT = "view_audit"
    RESOLVE_CONFLICTS = "resolve_conflicts"
    RECORD_IMMUNISATION = "record_immunisation"
    RUN_CAMPAIGN = "run_campaign"
    PRINT_VACCINATION_CARD = "print_vaccination_card"


_C, _K, _A, _H = Role.CLINICIAN, Role.COORDINATOR, Role.UNIT_ADMIN, Role.HEADQUARTERS

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_PATIENT: frozenset({_C, _K}),
    Action.LOOKUP_PATIENT: frozenset({_C}),
    Action.REGISTER_PATIENT: frozenset({_C}),
    Action.UPDATE_PATIENT: frozenset({_C}),
    # The unit administrator reviews the unit's likely duplicates and merges them (issue 15); clinicians merge the
    # one in front of them.
    Action.MERGE_PATIENTS: frozenset({_C, _A}),
    Action.REVIEW_DUPLICATES: frozenset({_C, _A, _H}),
    Action.RECORD_VISIT: frozenset({_C}),
    Action.REFER_PATIENT: frozenset({_C}),
    Action.RECORD_REFERRAL_FEEDBACK: frozenset({_C}),
    Action.PRINT_REFERRAL: frozenset({_C}),
    Action.PRINT_PATIENT_CARD: frozenset({_C, _K}),
    Action.ENROL_HOUSEHOLD: frozenset({_C, _K}),
    Action.PLAN_ROSTER: frozenset({_K}),
    Action.VIEW_ROSTER: frozenset({_C, _K}),
    Action.PRINT_ROSTER: frozenset({_K}),
    Action.VIEW_UNIT_REPORTS: frozenset({_K, _A, _H}),
    Action.RUN_SYNC: frozenset({_C, _K, _A}),
    Action.EXPORT_BUNDLE: frozenset({_K, _A}),
    Action.IMPORT_BUNDLE: frozenset({_H}),
    Action.EXPORT_IDENTITIES: frozenset({_H}),
    Action.VIEW_SURVEILLANCE: frozenset({_H}),
    Action.MANAGE_USERS: frozenset({_A}),
    Action.CONFIGURE_DEVICE: frozenset({_A}),
    Action.MANAGE_DEVICES: frozenset({_H}),
    Action.LOAD_FACILITIES: frozenset({_A, _H}),
    Action.VIEW_AUDIT: frozenset({_A, _H}),
    Action.RESOLVE_CONFLICTS: frozenset({_C, _H}),
    # Immunisation (issue 18): clinicians (vaccinators) record doses; campaign tallies are kept by whoever staffs
    # the crossing, coordinators included; the vaccination card is printed like the patient card.
    Action.RECORD_IMMUNISATION: frozenset({_C}),
    Action.RUN_CAMPAIGN: frozenset({_C, _K}),
    Action.PRINT_VACCINATION_CARD: frozenset({_C, _K}),
}

ROLE_LABELS = {
    Role.CLINICIAN: ("clinician", "پزشک / کارمند بالینی"),
    Role.COORDINATOR: ("unit coordinator", "هماهنگ‌کننده واحد"),
    Role.UNIT_ADMIN: ("unit administrator", "مدیر واحد"),
    Role.HEADQUARTERS: ("headquarters", "ستاد مرکزی"),
}


def role_label(role: str) -> tuple[str, str]:
    """(English, Persian) name of a role as it reads inside a sentence; an unknown role is shown as stored."""
    return ROLE_LABELS.get(Role(role), (role, role)) if role in Role._value2member_map_ else (role, role)


def can(role: str, action: Action) -> bool:
    return role in PERMISSIONS[action]


class NoSignedInUser(PermissionError):
    """Code below the services was called without someone whose role can be checked."""


def require_role(actor: object, action: Action) -> None:
    """The role check for code below the services (sync, bundles, device configuration): mandatory, never "only if
    the caller happens to pass a context". ``actor`` is a services ``Ctx`` (or anything with ``require``)."""
    require = getattr(actor, "require", None)
    if not callable(require):
        raise NoSignedInUser(f"{action.value} needs a signed-in user whose role allows it")
    require(action)


class ScheduledRound:
    """The laptop itself, syncing on its schedule: its administrator enrolled it, so the round runs for whoever is
    signed in (app/ui/sync/background.py). It may run a sync round and nothing else; passing it is explicit, never a
    missing context."""

    role = "scheduled_round"
    user_id = None

    def require(self, action: Action) -> None:
        if action is not Action.RUN_SYNC:
            raise NoSignedInUser(f"{action.value} needs a signed-in user whose role allows it")


SCHEDULED_ROUND = ScheduledRound()
