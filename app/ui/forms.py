"""Which widget each form kind opens, and what happens after it saves. Imports are lazy to keep start-up quick."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget


def _register(session: Any, args: dict[str, Any], main: Any) -> QWidget:
    from app.ui.patients.register import RegisterPatientForm

    return RegisterPatientForm(session, args, main)


def _visit(session: Any, args: dict[str, Any], main: Any) -> QWidget:
    from app.ui.visits.form import VisitForm

    return VisitForm(session, args, main)


def _referral(session: Any, args: dict[str, Any], main: Any) -> QWidget:
    from app.ui.referrals.form import ReferralForm

    return ReferralForm(session, args, main)


def _enrol(session: Any, args: dict[str, Any], main: Any) -> QWidget:
    from app.ui.insurance.enrol import EnrolForm

    return EnrolForm(session, args, main)


def _roster(session: Any, args: dict[str, Any], main: Any) -> QWidget:
    from app.ui.roster.planner import RosterPlanner

    return RosterPlanner(session, args, main)


def _summary(session: Any, args: dict[str, Any], main: Any) -> QWidget:
    from app.ui.roster.summary import DaySummaryView

    return DaySummaryView(session, args, main)


def _sync(session: Any, args: dict[str, Any], main: Any) -> QWidget:
    from app.ui.sync.panel import SyncPanel

    return SyncPanel(session, args, main)


def _duplicates(session: Any, args: dict[str, Any], main: Any) -> QWidget:
    from app.ui.patients.duplicates_review import DuplicatesReview

    return DuplicatesReview(session, args, main)


def _campaign(session: Any, args: dict[str, Any], main: Any) -> QWidget:
    from app.ui.immunisation.campaign import CampaignView

    return CampaignView(session, args, main)


def _due(session: Any, args: dict[str, Any], main: Any) -> QWidget:
    from app.ui.immunisation.due import DueListView

    return DueListView(session, args, main)


FACTORIES = {"register": _register, "visit": _visit, "referral": _referral, "enrol": _enrol, "roster": _roster,
             "summary": _summary, "sync": _sync, "duplicates": _duplicates, "campaign": _campaign, "due": _due}


def after_save(main: Any, widget: Any, result: Any) -> None:
    """Registration → the new chart; a visit stays open (to refer from it); others close back to the chart."""
    kind = widget.kind
    if kind == "register":
        pid = result["open_existing"] if isinstance(result, dict) else result.patient_id
        if isinstance(result, dict):
            widget.autosaver.discard()
        main.tabs.removeTab(main.tabs.indexOf(widget))
        widget.deleteLater()
        chart = main.open_chart(pid)
        if not isinstance(result, dict):  # a new registration: its card is offered straight away
            from app.ui.patients.chart_actions import offer_card

            offer_card(chart)
    elif kind in ("enrol", "referral"):
        pid = widget.args.get("patient_id") or widget.args.get("head_patient_id")
        if kind == "enrol":
            main.tabs.removeTab(main.tabs.indexOf(widget))
            widget.deleteLater()
        if pid:
            index = main._find_tab(f"chart-{pid}")
            if index >= 0:
                main.tabs.widget(index).reload()
    elif kind == "visit":
        index = main._find_tab(f"chart-{widget.args['patient_id']}")
        if index >= 0:
            main.tabs.widget(index).reload()
    main.search.refresh_drafts()
