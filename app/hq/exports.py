"""Line-list exports (CSV, XLSX) and the DHIS2 file, with role checks and an audit row for every export.

Without identities (no names, document numbers or phones) any reporting role may export; a coordinator gets their
own unit's cases only. With identities: headquarters only (Action.EXPORT_IDENTITIES), audited as such.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date
from typing import Any, Literal

from sqlalchemy import Connection

from app.hq.access import Actor, audit, require
from app.hq.dhis2 import Export, datavalueset, load_mapping
from app.hq.report_data import build_weekly_report
from app.hq.surveillance import (
    BASE_COLUMNS,
    IDENTITY_COLUMNS,
    MALARIA_COLUMNS,
    LineListQuery,
    line_list,
    malaria_line_list,
)
from app.hq.weeks import Week
from app.security.roles import Action

Format = Literal["csv", "xlsx"]


def linelist_rows(conn: Connection, actor: Actor, query: LineListQuery, *, identities: bool = False,
                  first_weekday: int = 0, malaria: bool = False) -> tuple[list[str], list[dict[str, Any]]]:
    """``malaria``: the malaria line list (species, tests, case investigation) instead of every notifiable case."""
    require(actor, Action.VIEW_UNIT_REPORTS)
    if identities:
        require(actor, Action.EXPORT_IDENTITIES)
    build = malaria_line_list if malaria else line_list
    rows = build(conn, query, identities=identities, first_weekday=first_weekday)
    if not actor.is_hq:
        rows = [r for r in rows if actor.unit_id and r["unit"] == _unit_code(conn, actor.unit_id)]
    columns = list(MALARIA_COLUMNS if malaria else BASE_COLUMNS) + (list(IDENTITY_COLUMNS) if identities else [])
    return columns, rows


def _unit_code(conn: Connection, unit_id: str) -> str:
    from app.hq.tables import units

    return units(conn).get(unit_id, {}).get("code", "")


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (or a DDE link): a name
# typed as "=HYPERLINK(...)" on a laptop must reach headquarters' spreadsheet as text, never run there.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _looks_like_formula(value: str) -> bool:
    """Also past leading spaces and invisible marks: LibreOffice's CSV import with "Remove spaces" computes " =1+1"
    (tests/hq/test_export_formulas.py). Direction marks (RLM), zero-width and no-break spaces before "=" kept it
    text there, but other spreadsheets and options are not all known, and a cell that merely starts with them and
    then a formula sign is never a real name: it gets the apostrophe too."""
    for ch in value:
        if ch.isspace() and ch not in "\t\r" or unicodedata.category(ch) == "Cf":
            continue
        return ch in _FORMULA_START
    return False


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe (shown as text, not computed)."""
    if isinstance(value, str) and _looks_like_formula(value):
        return "'" + value
    return value


def to_csv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if r.get(k) is None else safe_cell(r.get(k))) for k in columns})
    # BOM: Excel opens UTF-8 (Persian names) correctly only with it.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(columns: list[str], rows: list[dict[str, Any]], title: str = "Line list") -> bytes:
    # Imported here: openpyxl is only needed by this export, not by the server's start-up.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)  # streams rows: memory stays flat for long lists
    ws = wb.create_sheet(title[:31])
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=c)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for r in rows:
        # Dates stay dates (sortable and filterable in Excel); text that looks like a formula stays text.
        ws.append([_xlsx_cell(ws, r.get(c)) for c in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_cell(ws: Any, value: Any) -> Any:
    if not (isinstance(value, str) and _looks_like_formula(value)):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # stored as a string, never as a formula, and shown exactly as typed
    return cell


def export_linelist(conn: Connection, actor: Actor, query: LineListQuery, fmt: Format, *, identities: bool = False,
                    first_weekday: int = 0, malaria: bool = False) -> bytes:
    """Checks the role, builds the file and writes the audit row in the caller's transaction."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError("Line lists export as csv or xlsx.")
    columns, rows = linelist_rows(conn, actor, query, identities=identities, first_weekday=first_weekday,
                                  malaria=malaria)
    title = "Malaria cases" if malaria else "Notifiable cases"
    data = to_csv(columns, rows) if fmt == "csv" else to_xlsx(columns, rows, title)
    audit(conn, actor, "export_linelist", f"{title.lower()} line list ({fmt})", len(rows), identities=identities,
          detail={"since": _iso(query.since), "until": _iso(query.until), "diseases": list(query.diseases)})
    return data


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def export_dhis2(conn: Connection, actor: Actor, week: Week, *, facility_codes: list[str] | None = None,
                 mapping: dict[str, Any] | None = None) -> Export:
    """Aggregates only: any reporting role. Audited (how many data values left, for which facilities)."""
    require(actor, Action.VIEW_UNIT_REPORTS)
    # A coordinator's or unit administrator's export covers their unit's facilities only.
    report = build_weekly_report(conn, week, with_completeness=False, unit_id=None if actor.is_hq else actor.unit_id)
    export = datavalueset(report, mapping or load_mapping(), facility_codes=facility_codes)
    audit(conn, actor, "export_dhis2", f"DHIS2 dataValueSets {week.label}", export.values,
          detail={"facilities": export.facilities, "silent": export.silent, "unmapped": export.unmapped})
    return export
