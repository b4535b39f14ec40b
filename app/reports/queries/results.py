"""The figures of the annual SPASER report as frozen dataclasses (docs/domain.md §6).

``app.reports.queries.indicators.compute_indicators`` fills them from SQL aggregates; the dashboard, the PDF,
the CSV annex and the command line only read them.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.food.queries import FoodFigures


@dataclass(frozen=True)
class Line:
    """One line of a breakdown: a code, its French label, a count and an amount or a number of hours."""

    code: str
    label: str
    count: int
    value: Decimal = Decimal(0)


@dataclass(frozen=True)
class ContractFigures:
    count: int
    amount: Decimal
    with_social_count: int
    with_social_amount: Decimal
    social_count_share: Decimal | None
    social_amount_share: Decimal | None
    by_clause_kind: tuple[Line, ...]
    by_category: tuple[Line, ...]
    by_territory: tuple[Line, ...]
    by_cpv_division: tuple[Line, ...]


@dataclass(frozen=True)
class ContractHours:
    """Planned and realized hours of one contract in execution during the year."""

    contract_id: int
    reference: str
    object: str
    planned: Decimal | None
    realized: Decimal
    realized_to_date: Decimal
    realization_rate: Decimal | None


@dataclass(frozen=True)
class HoursFigures:
    planned: Decimal
    realized: Decimal
    realized_to_date: Decimal
    realization_rate: Decimal | None
    fte: Decimal
    cumulated: Decimal
    first_year: int | None
    by_modality: tuple[Line, ...]
    by_employer_kind: tuple[Line, ...]
    by_territory: tuple[Line, ...]
    by_contract: tuple[ContractHours, ...]


@dataclass(frozen=True)
class ParticipantFigures:
    count: int
    by_gender: tuple[Line, ...]
    by_age_band: tuple[Line, ...]
    by_eligibility: tuple[Line, ...]
    by_qualification: tuple[Line, ...]
    qpv_count: int
    qpv_share: Decimal | None
    outcomes: tuple[Line, ...]


@dataclass(frozen=True)
class InclusiveFigures:
    """Contracts held (alone or jointly) by an SIAE, an EA or an ESAT."""

    count: int
    amount: Decimal
    amount_share: Decimal | None
    by_kind: tuple[Line, ...]


@dataclass(frozen=True)
class ObjectiveResult:
    code: str
    label: str
    unit: str  # "percent", "hours" or "count"
    target: Decimal
    achieved: Decimal | None
    reached: bool
    short_label: str = ""


@dataclass(frozen=True)
class TrendPoint:
    year: int
    contract_count: int
    contract_amount: Decimal
    social_count_share: Decimal | None
    realized_hours: Decimal
    participants: int
    egalim_share: Decimal | None
    organic_share: Decimal | None


@dataclass(frozen=True)
class Exclusion:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Indicators:
    buyer_id: int | None
    buyer_name: str
    buyer_siret: str | None
    year: int
    extracted_at: datetime
    contracts: ContractFigures
    hours: HoursFigures
    participants: ParticipantFigures
    inclusive: InclusiveFigures
    food: FoodFigures
    objectives: tuple[ObjectiveResult, ...]
    trend: tuple[TrendPoint, ...]
    excluded: tuple[Exclusion, ...]

    @property
    def is_all_buyers(self) -> bool:
        return self.buyer_id is None

    @property
    def objectives_reached(self) -> int:
        return sum(1 for o in self.objectives if o.reached)
