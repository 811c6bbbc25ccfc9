"""What the sync engine calls after applying changes, so an alert appears in the same sync or bundle import.

Wiring: the server calls it through its extension interface (``app.hq.extension``, ``app.server.extensions``)
inside the transaction that applied the batch, once records are written.

Cheap when no surveillance case arrived (returns at once); otherwise it evaluates only the groups the batch's cases
fall in — each one's disease, facility and epi week, its district's week for a cluster disease, the same week of
later years for a threshold disease — and re-counts the alerts those cases belong to (a case discarded on the laptop
leaves its alert; an alert left with no case closes). That raises what evaluating everything would, since every
other group was evaluated after its own last change. The week convention and malaria elimination mode are the site's
settings (``app.hq.settings``). A failure here never costs the batch (guarantee 8: nothing blocks the queue):
evaluation runs in a savepoint, is rolled back alone and logged without data; ``sayyar hq alerts`` catches up (so
does a later batch bringing those same cases again).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from app.hq.alerts import Alert, AlertConfig, evaluate_alerts

# Without record ids we re-evaluate this far back: late cases older than this need ids (or a nightly full run).
LOOKBACK = timedelta(weeks=8)
_config: AlertConfig | None = None
log = logging.getLogger("sayyar.hq.hooks")


def configure(config: AlertConfig | None) -> None:
    """Set the alert configuration the hook uses (e.g. Saturday weeks, malaria elimination mode)."""
    global _config
    _config = config


def touched(entries: Iterable[Any], accepted_seqs: Iterable[int] | None = None) -> dict[str, list[str]]:
    """``{entity: [record ids]}`` from change entries (anything with ``entity``, ``record_id``, ``seq``), limited to
    the accepted sequence numbers when given."""
    keep = set(accepted_seqs) if accepted_seqs is not None else None
    out: dict[str, list[str]] = {}
    for e in entries:
        if keep is None or e.seq in keep:
            out.setdefault(e.entity, []).append(e.record_id)
    return out


def after_changes_applied(conn: Connection, entities_touched: Mapping[str, Iterable[str]] | Iterable[str],
                          *, today: date | None = None) -> list[Alert]:
    """Evaluate alerts after a sync batch or bundle import; returns the alerts raised now (``Alert.new``)."""
    try:
        with conn.begin_nested():
            return _evaluate(conn, entities_touched, today)
    except Exception as err:  # noqa: BLE001 - the batch must survive any failure here
        # Type only: database errors can quote parameters, and those may be patient data.
        log.error("alert evaluation failed after applying changes (%s); batch kept, run `sayyar hq alerts`",
                  type(err).__name__)
        return []


def _evaluate(conn: Connection, entities_touched: Mapping[str, Iterable[str]] | Iterable[str],
              today: date | None) -> list[Alert]:
    if isinstance(entities_touched, Mapping):
        ids = [str(i) for i in entities_touched.get("surveillance_case", ())]
        if "surveillance_case" not in entities_touched:
            return []
    else:
        if "surveillance_case" not in set(entities_touched):
            return []
        ids = []
    if ids:
        # Only the groups these cases fall in (disease, facility, week; their district's week; a threshold's later
        # years): every other group was settled by the evaluation after its own last change.
        return [a for a in evaluate_alerts(conn, touched_cases=ids, only_touched=True) if a.new]
    since = (today or date.today()) - LOOKBACK
    return [a for a in evaluate_alerts(conn, cases_since=since) if a.new]
