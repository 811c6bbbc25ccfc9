"""Property tests (issue 15, "Proof"): a name found by its exact spelling is still found after joining or splitting
its compound parts, adding or removing ZWNJ, and switching between Arabic and Persian letter forms. Run against the
real search over a real database file."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.name_table import name_entries
from app.services.context import Ctx
from app.services.patient_search import search
from app.services.patients import register_patient
from app.services.reference import seed_reference
from app.store import Store

from services.conftest import make_ctx, person

ZWNJ = "\u200c"
_FIRST = sorted({e.persian[0] for e in name_entries() if e.kind == "n" and " " not in e.persian[0]
                 and ZWNJ not in e.persian[0]})
_NEXT = _FIRST + sorted({e.persian[0] for e in name_entries() if e.kind == "s"})
_LATIN = sorted({e.latin[0] for e in name_entries() if e.kind == "n" and " " not in e.latin[0]})
# Persian letter -> the Arabic code point people type for it (keyboards, copied documents).
_ARABIC = {"ی": "ي", "ک": "ك"}


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ctx]:
    store = Store.open(tmp_path_factory.mktemp("props") / "sayyar.db", secrets.token_bytes(32), device_code="ZAH1")
    seed_reference(store, unit_code="MHU-ZAH")
    yield make_ctx(store, "clinician")
    store.close()


@st.composite
def persian_compound(draw: st.DrawFn) -> list[str]:
    parts = [draw(st.sampled_from(_FIRST))]
    parts += draw(st.lists(st.sampled_from(_NEXT), min_size=0, max_size=2))
    return parts


@st.composite
def written(draw: st.DrawFn, parts: list[str]) -> str:
    """The parts written as one name: each seam joined, spaced or ZWNJ; letters in Persian or Arabic forms."""
    out = parts[0]
    for part in parts[1:]:
        out += draw(st.sampled_from(["", " ", ZWNJ])) + part
    letters = []
    for i, ch in enumerate(out):
        if ch in _ARABIC and draw(st.booleans()):
            ch = _ARABIC[ch]
        elif ch == "ه" and (i + 1 == len(out) or out[i + 1] in (" ", ZWNJ)) and draw(st.booleans()):
            ch = "ة"  # teh marbuta for a final heh (فاطمة)
        letters.append(ch)
    return "".join(letters)


def _register(ctx: Ctx, **names: str) -> str:
    father = f"Father{uuid.uuid4().hex[:8]}"  # a father's name nobody else has: the new record is the one sought
    fields = {"given_name_fa": "", "given_name_latin": "", "father_name_fa": "", "father_name_latin": father}
    data = person(documents=[], phone="", **{**fields, **names})
    return register_patient(ctx, data, override_reason="property test").patient_id


def _found(ctx: Ctx, query: str, patient_id: str) -> bool:
    with ctx.read() as session:
        return patient_id in search(session, query, limit=None).ids


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_persian_names_survive_spacing_zwnj_and_letter_forms(ctx: Ctx, data: st.DataObject) -> None:
    parts = data.draw(persian_compound())
    stored = data.draw(written(parts))
    typed = data.draw(written(parts))
    pid = _register(ctx, given_name_fa=stored)
    assert _found(ctx, stored, pid), stored
    assert _found(ctx, typed, pid), (stored, typed)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(_LATIN), min_size=2, max_size=3),
       seams=st.lists(st.sampled_from(["", " ", "-"]), min_size=4, max_size=4))
def test_latin_compounds_survive_joining_and_splitting(ctx: Ctx, parts: list[str], seams: list[str]) -> None:
    stored = parts[0] + "".join(seams[i] + p for i, p in enumerate(parts[1:]))
    typed = parts[0] + "".join(seams[2 + i] + p.lower() for i, p in enumerate(parts[1:]))
    pid = _register(ctx, given_name_latin=stored)
    assert _found(ctx, stored, pid), stored
    assert _found(ctx, typed, pid), (stored, typed)
