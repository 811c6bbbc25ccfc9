"""Printed paper: plain data in, PDF bytes out. No database access and no Qt in this package."""

from app.printing.data import (
                               DiagnosisLine,
                               InsuranceLine,
                               MedicineLine,
                               PrintOptions,
                               ReferralSlipData,
                               RosterData,
                               RosterPatientLine,
                               StaffLine,
)
from app.printing.qr import qr_payload, verify_qr_payload
from app.printing.referral_slip import render_referral_slip
from app.printing.roster import render_roster, roster_page_count, roster_rows_per_page

__all__ = [
    "DiagnosisLine", "InsuranceLine", "MedicineLine", "PrintOptions", "ReferralSlipData", "RosterData", "RosterPatientLine",
    "StaffLine", "qr_payload", "verify_qr_payload", "render_referral_slip",
    "render_roster", "roster_page_count", "roster_rows_per_page",
]
