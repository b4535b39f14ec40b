"""Helpers shared by the food views: the year asked for, the figures context, the charts."""

from flask import request

from app.core.charts import share_bars, to_svg
from app.core.dates import today_paris
from app.core.enums import FoodFamily
from app.core.figures import share
from app.food.exports import indicator_rows
from app.food.queries import EGALIM_TARGET, ORGANIC_TARGET, FoodFigures, food_figures
from app.food.queries.lists import buyer_objective, purchase_years


def selected_year() -> tuple[int, list[int]]:
    """The year in ``?annee=`` (else the latest with purchases, else this year) and the years to offer."""
    years = purchase_years()
    current = today_paris().year
    year = request.args.get("annee", type=int)
    if year is None or not 2000 <= year <= 2100:
        year = years[0] if years else current
    offered = sorted(set(years) | {current, year}, reverse=True)
    return year, offered


def _chart(items, name: str) -> str:
    """Inline SVG; ``name`` keeps its clip-path ids unique on the page."""
    return to_svg(share_bars(items, width=560), name)


def figures_context(*, year: int, buyer_id: int, site_id: int | None = None) -> dict:
    """Everything a figures page shows; all numbers come from ``food_figures``."""
    figures: FoodFigures = food_figures(year=year, buyer_id=None if site_id else buyer_id, site_id=site_id)
    objective = buyer_objective(buyer_id, year)
    overall = figures.overall
    legal_chart = _chart(
        [
            ("EGalim (durables et de qualité)", overall.egalim_share, EGALIM_TARGET),
            ("dont bio", overall.organic_share, ORGANIC_TARGET),
        ],
        "legal",
    )
    objective_chart = None
    if objective is not None:
        objective_chart = _chart(
            [
                ("EGalim", overall.egalim_share, objective.egalim_share),
                ("Bio", overall.organic_share, objective.organic_share),
                ("Circuit court", overall.short_circuit_share, objective.short_circuit_share),
                ("Local / de proximité", overall.local_share, objective.local_share),
            ],
            "objectives",
        )
    by_family = [
        (family, amounts, share(amounts.total, overall.total))
        for family in FoodFamily
        if (amounts := figures.by_family.get(family.value)) is not None
    ]
    return {
        "year": year,
        "figures": figures,
        "objective": objective,
        "indicators": indicator_rows(overall, objective, figures),
        "by_family": by_family,
        "legal_chart": legal_chart,
        "objective_chart": objective_chart,
    }
