"""Import every model so that Alembic and ``db.create_all`` see the whole schema."""

from app.auth.models import User
from app.contracts.models import Clause, Contract, ContractHolder, clause_facilitators
from app.core.audit import AuditEntry
from app.core.settings import AppSetting
from app.food.models import CateringSite, Purchase, PurchaseCharacteristic, Supplier
from app.hours.models import HourEntry
from app.objectives.models import Objective
from app.participants.models import Outcome, Participant, ParticipantEligibility, ParticipantIdentity
from app.referential.models import Buyer, Company, CpvCode, Territory
from app.reports.models import ReportVersion

__all__ = [
    "AppSetting",
    "AuditEntry",
    "Buyer",
    "CateringSite",
    "Clause",
    "Company",
    "Contract",
    "ContractHolder",
    "CpvCode",
    "HourEntry",
    "Objective",
    "Outcome",
    "Participant",
    "ParticipantEligibility",
    "ParticipantIdentity",
    "Purchase",
    "PurchaseCharacteristic",
    "ReportVersion",
    "Supplier",
    "Territory",
    "User",
    "clause_facilitators",
]
