"""The curated pairs (issue 15, "Proof"): same-person recall >= 95 %, different people the top candidate <= 2 %."""

from __future__ import annotations

import pytest

from matching.pair_eval import evaluate, load_pairs
from services.conftest import clinician, make_ctx, store  # noqa: F401  (fixtures)


def test_the_curated_set_is_large_and_covers_both_kinds():
    pairs = load_pairs()
    assert len(pairs) >= 200
    assert sum(p.same for p in pairs) >= 100 and sum(not p.same for p in pairs) >= 80
    scripts = {(any("\u0600" <= ch <= "\u06ff" for ch in p.a[0]), any("\u0600" <= ch <= "\u06ff" for ch in p.b[0]))
               for p in pairs}
    assert scripts == {(True, True), (True, False), (False, True), (False, False)}


@pytest.mark.slow
def test_precision_and_recall_on_the_curated_pairs(clinician):  # noqa: F811
    report = evaluate(clinician, load_pairs())
    assert report.recall >= 0.95, "\n".join(report.lines() + report.misses)
    assert report.false_top_rate <= 0.02, "\n".join(report.lines() + report.false_tops)
    assert report.search_recall >= 0.95, "\n".join(report.lines())
