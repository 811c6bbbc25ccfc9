"""Turning a change's JSON payload back into column values, checking every field on the way.

Both the server (``apply_changes``) and the laptop (feed pages) use this, so a record that one side accepts the other
can store. Anything wrong is a :class:`RecordInvalid` with a reason naming the field (never its value: reasons are
logged and shown, and values may be patient data).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Table, Text

from app.models.base import UTCDateTime
from app.models.payload import encode, expanded
from app.models.registry import REGISTRY, Policy

_INT32 = 2**31 - 1


class RecordInvalid(ValueError):
    pass


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big batch is built: 100,000 entries make millions of young
    objects (none of them cyclic), and the collector re-scanning them makes import time grow with the square."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_MISSING = object()
Converter = Callable[[Any], Any]


def _string(limit: int | None) -> Converter:
    def conv(v: Any) -> Any:
        if type(v) is not str:
            raise TypeError("expected text")
        if limit is not None and len(v) > limit:
            raise ValueError(f"longer than {limit} characters")
        if "\x00" in v:
            raise ValueError("contains a NUL character")
        return v

    return conv


def _integer(v: Any) -> Any:
    if type(v) is not int:
        raise TypeError("expected a whole number")
    if not -_INT32 <= v <= _INT32:
        raise ValueError("out of range")
    return v


def _float(v: Any) -> Any:
    if type(v) not in (int, float) or not math.isfinite(v):
        raise TypeError("expected a number")
    return float(v)


def _boolean(v: Any) -> Any:
    if type(v) is not bool:
        raise TypeError("expected true or false")
    return v


# A refusal's reason is kept at the server and shown at headquarters (and on the laptop): it names the field, never
# the value, which may be anything a laptop put there (fromisoformat's own message quotes it, a name included).
def _date(v: Any) -> Any:
    if type(v) is not str:
        raise TypeError("expected an ISO date")
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise ValueError("not an ISO date (YYYY-MM-DD)") from None


def _datetime(v: Any) -> Any:
    if type(v) is not str:
        raise TypeError("expected an ISO date-time")
    try:
        value = datetime.fromisoformat(v)
    except ValueError:
        raise ValueError("not an ISO date-time") from None
    tz = value.tzinfo
    if tz is None:
        raise ValueError("date-time without a time zone")
    # Stamps the laptop writes are in UTC (fromisoformat gives the one timezone.utc for "+00:00" and "Z").
    year = value.year if tz is timezone.utc else value.astimezone(timezone.utc).year
    if not 1900 <= year <= 2200:
        raise ValueError("date-time out of range")
    return value


def _json(v: Any) -> Any:
    return v


def _converter(col_type: Any) -> Converter:
    if isinstance(col_type, UTCDateTime):
        return _datetime
    if isinstance(col_type, Boolean):
        return _boolean
    if isinstance(col_type, Integer):
        return _integer
    if isinstance(col_type, Float):
        return _float
    if isinstance(col_type, Date):
        return _date
    if isinstance(col_type, JSON):
        return _json
    if isinstance(col_type, (String, Text)):
        return _string(getattr(col_type, "length", None))
    raise TypeError(f"no converter for {col_type!r}")


def column_value(col_type: Any, value: Any) -> Any:
    """One payload value as the column's Python value (RecordInvalid if it does not fit)."""
    try:
        return _converter(col_type)(value)
    except (TypeError, ValueError, OverflowError) as err:
        raise RecordInvalid(str(err)) from None


@cache
def _plan(entity: str) -> tuple[tuple[str, Any, bool, Any], ...]:
    table: Table = REGISTRY[entity].table
    plan = []
    for col in table.columns:
        default = col.default.arg if col.default is not None else _MISSING  # type: ignore[attr-defined]
        plan.append((col.key, col.type, bool(col.nullable) and not col.primary_key, default))
    return tuple(plan)


@cache
def columns_of(entity: str) -> frozenset[str]:
    return frozenset(c.key for c in REGISTRY[entity].table.columns)


@cache
def _converter_for(entity: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function specialised to ``entity``'s columns (generated once): a 100,000-change bundle converts in a
    fraction of the time a generic loop takes. Each column: missing → default or error; None → allowed or error;
    common types checked inline; everything else through its converter."""
    env: dict[str, Any] = {"M": _MISSING, "RecordInvalid": RecordInvalid}
    lines = ["def convert(p):", "    row = {}", "    try:"]
    for i, (key, col_type, nullable, default) in enumerate(_plan(entity)):
        env[f"c{i}"] = _converter(col_type)
        env[f"d{i}"] = default
        missing = (f"raise RecordInvalid('{entity}.{key}: missing')" if default is _MISSING and not nullable
                   else "v = None" if default is _MISSING
                   else f"v = d{i}(None)" if callable(default) else f"v = d{i}")
        on_none = "row[f] = None" if nullable else "raise ValueError('must not be empty')"
        lines += [f"        f = {key!r}; v = p.get({key!r}, M)", "        if v is M:", f"            {missing}",
                  "        if v is None:", f"            {on_none}"]
        if isinstance(col_type, (String, Text)) and not isinstance(col_type, UTCDateTime):
            limit = getattr(col_type, "length", None) or 10**9
            lines.append(f"        elif type(v) is str and len(v) <= {limit} and '\\x00' not in v:")
            lines.append("            row[f] = v")
        elif isinstance(col_type, Integer) and not isinstance(col_type, Boolean):
            lines += [f"        elif type(v) is int and {-_INT32} <= v <= {_INT32}:", "            row[f] = v"]
        elif isinstance(col_type, JSON):
            lines += ["        else:", "            row[f] = v"]
            continue
        lines += ["        else:", f"            row[f] = c{i}(v)"]
    lines += ["    except (TypeError, ValueError, OverflowError) as err:",
              f"        raise RecordInvalid('{entity}.' + f + ': ' + str(err)) from None", "    return row"]
    exec("\n".join(lines), env)  # noqa: S102 - code built above from the model's own column list
    return env["convert"]  # type: ignore[no-any-return]


def payload_to_row(entity: str, record_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Column values of ``entity`` from a payload, or RecordInvalid."""
    if entity not in REGISTRY:
        raise RecordInvalid(f"unknown record type {entity!r}")
    if payload.get("id") != record_id:
        raise RecordInvalid("payload id differs from the entry's record id")
    if not payload.keys() <= columns_of(entity):
        extra = set(payload) - columns_of(entity)
        # A newer laptop may know fields this server does not: refuse rather than drop them silently.
        raise RecordInvalid(f"unknown field(s) {', '.join(sorted(extra)[:5])} (is the server older than the laptop?)")
    row = _converter_for(entity)(payload)
    if row["version"] < 1:
        raise RecordInvalid(f"{entity}.version: must be at least 1")
    if not row.get("hlc"):
        raise RecordInvalid(f"{entity}.hlc: missing")
    return row


def row_to_payload(entity: str, row: Any) -> dict[str, Any]:
    """A stored row (mapping; extra server columns are ignored) in payload form: the one encoding."""
    return encode(REGISTRY[entity].table, row)


@cache
def columns_of_ordered(entity: str) -> tuple[str, ...]:
    return tuple(c.key for c in REGISTRY[entity].table.columns)


def policy_of(entity: str) -> Policy:
    return REGISTRY[entity].policy


_BOOKKEEPING = frozenset({"updated_at", "updated_by", "version", "hlc"})


def changed_fields(entity: str, before: dict[str, Any] | None, after: dict[str, Any]) -> list[str] | None:
    """Which record fields a change set (sync bookkeeping fields aside); ``None`` when the earlier state is unknown.
    Both states are compact payloads: a field set back to its default (a phone cleared) is absent from ``after``
    and still counts as changed."""
    if before is None:
        return None
    table = REGISTRY[entity].table
    old, new = expanded(table, before), expanded(table, after)
    return sorted(k for k, v in new.items() if k not in _BOOKKEEPING and old[k] != v)
