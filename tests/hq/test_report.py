"""The weekly report's figures equal figures computed independently, in plain Python, from the same rows."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import Connection, select

from app.core.dates import SATURDAY
from app.hq import tables as t
from app.hq.report_data import build_weekly_report
from app.hq.report_pdf import render_weekly_report
from app.hq.synthetic import generate
from app.hq.weeks import Week, last_weeks, week_of
from hq_helpers import add_patient, add_visit, central_sqlite

END = date(2026, 11, 29)


@pytest.fixture(scope="module")
def dataset():
    engine = central_sqlite()
    with engine.begin() as conn:
        generate(conn, visits=6000, end=END, years=1, seed=7)
        f = conn.execute(select(t.facility).where(t.facility.c.code == "F02")).mappings().one()
        p = add_patient(conn, sex="male", birth_year=2022, date_of_birth=date(2021, 11, 30),
                        legal_status="undocumented")
        add_visit(conn, p, dict(f), date(2026, 11, 29))  # 4 years old the day before his 5th birthday: "<5"
        add_visit(conn, {"id": "patient-not-arrived-yet"}, dict(f), date(2026, 11, 24))  # counts as "unknown"
        add_visit(conn, p, dict(f), date(2026, 11, 25), deleted=True)  # a tombstone: not a consultation
    yield engine
    engine.dispose()


def raw(conn: Connection, name: str) -> list[dict]:
    return [dict(r) for r in conn.execute(select(t.T[name])).mappings()]


def expected_age(p: dict, on: date) -> int:
    dob = p["date_of_birth"]
    if dob is not None:
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    return on.year - p["birth_year"]


def band(age: int) -> str:
    return "<5" if age < 5 else "5-17" if age < 18 else "18-59" if age < 60 else "60+"


def independent(conn: Connection, week: Week) -> dict:
    visits = [v for v in raw(conn, "visit") if not v["deleted"] and week.start <= v["visit_date"] < week.end]
    patients = {p["id"]: p for p in raw(conn, "patient")}
    cube: Counter = Counter()
    for v in visits:
        p = patients.get(v["patient_id"])
        if p is None:
            key = (v["facility_id"], "unknown", "unknown", "unknown", "unknown", v["visit_type"])
        else:
            key = (v["facility_id"], p["sex"], band(expected_age(p, v["visit_date"])), p["legal_status"],
                   p["nationality"], v["visit_type"])
        cube[key] += 1
    week_ids = {v["id"] for v in visits}
    per_code: dict[str, set] = defaultdict(set)
    for d in raw(conn, "visit_diagnosis"):
        if d["visit_id"] in week_ids and not d["deleted"]:
            per_code[d["code"]].add(d["visit_id"])
    top = sorted(((c, len(v)) for c, v in per_code.items()), key=lambda x: (-x[1], x[0]))[:10]
    refs: dict = defaultdict(Counter)
    for r in raw(conn, "referral"):
        if r["visit_id"] in week_ids and not r["deleted"]:
            refs[r["from_facility_id"]][r["status"]] += 1
    cases: Counter = Counter()
    curve_weeks = last_weeks(week, 12)
    curves: dict = defaultdict(lambda: [0] * 12)
    for c in raw(conn, "surveillance_case"):
        day = c["onset_date"] or c["reported_date"]
        wk = week_of(day, week.first_weekday)
        if wk == week:
            cases[(c["disease"], c["facility_id"], c["classification"])] += 1
        if wk in curve_weeks and c["classification"] != "discarded":
            curves[c["disease"]][curve_weeks.index(wk)] += 1
    return {"cube": dict(cube), "top": top, "refs": {k: dict(v) for k, v in refs.items()}, "cases": dict(cases),
            "curves": dict(curves)}


@pytest.mark.parametrize("first_weekday", [0, SATURDAY])
def test_weekly_figures_match_plain_python(dataset, first_weekday: int) -> None:
    with dataset.connect() as conn:
        for week in (week_of(END, first_weekday), week_of(END - timedelta(days=60), first_weekday)):
            report = build_weekly_report(conn, week)
            exp = independent(conn, week)
            assert report.cube == exp["cube"]
            assert report.total() == sum(exp["cube"].values()) > 20
            assert [(c, n) for c, _, n in report.top_diagnoses] == exp["top"]
            assert report.referrals == exp["refs"]
            assert report.cases == exp["cases"]
            assert report.curves == exp["curves"]
            comp = report.completeness
            assert comp is not None
            for f in comp.facilities:
                last = sum(1 for v in raw(conn, "visit") if v["facility_id"] == f.id and not v["deleted"]
                           and week.start <= v["visit_date"] < week.end)
                assert comp.counts[f.id][-1] == last


def test_unknown_patient_and_birthday_edge(dataset) -> None:
    with dataset.connect() as conn:
        report = build_weekly_report(conn, Week(2026, 48))
        assert report.by(1).get(("unknown",)) == 1
        assert report.by(2, 3).get(("<5", "undocumented"), 0) >= 1


def test_pdf_holds_tables_and_charts(dataset) -> None:
    with dataset.connect() as conn:
        report = build_weekly_report(conn, Week(2026, 48))
    pdf = render_weekly_report(report)
    assert pdf.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
        rects = sum(len(page.rects) for page in doc.pages)
    for needle in ("Weekly epidemiological report — 2026W48", "Consultations by facility, sex and age band",
                   "legal status", "Top diagnoses", "Referrals issued this week", "Notifiable cases",
                   "Epidemic curves", "Reporting completeness", "F02 Shirabad", str(report.total())):
        assert needle in text, needle
    code, _, n = report.top_diagnoses[0]
    assert code in text
    for disease in report.curves:
        n = sum(report.curves[disease])
        assert f"— {n} case{'' if n == 1 else 's'}" in text
    bars = sum(1 for counts in report.curves.values() for n in counts if n)
    assert rects >= bars  # every non-empty week is a drawn bar
    if shutil.which("pdftoppm"):  # the same rendering the screenshot in docs/ comes from
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "r.pdf").write_bytes(pdf)
            subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "r.pdf", "page"], cwd=tmp,
                           check=True, timeout=60)
            png = next(Path(tmp).glob("page*.png")).read_bytes()
            assert png.startswith(b"\x89PNG") and len(png) < 300_000


def _logical_lines(pdf: bytes) -> list[str]:
    """Every text line of the PDF; Persian ones also put back in logical order (extraction gives glyphs left to
    right), as the referral slip's test reads them."""
    import re
    import unicodedata

    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for line in (page.extract_text() or "").splitlines():
                out.append(line)
                if any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" for ch in line):
                    logical = unicodedata.normalize("NFKC", line[::-1]).replace("\u200c", "")
                    out.append(re.sub(r"[0-9\u06f0-\u06f9]+", lambda m: m.group(0)[::-1], logical))
    return out


def test_the_weekly_pdf_in_persian(dataset, tmp_path) -> None:
    """`sayyar hq report --lang fa` and a Persian account's download: Persian headings and labels, shaped and in
    reading order, Persian digits, Solar Hijri dates, the week convention said in Persian."""
    with dataset.connect() as conn:
        report = build_weekly_report(conn, Week(2026, 48))
    pdf = render_weekly_report(report, lang="fa")
    lines = _logical_lines(pdf)
    text = "\n".join(lines)
    for needle in ("گزارش هفتگی اپیدمیولوژیک", "مراجعه‌ها به تفکیک مرکز، جنس و گروه سنی".replace("\u200c", ""),
                   "تشخیص‌های پرتکرار".replace("\u200c", ""), "منحنی‌های همه‌گیری".replace("\u200c", ""),
                   "کامل بودن گزارش‌دهی".replace("\u200c", ""), "هفته‌های اپیدمیولوژیک از دوشنبه تا یکشنبه".replace(
                       "\u200c", ""), "آذر ۱۴۰۵", "صفحهٔ ۱"):
        assert needle in text, needle
    total = str(report.total()).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert total in text  # Persian digits
    assert "Consultations by facility" not in text and "Weekly epidemiological report" not in text
    # The English report is unchanged by it.
    assert "Weekly epidemiological report — 2026W48" in "\n".join(_logical_lines(render_weekly_report(report)))
    if shutil.which("pdftoppm"):
        out = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
        (tmp_path / "r.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", "r.pdf", "page"], cwd=tmp_path,
                       check=True, timeout=60)
        png = next(tmp_path.glob("page*.png"))
        assert png.read_bytes().startswith(b"\x89PNG")
        if out.is_dir() and __import__("os").environ.get("SAYYAR_SCREENSHOTS"):
            png.replace(out / "hq-weekly-report-fa.png")
