"""The indicators as plain data: JSON for the command line, flat rows for the CSV annex.

Decimals are written as strings with two decimals ("1234.50", "0.00" for an empty sum, on every database)
so that no amount loses a cent to a binary float; shares are the exact share rounded once, half up, to the
hundredth; counts are integers; a share that cannot be computed (nothing to divide by) is null.
"""

from decimal import Decimal
from typing import Any

from app.core.formatting import rounded
from app.reports.queries.results import Indicators, Line


class DecimalText(str):
    """A decimal written as text: the CSV annex recognises numbers by this type, never by their look."""


def _number(value: Decimal | None) -> str | None:
    return None if value is None else DecimalText(format(rounded(value, 2), "f"))


def _lines(lines: tuple[Line, ...], value_key: str | None = None) -> dict[str, dict[str, Any]]:
    result = {}
    for line in lines:
        entry: dict[str, Any] = {"label": line.label, "count": line.count}
        if value_key:
            entry[value_key] = _number(line.value)
        result[line.code] = entry
    return result


def _food(amounts) -> dict[str, Any]:
    return {
        "total": _number(amounts.total),
        "count": amounts.count,
        "organic": _number(amounts.organic),
        "siqo": _number(amounts.siqo),
        "other_egalim": _number(amounts.other_egalim),
        "egalim": _number(amounts.egalim),
        "short_circuit": _number(amounts.short_circuit),
        "local": _number(amounts.local),
        "organic_share": _number(amounts.organic_share),
        "egalim_share": _number(amounts.egalim_share),
        "short_circuit_share": _number(amounts.short_circuit_share),
        "local_share": _number(amounts.local_share),
    }


def indicators_as_dict(indicators: Indicators) -> dict[str, Any]:
    """Nested keys: ``contracts.count`` is ``{"contracts": {"count": ...}}``."""
    c, h, p, i = indicators.contracts, indicators.hours, indicators.participants, indicators.inclusive
    return {
        "buyer": None
        if indicators.buyer_id is None
        else {"siret": indicators.buyer_siret, "name": indicators.buyer_name},
        "year": indicators.year,
        "extracted_at": indicators.extracted_at.isoformat(timespec="seconds"),
        "contracts": {
            "count": c.count,
            "amount": _number(c.amount),
            "with_social_consideration": {
                "count": c.with_social_count,
                "amount": _number(c.with_social_amount),
                "count_share": _number(c.social_count_share),
                "amount_share": _number(c.social_amount_share),
            },
            "with_environmental_consideration": {
                "count": c.with_environmental_count,
                "amount": _number(c.with_environmental_amount),
                "count_share": _number(c.environmental_count_share),
                "amount_share": _number(c.environmental_amount_share),
            },
            "by_clause_kind": _lines(c.by_clause_kind, "amount"),
            "by_category": _lines(c.by_category, "amount"),
            "by_territory": _lines(c.by_territory, "amount"),
            "by_cpv_division": _lines(c.by_cpv_division, "amount"),
        },
        "hours": {
            "planned": _number(h.planned),
            "commitment": _number(h.commitment),
            "realized": _number(h.realized),
            "realized_committed": _number(h.realized_committed),
            "realized_uncommitted": _number(h.realized_uncommitted),
            "realized_to_date": _number(h.realized_to_date),
            "realization_rate": _number(h.realization_rate),
            "cumulative_rate": _number(h.cumulative_rate),
            "fte": _number(h.fte),
            "cumulated": _number(h.cumulated),
            "first_year": h.first_year,
            "by_modality": _lines(h.by_modality, "hours"),
            "by_employer_kind": _lines(h.by_employer_kind, "hours"),
            "by_territory": _lines(h.by_territory, "hours"),
            "by_criterion": _lines(h.by_criterion, "hours"),
            "by_gender": _lines(h.by_gender, "hours"),
            "by_age_band": _lines(h.by_age_band, "hours"),
            "by_qpv": _lines(h.by_qpv, "hours"),
            "by_qualification": _lines(h.by_qualification, "hours"),
            "by_contract_type": _lines(h.by_contract_type, "hours"),
            "companies_engaged": {
                "holders": h.holders_engaged,
                "employers": h.employers_engaged,
                "inclusion_structures": _lines(h.inclusion_structures, "hours"),
            },
            "by_contract": [
                {
                    "reference": row.reference,
                    "commitment": _number(row.commitment),
                    "planned": _number(row.planned),
                    "realized": _number(row.realized),
                    "realized_to_date": _number(row.realized_to_date),
                    "realization_rate": _number(row.realization_rate),
                    "cumulative_rate": _number(row.cumulative_rate),
                }
                for row in h.by_contract
            ],
        },
        "participants": {
            "count": p.count,
            "by_gender": _lines(p.by_gender),
            "by_age_band": _lines(p.by_age_band),
            "by_eligibility": _lines(p.by_eligibility),
            "by_qualification": _lines(p.by_qualification),
            "qpv": {"count": p.qpv_count, "share": _number(p.qpv_share)},
            "outcomes": _lines(p.outcomes),
            "positive_exits": {
                "count": p.positive_exit_count,
                "known_exits": p.known_exit_count,
                "rate": _number(p.positive_exit_rate),
            },
        },
        "inclusive_suppliers": {
            "count": i.count,
            "amount": _number(i.amount),
            "amount_share": _number(i.amount_share),
            "awarded_amount": _number(i.awarded_amount),
            "awarded_share": _number(i.awarded_share),
            "unknown_share": {"count": i.unknown_share_count, "amount": _number(i.unknown_share_amount)},
            "by_kind": _lines(i.by_kind, "amount"),
        },
        "food": {
            **_food(indicators.food.overall),
            "by_family": {family: _food(amounts) for family, amounts in indicators.food.by_family.items()},
        },
        "meat_fish": {
            "families": list(indicators.meat_fish.families),
            "total": _number(indicators.meat_fish.total),
            "egalim": _number(indicators.meat_fish.egalim),
            "egalim_share": _number(indicators.meat_fish.share),
            "target": _number(indicators.meat_fish.target),
        },
        "objectives": [
            {
                "code": o.code,
                "label": o.label,
                "unit": o.unit,
                "target": _number(o.target),
                "achieved": _number(o.achieved),
                "reached": o.reached,
            }
            for o in indicators.objectives
        ],
        "trend": [
            {
                "year": t.year,
                "contract_count": t.contract_count,
                "contract_amount": _number(t.contract_amount),
                "social_count_share": _number(t.social_count_share),
                "realized_hours": _number(t.realized_hours),
                "participants": t.participants,
                "egalim_share": _number(t.egalim_share),
                "organic_share": _number(t.organic_share),
            }
            for t in indicators.trend
        ],
        "excluded": {e.code: e.count for e in indicators.excluded},
    }


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """``[("contracts.count", 4), ("hours.by_contract.0.reference", "M1"), ...]`` for text and CSV."""
    if isinstance(data, dict):
        rows = []
        for key, value in data.items():
            rows.extend(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(data, list):
        rows = []
        for index, value in enumerate(data):
            rows.extend(flatten(value, f"{prefix}.{index}"))
        return rows
    return [(prefix, data)]


def french_decimal(value: Any) -> Any:
    """A decimal of the JSON written the French way (``1234,50``) for Excel; any other value unchanged."""
    return value.replace(".", ",") if isinstance(value, DecimalText) else value


def annex_rows(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """``flatten`` with decimals written the French way (``1234,50``), for the CSV annex read in Excel."""
    return [(key, french_decimal(value)) for key, value in flatten(data)]
