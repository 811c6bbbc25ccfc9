"""``column IN (many values)`` as one parameter on SQLite.

SQLAlchemy expands an IN list into one bound parameter per value and compiles the statement again for each list:
for the thousands of keys a sync batch looks up or marks, that cost more than the database's own work. One JSON
text unpacked by ``json_each`` is a single parameter, and SQLite still walks the column's index.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select


def in_json(column: Any, values: Iterable[Any]) -> Any:
    listed = func.json_each(bindparam(None, json.dumps(list(values), default=str)))
    return column.in_(select(literal_column("value")).select_from(listed).scalar_subquery())
