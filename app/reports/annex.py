"""The dashboard's CSV annex in French: section, figure, unit, value, then the technical key for machines.

A Département staffer opens it in Excel: French labels, the section and unit of each figure, Paris time,
decimals with a comma. The last column keeps the stable key of ``flatten`` (the JSON of the CLI).
"""

from typing import Any

from flask_babel import gettext as _

from app.core.enums import FoodFamily
from app.core.formatting import datetime_fr
from app.reports.exports import flatten, french_decimal, indicators_as_dict
from app.reports.queries.results import Indicators

HEADER = ("Section", "Indicateur", "Valeur", "Unité", "Clé technique")

SECTIONS = {
    "buyer": "Périmètre",
    "year": "Périmètre",
    "extracted_at": "Périmètre",
    "contracts": "Marchés",
    "hours": "Heures d'insertion",
    "participants": "Participants",
    "inclusive_suppliers": "Fournisseurs inclusifs",
    "food": "Alimentation",
    "objectives": "Objectifs",
    "trend": "Évolution",
    "excluded": "Données manquantes",
    "meat_fish": "Alimentation",
}

# Leaf figures: key -> (label, unit).
FIGURES = {
    "buyer.siret": ("SIRET de l'acheteur", ""),
    "buyer.name": ("Acheteur", ""),
    "year": ("Année", ""),
    "extracted_at": ("Chiffres calculés le", "heure de Paris"),
    "contracts.count": ("Marchés notifiés", "marchés"),
    "contracts.amount": ("Montant des marchés notifiés", "€ HT"),
    "contracts.with_social_consideration.count": ("Marchés avec une considération sociale", "marchés"),
    "contracts.with_social_consideration.amount": (
        "Montant des marchés avec une considération sociale",
        "€ HT",
    ),
    "contracts.with_social_consideration.count_share": (
        "Part des marchés avec une considération sociale, en nombre",
        "%",
    ),
    "contracts.with_social_consideration.amount_share": (
        "Part des marchés avec une considération sociale, en montant",
        "%",
    ),
    "hours.planned": ("Heures prévues (clauses en cours dans l'année)", "h"),
    "hours.realized": ("Heures réalisées dans l'année", "h"),
    "hours.realized_to_date": ("Heures réalisées depuis le début des marchés en cours", "h"),
    "hours.realization_rate": ("Taux de réalisation", "%"),
    "hours.fte": ("Équivalents temps plein", "ETP"),
    "hours.cumulated": ("Heures réalisées cumulées depuis la première année enregistrée", "h"),
    "hours.first_year": ("Première année enregistrée", ""),
    "participants.count": ("Participants ayant travaillé dans l'année", "personnes"),
    "participants.qpv.count": ("Participants résidant en quartier prioritaire (QPV)", "personnes"),
    "participants.qpv.share": ("Part des participants résidant en QPV", "%"),
    "inclusive_suppliers.count": ("Marchés attribués à une structure inclusive", "marchés"),
    "inclusive_suppliers.amount": ("Montant attribué aux structures inclusives", "€ HT"),
    "inclusive_suppliers.amount_share": ("Part du montant notifié attribuée aux structures inclusives", "%"),
    "contracts.with_environmental_consideration.count": (
        "Marchés avec une considération environnementale",
        "marchés",
    ),
    "contracts.with_environmental_consideration.amount": (
        "Montant des marchés avec une considération environnementale",
        "€ HT",
    ),
    "contracts.with_environmental_consideration.count_share": (
        "Part des marchés avec une considération environnementale, en nombre",
        "%",
    ),
    "contracts.with_environmental_consideration.amount_share": (
        "Part des marchés avec une considération environnementale, en montant",
        "%",
    ),
    "hours.commitment": ("Engagement total des clauses en cours dans l'année", "h"),
    "hours.cumulative_rate": ("Taux de réalisation cumulé (réalisé à date / engagement total)", "%"),
    "hours.realized_committed": ("Heures réalisées sur des clauses avec engagement d'heures", "h"),
    "hours.realized_uncommitted": ("Heures réalisées sur des clauses sans engagement d'heures", "h"),
    "hours.companies_engaged.holders": ("Titulaires ayant fait réaliser des heures", "entreprises"),
    "hours.companies_engaged.employers": ("Employeurs des participants", "structures"),
    "inclusive_suppliers.awarded_amount": (
        "Montant attribué aux titulaires inclusifs (selon leur part du marché)",
        "€ HT",
    ),
    "inclusive_suppliers.awarded_share": ("Part du montant notifié attribuée aux titulaires inclusifs", "%"),
    "inclusive_suppliers.unknown_share.count": (
        "Marchés conjoints dont la part du titulaire inclusif est inconnue",
        "marchés",
    ),
    "inclusive_suppliers.unknown_share.amount": (
        "Montant des marchés conjoints dont la part du titulaire inclusif est inconnue",
        "€ HT",
    ),
    "meat_fish.total": ("Achats de viandes et poissons", "€ HT"),
    "meat_fish.egalim": ("Achats de viandes et poissons durables et de qualité (EGalim)", "€ HT"),
    "meat_fish.egalim_share": ("Part EGalim des viandes et poissons", "%"),
    "meat_fish.target": ("Objectif légal EGalim des viandes et poissons", "%"),
    "participants.positive_exits.count": (
        "Sorties dynamiques (emploi durable, de transition, formation)",
        "personnes",
    ),
    "participants.positive_exits.known_exits": ("Sorties connues", "personnes"),
    "participants.positive_exits.rate": ("Taux de sorties dynamiques", "%"),
}

FOOD = {
    "total": ("Total des achats", "€ HT"),
    "count": ("Nombre d'achats", "achats"),
    "organic": ("Achats biologiques", "€ HT"),
    "siqo": ("Achats sous signe de qualité (SIQO)", "€ HT"),
    "other_egalim": ("Autres achats EGalim", "€ HT"),
    "egalim": ("Achats durables et de qualité (EGalim)", "€ HT"),
    "short_circuit": ("Achats en circuit court", "€ HT"),
    "local": ("Achats locaux", "€ HT"),
    "organic_share": ("Part biologique", "%"),
    "egalim_share": ("Part EGalim", "%"),
    "short_circuit_share": ("Part en circuit court", "%"),
    "local_share": ("Part locale", "%"),
}

BREAKDOWNS = {
    "contracts.by_clause_kind": ("par type de clause", "marchés"),
    "contracts.by_category": ("par catégorie d'achat", "marchés"),
    "contracts.by_territory": ("par territoire", "marchés"),
    "contracts.by_cpv_division": ("par division CPV", "marchés"),
    "hours.by_modality": ("par modalité", "personnes"),
    "hours.by_employer_kind": ("par type d'employeur", "personnes"),
    "hours.by_territory": ("par territoire", "personnes"),
    "participants.by_gender": ("par sexe", "personnes"),
    "participants.by_age_band": ("par tranche d'âge", "personnes"),
    "participants.by_eligibility": ("par critère d'éligibilité", "personnes"),
    "participants.by_qualification": ("par niveau de qualification", "personnes"),
    "participants.outcomes": ("par situation de sortie", "personnes"),
    "inclusive_suppliers.by_kind": ("par type de structure", "marchés"),
    "hours.by_age_band": ("par tranche d'âge", "personnes"),
    "hours.by_contract_type": ("par contrat de travail", "personnes"),
    "hours.by_criterion": ("par critère d'éligibilité", "personnes"),
    "hours.by_gender": ("par sexe", "personnes"),
    "hours.by_qpv": ("par résidence en QPV", "personnes"),
    "hours.by_qualification": ("par niveau de qualification", "personnes"),
}

BREAKDOWN_MEASURES = {
    "count": {"marchés": "Marchés", "personnes": "Participants"},
    "amount": ("Montant", "€ HT"),
    "hours": ("Heures", "h"),
}

CONTRACT_HOURS = {
    "planned": ("heures prévues", "h"),
    "realized": ("heures réalisées dans l'année", "h"),
    "realized_to_date": ("heures réalisées depuis le début", "h"),
    "realization_rate": ("taux de réalisation", "%"),
}

OBJECTIVE_UNITS = {"percent": "%", "hours": "h", "count": ""}

TREND = {
    "contract_count": ("marchés notifiés", "marchés"),
    "contract_amount": ("montant des marchés notifiés", "€ HT"),
    "social_count_share": ("part des marchés avec une considération sociale, en nombre", "%"),
    "realized_hours": ("heures réalisées", "h"),
    "participants": ("participants", "personnes"),
    "egalim_share": ("part EGalim", "%"),
    "organic_share": ("part biologique", "%"),
}


def _value(value: Any) -> Any:
    """French decimals for Excel (``1234,50``), « oui »/« non », empty when not computable."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    return french_decimal(value)  # a number by its type, never by its look (a reference "2025.012")


def _breakdown(parts: list[str], data: dict[str, Any], _indicators) -> tuple[str, str] | None:
    code, measure = parts[2], parts[3]
    if measure == "label":
        return None
    title, count_unit = BREAKDOWNS[".".join(parts[:2])]
    line_label = data[parts[0]][parts[1]][code]["label"]
    if measure == "count":
        return f"{BREAKDOWN_MEASURES['count'][count_unit]} {title} : {line_label}", count_unit
    name, unit = BREAKDOWN_MEASURES.get(measure, (measure, ""))
    return f"{name} {title} : {line_label}", unit


def _contract_hours(parts: list[str], data: dict[str, Any], _indicators) -> tuple[str, str] | None:
    if parts[3] == "reference":
        return None
    label, unit = CONTRACT_HOURS.get(parts[3], (parts[3], ""))
    return f"Marché {data['hours']['by_contract'][int(parts[2])]['reference']} : {label}", unit


def _food(parts: list[str], _data, _indicators) -> tuple[str, str]:
    if parts[1] == "by_family":
        label, unit = FOOD.get(parts[3], (parts[3], ""))
        return f"{FoodFamily.label_of(parts[2])} : {label}", unit
    return FOOD.get(parts[1], (".".join(parts), ""))


def _objective(parts: list[str], _data, indicators: Indicators) -> tuple[str, str] | None:
    objective = indicators.objectives[int(parts[1])]
    unit = OBJECTIVE_UNITS.get(objective.unit, "")
    measures = {"target": ("cible", unit), "achieved": ("réalisé", unit), "reached": ("atteint", "")}
    if parts[2] not in measures:
        return None
    name, unit = measures[parts[2]]
    return f"{objective.label} : {name}", unit


def _trend(parts: list[str], _data, indicators: Indicators) -> tuple[str, str] | None:
    if parts[2] == "year":
        return None
    label, unit = TREND.get(parts[2], (parts[2], ""))
    return f"{indicators.trend[int(parts[1])].year} : {label}", unit


def _excluded(parts: list[str], _data, indicators: Indicators) -> tuple[str, str]:
    labels = {e.code: e.label for e in indicators.excluded}
    return str(labels.get(parts[1], parts[1])), "enregistrements"


def _inclusion_structures(parts: list[str], data: dict[str, Any]) -> tuple[str, str] | None:
    code, measure = parts[3], parts[4]
    if measure == "label":
        return None
    line_label = data["hours"]["companies_engaged"]["inclusion_structures"][code]["label"]
    if measure == "count":
        return f"Structures d'insertion mobilisées : {line_label}", "structures"
    name, unit = BREAKDOWN_MEASURES.get(measure, (measure, ""))
    return f"{name} des structures d'insertion mobilisées : {line_label}", unit


def _describe(key: str, data: dict[str, Any], indicators: Indicators) -> tuple[str, str] | None:
    """(label, unit) of a flattened key; None for a row that only names another (a line's label)."""
    if key in FIGURES:
        return FIGURES[key]
    parts = key.split(".")
    if key.startswith("meat_fish.families."):
        return "Famille comptée dans les viandes et poissons", ""
    if key.startswith("hours.companies_engaged.inclusion_structures."):
        return _inclusion_structures(parts, data)
    group = ".".join(parts[:2])
    if group in BREAKDOWNS:
        return _breakdown(parts, data, indicators)
    if group == "hours.by_contract":
        return _contract_hours(parts, data, indicators)
    describe = {"food": _food, "objectives": _objective, "trend": _trend, "excluded": _excluded}.get(parts[0])
    return describe(parts, data, indicators) if describe else (key, "")


def annex_table(indicators: Indicators) -> list[tuple[Any, ...]]:
    """One row per figure: section, French label, value, unit, technical key."""
    data = indicators_as_dict(indicators)
    rows = []
    for key, value in flatten(data):
        described = _describe(key, data, indicators)
        if described is None:
            continue
        label, unit = described
        if key == "extracted_at":
            value = datetime_fr(indicators.extracted_at)
        rows.append((SECTIONS.get(key.split(".")[0], ""), label, _value(value), unit, key))
    return rows
