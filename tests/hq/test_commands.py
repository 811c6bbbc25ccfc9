"""``sayyar hq …`` subcommands through the real ``sayyar`` command line."""

from __future__ import annotations

import json
from datetime import date

import jsonschema
from sqlalchemy import select

from app.cli import main
from app.hq.dhis2 import schema
from app.hq.models import hq_audit
from hq_helpers import add_case, add_patient, add_site, add_visit, central_sqlite


def run(argv: list[str]) -> int:
    return main(argv)


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


def test_the_global_user_is_not_overridden_by_the_subcommand(tmp_path, capsys) -> None:
    """``sayyar --user NAME hq export …`` used to lose NAME: the hq subcommands' own --user replaced it with None."""
    db = tmp_path / "central.db"
    engine = central_sqlite(str(db))
    with engine.begin() as conn:
        add_site(conn)
    engine.dispose()
    assert run(["--user", "l.karimi", "hq", "export", "dhis2", "--week", "2026W48", "--db", str(db),
                "--out", str(tmp_path / "d.json")]) == 0
    assert run(["hq", "export", "dhis2", "--week", "2026W48", "--db", str(db), "--out", str(tmp_path / "e.json")]) == 2
    assert "--user" in capsys.readouterr().err
