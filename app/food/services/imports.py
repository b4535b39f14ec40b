"""Import of purchase lines from CSV/XLSX: Levier's own columns or, unchanged, the ma-cantine purchase file.

The pipeline of every import in Levier (``app.core.imports``): the whole file is checked first, batch by
batch (errors numbered by line, line 1 being the header), a preview is shown, and confirming writes every
line or none. Each line passes ``services.clean_purchase``, the rule of the purchase form.
ma-cantine format: ``app/data/schema_import_achats_macantine.json`` (table schema "import-achats-siret").
"""

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, insert, or_, select

from app.core import audit
from app.core.enums import EGALIM_CHARACTERISTICS, FoodCharacteristic, FoodFamily, FoodOrigin
from app.core.identifiers import is_valid_siret, normalize_siret
from app.core.imports import (  # noqa: F401  (ImportFileError: re-exported for the views)
    Header,
    Importer,
    ImportFileError,
    ImportReport,
    RowError,
    RowErrors,
    insert_rows,
    run_import,
)
from app.core.tabular import text_of
from app.extensions import db
from app.food import services
from app.food.models import CateringSite, Purchase, PurchaseCharacteristic, Supplier
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

    @property
    def purchased_on(self) -> date | None:
        return self.data.purchased_on


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


def _read_levier(cells: dict, sites: _Sites, errors: RowErrors) -> tuple:
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
        errors.add(
            _("SIRET du fournisseur « %(siret)s » invalide.", siret=supplier_siret), "siret_fournisseur"
        )
    return data, site, text_of(cells.get("fournisseur")), supplier_siret


def _read_ma_cantine(cells: dict, sites: _Sites, errors: RowErrors) -> tuple:
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


# --- The importer --------------------------------------------------------------------------------


class PurchaseImporter(Importer):
    """Purchase lines in Levier's format or ma-cantine's, told apart by their header."""

    label = "achats"

    def __init__(self, actor, *, source: str = "", warn_duplicates: bool = True):
        super().__init__(actor)
        self.warn_duplicates = warn_duplicates  # a preview warning: not worth a query per batch when writing
        self.format: str | None = None
        self.suffix = f" (import {source})" if source else " (import)"
        self.sites = _Sites()
        self.reader = _read_levier
        self.suppliers: dict[tuple[str, str], tuple[int, str] | None] = {}  # (siret, lower name) -> found
        self.created: dict[tuple[str, str], int] = {}
        self.new_supplier_names: set[str] = set()
        self.total = Decimal(0)
        self.duplicates = 0

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, "")

    @property
    def new_suppliers(self) -> list[str]:
        return sorted(self.new_supplier_names)

    def read_header(self, line, cells):
        self.format = detect_format(cells)
        if self.format is None and _is_headerless_ma_cantine(cells):
            self.format, self.reader = MA_CANTINE, _read_ma_cantine
            return Header({name: i for i, name in enumerate(MA_CANTINE_COLUMNS)}, is_data=True)
        if self.format is None:
            raise ImportFileError(
                _(
                    "Ligne %(line)s : en-tête non reconnu. Colonnes attendues : %(levier)s (modèle Levier) ou "
                    "celles du fichier d'achats ma-cantine (%(cantine)s).",
                    line=line,
                    levier=", ".join(name for name, _label, _example in LEVIER_COLUMNS),
                    cantine=", ".join(MA_CANTINE_COLUMNS),
                )
            )
        if self.format == MA_CANTINE:
            self.reader, known = _read_ma_cantine, set(MA_CANTINE_COLUMNS)
        else:
            known = {name for name, _label, _example in LEVIER_COLUMNS}
        keys = [_key(cell) for cell in cells]
        return Header({key: i for i, key in reversed(list(enumerate(keys))) if key in known})

    def parse_row(self, line, values, errors):
        data, site, supplier_name, supplier_siret = self.reader(values, self.sites, errors)
        if not errors:
            cleaned = errors.take(services.clean_purchase, data)  # the purchase form's rule
            if cleaned is not None:
                data.codes, data.origin = cleaned["codes"], cleaned["origin"]
                data.description = cleaned["description"]
        if errors:
            return None
        return ImportLine(
            line=line,
            data=data,
            site_name=site.name,
            supplier_name=supplier_name,
            supplier_siret=normalize_siret(supplier_siret) if supplier_siret else "",
        )

    def _find_suppliers(self, lines: list["ImportLine"]) -> None:
        """Known suppliers of the batch, by SIRET or by name (case ignored): one query."""
        keys = {_supplier_key(line) for line in lines} - self.suppliers.keys() - {("", "")}
        if not keys:
            return
        sirets = {siret for siret, _name in keys if siret and is_valid_siret(siret)}
        names = {name for _siret, name in keys if name}
        by_siret, by_name = {}, {}
        for supplier_id, siret, name in db.session.execute(
            select(Supplier.id, Supplier.siret, Supplier.name)
            .where(or_(Supplier.siret.in_(sirets), func.lower(Supplier.name).in_(names)))
            .order_by(Supplier.id.desc())
        ):
            if siret:
                by_siret[siret] = (supplier_id, name)
            by_name[name.lower()] = (supplier_id, name)  # descending ids: the oldest one wins
        for siret, name in keys:
            self.suppliers[(siret, name)] = by_siret.get(siret) or by_name.get(name)

    def _count_duplicates(self, lines: list["ImportLine"]) -> int:
        """Lines already recorded (same site, date, description and amount): one query per batch."""
        days = [line.data.purchased_on for line in lines]
        existing = set(
            map(
                tuple,
                db.session.execute(
                    select(
                        Purchase.site_id,
                        Purchase.purchased_on,
                        Purchase.description,
                        Purchase.amount_excl_tax,
                    ).where(
                        Purchase.deleted_at.is_(None),
                        Purchase.site_id.in_({line.data.site_id for line in lines}),
                        Purchase.purchased_on.between(min(days), max(days)),
                    )
                ),
            )
        )
        return sum(
            (line.data.site_id, line.data.purchased_on, line.data.description, line.data.amount_excl_tax)
            in existing
            for line in lines
        )

    def check_batch(self, records):
        self._find_suppliers(records)
        for line in records:
            found = self.suppliers.get(_supplier_key(line))
            if found is not None:
                line.supplier_name = found[1]
            elif line.supplier_name or line.supplier_siret:
                line.supplier_is_new = True
                self.new_supplier_names.add(line.supplier_name or line.supplier_siret)
            self.total += line.data.amount_excl_tax
        if self.warn_duplicates:
            self.duplicates += self._count_duplicates(records)
        return records, []

    def _supplier_id(self, line: "ImportLine") -> int | None:
        key = _supplier_key(line)
        found = self.suppliers.get(key)
        if found is not None:
            return found[0]
        if key == ("", ""):
            return None
        if key not in self.created:
            supplier = services.find_or_create_supplier(
                self.actor, line.supplier_name, line.supplier_siret or None
            )
            db.session.flush()
            self.created[key] = supplier.id
        return self.created[key]

    def write_batch(self, records):
        created_by = getattr(self.actor, "id", None)
        rows = [
            {
                "site_id": line.data.site_id,
                "supplier_id": self._supplier_id(line),
                "purchased_on": line.data.purchased_on,
                "family": line.data.family,
                "description": line.data.description,
                "amount_excl_tax": line.data.amount_excl_tax,
                "origin": line.data.origin,
                "created_by_id": created_by,
            }
            for line in records
        ]
        ids = insert_rows(Purchase, rows, tuple(rows[0]))
        codes = [
            {"purchase_id": purchase_id, "code": code}
            for purchase_id, line in zip(ids, records, strict=True)
            for code in line.data.codes
        ]
        if codes:
            db.session.execute(insert(PurchaseCharacteristic), codes)
        with audit.deferred() as pending:
            for purchase_id, line in zip(ids, records, strict=True):
                audit.record(
                    self.actor,
                    "create",
                    object_type="Purchase",
                    object_id=purchase_id,
                    summary=services.describe_purchase(line.data.description, line.data.purchased_on)
                    + self.suffix,
                )
            audit.write_deferred(pending)

    def after_write(self, report):
        audit.record(
            self.actor,
            "import",
            object_type="Purchase",
            summary=f"Import de {report.written} achats, format {self.format_label}{self.suffix}",
        )
        db.session.flush()


def _supplier_key(line: "ImportLine") -> tuple[str, str]:
    return (line.supplier_siret or "", (line.supplier_name or "").strip().lower())


MAX_LINES = 50_000  # an upload; the command line takes any length


def import_file(
    actor,
    filename: str,
    source,
    *,
    write: bool = False,
    progress=None,
    source_name: str = "",
    max_rows: int | None = MAX_LINES,
) -> ImportReport:
    """Check (and with ``write``, write) a purchase file; the caller commits a valid report.

    Uploads stop at ``MAX_LINES``; the command line passes ``max_rows=None`` and takes any length.
    """
    importer = PurchaseImporter(
        actor, source=source_name or (filename if write else ""), warn_duplicates=not write
    )
    importer.max_rows = max_rows
    return run_import(importer, filename, source, write=write, progress=progress)
