"""The vaccination card: gathered here, drawn by app.printing.vaccination_card; every print recorded in the audit
trail and reprints marked, like the patient card."""

from __future__ import annotations

from typing import Final

from app.core.card_code import card_payload
from app.core.immunisation import load_schedule
from app.models import DeviceState, Facility, Patient, Unit
from app.printing.vaccination_card import CardDose, VaccinationCardData, render_vaccination_card
from app.security.roles import Action
from app.services.context import Ctx
from app.services.errors import NotFound
from app.services.immunisation import immunisation_status
from app.services.labels import country_names, label
from app.services.printing import _record_print, prints_so_far

CARD_ENTITY: Final = "vaccination_card"


def vaccination_card_pdf(ctx: Ctx, patient_id: str) -> bytes:
    """The card of one person: every dose recorded, what is due next. The first print is the original; later
    ones say REPRINT n."""
    ctx.require(Action.PRINT_VACCINATION_CARD)
    view = immunisation_status(ctx, patient_id)
    sched = load_schedule()
    with ctx.read() as session:
        patient = session.get(Patient, view.patient_id)
        if patient is None:
            raise NotFound("patient", "بیمار", patient_id)
        reprints = prints_so_far(session, CARD_ENTITY, patient.id)
        device = session.get(DeviceState, 1)
        unit = session.get(Unit, device.unit_id) if device and device.unit_id else None
        facilities = {d.facility_id for d in view.doses if d.facility_id}
        names = {f.id: f for f in (session.get(Facility, i) for i in facilities) if f is not None}
        doses = []
        # Each dose numbered in the series its vaccine is named for (OPV in polio, Td in women's Td), else the first
        # it counts for: pentavalent as DTP, not as HepB, whose birth dose shifts the count by one.
        slot_in: dict[str, dict[str, int]] = {}
        if view.status is not None:
            for st in view.status.series:
                for s in st.slots:
                    if s.dose is not None:
                        slot_in.setdefault(s.dose.record_id, {})[st.series] = s.slot

        def numbered(d_id: str, vaccine: str) -> tuple[str, int] | None:
            found = slot_in.get(d_id, {})
            for sid in (vaccine, *sched.vaccines[vaccine].counts_for):
                if sid in found:
                    return sid, found[sid]
            return None
        for d in view.doses:
            v = sched.vaccines[d.vaccine]
            series_slot = numbered(d.id, d.vaccine)
            dose_label = str(d.dose_number) if d.dose_number is not None else (
                str(series_slot[1]) if series_slot else "")
            if d.place == "abroad":
                place_en, place_fa = country_names(d.country)
            elif d.facility_id in names:
                place_en, place_fa = names[d.facility_id].name_en, names[d.facility_id].name_fa
            else:
                place_en, place_fa = label("dose_place", d.place, "en"), label("dose_place", d.place, "fa")
            if d.source != "given":
                place_en = f"{place_en} ({label('dose_source', d.source, 'en').lower()})"
                place_fa = f"{place_fa} ({label('dose_source', d.source, 'fa')})"
            doses.append(CardDose(vaccine_en=v.en, vaccine_fa=v.fa, dose=dose_label, given_on=d.given_on,
                                  batch=d.batch, place_en=place_en, place_fa=place_fa))
        status = view.status
        nxt_en: list[str] = []
        nxt_fa: list[str] = []
        if status is not None and status.next_due is not None:
            for st in status.series:
                n = st.next
                if n is not None and n.state == "not_yet" and n.due == status.next_due:
                    v = sched.vaccines[n.vaccine]
                    if v.en not in nxt_en:
                        nxt_en.append(v.en)
                        nxt_fa.append(v.fa)
        today = status.give_today if status is not None else []
        data = VaccinationCardData(
            code=patient.code, qr_payload=card_payload(patient.code),
            given_fa=" ".join(x for x in (patient.given_name_fa, patient.family_name_fa) if x),
            given_latin=" ".join(x for x in (patient.given_name_latin, patient.family_name_latin) if x),
            father_fa=patient.father_name_fa, father_latin=patient.father_name_latin,
            born=view.born, born_estimated=view.birth_estimated,
            sex_en=label("sex", patient.sex, "en"), sex_fa=label("sex", patient.sex, "fa"),
            unit_en=unit.name_en if unit else "", unit_fa=unit.name_fa if unit else "",
            doses=doses, next_due=status.next_due if status else None, next_en=nxt_en, next_fa=nxt_fa,
            today_en=[sched.vaccines[g.vaccine].en for g in today],
            today_fa=[sched.vaccines[g.vaccine].fa for g in today],
            issued_on=ctx.today(), reprint_count=reprints,
        )
    pdf = render_vaccination_card(data)
    _record_print(ctx, CARD_ENTITY, patient.id, {"reprint": reprints})
    return pdf
