"""Demo vaccination histories and a border campaign (issue 18): most children follow the national schedule for a
while and then drop off at some visit; some are zero-dose; Afghan children's older doses are copied from cards
issued before arrival, or, for a third of them, known only from the caregiver's word (no date); a polio round at
the Dogharoun crossing counts its children by tally and gives some registered children under 5 their bOPV dose.
A separate random stream keeps the rest of the demo data unchanged."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from app.core.immunisation import Age
from app.store.bulk import BulkWriter

# The schedule's visits: (age, vaccines given at it).
VISITS: list[tuple[str, tuple[str, ...]]] = [
    ("0d", ("bcg", "hepb", "opv")), ("2m", ("penta", "opv")), ("4m", ("penta", "opv", "ipv")),
    ("6m", ("penta", "opv")), ("12m", ("mmr",)), ("18m", ("dtp", "opv", "mmr")), ("6y", ("dtp", "opv")),
]
SITES = {"opv": "oral", "bcg": "left_arm", "mmr": "right_arm", "ipv": "right_thigh"}
_AGES = [(Age.parse(a), v) for a, v in VISITS]


class DemoImmunisation:
    def __init__(self, gen: Any, seed: int) -> None:
        self.gen = gen
        self.rng = random.Random(seed * 31 + 18)
        self.batches = {v: f"{v.upper()}-{self.rng.randrange(1000, 9999)}" for _, vs in VISITS for v in vs}
        self.batches["bopv"] = f"BOPV-{self.rng.randrange(1000, 9999)}"
        self.campaign_id = ""  # set by campaign(), which runs before the children
        self.campaign_start = gen.today - timedelta(days=3)

    def child(self, w: BulkWriter, patient: dict[str, Any]) -> None:
        gen, rng = self.gen, self.rng
        today: date = gen.today
        born = patient["date_of_birth"] or date(patient["birth_year"], 7, 1)
        if Age(15, "y").after(born) <= today:
            return
        roll = rng.random()
        visits = 0 if roll < 0.12 else len(VISITS) if roll < 0.55 else rng.randint(1, len(VISITS) - 1)
        abroad = patient["nationality"] != "iranian"
        # Before arrival: a card with the dates, or only what the caregiver remembers (counted, with no date).
        remembered = abroad and rng.random() < 0.35
        for age, vaccines in _AGES[:visits]:
            on = age.after(born) + timedelta(days=rng.randint(0, 3 if age.n == 0 else 25))
            if on > today:
                break
            from_card = abroad and on < today - timedelta(days=365)
            facility = rng.choice(gen.facilities)
            for v in vaccines:
                row: dict[str, Any] = {"id": gen._uid(), "patient_id": patient["id"], "vaccine": v,
                                       "given_on": on, "created_at": datetime.combine(on, time(8), timezone.utc)}
                if from_card and remembered:
                    row.update(source="reported", given_on=None, place="abroad", country="Afghanistan")
                elif from_card:
                    row.update(source="card", place="abroad", country="Afghanistan")
                else:
                    row.update(source="given", place="unit", unit_id=gen.unit_id, facility_id=facility,
                               batch=self.batches[v], expiry=on + timedelta(days=300),
                               site=SITES.get(v, "left_thigh"), given_by=rng.choice(gen.clinicians))
                w.add("immunisation_dose", row)
        self._campaign_dose(w, patient, born, abroad)

    def _campaign_dose(self, w: BulkWriter, patient: dict[str, Any], born: date, abroad: bool) -> None:
        """A quarter of the Afghan children under 5 came through the crossing during the round: one bOPV drop,
        recorded on their chart for the round (the others the round met are only tallied)."""
        gen, rng = self.gen, self.rng
        if not (self.campaign_id and abroad and Age(5, "y").after(born) > gen.today and rng.random() < 0.25):
            return
        on = self.campaign_start + timedelta(days=rng.randint(0, (gen.today - self.campaign_start).days))
        if on < born:
            return
        w.add("immunisation_dose", {
            "id": gen._uid(), "patient_id": patient["id"], "vaccine": "bopv", "given_on": on,
            "created_at": datetime.combine(on, time(9), timezone.utc), "source": "given", "place": "unit",
            "unit_id": gen.unit_id, "facility_id": gen.facilities[0], "batch": self.batches["bopv"],
            "expiry": on + timedelta(days=180), "site": "oral", "given_by": rng.choice(gen.clinicians),
            "campaign_id": self.campaign_id})

    def campaign(self, w: BulkWriter) -> None:
        gen, rng = self.gen, self.rng
        cid = self.campaign_id = gen._uid()
        start = self.campaign_start
        w.add("campaign", {"id": cid, "code": "POLIO-DGH-R1", "name": "Polio round 1 (bOPV), Dogharoun crossing",
                           "vaccine": "bopv", "start_date": start, "end_date": gen.today + timedelta(days=2),
                           "min_age_months": 0, "max_age_months": 179, "unit_id": gen.unit_id,
                           "facility_id": gen.facilities[0], "site": "Dogharoun – Islam Qala crossing"})
        for offset in range(4):
            day = start + timedelta(days=offset)
            for band, scale in (("0-11m", 40), ("12-59m", 120), ("5-14y", 15)):
                for sex in ("female", "male"):
                    for nationality, share in (("afghan", 0.9), ("iranian", 0.1)):
                        for outcome, part, zero in (("vaccinated", 0.82, False), ("vaccinated", 0.1, True),
                                                    ("refused", 0.03, False), ("absent", 0.05, False)):
                            n = int(scale * share * part * rng.uniform(0.7, 1.3))
                            if n:
                                w.add("campaign_tally", {"id": gen._uid(), "campaign_id": cid, "day": day,
                                                         "age_band": band, "sex": sex, "nationality": nationality,
                                                         "outcome": outcome, "zero_dose": zero, "count": n,
                                                         "facility_id": gen.facilities[0]})
