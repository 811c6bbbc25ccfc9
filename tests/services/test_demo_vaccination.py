"""The demo site's vaccination content (issue 18, item 7): children with complete, partial and no histories, doses
seen on a card issued before arrival and doses only the caregiver reports (no date), and a border campaign with its
daily tallies and the doses given in it. Each test fails if the demo data loses one of them."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from app.core.immunisation import GivenDose, assess, is_zero_dose
from app.models import Campaign, CampaignTally, ImmunisationDose, Patient
from app.services.demo import make_demo_data
from app.store.immunisation_due import birth_date

TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    import secrets

    from app.services.reference import seed_reference
    from app.store import Store

    store = Store.open(tmp_path_factory.mktemp("demo") / "demo.db", secrets.token_bytes(32), device_code="ZAH1")
    seed_reference(store, unit_code="MHU-ZAH")
    make_demo_data(store, patients=600, visits_per_patient=1.0, seed=18, today=TODAY)
    yield store
    store.close()


def _children(store):
    """Every child under 15 with its doses, and the engine's view of each on the demo's day."""
    with store.read() as s:
        people = s.execute(
            select(Patient.id, Patient.date_of_birth, Patient.birth_year, Patient.sex, Patient.nationality)
        ).all()
        doses: dict[str, list[ImmunisationDose]] = {}
        for d in s.scalars(select(ImmunisationDose).where(ImmunisationDose.deleted.is_(False))):
            doses.setdefault(d.patient_id, []).append(d)
    out = []
    for pid, dob, year, sex, nationality in people:
        born = birth_date(dob, year)
        if born is None or (TODAY - born).days >= 15 * 365:
            continue
        mine = doses.get(pid, [])
        status = assess(born, sex, [GivenDose(d.vaccine, d.given_on, d.source) for d in mine], TODAY)  # type: ignore[arg-type]
        out.append((pid, born, nationality, mine, status))
    return out


def test_histories_complete_partial_and_zero_dose(demo):
    kinds = Counter()
    for _, born, _, doses, status in _children(demo):
        if (TODAY - born).days < 70:
            continue  # too young to tell a missed dose from one not yet due
        if not doses:
            kinds["none at all"] += 1
        elif is_zero_dose([GivenDose(d.vaccine, d.given_on) for d in doses]):
            kinds["zero-dose (no DTP-containing dose)"] += 1
        if status.overall in ("complete", "up_to_date") and doses:
            kinds["up to date"] += 1
        elif doses and status.overall == "overdue":
            kinds["partial: behind schedule"] += 1
    for kind in ("none at all", "up to date", "partial: behind schedule"):
        assert kinds[kind] >= 5, kinds
    # Children who completed everything up to their 6-year boosters, not only babies on track.
    assert any(status.overall == "complete" and len(doses) >= 15 for _, _, _, doses, status in _children(demo))


def test_doses_seen_on_a_card_and_reported_by_the_caregiver(demo):
    sources = Counter()
    for _, _, nationality, doses, _ in _children(demo):
        for d in doses:
            sources[d.source] += 1
            if d.source == "reported":
                assert d.given_on is None and d.place == "abroad" and d.country and not d.batch
            if d.source == "card":
                assert d.given_on is not None and d.place == "abroad" and d.country
            if d.source != "given":
                assert nationality != "iranian"  # histories from before arrival are the migrants'
    assert sources["given"] >= 100 and sources["card"] >= 20 and sources["reported"] >= 20, sources
    # A caregiver's undated word counts: some child has a dose counted that has no date.
    assert any(
        s.dose is not None and s.dose.given_on is None and s.state == "given"
        for *_, status in _children(demo)
        for st in status.series
        for s in st.slots
    )


def test_a_border_campaign_with_its_tallies_and_its_doses(demo):
    with demo.read() as s:
        campaign = s.scalars(select(Campaign)).one()
        tallies = s.scalars(select(CampaignTally).where(CampaignTally.campaign_id == campaign.id)).all()
        given = s.scalars(select(ImmunisationDose).where(ImmunisationDose.campaign_id == campaign.id)).all()
        days = s.scalar(
            select(func.count(func.distinct(CampaignTally.day))).where(CampaignTally.campaign_id == campaign.id)
        )
    assert campaign.vaccine == "bopv" and campaign.start_date <= TODAY <= campaign.end_date
    assert days >= 3 and {t.outcome for t in tallies} == {"vaccinated", "refused", "absent"}
    assert sum(t.count for t in tallies if t.zero_dose) > 0
    assert len(given) >= 5
    for d in given:
        assert d.vaccine == campaign.vaccine and d.source == "given" and d.batch and d.site == "oral"
        assert campaign.start_date <= d.given_on <= TODAY
