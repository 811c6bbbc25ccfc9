"""Precision and recall of person matching on the curated pairs (tests/matching/name_pairs.tsv).

Each pair's first person is registered (through the real registration service, among background patients); the
second is then checked as a new registration would be (the duplicate check) and searched for by given + father's
name. Same-person pairs should find the first person (recall); different-person pairs should not have the first
person as the top candidate. Used by tests/matching/test_name_pairs.py and bench/bench_matching.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from app.core.persian import is_persian
from app.services.context import Ctx, parse
from app.services.duplicates import find_duplicates
from app.services.patient_inputs import PatientIn
from app.services.patient_search import search
from app.services.patients import register_patient

PAIRS = Path(__file__).with_name("name_pairs.tsv")


@dataclass(frozen=True)
class Pair:
    same: bool
    sex: str
    a: tuple[str, str]  # (given, father)
    b: tuple[str, str]
    note: str


def load_pairs(path: Path = PAIRS) -> list[Pair]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, sex, ga, fa, gb, fb, note = line.split("\t")
        pairs.append(Pair(kind == "same", {"m": "male", "f": "female"}[sex], (ga, fa), (gb, fb), note))
    return pairs


def person_input(given: str, father: str, sex: str, year: int) -> dict[str, object]:
    def field_of(value: str) -> str:
        return "fa" if is_persian(value) else "latin"

    data: dict[str, object] = {
        f"given_name_{field_of(given)}": given, f"father_name_{field_of(father)}": father, "sex": sex,
        "birth_year": year, "birth_estimated": True, "nationality": "afghan", "legal_status": "undocumented",
        "consent_date": "2026-01-10",
    }
    return data


@dataclass
class Report:
    same: int = 0
    same_found: int = 0
    same_top: int = 0
    diff: int = 0
    diff_top: int = 0
    search_same_found: int = 0
    search_diff_top: int = 0
    misses: list[str] = field(default_factory=list)
    false_tops: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.same_found / self.same if self.same else 0.0

    @property
    def false_top_rate(self) -> float:
        return self.diff_top / self.diff if self.diff else 0.0

    @property
    def search_recall(self) -> float:
        return self.search_same_found / self.same if self.same else 0.0

    def lines(self) -> list[str]:
        return [
            f"same-person pairs: {self.same}, found by the duplicate check: {self.same_found} "
            f"(recall {self.recall:.1%}), as the top candidate: {self.same_top} ({self.same_top / max(self.same, 1):.1%})",
            f"different-person pairs: {self.diff}, shown as the top candidate: {self.diff_top} "
            f"({self.false_top_rate:.1%}); precision of top candidates "
            f"{self.same_top / max(self.same_top + self.diff_top, 1):.1%}",
            f"search by given + father's name: same-person recall {self.search_recall:.1%}, "
            f"different person ranked first {self.search_diff_top} of {self.diff}",
        ]


def evaluate(ctx: Ctx, pairs: list[Pair], *, seed: int = 15) -> Report:
    rng = random.Random(seed)
    registered = []
    for pair in pairs:
        year = rng.randint(1950, 2015)
        reg = register_patient(ctx, person_input(*pair.a, pair.sex, year), override_reason="matching benchmark")
        registered.append((pair, reg.patient_id, year))
    report = Report()
    for pair, first_id, year in registered:
        other_year = year + (rng.randint(-3, 3) if pair.same else 0)
        data = parse(PatientIn, person_input(*pair.b, pair.sex, other_year), ctx)
        with ctx.read() as session:
            candidates = find_duplicates(session, data)
            hits = search(session, f"{pair.b[0]} {pair.b[1]}", limit=50).ids
        ids = [c.patient_id for c in candidates]
        top = ids[:1] == [first_id]
        label = f"{pair.a[0]} / {pair.a[1]}  vs  {pair.b[0]} / {pair.b[1]}  ({pair.note})"
        if pair.same:
            report.same += 1
            report.same_found += first_id in ids
            report.same_top += top
            report.search_same_found += first_id in hits
            if first_id not in ids:
                report.misses.append(label)
        else:
            report.diff += 1
            report.diff_top += top
            report.search_diff_top += hits[:1] == [first_id]
            if top:
                report.false_tops.append(label)
    return report
