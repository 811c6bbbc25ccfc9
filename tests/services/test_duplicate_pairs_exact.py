"""The review list's cheaper scoring finds exactly the pairs the plain computation finds (issue 15): on a seeded
demo data set with its deliberate duplicates (other spellings, other scripts, estimated years), every pair in every
block scored, against the list with the pre-check that skips pairs no names could make likely."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import pytest
from sqlalchemy import select

from app.core.matching import YEAR_WINDOW_ESTIMATED, could_be_likely, score
from app.core.name_keys import name_keys
from app.models import Patient
from app.services.demo import make_demo_data
from app.services.duplicates import find_pairs, read_people
from app.store.search_index import DOCUMENT, PHONE, pair_tokens


def _plain_pairs(people, dismissed=frozenset()):  # type: ignore[no-untyped-def]
    """The computation as it was: blocks by given + father's name, document and phone; every pair of a block
    scored (a big block: same sex, years within the widest window)."""
    blocks = defaultdict(list)
    for i, rec in enumerate(people):
        p = rec.person
        keys = {t[2:] for t in pair_tokens([name_keys(g) for g in p.given], [name_keys(f) for f in p.father])}
        keys.update(DOCUMENT + k for _, k in p.documents)
        if p.phone_key:
            keys.add(PHONE + p.phone_key)
        for k in keys:
            blocks[k].append(i)
    seen, out = set(), []
    for key, members in blocks.items():
        strong = key.startswith((DOCUMENT, PHONE))
        for i, j in combinations(members, 2):
            a, b = people[i], people[j]
            if not (strong or len(members) <= 12):
                if a.person.sex != b.person.sex or abs((a.person.birth_year or 0) - (b.person.birth_year or 0)) \
                        > YEAR_WINDOW_ESTIMATED:
                    continue
            pair = (min(i, j), max(i, j))
            if pair in seen:
                continue
            seen.add(pair)
            if frozenset((a.id, b.id)) in dismissed:
                continue
            ev = score(a.person, b.person)
            if ev.likely:
                out.append((frozenset((a.id, b.id)), round(ev.points, 1), tuple(f"{w}:{h}" for w, h in ev.reasons),
                            ev.strong))
    return sorted(out, key=lambda x: sorted(x[0]))


def _found(pairs):  # type: ignore[no-untyped-def]
    return sorted(((frozenset((p.a.id, p.b.id)), p.points, p.reasons, p.strong) for p in pairs),
                  key=lambda x: sorted(x[0]))


@pytest.fixture(scope="module")
def people(tmp_path_factory):  # type: ignore[no-untyped-def]
    from app.services.reference import seed_reference
    from app.store import Store

    store = Store.open(tmp_path_factory.mktemp("pairs") / "demo.db", None, device_code="PAR1")
    seed_reference(store, unit_code="MHU-ZAH")
    make_demo_data(store, patients=2500, visits_per_patient=0.0, seed=15)
    with store.read() as s:
        assert s.scalar(select(Patient.id).limit(1)) is not None
        out = read_people(s.connection())
    store.close()
    return out


def test_cheaper_scoring_finds_the_same_pairs(people) -> None:  # type: ignore[no-untyped-def]
    plain = _plain_pairs(people)
    assert len(plain) > 40  # the demo data's duplicates are there to be found
    assert _found(find_pairs(people)) == plain


def test_dismissed_pairs_stay_out_the_same_way(people) -> None:  # type: ignore[no-untyped-def]
    plain = _plain_pairs(people)
    dismissed = {key for key, *_ in plain[::7]}
    assert _found(find_pairs(people, dismissed=dismissed)) == _plain_pairs(people, dismissed)


def test_the_pre_check_never_drops_a_likely_pair(people) -> None:  # type: ignore[no-untyped-def]
    """Over many pairs that share no block too (different sexes, years far apart, documents, phones)."""
    sample = people[:400]
    for a, b in combinations(sample, 2):
        if score(a.person, b.person).likely:
            assert could_be_likely(a.person, b.person)


def test_document_keys_of_ascii_numbers_are_unchanged() -> None:
    """document_key's quick path for ASCII numbers gives the key the Unicode passes give."""
    import re
    import string

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from app.core.identifiers import document_key
    from app.core.persian import normalize_for_search

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet=string.printable, max_size=30))
    def same(number: str) -> None:
        assert document_key(number) == re.sub(r"[\W_]+", "", normalize_for_search(number)).upper()

    same()
