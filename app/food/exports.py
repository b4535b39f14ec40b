"""Food exports: the filtered purchase list, the figures of a site or buyer, the ma-cantine file, the template."""

from dataclasses import dataclass
from decimal import Decimal

from app.core.enums import EGALIM_CHARACTERISTICS, FoodCharacteristic, FoodFamily, LocalDefinition
from app.core.tabular import csv_bytes, xlsx_bytes
from app.extensions import db
from app.food.queries import EGALIM_TARGET, ORGANIC_TARGET, FoodAmounts, FoodFigures
from app.food.queries.lists import PurchaseFilters, purchases_select
from app.food.services.imports import LEVIER_COLUMNS, MA_CANTINE_COLUMNS

PURCHASE_HEADER = (
    "Date",
    "Site",
    "SIRET du site",
    "Fournisseur",
    "SIRET du fournisseur",
    "Famille",
    "Description",
    "Montant HT (€)",
    "Caractéristiques",
    "Origine",
)


def _purchase_rows(filters: PurchaseFilters):
    for purchase in db.session.scalars(purchases_select(filters)):
        yield (
            purchase.purchased_on,
            purchase.site.name,
            purchase.site.siret or "",
            purchase.supplier.name if purchase.supplier else "",
            (purchase.supplier.siret or "") if purchase.supplier else "",
            FoodFamily.label_of(purchase.family),
            purchase.description,
            purchase.amount_excl_tax,
            ", ".join(FoodCharacteristic.label_of(code) for code in purchase.codes),
            purchase.origin or "",
        )


def purchases_csv(filters: PurchaseFilters) -> bytes:
    return csv_bytes(PURCHASE_HEADER, _purchase_rows(filters))


def purchases_xlsx(filters: PurchaseFilters) -> bytes:
    return xlsx_bytes(PURCHASE_HEADER, _purchase_rows(filters), title="Achats", bold_header=False)


# --- Figures ------------------------------------------------------------------------------------

FIGURES_HEADER = (
    "Indicateur",
    "Famille",
    "Montant HT (€)",
    "Part (%)",
    "Objectif de l'acheteur (%)",
    "Cible légale (%)",
    "Écart à la cible légale (points)",
)


@dataclass(frozen=True)
class Indicator:
    label: str
    amount: Decimal
    share: Decimal | None = None
    objective: Decimal | None = None
    legal_target: Decimal | None = None
    legal_gap: Decimal | None = None

    @property
    def is_detail(self) -> bool:
        return self.label.startswith("dont ")


def indicator_rows(
    amounts: FoodAmounts, objective=None, figures: FoodFigures | None = None
) -> list[Indicator]:
    """The indicators of one set of amounts, in the order pages and CSV show them.

    Gaps to the legal targets (EGalim 50 %, organic 20 %, Code rural R230-30-1) come from ``FoodFigures``.
    """

    def goal(name):
        return getattr(objective, name) if objective is not None else None

    egalim_gap = figures.egalim_gap if figures is not None else None
    organic_gap = figures.organic_gap if figures is not None else None
    return [
        Indicator("Total des achats", amounts.total),
        Indicator(
            "Produits durables et de qualité (EGalim)",
            amounts.egalim,
            amounts.egalim_share,
            goal("egalim_share"),
            EGALIM_TARGET,
            egalim_gap,
        ),
        Indicator(
            "dont bio",
            amounts.organic,
            amounts.organic_share,
            goal("organic_share"),
            ORGANIC_TARGET,
            organic_gap,
        ),
        Indicator("dont signes officiels de qualité (hors bio)", amounts.siqo, amounts.siqo_share),
        Indicator("dont autres produits EGalim", amounts.other_egalim, amounts.other_egalim_share),
        Indicator(
            "Circuit court", amounts.short_circuit, amounts.short_circuit_share, goal("short_circuit_share")
        ),
        Indicator("Local / de proximité", amounts.local, amounts.local_share, goal("local_share")),
    ]


def figures_csv(figures: FoodFigures, objective=None) -> bytes:
    """The figures of a year as numbers (amounts in €, shares in %), exactly those of ``food_figures``."""
    rows = [
        (i.label, "Toutes familles", i.amount, i.share, i.objective, i.legal_target, i.legal_gap)
        for i in indicator_rows(figures.overall, objective, figures)
    ]
    for family in FoodFamily:
        amounts = figures.by_family.get(family.value)
        if amounts is not None:
            rows.extend(
                (i.label, family.label, i.amount, i.share, None, None, None) for i in indicator_rows(amounts)
            )
    return csv_bytes(FIGURES_HEADER, rows)


# --- ma-cantine --------------------------------------------------------------------------------------


def _flag(value: bool) -> str:
    return "OUI" if value else ""


def ma_cantine_rows(site, year: int):
    """One row per purchase of the site and year, in the columns and value conventions of ma-cantine."""
    filters = PurchaseFilters(site_id=site.id, year=year)
    egalim_order = [str(code) for code in EGALIM_CHARACTERISTICS]
    definition = site.buyer.local_definition
    for purchase in reversed(db.session.scalars(purchases_select(filters)).all()):
        codes = purchase.codes
        is_local = FoodCharacteristic.LOCAL in codes
        yield (
            site.siret,
            purchase.description,
            purchase.supplier.name if purchase.supplier else "",
            purchase.purchased_on.isoformat(),
            format(purchase.amount_excl_tax, "f"),
            purchase.family,
            ",".join(code for code in egalim_order if code in codes),
            purchase.origin or "",
            _flag(FoodCharacteristic.CIRCUIT_COURT in codes),
            _flag(is_local),
            definition if is_local else "",
            str(site.buyer.local_radius_km or "") if is_local and definition == LocalDefinition.KM else "",
        )


def ma_cantine_csv(site, year: int) -> bytes:
    """UTF-8 CSV with a comma and a dot decimal separator, as the schema states (``prix_ht``)."""
    return csv_bytes(MA_CANTINE_COLUMNS, ma_cantine_rows(site, year), french=False)


# --- Template ----------------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """Levier's import template: the columns with one example line, and their documentation on a second sheet."""
    from io import BytesIO

    from openpyxl import load_workbook

    header = [name for name, _label, _example in LEVIER_COLUMNS]
    example = [example for _name, _label, example in LEVIER_COLUMNS]
    example[6] = Decimal("1234.56")
    workbook = load_workbook(BytesIO(xlsx_bytes(header, [example], title="Achats", bold_header=False)))
    sheet = workbook.create_sheet("Colonnes")
    sheet.append(["Colonne", "Contenu", "Exemple"])
    for row in LEVIER_COLUMNS:
        sheet.append(list(row))
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 90
    sheet.column_dimensions["C"].width = 25
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    header = [name for name, _label, _example in LEVIER_COLUMNS]
    return csv_bytes(header, [[example for _name, _label, example in LEVIER_COLUMNS]])
