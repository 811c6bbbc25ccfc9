"""Every service that checks a permission, called by every role: allowed roles succeed, the others get
PermissionDenied naming their role in English and Persian, and nothing is written.

The list of services is not typed in by hand: it is read from the source of app/services (every function that
calls ``ctx.require(Action.X)``), and the actions are read from PERMISSIONS. A new service without a scenario
below, or a new action that no test covers, fails this file. The server's routes, the command line, the checks in
app/sync and the UI's direct calls into it have their matrix in tests/sync/test_role_matrix_entry_points.py.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from services.conftest import TODAY, person
from services_security.conftest import World, hospital
from sqlalchemy import select

import app.services
from app.core.card_code import card_payload
from app.models import ChangeLog, Patient
from app.security.roles import PERMISSIONS, ROLE_LABELS, Action, Role
from app.services.audit import audit_trail
from app.services.backup import backup_laptop
from app.services.campaigns import TallyKey, active_campaigns, campaign_report, start_campaign, tally_child
from app.services.cases import case_history, classify_case
from app.services.chart import open_patient_chart
from app.services.context import Ctx
from app.services.duplicates import check_patient, duplicate_review, mark_not_duplicate
from app.services.errors import PermissionDenied
from app.services.immunisation import (
    adverse_events,
    due_count,
    due_list,
    immunisation_status,
    record_adverse_event,
    record_dose,
    void_dose,
)
from app.services.insurance import enrol_household, enrolment_check, expiring_cover
from app.services.lookup import lookup_at_headquarters
from app.services.patient_card import patient_card_pdf, patient_for_card
from app.services.patient_search import find_patients, find_ranked, search_list
from app.services.patients import (
    add_document,
    merge_patients,
    register_patient,
    registration_problems,
    update_patient,
)
from app.services.printing import referral_slip_pdf, roster_pdf
from app.services.reference import load_facilities
from app.services.referrals import record_referral_feedback, refer_patient, set_referral_status
from app.services.roster import day_summary, plan_roster, roster_for_day
from app.services.test_results import (
    case_view,
    case_views,
    cases_of_visit,
    investigation_for,
    record_result,
    results_for,
    save_investigation,
)
from app.services.users import (
    add_user,
    change_role,
    deactivate_user,
    give_access,
    list_users_with_state,
    reset_password,
)
from app.services.vaccination_card import vaccination_card_pdf
from app.services.visits import correct_visit, open_visit, record_visit

SERVICES_DIR = Path(app.services.__file__).parent

# Actions that no function in app/services checks yet: they are enforced elsewhere for now (sync, server, HQ
# import, reports are being built in app/sync, app/server, app/hq). When a service starts checking one, this test
# fails until the action is taken off this list and the service gets a scenario.
NOT_YET_IN_SERVICES = {
    Action.VIEW_UNIT_REPORTS, Action.RUN_SYNC, Action.EXPORT_BUNDLE, Action.IMPORT_BUNDLE, Action.EXPORT_IDENTITIES,
    Action.VIEW_SURVEILLANCE, Action.RESOLVE_CONFLICTS,
    Action.MANAGE_DEVICES,  # the central server's command line (app/cli/server.py), no laptop service
}


def discover() -> dict[str, set[Action]]:
    """``module:function`` -> the actions it requires directly, for every function in app/services."""
    found: dict[str, set[Action]] = {}
    for path in sorted(SERVICES_DIR.rglob("*.py")):
        module = ".".join(path.relative_to(SERVICES_DIR).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for call in ast.walk(node):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "require"
                        and call.args and isinstance(call.args[0], ast.Attribute)
                        and isinstance(call.args[0].value, ast.Name) and call.args[0].value.id == "Action"):
                    found.setdefault(f"{module}:{node.name}", set()).add(Action[call.args[0].attr])
    return found


Call = Callable[[World, Ctx], Any]

CAMPAIGN = {"code": "POLIO-R1", "name": "Polio round 1", "vaccine": "bopv", "start_date": TODAY, "end_date": TODAY}
DOSE = {"vaccine": "td", "given_on": TODAY, "batch": "B1", "expiry": "2030-01-01", "site": "left_arm"}

SCENARIOS: dict[str, Call] = {
    "audit:audit_trail": lambda w, c: audit_trail(c),
    "cases:case_history": lambda w, c: case_history(c, w.case_id),
    "cases:classify_case": lambda w, c: classify_case(c, w.case_id, {"classification": "confirmed",
                                                                      "reason": "stool culture positive"}),
    "chart:open_patient_chart": lambda w, c: open_patient_chart(c, w.patient_id),
    "test_results:record_result": lambda w, c: record_result(c, w.case_id, {
        "test": "stool_cholera", "outcome": "positive", "result_date": TODAY}),
    "test_results:results_for": lambda w, c: results_for(c, w.case_id),
    "test_results:cases_of_visit": lambda w, c: cases_of_visit(c, w.visit_id),
    "test_results:case_views": lambda w, c: case_views(c, patient_id=w.patient_id),
    "test_results:case_view": lambda w, c: case_view(c, w.case_id),
    "test_results:save_investigation": lambda w, c: save_investigation(c, w.case_id, {
        "investigated_on": TODAY, "travelled": False, "origin": "indigenous"}),
    "test_results:investigation_for": lambda w, c: investigation_for(c, w.case_id),
    "insurance:enrol_household": lambda w, c: enrol_household(c, {
        "household_id": w.household_id, "head_patient_id": w.patient_id, "member_ids": [w.patient_id],
        "category": "vulnerable", "payer": "unhcr", "enrolment_date": TODAY}),
    "insurance:enrolment_check": lambda w, c: enrolment_check(c, {
        "household_id": w.household_id, "head_patient_id": w.patient_id, "member_ids": [w.patient_id],
        "payer": "unhcr", "enrolment_date": None}, unread=frozenset({"enrolment_date"})),
    "insurance:expiring_cover": lambda w, c: expiring_cover(c),
    "immunisation:record_dose": lambda w, c: record_dose(c, {"patient_id": w.patient_id, **DOSE}),
    "immunisation:void_dose": lambda w, c: void_dose(c, record_dose(c, {"patient_id": w.patient_id, **DOSE}).dose_id,
                                                     reason="entered twice"),
    "immunisation:immunisation_status": lambda w, c: immunisation_status(c, w.patient_id),
    "immunisation:due_list": lambda w, c: due_list(c, facility_id=w.clinician.facility_id),  # type: ignore[arg-type]
    "immunisation:due_count": lambda w, c: due_count(c, facility_id=w.clinician.facility_id),  # type: ignore[arg-type]
    "immunisation:record_adverse_event": lambda w, c: record_adverse_event(c, {
        "patient_id": w.patient_id, "vaccine": "td", "onset_date": TODAY, "reaction": "sore arm"}),
    "immunisation:adverse_events": lambda w, c: adverse_events(c, w.patient_id),
    "vaccination_card:vaccination_card_pdf": lambda w, c: vaccination_card_pdf(c, w.patient_id),
    "lookup:lookup_at_headquarters": lambda w, c: lookup_at_headquarters(
        c, reason="moved to our area", patient_code=_code(w, w.patient_id), server_url="http://hq.invalid",
        token="t", transport=_hq_answer(w.patient_id)),
    "backup:backup_laptop": lambda w, c: backup_laptop(c, w.site.keystore, w.store.path.parent,
                                                       w.facility_csv.with_name("laptop.sayyar-backup")),
    "campaigns:start_campaign": lambda w, c: start_campaign(c, CAMPAIGN),
    "campaigns:active_campaigns": lambda w, c: active_campaigns(c),
    "campaigns:tally_child": lambda w, c: tally_child(c, campaign_id=start_campaign(c, CAMPAIGN),
                                                      key=TallyKey(age_band="0-11m", sex="female")),
    "campaigns:campaign_report": lambda w, c: campaign_report(c, start_campaign(c, CAMPAIGN)),
    "patient_search:find_patients": lambda w, c: find_patients(c, "Ahmad"),
    "patient_search:find_ranked": lambda w, c: find_ranked(c, "Ahmad"),
    "patient_search:search_list": lambda w, c: search_list(c, "Ahm", quick=True, sex="male"),
    "duplicates:check_patient": lambda w, c: check_patient(c, w.patient_id),
    "duplicates:duplicate_review": lambda w, c: duplicate_review(c),
    "duplicates:mark_not_duplicate": lambda w, c: mark_not_duplicate(c, w.patient_id, w.other_id, "mother and child"),
    "patient_card:patient_card_pdf": lambda w, c: patient_card_pdf(c, w.patient_id),
    "patient_card:patient_for_card": lambda w, c: patient_for_card(c, card_payload(_code(w, w.patient_id))),
    "patients:register_patient": lambda w, c: register_patient(c, person(
        given_name_fa="نرگس", given_name_latin="Narges", father_name_fa="کریم", father_name_latin="Karim",
        documents=[])),
    "patients:registration_problems": lambda w, c: registration_problems(c, person(documents=[])),
    "patients:update_patient": lambda w, c: update_patient(c, w.patient_id, {"phone": "0915 765 4321"}),
    "patients:add_document": lambda w, c: add_document(c, w.patient_id, {"doc_type": "passport",
                                                                         "number": "P7654321"}),
    "patients:merge_patients": lambda w, c: merge_patients(c, keep_id=w.patient_id, merge_id=w.other_id),
    "printing:referral_slip_pdf": lambda w, c: referral_slip_pdf(c, w.referral_id),
    "printing:roster_pdf": lambda w, c: roster_pdf(c, TODAY, w.clinician.facility_id),  # type: ignore[arg-type]
    "reference:load_facilities": lambda w, c: load_facilities(c, w.facility_csv),
    "referrals:refer_patient": lambda w, c: refer_patient(c, {
        "visit_id": w.visit_id, "to_facility_id": hospital(w.store), "department": "internal_medicine",
        "reason": "second opinion"}),
    "referrals:record_referral_feedback": lambda w, c: record_referral_feedback(
        c, w.referral_id, {"date_seen": TODAY, "outcome": "treated"}),
    "referrals:set_referral_status": lambda w, c: set_referral_status(c, w.referral_id, "arrived"),
    "roster:plan_roster": lambda w, c: plan_roster(c, {
        "facility_id": w.clinician.facility_id, "day": TODAY, "staff": [{"user_id": w.clinician.user_id}]}),
    "roster:roster_for_day": lambda w, c: roster_for_day(c, TODAY, w.clinician.facility_id),  # type: ignore[arg-type]
    "roster:day_summary": lambda w, c: day_summary(c, TODAY),
    "visits:open_visit": lambda w, c: open_visit(c, w.visit_id),
    "visits:record_visit": lambda w, c: record_visit(c, {"patient_id": w.patient_id, "complaint": "headache"}),
    "visits:correct_visit": lambda w, c: correct_visit(c, w.visit_id, {"complaint": "chest pain on effort"},
                                                       reason="clinician's note was incomplete"),
    "users:add_user": lambda w, c: add_user(c, w.site.keystore, w.site.db_key, username="new.nurse",
                                            full_name_en="New Nurse", full_name_fa="پرستار تازه",
                                            role="clinician", password="nurse-pass-1"),
    "users:reset_password": lambda w, c: reset_password(c, w.site.keystore, w.site.db_key, user_id=w.staff_id,
                                                        new_password="fresh-pass-1"),
    "users:change_role": lambda w, c: change_role(c, w.site.keystore, w.site.db_key, user_id=w.staff_id,
                                                  role="coordinator"),
    "users:deactivate_user": lambda w, c: deactivate_user(c, w.site.keystore, user_id=w.staff_id),
    "users:list_users_with_state": lambda w, c: list_users_with_state(c, w.site.keystore),
    "users:give_access": lambda w, c: give_access(c, w.site.keystore, w.site.db_key, user_id=w.hq.user_id,
                                                  password="hq-pass-12"),
}

DISCOVERED = discover()


def _hq_answer(patient_id: str) -> Any:
    """Headquarters answering a look-up with that patient (already held here: nothing new is written)."""
    import httpx

    from app.sync.protocol import PatientLookupAnswer

    body = PatientLookupAnswer(patient_id=patient_id, items=[]).model_dump_json()
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body))


def _code(w: World, patient_id: str) -> str:
    with w.store.read() as s:
        return s.get(Patient, patient_id).code


def test_every_service_that_checks_a_permission_has_a_scenario() -> None:
    assert sorted(SCENARIOS) == sorted(DISCOVERED), "add a scenario for each new service (or drop a stale one)"


def test_every_action_is_covered_by_a_service_or_listed_as_not_yet_served() -> None:
    served = set().union(*DISCOVERED.values())
    assert set(PERMISSIONS) == set(Action), "every action needs a row in PERMISSIONS"
    assert served.isdisjoint(NOT_YET_IN_SERVICES), "a service now checks this action: take it off NOT_YET_IN_SERVICES"
    assert set(Action) == served | NOT_YET_IN_SERVICES, "a new action is neither checked by a service nor listed"


def _labels(role: str) -> tuple[str, str]:
    return ROLE_LABELS[Role(role)]


@pytest.mark.parametrize("action", list(Action), ids=str)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_ctx_require_follows_permissions(action: Action, role: Role) -> None:
    """The check itself, for every action (including those not yet served): the table is the only truth."""
    ctx = Ctx(None, "someone", role.value)  # type: ignore[arg-type]  # require() never touches the store
    if role in PERMISSIONS[action]:
        ctx.require(action)
        return
    with pytest.raises(PermissionDenied) as info:
        ctx.require(action)
    en, fa = _labels(role.value)
    assert en in info.value.message_en and fa in info.value.message_fa and info.value.code == "forbidden"


MATRIX = [(name, role) for name in sorted(SCENARIOS) for role in Role]


@pytest.mark.parametrize(("service", "role"), MATRIX, ids=[f"{n}-{r}" for n, r in MATRIX])
def test_service_role_matrix(world: World, service: str, role: Role) -> None:
    ctx = world.ctx(role.value)
    allowed = all(role in PERMISSIONS[a] for a in DISCOVERED.get(service, ()))
    with world.store.read() as s:
        before = s.scalar(select(ChangeLog.seq).order_by(ChangeLog.seq.desc()).limit(1)) or 0
    if allowed:
        SCENARIOS[service](world, ctx)  # a valid call: must simply succeed
        with world.store.read() as s:  # and whatever it wrote is attributed to the person who did it
            writers = set(s.scalars(select(ChangeLog.user_id).where(ChangeLog.seq > before)))
        assert writers <= {ctx.user_id}
        return
    with pytest.raises(PermissionDenied) as info:
        SCENARIOS[service](world, ctx)
    en, fa = _labels(role.value)
    assert en in info.value.message_en, info.value.message_en
    assert fa in info.value.message_fa, info.value.message_fa
    with world.store.read() as s:
        assert (s.scalar(select(ChangeLog.seq).order_by(ChangeLog.seq.desc()).limit(1)) or 0) == before, \
            "a refused call wrote something"
