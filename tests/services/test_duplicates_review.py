"""The duplicates review list (issue 15, item 3): likely pairs already in the database, best first, with reasons; a
pair marked "different people" is not offered again; a merge takes the pair off the list; across units, only pairs
registered by different units."""

from __future__ import annotations

import uuid

from app.models import Patient
from app.services.duplicates import duplicate_review, find_pairs, mark_not_duplicate, read_people
from app.services.patients import merge_patients, register_patient

from services.conftest import make_ctx, person


def _reg(ctx, **over):  # type: ignore[no-untyped-def]
    """Registered as someone else first, then renamed: as two laptops would have registered one person (registering
    anyway at the duplicate warning would record the pair as "different people")."""
    names = {k: over.pop(k) for k in list(over) if k.startswith(("given_name", "father_name"))}
    pid = register_patient(ctx, person(**{"documents": [], "phone": "", **over, "given_name_fa": "",
                                          "father_name_fa": "", "given_name_latin": f"Tmp{uuid.uuid4().hex[:8]}",
                                          "father_name_latin": f"Tmp{uuid.uuid4().hex[:8]}"})).patient_id
    with ctx.store.write(ctx.user_id) as s:
        patient = s.get(Patient, pid)
        for k, v in names.items():
            setattr(patient, k, v)
    return pid


def test_likely_pairs_are_listed_dismissed_and_merged(store):  # type: ignore[no-untyped-def]
    clin, admin = make_ctx(store, "clinician"), make_ctx(store, "unit_admin")
    a = _reg(clin, given_name_fa="عبدالله", given_name_latin="", father_name_fa="غلام‌رسول", father_name_latin="",
             sex="male", birth_year=1980)
    b = _reg(clin, given_name_fa="", given_name_latin="Abdullah", father_name_fa="", father_name_latin="Ghulam Rasool",
             sex="male", birth_year=1984)
    c = _reg(clin, given_name_fa="فاطمه", given_name_latin="", father_name_fa="نورالله", father_name_latin="",
             sex="female", birth_year=1990, phone="0912 345 6789")
    d = _reg(clin, given_name_fa="", given_name_latin="Fatima", father_name_fa="", father_name_latin="Nurullah",
             sex="female", birth_year=1991, phone="+98 912 345 6789")
    _reg(clin, given_name_fa="زینب", given_name_latin="", father_name_fa="کریم", father_name_latin="", sex="female",
         birth_year=2001)  # nobody else
    rows = duplicate_review(admin)
    pairs = {frozenset((r.keep_id, r.merge_id)): r for r in rows}
    assert set(pairs) == {frozenset((a, b)), frozenset((c, d))}
    fatima = pairs[frozenset((c, d))]
    assert "phone:same" in fatima.reasons and "given:script" in fatima.reasons
    assert rows[0] is fatima  # the phone makes it the likelier pair
    mark_not_duplicate(admin, c, d, "sisters")
    assert [frozenset((r.keep_id, r.merge_id)) for r in duplicate_review(admin)] == [frozenset((a, b))]
    merge_patients(admin, keep_id=a, merge_id=b)
    assert duplicate_review(admin) == []


def test_across_units_only_pairs_from_different_units(store):  # type: ignore[no-untyped-def]
    clin = make_ctx(store, "clinician")
    a = _reg(clin, given_name_latin="Mohammad", father_name_latin="Karim", given_name_fa="", father_name_fa="",
             sex="male", birth_year=1970)
    b = _reg(clin, given_name_latin="Muhammad", father_name_latin="Kareem", given_name_fa="", father_name_fa="",
             sex="male", birth_year=1972)
    with store.read() as s:
        people = read_people(s.connection())
    assert len(find_pairs(people)) == 1
    assert find_pairs(people, across_units_only=True) == []
    moved = [p if p.id != b else type(p)(p.id, p.code, p.person, "another-unit", p.names) for p in people]
    (pair,) = find_pairs(moved, across_units_only=True)
    assert {pair.a.id, pair.b.id} == {a, b}
