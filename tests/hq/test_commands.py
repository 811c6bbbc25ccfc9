"""``sayyar hq …`` subcommands, added under a parser the core CLI passes in."""

from __future__ import annotations

import argparse
import json
from datetime import date

import jsonschema
from sqlalchemy import select

from app.hq.commands import add_hq_commands
from app.hq.dhis2 import schema
from app.hq.models import hq_audit
from hq_helpers import add_case, add_patient, add_site, add_visit, central_sqlite


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sayyar")
    sub = parser.add_subparsers(dest="command", required=True)
    hq = sub.add_parser("hq")
    hq_sub = hq.add_subparsers(dest="hq_command", required=True)
    hq_sub.add_parser("import")  # the sync engineer's command lives beside ours
    add_hq_commands(hq_sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_report_and_exports_from_the_command_line(tmp_path, capsys) -> None:
    db = tmp_path / "central.db"
    engine = central_sqlite(str(db))
    with engine.begin() as conn:
        site = add_site(conn)
        p = add_patient(conn)
        add_visit(conn, p, site["F02"], date(2026, 11, 24))
        add_case(conn, "measles", site["F02"], date(2026, 11, 24), patient=p)
    common = ["--db", str(db)]
    assert run(["hq", "report", "--week", "2026W48", "--out", str(tmp_path / "r.pdf"), *common]) == 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert run(["hq", "export", "dhis2", "--week", "2026W48", "--out", str(tmp_path / "d.json"),
                "--user", "l.karimi", *common]) == 0
    for s in json.loads((tmp_path / "d.json").read_text()):
        jsonschema.validate(s, schema())
    assert run(["hq", "export", "linelist", "--format", "csv", "--out", str(tmp_path / "l.csv"), "--user",
                "l.karimi", "--identities", *common]) == 0
    assert "Fatemeh" in (tmp_path / "l.csv").read_text(encoding="utf-8-sig")
    assert run(["hq", "export", "linelist", "--out", str(tmp_path / "l.xlsx"), "--user", "h.rigi",
                "--identities", *common]) == 2
    assert "headquarters only" in capsys.readouterr().err
    assert run(["hq", "report", "--week", "2026W99", "--out", str(tmp_path / "x.pdf"), *common]) == 2
    assert run(["hq", "alerts", "--week-start", "saturday", *common]) == 0
    assert "1 new" in capsys.readouterr().out
    with engine.connect() as conn:
        assert [r.action for r in conn.execute(select(hq_audit))] == ["export_dhis2", "export_linelist"]
    engine.dispose()
