"""The one encoding of a synced record as a change payload: what the change log stores and what batches, bundles and
the feed carry. ``app.sync.records.payload_to_row`` is the one way back.

Compact: values equal to the column's declared default (None, "", False, 0...) are left out, and the decoder
restores them; at a million visits this halves the change log. The id and the clock stamp always stay in. Dates and
times are ISO text (times in UTC with their offset), as JSON carries them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timezone
from functools import cache
from typing import Any

from sqlalchemy import Table

_ALWAYS = frozenset({"id", "hlc"})
_UTC = timezone.utc


def scalar_default(col: Any) -> Any:
    """A column's declared default when it is a plain value (callables such as ``list`` or ``utcnow`` give None)."""
    default = col.default
    if default is None or callable(default.arg):
        return None
    return default.arg


@cache
def _plan(table: Table) -> tuple[tuple[str, Any, bool], ...]:
    return tuple((c.key, scalar_default(c), c.key in _ALWAYS) for c in table.columns)


def json_value(value: Any) -> Any:
    """One column value in payload form."""
    kind = type(value)
    if kind is datetime:
        return (value if value.tzinfo else value.replace(tzinfo=_UTC)).astimezone(_UTC).isoformat()
    if kind is date:
        return value.isoformat()
    return value


def encode(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """The compact payload of a record given as column key → Python value (missing keys count as None)."""
    out: dict[str, Any] = {}
    for key, default, always in _plan(table):
        v = values.get(key)
        if v is None:
            if always:
                out[key] = None
            continue
        kind = type(v)
        if kind is datetime:
            out[key] = (v if v.tzinfo else v.replace(tzinfo=_UTC)).astimezone(_UTC).isoformat()
            continue
        if kind is list or kind is dict:
            out[key] = v
            continue
        if kind is date:
            v = v.isoformat()
        if always or v != default:
            out[key] = v
    return out


def encode_record(obj: Any) -> dict[str, Any]:
    """The compact payload of an ORM object of a synced model."""
    table: Table = obj.__table__
    return encode(table, {key: getattr(obj, key) for key, _, _ in _plan(table)})


def expanded(table: Table, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Every column's payload-form value: what a compact payload stands for (used to compare two states)."""
    return {key: payload[key] if key in payload else json_value(default) for key, default, _ in _plan(table)}
