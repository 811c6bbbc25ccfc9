"""Campaign mode: supplementary immunisation activities (a polio or measles round at a border crossing). Children
are counted, not registered: one tally row per day, age band, sex, nationality and outcome, raised by one per child
(docs/architecture.md, "Immunisation")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import select

from app.core.immunisation import load_schedule
from app.models import AuditEntry, Campaign, CampaignTally
from app.security.roles import Action
from app.services.context import Ctx, parse
from app.services.errors import NotFound, ValidationFailed, field_error
from app.services.validation import clean_text

BANDS = ("0-11m", "12-59m", "5-14y")
BAND_MONTHS = {"0-11m": (0, 11), "12-59m": (12, 59), "5-14y": (60, 179)}  # the ages each band covers, in months
OUTCOMES = ("vaccinated", "refused", "absent")
CAMPAIGN_DAY_ENTITY = "campaign_day"  # the audit trail's name for a printed day report (its record: the campaign)


def outside_target(campaign: Campaign, *, months: int | None = None, band: str | None = None) -> bool:
    """True when a child (``months`` old) or a whole age band lies outside the campaign's target ages. A band that
    only partly overlaps is counted: the tally cannot tell the child's exact age."""
    lo, hi = BAND_MONTHS[band] if band is not None else (months, months)
    assert lo is not None and hi is not None
    return hi < campaign.min_age_months or lo > campaign.max_age_months


BAND_WORDS = {"0-11m": ("0-11 months", "۰ تا ۱۱ ماهه"), "12-59m": ("12-59 months", "۱۲ تا ۵۹ ماهه"),
              "5-14y": ("5-14 years", "۵ تا ۱۴ ساله")}


def age_words(months: int) -> tuple[str, str]:
    return (f"{months} months", f"{months} ماهه") if months < 24 else (f"{months // 12} years", f"{months // 12} ساله")


def target_ages_error(field: str, campaign: Campaign, child: tuple[str, str]) -> ValidationFailed:
    return ValidationFailed([field_error(field, "campaign_ages", child=child[0], child_fa=child[1],
                                         lo=campaign.min_age_months, hi=campaign.max_age_months)])


class CampaignIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=30)
    name: str = Field(min_length=1, max_length=200)
    vaccine: str = Field(min_length=1, max_length=12)
    start_date: date
    end_date: date
    min_age_months: int = Field(default=0, ge=0, le=180)
    max_age_months: int = Field(default=59, ge=0, le=180)
    site: str = Field(default="", max_length=200)

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        return v.upper()

    @field_validator("end_date")
    @classmethod
    def _after(cls, v: date, info: ValidationInfo) -> date:
        start = info.data.get("start_date")
        if start is not None and v < start:
            raise ValueError("the last day must be on or after the first day")
        return v


def start_campaign(ctx: Ctx, data: CampaignIn | dict[str, Any]) -> str:
    """A round this unit runs at its current facility (several units may run the same round code)."""
    ctx.require(Action.RUN_CAMPAIGN)
    data = parse(CampaignIn, data, ctx)
    if data.vaccine not in load_schedule().vaccines:
        raise ValidationFailed([field_error("vaccine", "unknown_vaccine")])
    with ctx.write() as session:
        c = Campaign(code=data.code, name=clean_text(data.name), vaccine=data.vaccine, start_date=data.start_date,
                     end_date=data.end_date, min_age_months=data.min_age_months, max_age_months=data.max_age_months,
                     unit_id=ctx.unit_id, facility_id=ctx.facility_id, site=clean_text(data.site))
        session.add(c)
        session.flush()
        session.add(AuditEntry(user_id=ctx.user_id, action="created", entity="campaign", record_id=c.id))
        return c.id


def active_campaigns(ctx: Ctx) -> list[Campaign]:
    """This unit's campaigns running today (and the ones that have not ended), newest first."""
    ctx.require(Action.RUN_CAMPAIGN)
    today = ctx.today()
    with ctx.read() as session:
        return list(session.scalars(select(Campaign).where(
            Campaign.deleted.is_(False), Campaign.end_date >= today).order_by(Campaign.start_date.desc())))


@dataclass(frozen=True)
class TallyKey:
    age_band: Literal["0-11m", "12-59m", "5-14y"]
    sex: Literal["female", "male"]
    nationality: Literal["afghan", "iranian", "pakistani", "iraqi", "other", "unknown"] = "afghan"
    outcome: Literal["vaccinated", "refused", "absent"] = "vaccinated"
    zero_dose: bool = False


def tally_child(ctx: Ctx, *, campaign_id: str, key: TallyKey, delta: int = 1) -> int:
    """Count one child (``delta=-1`` takes back a mistaken count); returns the new count of that row."""
    ctx.require(Action.RUN_CAMPAIGN)
    if key.age_band not in BANDS or key.outcome not in OUTCOMES or delta not in (1, -1):
        raise ValidationFailed([field_error("age_band", "value_error", detail="not a tally category")])
    day = ctx.today()
    with ctx.write() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None or campaign.deleted:
            raise NotFound("campaign", "کارزار", campaign_id)
        if not campaign.start_date <= day <= campaign.end_date:
            raise ValidationFailed([field_error("day", "campaign_not_running")])
        if delta > 0 and outside_target(campaign, band=key.age_band):
            raise target_ages_error("age_band", campaign, BAND_WORDS[key.age_band])
        t = CampaignTally
        row = session.scalars(select(t).where(
            t.campaign_id == campaign_id, t.day == day, t.age_band == key.age_band, t.sex == key.sex,
            t.nationality == key.nationality, t.outcome == key.outcome, t.zero_dose.is_(key.zero_dose),
            t.device_id == ctx.store.device.device_id, t.deleted.is_(False))).first()
        if row is None:
            if delta < 0:
                return 0
            row = CampaignTally(campaign_id=campaign_id, day=day, age_band=key.age_band, sex=key.sex,
                                nationality=key.nationality, outcome=key.outcome, zero_dose=key.zero_dose, count=0,
                                facility_id=campaign.facility_id)
            session.add(row)
        row.count = max(0, (row.count or 0) + delta)
        return row.count


@dataclass
class CampaignDay:
    campaign: Campaign
    day: date | None
    # (age_band, sex, outcome) -> count; totals by outcome; children vaccinated by nationality; zero-dose children
    # vaccinated.
    cells: dict[tuple[str, str, str], int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    by_nationality: dict[str, int] = field(default_factory=dict)
    zero_dose: int = 0

    @property
    def vaccinated(self) -> int:
        return self.by_outcome.get("vaccinated", 0)


def campaign_report(ctx: Ctx, campaign_id: str, *, day: date | None = None) -> CampaignDay:
    """The day's tally (every laptop's rows this laptop holds), or the whole campaign when ``day`` is None."""
    ctx.require(Action.RUN_CAMPAIGN)
    with ctx.read() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound("campaign", "کارزار", campaign_id)
        t = CampaignTally
        stmt = select(t).where(t.campaign_id == campaign_id, t.deleted.is_(False))
        if day is not None:
            stmt = stmt.where(t.day == day)
        out = CampaignDay(campaign, day)
        for r in session.scalars(stmt):
            k = (r.age_band, r.sex, r.outcome)
            out.cells[k] = out.cells.get(k, 0) + r.count
            out.by_outcome[r.outcome] = out.by_outcome.get(r.outcome, 0) + r.count
            if r.outcome == "vaccinated":
                out.by_nationality[r.nationality] = out.by_nationality.get(r.nationality, 0) + r.count
                if r.zero_dose:
                    out.zero_dose += r.count
        return out


def campaign_day_pdf(ctx: Ctx, campaign_id: str, *, day: date, lang: str = "en") -> bytes:
    """The daily campaign report on paper (both languages on the page; ``lang`` is kept for symmetry). Every print
    is recorded in the audit trail, like every other paper."""
    from app.models import Unit
    from app.printing.campaign_report import CampaignDayData, render_campaign_day
    from app.services.labels import LABELS

    report = campaign_report(ctx, campaign_id, day=day)
    c = report.campaign
    v = load_schedule().vaccines.get(c.vaccine)
    with ctx.read() as session:
        unit = session.get(Unit, c.unit_id) if c.unit_id else None
    bands = [LABELS["campaign_band"][b] for b in BANDS]
    data = CampaignDayData(
        code=c.code, name=c.name, vaccine_en=v.en if v else c.vaccine, vaccine_fa=v.fa if v else c.vaccine,
        site=c.site, unit_en=unit.name_en if unit else "", unit_fa=unit.name_fa if unit else "", day=day,
        bands=bands, vaccinated=[(report.cells.get((b, "female", "vaccinated"), 0),
                                  report.cells.get((b, "male", "vaccinated"), 0)) for b in BANDS],
        refused=report.by_outcome.get("refused", 0), absent=report.by_outcome.get("absent", 0),
        zero_dose=report.zero_dose,
        by_nationality=[(*LABELS["nationality"].get(k, (k, k)), n) for k, n in sorted(report.by_nationality.items())],
    )
    pdf = render_campaign_day(data)
    from app.services.printing import _record_print

    _record_print(ctx, CAMPAIGN_DAY_ENTITY, c.id, {"day": day.isoformat()})
    return pdf
