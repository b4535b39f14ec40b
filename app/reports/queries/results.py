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
    with_environmental_count: int
    with_environmental_amount: Decimal
    environmental_count_share: Decimal | None
    environmental_amount_share: Decimal | None
    by_clause_kind: tuple[Line, ...]
    by_category: tuple[Line, ...]
    by_territory: tuple[Line, ...]
    by_cpv_division: tuple[Line, ...]


@dataclass(frozen=True)
class ContractHours:
    """One contract in execution during the year: its commitment, the part allotted to the year, its hours.

    ``realization_rate`` = realized in the year ÷ allotted to the year; ``cumulative_rate`` = realized to
    the end of the year ÷ whole commitment (domain.md section 3). Both None without a commitment.
    """

    contract_id: int
    reference: str
    object: str
    commitment: Decimal | None
    planned: Decimal | None
    realized: Decimal
    realized_to_date: Decimal
    realization_rate: Decimal | None
    cumulative_rate: Decimal | None


@dataclass(frozen=True)
class HoursFigures:
    """``planned``: commitments allotted to the year; ``realized``: every hour of the year, of which
    ``realized_committed`` on contracts with a commitment (the numerator of the rate) and
    ``realized_uncommitted`` apart (reserved contracts, clauses without planned hours, late entries)."""

    planned: Decimal
    commitment: Decimal
    realized: Decimal
    realized_committed: Decimal
    realized_uncommitted: Decimal
    realized_to_date: Decimal
    realization_rate: Decimal | None
    cumulative_rate: Decimal | None
    fte: Decimal
    cumulated: Decimal
    first_year: int | None
    by_modality: tuple[Line, ...]
    by_employer_kind: tuple[Line, ...]
    by_territory: tuple[Line, ...]
    by_contract: tuple[ContractHours, ...]
    # Hours by public (count: participants, value: hours); a person with two criteria counts in each.
    by_criterion: tuple[Line, ...] = ()
    by_gender: tuple[Line, ...] = ()
    by_age_band: tuple[Line, ...] = ()
    by_qpv: tuple[Line, ...] = ()
    by_qualification: tuple[Line, ...] = ()
    by_contract_type: tuple[Line, ...] = ()
    # Companies engaged: holders of the contracts with hours, employers, inclusion structures by kind
    # (count: structures, value: hours).
    holders_engaged: int = 0
    employers_engaged: int = 0
    inclusion_structures: tuple[Line, ...] = ()


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
    positive_exit_count: int = 0
    known_exit_count: int = 0
    positive_exit_rate: Decimal | None = None


@dataclass(frozen=True)
class InclusiveFigures:
    """Inclusive suppliers (SIAE, EA, ESAT): two figures, each labelled for what it is.

    ``count``/``amount``: contracts with at least one inclusive holder, whole amount. ``awarded_amount``:
    the amount awarded to inclusive holders from their shares (a sole holder 100 %); joint contracts whose
    inclusive holder's share is unknown are apart (``unknown_share_*``). ``by_kind`` adds up to
    ``awarded_amount`` (count: contracts).
    """

    count: int
    amount: Decimal
    amount_share: Decimal | None
    awarded_amount: Decimal
    awarded_share: Decimal | None
    unknown_share_count: int
    unknown_share_amount: Decimal
    by_kind: tuple[Line, ...]


@dataclass(frozen=True)
class MeatFishFigures:
    """EGalim share of meat and fish purchases (Code rural L230-5-1, since 1 January 2024: at least 60 %)."""

    families: tuple[str, ...]
    total: Decimal
    egalim: Decimal
    share: Decimal | None
    target: Decimal


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
    meat_fish: MeatFishFigures
    objectives: tuple[ObjectiveResult, ...]
    trend: tuple[TrendPoint, ...]
    excluded: tuple[Exclusion, ...]
    buyer_logo: bytes | None = None  # PNG or JPEG for the report cover

    @property
    def is_all_buyers(self) -> bool:
        return self.buyer_id is None

    @property
    def objectives_reached(self) -> int:
        return sum(1 for o in self.objectives if o.reached)
