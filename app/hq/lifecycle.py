"""The alert life cycle as EWARS runs it: raised → verified or discarded → risk assessed → response → closed with
an outcome. Every step records who, when and a note (in the alert's notes and in ``hq_alert_event``); anything
else is refused with a sentence saying what is allowed next.

| step | from | to | needs |
|---|---|---|---|
| verify | raised | verified | (a note is welcome: how it was checked) |
| discard | raised, verified | discarded | a note: why it is a false alarm |
| assess | verified | assessed | a risk level (low, moderate, high, very high) |
| respond | assessed | responding | a note: what is being done |
| close | assessed, responding | closed | an outcome and a note |

The server closes an alert by itself (outcome ``all_cases_discarded``) once every case behind it is discarded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from statistics import median
from typing import Any, Final

from sqlalchemy import Connection, insert, select, update

from app.hq.alerts import Alert, AlertTransitionError
from app.hq.models import hq_alert, hq_alert_event

RISK_LEVELS: Final = ("low", "moderate", "high", "very_high")
OUTCOMES: Final = ("outbreak", "no_outbreak", "all_cases_discarded")
ACTIONS: Final = {
    "verify": (("raised",), "verified"),
    "discard": (("raised", "verified"), "discarded"),
    "assess": (("verified",), "assessed"),
    "respond": (("assessed",), "responding"),
    "close": (("assessed", "responding"), "closed"),
}
_PAST: Final = {"verify": "verified", "discard": "discarded", "assess": "assessed", "respond": "responded to",
                "close": "closed"}
# Target: an alert is verified within 24 hours of being raised (docs/architecture.md, "Domain facts").
VERIFY_TARGET_HOURS: Final = 24


def _next_steps(status: str) -> list[str]:
    return [a for a, (frm, _) in ACTIONS.items() if status in frm]


def transition(conn: Connection, alert_id: str, action: str, *, by: str, note: str = "", risk_level: str = "",
               outcome: str = "", now: datetime | None = None) -> Alert:
    """Take one step of the life cycle; raises AlertTransitionError (nothing changed) when it is not allowed."""
    now = now or datetime.now(timezone.utc)
    note = note.strip()
    row = conn.execute(select(hq_alert).where(hq_alert.c.id == alert_id)).first()
    if row is None:
        raise AlertTransitionError("No such alert: it may have been removed or the link is wrong.")
    if action not in ACTIONS:
        raise AlertTransitionError(f"Unknown step {action!r}: an alert is verified, discarded, assessed, responded "
                                   "to or closed.")
    allowed_from, to_status = ACTIONS[action]
    if row.status not in allowed_from:
        steps = _next_steps(row.status)
        hint = f"next it can be: {', '.join(steps)}" if steps else f"a {row.status} alert stays {row.status}"
        raise AlertTransitionError(f"This alert is {row.status}; it cannot be {_PAST[action]} now ({hint}).")
    if not by.strip():
        raise AlertTransitionError("Say who you are: every step records who took it.")
    values: dict[str, Any] = {"status": to_status, "updated_at": now}
    if action == "verify":
        values.update(verified_at=now, verified_by=by)
    elif action == "discard":
        if not note:
            raise AlertTransitionError("Write why this is a false alarm: discarding needs a note.")
        values.update(closed_at=now, closed_by=by, outcome="discarded")
    elif action == "assess":
        if risk_level not in RISK_LEVELS:
            raise AlertTransitionError("Choose the risk: low, moderate, high or very high.")
        values.update(risk_level=risk_level, assessed_at=now, assessed_by=by)
    elif action == "respond":
        if not note:
            raise AlertTransitionError("Write what is being done: the response needs a note.")
        values.update(response=note, responded_at=now, responded_by=by)
    elif action == "close":
        if outcome not in OUTCOMES[:2]:
            raise AlertTransitionError("Choose the outcome: an outbreak (responded to) or no outbreak.")
        if not note:
            raise AlertTransitionError("Write a closing note: what the investigation found and what was done.")
        values.update(closed_at=now, closed_by=by, outcome=outcome)
    detail = {"assess": risk_level, "close": outcome}.get(action, "")
    stamp = f"[{now:%Y-%m-%d %H:%M} UTC, {by}, {to_status}{': ' + detail if detail else ''}] {note}".rstrip()
    values["notes"] = f"{row.notes}\n{stamp}" if row.notes else stamp
    # The status in the WHERE makes a concurrent double-click a no-op instead of a second step.
    done = conn.execute(update(hq_alert).where(hq_alert.c.id == alert_id, hq_alert.c.status == row.status)
                        .values(**values)).rowcount
    if done != 1:
        raise AlertTransitionError("Someone else changed this alert a moment ago; reload and try again.")
    conn.execute(insert(hq_alert_event).values(alert_id=alert_id, at=now, by=by, from_status=row.status,
                                               to_status=to_status, note=(f"{detail}: {note}" if detail else note)))
    return Alert.from_row(conn.execute(select(hq_alert).where(hq_alert.c.id == alert_id)).one())


@dataclass(frozen=True)
class Timeliness:
    """Case → alert and alert → verification times over a set of alerts (hours; None when nothing to measure)."""

    alerts: int
    case_to_alert_median_h: float | None
    verified: int
    verify_median_h: float | None
    verified_within_target: int
    awaiting: int  # raised and not yet verified or discarded
    overdue: int  # of those, raised more than 24 h ago

    @property
    def within_target_share(self) -> float | None:
        return self.verified_within_target / self.verified if self.verified else None


def timeliness(alerts: list[Alert], now: datetime | None = None) -> Timeliness:
    now = now or datetime.now(timezone.utc)
    c2a = [h for a in alerts if (h := a.case_to_alert()) is not None]
    a2v = [h for a in alerts if a.outcome != "all_cases_discarded" and (h := a.alert_to_verification()) is not None]
    awaiting = [a for a in alerts if a.status == "raised"]
    return Timeliness(
        alerts=len(alerts), case_to_alert_median_h=median(c2a) if c2a else None, verified=len(a2v),
        verify_median_h=median(a2v) if a2v else None,
        verified_within_target=sum(1 for h in a2v if h <= VERIFY_TARGET_HOURS), awaiting=len(awaiting),
        overdue=sum(1 for a in awaiting if (now - a.raised_at).total_seconds() > VERIFY_TARGET_HOURS * 3600))


def history(conn: Connection, alert_id: str) -> list[dict[str, Any]]:
    e = hq_alert_event
    return [dict(r) for r in conn.execute(select(e.c.at, e.c.by, e.c.from_status, e.c.to_status, e.c.note)
                                          .where(e.c.alert_id == alert_id).order_by(e.c.id)).mappings()]
