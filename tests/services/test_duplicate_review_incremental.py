"""The duplicates review list kept between reviews (issue 15): after the first (complete) review, the next compares
only the patients written since and keeps the other pairs — and lists exactly the pairs a complete computation
over everyone lists, after renames, new registrations, a changed sex, a shared document, a merge and a deletion."""

from __future__ import annotations

from services.conftest import make_ctx, person
from sqlalchemy import select

from app.models import IdentityDocument, Patient
from app.services.demo import make_demo_data
from app.services.duplicates import (
    dismissed_pairs,
    duplicate_review,
    find_pairs,
    mark_not_duplicate,
    read_people,
    refresh_review,
    stored_pairs,
)
from app.services.patients import merge_patients, register_patient


def _full(store):  # type: ignore[no-untyped-def]
    """Everyone compared with everyone in their blocks, now; pairs a person dismissed (or registered anyway) out."""
    with store.read() as s:
        pairs = find_pairs(read_people(s.connection()), dismissed=dismissed_pairs(s.connection()))
    return sorted((p.a.id, p.b.id, p.points, p.reasons, p.strong) for p in pairs)


def _kept(store):  # type: ignore[no-untyped-def]
    with store.read() as s:
        pairs = stored_pairs(s)
    return sorted((p.a.id, p.b.id, p.points, p.reasons, p.strong) for p in pairs)


def _edit(ctx, pid, **values):  # type: ignore[no-untyped-def]
    with ctx.store.write(ctx.user_id) as s:
        patient = s.get(Patient, pid)
        for k, v in values.items():
            setattr(patient, k, v)


def test_later_reviews_compare_only_the_changed_and_list_what_a_full_one_lists(store) -> None:  # type: ignore[no-untyped-def]
    make_demo_data(store, patients=1500, visits_per_patient=0.0, seed=21)
    admin, clin = make_ctx(store, "unit_admin"), make_ctx(store, "clinician")
    assert refresh_review(admin) == "full"
    full = _full(store)
    assert len(full) > 20 and _kept(store) == full
    assert refresh_review(admin) == "current"  # nothing written since: nothing compared

    with store.read() as s:
        patients = s.scalars(select(Patient).where(Patient.merged_into_id.is_(None))
                             .order_by(Patient.code).limit(400)).all()
    a, b, c, d, e = patients[10], patients[50], patients[90], patients[130], patients[170]
    # A rename that makes b the same person as a; c's sex changed; d's document number given to e.
    _edit(clin, b.id, given_name_fa=a.given_name_fa, given_name_latin=a.given_name_latin,
          father_name_fa=a.father_name_fa, father_name_latin=a.father_name_latin, sex=a.sex,
          birth_year=a.birth_year)
    _edit(clin, c.id, sex="male" if c.sex == "female" else "female")
    with store.read() as s:
        doc = s.scalars(select(IdentityDocument).where(IdentityDocument.patient_id == d.id)).first()
    if doc is not None:
        with clin.store.write(clin.user_id) as s:
            s.add(IdentityDocument(patient_id=e.id, doc_type=doc.doc_type, number=doc.number,
                                   number_key=doc.number_key))
    # A new registration in Latin of someone registered in Persian, and one more who matches nobody.
    register_patient(clin, person(given_name_fa="", father_name_fa="", given_name_latin=a.given_name_latin,
                                  father_name_latin=a.father_name_latin, sex=a.sex, birth_year=a.birth_year + 1,
                                  documents=[], phone=""), override_reason="test")
    register_patient(clin, person(given_name_fa="", father_name_fa="", given_name_latin="Zzyzx",
                                  father_name_latin="Qwerty", documents=[], phone=""), override_reason="test")
    # A pair of the first review merged, another's record deleted.
    first, second = full[0][:2], full[-1][:2]
    merge_patients(admin, keep_id=first[0], merge_id=first[1])
    _edit(clin, second[1], deleted=True)

    assert refresh_review(admin) == "changed"
    after = _full(store)
    assert after != full
    assert _kept(store) == after
    assert (min(a.id, b.id), max(a.id, b.id)) in {(x, y) for x, y, *_ in after}
    assert refresh_review(admin) == "current"

    # Dismissed pairs stay stored but are not listed; the list is what the complete computation says.
    rows = duplicate_review(admin, limit=None)  # type: ignore[arg-type]
    assert len(rows) == len(after)
    keep, gone = rows[0].keep_id, rows[0].merge_id
    mark_not_duplicate(admin, keep, gone, "brothers")
    assert {frozenset((r.keep_id, r.merge_id)) for r in duplicate_review(admin, limit=None)} == {  # type: ignore[arg-type]
        frozenset(p[:2]) for p in after} - {frozenset((keep, gone))}


def test_a_first_review_on_a_laptop_with_no_patients_then_registrations(store) -> None:  # type: ignore[no-untyped-def]
    admin, clin = make_ctx(store, "unit_admin"), make_ctx(store, "clinician")
    assert duplicate_review(admin) == []
    one = register_patient(clin, person(documents=[], phone="")).patient_id
    two = register_patient(clin, person(given_name_fa="", father_name_fa="", given_name_latin="Fatima",
                                        documents=[], phone=""), override_reason="test").patient_id
    _edit(clin, two, phone="0915 123 4567")
    assert refresh_review(admin) == "changed"
    # Registered anyway, with a reason: a person said "someone else", so the pair is kept but not listed.
    assert _kept(store) == _full(store) == []
    with store.read() as s:
        stored = s.connection().exec_driver_sql("SELECT a_id, b_id FROM duplicate_pair").all()
    assert [tuple(r) for r in stored] == [tuple(sorted((one, two)))]
