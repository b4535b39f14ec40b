"""Import of purchase lines from CSV/XLSX: Levier's own columns or, unchanged, the ma-cantine purchase file.

Same behaviour as every import in Levier: the whole file is checked first (errors numbered by line, line 1
being the header), a preview is shown, and confirming writes every line or none.
ma-cantine format: ``app/data/schema_import_achats_macantine.json`` (table schema "import-achats-siret").
"""

import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from app.core import audit
from app.core.enums import EGALIM_CHARACTERISTICS, FoodCharacteristic, FoodFamily, FoodOrigin
from app.core.errors import ServiceError
from app.core.identifiers import is_valid_siret, normalize_siret
from app.core.tabular import read_rows, text_of
from app.extensions import db
from app.food import services
from app.food.models import CateringSite, Purchase
from app.food.services import PurchaseData
from app.food.services.cells import parse_amount, parse_codes, parse_date, parse_enum, parse_flag, siret_text

LEVIER = "levier"
MA_CANTINE = "ma-cantine"
FORMAT_LABELS = {LEVIER: "Levier", MA_CANTINE: "ma-cantine (EGalim)"}

# Levier's documented columns, in the order of the downloadable template.
LEVIER_COLUMNS = (
    ("date", "Date d'achat, jj/mm/aaaa (ou aaaa-mm-jj)", "12/05/2025"),
    ("site", "SIRET ou nom exact du site de restauration", "Restaurant administratif"),
    ("fournisseur", "Nom du fournisseur (créé s'il est inconnu)", "Ferme du Ternois"),
    ("siret_fournisseur", "SIRET du fournisseur (facultatif)", ""),
    ("famille", "Famille de produits : " + ", ".join(FoodFamily.codes()), "FRUITS_ET_LEGUMES"),
    ("description", "Description du produit", "Pommes de terre"),
    ("montant_ht", "Montant en euros HT, virgule ou point décimal", "1234,56"),
    (
        "caracteristiques",
        "Codes séparés par des virgules : " + ", ".join(FoodCharacteristic.codes()),
        "BIO, CIRCUIT_COURT",
    ),
    ("origine", "FRANCE, EUROPE ou vide", "FRANCE"),
)
# ma-cantine's columns, in the schema's order (fields[].name).
MA_CANTINE_COLUMNS = (
    "siret",
    "description",
    "fournisseur",
    "date",
    "prix_ht",
    "famille_produits",
    "categories_egalim",
    "origine",
    "est_circuit_court",
    "est_local",
    "definition_local",
    "definition_local_km",
)
MA_CANTINE_LOCAL_DEFINITIONS = {"PAT", "COMMUNE", "DEPARTEMENT", "REGION", "KM"}
MA_CANTINE_EGALIM = {str(code) for code in EGALIM_CHARACTERISTICS}


@dataclass
class ImportLine:
    line: int
    data: PurchaseData
    site_name: str
    supplier_name: str = ""
    supplier_siret: str = ""
    supplier_is_new: bool = False


@dataclass
class ImportResult:
    format: str | None = None
    lines: list[ImportLine] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.lines)

    @property
    def total(self) -> Decimal:
        return sum((line.data.amount_excl_tax for line in self.lines), Decimal(0))

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, "")

    @property
    def new_suppliers(self) -> list[str]:
        return sorted({line.supplier_name for line in self.lines if line.supplier_is_new})

    def error_messages(self) -> list[str]:
        return [
            _("Ligne %(line)s : %(message)s", line=line, message=msg) if line else msg
            for line, msg in self.errors
        ]


def _key(header) -> str:
    text = unicodedata.normalize("NFKD", text_of(header).lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace(" ", "_").replace("'", "_")


def detect_format(header: list) -> str | None:
    keys = {_key(cell) for cell in header}
    if {"siret", "prix_ht", "famille_produits"} <= keys:
        return MA_CANTINE
    if {"site", "montant_ht", "famille", "date"} <= keys:
        return LEVIER
    return None


def _is_headerless_ma_cantine(cells: list) -> bool:
    """ma-cantine files may come without a header: 12 columns, a SIRET first."""
    return len(cells) >= 9 and is_valid_siret(text_of(cells[0])) and _key(cells[4]) != "prix_ht"


# --- Row readers ----------------------------------------------------------------------------------


class _Sites:
    """Catering sites by SIRET and by name, loaded once per import."""

    def __init__(self):
        sites = db.session.scalars(select(CateringSite)).all()
        self.by_siret = {site.siret: site for site in sites if site.siret}
        self.by_name = {site.name.strip().lower(): site for site in sites}

    def find(self, text: str) -> CateringSite | None:
        siret = siret_text(text)
        if siret in self.by_siret:
            return self.by_siret[siret]
        return self.by_name.get(text.strip().lower())


class _LineErrors(list):
    """Every problem of one line, so that a user fixes a line once rather than once per cell."""

    def take(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValueError as error:
            self.append(str(error))
            return None


def _find_site(text: str, sites: _Sites, *, by_siret_only: bool) -> CateringSite:
    if not text:
        raise ValueError(_("siret de l'établissement manquant.") if by_siret_only else _("site manquant."))
    site = sites.by_siret.get(siret_text(text)) if by_siret_only else sites.find(text)
    if site is None and by_siret_only:
        raise ValueError(_("aucun site de restauration n'a le SIRET %(siret)s.", siret=siret_text(text)))
    if site is None:
        raise ValueError(_("site « %(site)s » inconnu (SIRET ou nom exact attendu).", site=text))
    return site


def _positive_km(value) -> None:
    km = text_of(value)
    if not km:
        return
    try:
        if Decimal(km.replace(",", ".")) <= 0:
            raise InvalidOperation
    except InvalidOperation:
        raise ValueError(
            _("definition_local_km : « %(value)s » n'est pas une distance valide.", value=km)
        ) from None


def _read_levier(cells: dict, sites: _Sites, errors: _LineErrors) -> tuple:
    site = errors.take(_find_site, text_of(cells.get("site")), sites, by_siret_only=False)
    data = PurchaseData(
        site_id=site.id if site else None,
        purchased_on=errors.take(parse_date, cells.get("date")),
        family=errors.take(parse_enum, cells.get("famille"), FoodFamily.codes(), "famille", required=True),
        description=text_of(cells.get("description")),
        amount_excl_tax=errors.take(parse_amount, cells.get("montant_ht")),
        codes=errors.take(
            parse_codes, cells.get("caracteristiques"), set(FoodCharacteristic.codes()), "caracteristiques"
        )
        or [],
        origin=errors.take(parse_enum, cells.get("origine"), FoodOrigin.codes(), "origine", required=False),
    )
    supplier_siret = siret_text(cells.get("siret_fournisseur"))
    if supplier_siret and not is_valid_siret(supplier_siret):
        errors.append(_("SIRET du fournisseur « %(siret)s » invalide.", siret=supplier_siret))
    return data, site, text_of(cells.get("fournisseur")), supplier_siret


def _read_ma_cantine(cells: dict, sites: _Sites, errors: _LineErrors) -> tuple:
    site = errors.take(_find_site, text_of(cells.get("siret")), sites, by_siret_only=True)
    codes = (
        errors.take(parse_codes, cells.get("categories_egalim"), MA_CANTINE_EGALIM, "categories_egalim") or []
    )
    if errors.take(parse_flag, cells.get("est_circuit_court"), "est_circuit_court"):
        codes.append(FoodCharacteristic.CIRCUIT_COURT.value)
    if errors.take(parse_flag, cells.get("est_local"), "est_local"):
        codes.append(FoodCharacteristic.LOCAL.value)
    errors.take(
        parse_enum,
        cells.get("definition_local"),
        MA_CANTINE_LOCAL_DEFINITIONS,
        "definition_local",
        required=False,
    )
    errors.take(_positive_km, cells.get("definition_local_km"))
    data = PurchaseData(
        site_id=site.id if site else None,
        purchased_on=errors.take(parse_date, cells.get("date")),
        family=errors.take(
            parse_enum, cells.get("famille_produits"), FoodFamily.codes(), "famille_produits", required=True
        ),
        description=text_of(cells.get("description")),
        amount_excl_tax=errors.take(parse_amount, cells.get("prix_ht")),
        codes=codes,
        origin=errors.take(parse_enum, cells.get("origine"), FoodOrigin.codes(), "origine", required=False),
    )
    return data, site, text_of(cells.get("fournisseur")), ""


# --- Parse, then apply ----------------------------------------------------------------------------


def parse_import(filename: str, content: bytes) -> ImportResult:
    """Read and check every line; nothing is written."""
    result = ImportResult()
    try:
        rows = read_rows(filename, content)
    except ServiceError as error:
        result.errors.append((None, error.message))
        return result
    if not rows:
        result.errors.append((None, _("Le fichier est vide.")))
        return result
    header_line, header = rows[0]
    result.format = detect_format(header)
    if result.format is None and _is_headerless_ma_cantine(header):
        result.format, columns, data_rows = MA_CANTINE, list(MA_CANTINE_COLUMNS), rows
    elif result.format is None:
        expected = ", ".join(name for name, _label, _example in LEVIER_COLUMNS)
        result.errors.append(
            (
                header_line,
                _(
                    "en-tête non reconnu. Colonnes attendues : %(levier)s (modèle Levier) ou celles du fichier "
                    "d'achats ma-cantine (%(cantine)s).",
                    levier=expected,
                    cantine=", ".join(MA_CANTINE_COLUMNS),
                ),
            )
        )
        return result
    else:
        columns, data_rows = [_key(cell) for cell in header], rows[1:]
    if not data_rows:
        result.errors.append((None, _("Le fichier ne contient aucune ligne d'achat.")))
        return result
    reader = _read_ma_cantine if result.format == MA_CANTINE else _read_levier
    sites = _Sites()
    for line, cells in data_rows:
        values = dict(zip(columns, list(cells) + [None] * (len(columns) - len(cells)), strict=False))
        errors = _LineErrors()
        data, site, supplier_name, supplier_siret = reader(values, sites, errors)
        if not errors:
            cleaned = errors.take(services.clean_purchase, data)  # ServiceError is a ValueError too
            if cleaned is not None:
                data.codes, data.origin = cleaned["codes"], cleaned["origin"]
        if errors:
            result.errors.extend((line, message) for message in errors)
            continue
        supplier = services.find_supplier(supplier_name, supplier_siret)
        result.lines.append(
            ImportLine(
                line=line,
                data=data,
                site_name=site.name,
                supplier_name=supplier.name if supplier else supplier_name,
                supplier_siret=normalize_siret(supplier_siret) if supplier_siret else "",
                supplier_is_new=supplier is None and bool(supplier_name or supplier_siret),
            )
        )
    return result


def apply_import(actor, result: ImportResult, *, source: str = "") -> int:
    """Write every checked line in the current transaction; the caller commits, or rolls back on error."""
    if not result.is_valid:
        raise ServiceError(_("Le fichier contient des erreurs : rien n'a été importé."))
    suffix = f" (import {source})" if source else " (import)"
    for line in result.lines:
        supplier = services.find_or_create_supplier(actor, line.supplier_name, line.supplier_siret or None)
        data = replace(line.data, supplier_id=supplier.id if supplier else None)
        try:
            services.create_purchase(actor, data, summary_suffix=suffix)
        except ServiceError as error:
            raise ServiceError(
                _("Ligne %(line)s : %(message)s", line=line.line, message=error.message)
            ) from None
    audit.record(
        actor,
        "import",
        object_type="Purchase",
        summary=f"Import de {len(result.lines)} achats, format {result.format_label}{suffix}",
    )
    db.session.flush()
    return len(result.lines)


def count_existing_duplicates(result: ImportResult) -> int:
    """Lines already recorded (same site, date, description and amount): a file imported twice shows here."""
    if not result.lines:
        return 0
    days = [line.data.purchased_on for line in result.lines]
    existing = {
        tuple(row)
        for row in db.session.execute(
            select(
                Purchase.site_id, Purchase.purchased_on, Purchase.description, Purchase.amount_excl_tax
            ).where(
                Purchase.deleted_at.is_(None),
                Purchase.site_id.in_({line.data.site_id for line in result.lines}),
                Purchase.purchased_on.between(min(days), max(days)),
            )
        )
    }
    return sum(
        (
            line.data.site_id,
            line.data.purchased_on,
            (line.data.description or "").strip(),
            line.data.amount_excl_tax,
        )
        in existing
        for line in result.lines
    )
