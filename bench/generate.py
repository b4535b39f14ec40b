"""Fill a migrated, empty Levier database with a deterministic, realistic data set at a chosen scale.

    /work/venv/bin/python bench/generate.py --scale 0.1 --database-url URL [--seed 2026] [--reset]

Scale 1 is a national network: 100 buyers, 200 000 contracts notified over 2021-2025, 60 000 social
clauses, 20 000 participants, 1 000 000 hour entries, 500 000 food purchases. Scale 0.1 is a region.
The same scale and seed always give the same rows. Rows follow the schema's CHECK constraints and the
business rules the services enforce (domain.md): Luhn-valid SIRETs, months inside each contract's
execution period, at most 200 h per participant and month over all contracts, employer kinds that fit
the modality, no hours on archived contracts, outcomes observed after the last hours.

Rows are written in bulk: COPY (psycopg) on PostgreSQL, executemany on SQLite. ``--reset`` first empties
every table but the reference ones (territories, CPV codes, Alembic's version).
"""

import argparse
import csv
import math
import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine  # noqa: E402
from stdnum import luhn  # noqa: E402

from bench.common import (  # noqa: E402
    ADMIN_EMAIL,
    FACILITATOR_EMAIL,
    OFFICER_EMAIL,
    PASSWORD,
    READER_EMAIL,
    normalize_url,
)

NATIONAL = {
    "buyers": 100,
    "contracts": 200_000,
    "clauses": 60_000,
    "participants": 20_000,
    "hour_entries": 1_000_000,
    "purchases": 500_000,
    "companies": 12_000,
    "sites": 600,
    "suppliers": 2_000,
}
FIRST_YEAR, LAST_YEAR = 2021, 2025
# Hours are logged up to the month before "today" of the data set: a fixed date, for determinism.
DATA_TODAY = date(2026, 11, 1)
MAX_HOURS_PER_MONTH = 200
KEEP_TABLES = {"territories", "cpv_codes", "alembic_version"}
CPV_CSV = Path(__file__).resolve().parent.parent / "app" / "data" / "cpv_2008_fr.csv"

# (CPV code, category, typical object, labour share %): the purchases clauses are written into.
CPV_CATALOG = (
    ("45210000", "works", "Construction d'un bâtiment", 45),
    ("45214200", "works", "Construction d'un collège", 45),
    ("45233140", "works", "Travaux de voirie", 35),
    ("45262700", "works", "Réhabilitation de logements", 55),
    ("45442100", "works", "Travaux de peinture intérieure", 70),
    ("45421000", "works", "Menuiseries extérieures", 30),
    ("45331000", "works", "Chauffage, ventilation et climatisation", 35),
    ("45453000", "works", "Rénovation énergétique de bâtiments", 50),
    ("90910000", "services", "Nettoyage de locaux", 80),
    ("77310000", "services", "Entretien des espaces verts", 70),
    ("90511000", "services", "Collecte des déchets ménagers", 60),
    ("60112000", "services", "Transport public routier", 60),
    ("79713000", "services", "Gardiennage", 85),
    ("55523100", "services", "Restauration scolaire", 50),
    ("71000000", "services", "Maîtrise d'œuvre", 60),
    ("72000000", "services", "Services informatiques", 60),
    ("30192000", "supplies", "Fournitures de bureau", 20),
    ("39130000", "supplies", "Mobilier", 25),
    ("09134200", "supplies", "Carburant", 10),
    ("34144900", "supplies", "Véhicules électriques", 15),
    ("15000000", "supplies", "Denrées alimentaires", 20),
    ("33600000", "supplies", "Produits pharmaceutiques", 10),
)
MARCHE_PROCEDURES = (
    ("Procédure adaptée", 55),
    ("Appel d'offres ouvert", 30),
    ("Appel d'offres restreint", 4),
    ("Procédure avec négociation", 5),
    ("Marché passé sans publicité ni mise en concurrence préalable", 5),
    ("Dialogue compétitif", 1),
)
CONCESSION_NATURES = ("Concession de service public", "Délégation de service public", "Concession de travaux")
CONCESSION_PROCEDURES = (
    "Procédure négociée ouverte",
    "Procédure non négociée ouverte",
    "Procédure négociée restreinte",
)
COMPANY_KINDS = (
    ("ordinary", 78),
    ("temp_agency", 4),
    ("EI", 3),
    ("ETTI", 3),
    ("EITI", 0.5),
    ("AI", 2),
    ("ACI", 2.5),
    ("GEIQ", 2),
    ("EA", 2),
    ("EATT", 0.5),
    ("ESAT", 1.5),
)
SIAE_KINDS = ("EI", "ETTI", "EITI", "AI", "ACI")
INCLUSIVE_KINDS = SIAE_KINDS + ("EA", "EATT", "ESAT")
MODALITY_KINDS = {
    "direct_hire": None,  # any employer: the holder itself
    "temp_work": ("ETTI", "EATT", "temp_agency"),
    "secondment": ("AI", "GEIQ"),
    "subcontracting": INCLUSIVE_KINDS,
    "training": None,
}
MODALITIES = (
    ("direct_hire", 34),
    ("temp_work", 33),
    ("secondment", 12),
    ("subcontracting", 16),
    ("training", 5),
)
CONTRACT_TYPES = {
    "direct_hire": ("CDI", "CDD", "CDD", "apprenticeship", "professionalisation"),
    "temp_work": ("interim",),
    "secondment": ("CDDI", "CDD"),
    "subcontracting": ("CDDI",),
    "training": (None,),
}
ELIGIBILITY = (
    ("DELD", 30),
    ("RSA", 25),
    ("JEUNE", 18),
    ("TH", 7),
    ("ASS_AAH", 5),
    ("SIAE", 8),
    ("SENIOR", 8),
    ("QPV", 12),
    ("AUTRE", 2),
)
OUTCOMES = (
    ("lasting_job", 25),
    ("transition_job", 30),
    ("training", 12),
    ("still_in_pathway", 15),
    ("other", 8),
    ("unknown", 10),
)
FAMILIES = (
    ("VIANDES_VOLAILLES", 22),
    ("CHARCUTERIE", 5),
    ("PRODUITS_DE_LA_MER", 8),
    ("FRUITS_ET_LEGUMES", 22),
    ("PRODUITS_LAITIERS", 15),
    ("BOULANGERIE", 10),
    ("BOISSONS", 5),
    ("AUTRES", 13),
)
# (code, probability of a purchase carrying it)
CHARACTERISTICS = (
    ("BIO", 0.18),
    ("LABEL_ROUGE", 0.05),
    ("AOCAOP", 0.03),
    ("IGP", 0.03),
    ("HVE", 0.05),
    ("FERMIER", 0.02),
    ("COMMERCE_EQUITABLE", 0.01),
    ("CIRCUIT_COURT", 0.22),
    ("LOCAL", 0.30),
    ("FRANCE", 0.45),
)
FIRST_NAMES = ("Camille", "Léa", "Yanis", "Inès", "Lucas", "Nora", "Hugo", "Sarah", "Mehdi", "Julie", "Kevin")
LAST_NAMES = ("Martin", "Lefebvre", "Dubois", "Lemaire", "Leroy", "Bouchez", "Delattre", "Caron", "Vasseur")
COMMUNES = ("62041", "62193", "62160", "62498", "62510", "62427", "62765", "62119", "62413", "62178")
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def siret(prefix: int, index: int) -> str:
    """A Luhn-valid SIRET, unique per (prefix, index): SIREN (8 digits + key) then NIC (4 digits + key)."""
    siren = f"{prefix}{index:07d}"[-8:]
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{(index % 9000) + 10:04d}"
    return body + luhn.calc_check_digit(body)


def participant_code(index: int) -> str:
    """Pseudonymous ``P-XXXXXXXX`` codes, distinct for distinct indexes (an odd multiplier is a bijection)."""
    value = (index * 0x9E3779B1 + 12345) % (32**8)
    chars = []
    for _ in range(8):
        value, digit = divmod(value, 32)
        chars.append(CODE_ALPHABET[digit])
    return "P-" + "".join(chars)


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_date(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _register_sqlite_adapters() -> None:
    """Store dates, datetimes and decimals in SQLite as SQLAlchemy does (ISO text, numbers)."""
    import sqlite3

    sqlite3.register_adapter(date, date.isoformat)
    sqlite3.register_adapter(datetime, lambda value: value.isoformat(" "))
    sqlite3.register_adapter(Decimal, str)


def weighted(rng: random.Random, pairs):
    values = [v for v, _w in pairs]
    weights = [w for _v, w in pairs]
    return lambda: rng.choices(values, weights)[0]


def money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


class Writer:
    """Bulk insert of plain tuples: COPY on PostgreSQL, executemany on SQLite; counts rows and time."""

    def __init__(self, engine):
        from app.core.db import Base
        from app.models import User  # noqa: F401  (registers every table on the metadata)

        self.engine = engine
        self.metadata = Base.metadata
        self.is_postgresql = engine.dialect.name == "postgresql"
        if not self.is_postgresql:
            _register_sqlite_adapters()
        self.connection = engine.raw_connection()
        self.rows = {}
        self.seconds = 0.0

    def _defaults(self, table_name: str, columns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple]:
        """Columns this script leaves out but that have no server default: their Python default."""
        extra_columns, extra_values = [], []
        for column in self.metadata.tables[table_name].columns:
            if column.name in columns or column.server_default is not None or column.primary_key:
                continue
            default = column.default
            if default is None:
                continue
            value = default.arg(None) if default.is_callable else default.arg
            extra_columns.append(column.name)
            extra_values.append(value)
        return tuple(extra_columns), tuple(extra_values)

    def insert(self, table_name: str, columns: tuple[str, ...], rows) -> int:
        extra_columns, extra_values = self._defaults(table_name, columns)
        names = columns + extra_columns
        start = time.perf_counter()
        count = 0
        cursor = self.connection.cursor()
        if self.is_postgresql:
            statement = f"COPY {table_name} ({', '.join(names)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row + extra_values if extra_values else row)
                    count += 1
        else:
            statement = (
                f"INSERT INTO {table_name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            )
            batch = []
            for row in rows:
                batch.append(row + extra_values if extra_values else row)
                if len(batch) >= 10_000:
                    cursor.executemany(statement, batch)
                    count += len(batch)
                    batch.clear()
            if batch:
                cursor.executemany(statement, batch)
                count += len(batch)
        cursor.close()
        self.seconds += time.perf_counter() - start
        self.rows[table_name] = self.rows.get(table_name, 0) + count
        return count

    def scalar(self, sql: str):
        cursor = self.connection.cursor()
        cursor.execute(sql)
        row = cursor.fetchone()
        cursor.close()
        return None if row is None else row[0]

    def execute(self, sql: str) -> None:
        cursor = self.connection.cursor()
        cursor.execute(sql)
        cursor.close()

    def reset_sequences(self) -> None:
        """COPY with explicit ids leaves PostgreSQL's sequences behind: move them past the ids written."""
        if not self.is_postgresql:
            return
        for table in self.metadata.sorted_tables:
            if "id" in table.columns and table.name in self.rows:
                self.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
                )

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.close()


def reset(writer: Writer) -> None:
    names = [t.name for t in writer.metadata.sorted_tables if t.name not in KEEP_TABLES]
    if writer.is_postgresql:
        existing = {
            row
            for (row,) in _rows(writer, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        }
        names = [n for n in names if n in existing]
        writer.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
    else:
        for name in reversed(names):
            writer.execute(f"DELETE FROM {name}")
    writer.commit()


def _rows(writer: Writer, sql: str) -> list[tuple]:
    cursor = writer.connection.cursor()
    cursor.execute(sql)
    rows = cursor.fetchall()
    cursor.close()
    return rows


def counts(scale: float) -> dict[str, int]:
    result = {name: max(1, round(value * scale)) for name, value in NATIONAL.items()}
    result["buyers"] = max(3, result["buyers"])
    result["companies"] = max(60, result["companies"])
    result["sites"] = max(result["buyers"], result["sites"])
    result["suppliers"] = max(10, result["suppliers"])
    return result


class Generator:
    def __init__(self, writer: Writer, scale: float, seed: int):
        self.writer = writer
        self.scale = scale
        self.seed = seed
        self.n = counts(scale)

    def rng(self, name: str) -> random.Random:
        """One random stream per kind of row, so that each is deterministic on its own."""
        return random.Random(f"{self.seed}-{name}")

    # --- reference data and accounts ----------------------------------------------------------------

    def reference(self) -> None:
        from app.referential.models import PAS_DE_CALAIS_TERRITORIES

        if not self.writer.scalar("SELECT COUNT(*) FROM territories"):
            self.writer.insert(
                "territories",
                ("code", "name", "is_active"),
                ((code, name, True) for code, name in PAS_DE_CALAIS_TERRITORIES),
            )
        self.territory_ids = [row[0] for row in _rows(self.writer, "SELECT id FROM territories ORDER BY id")]
        if not self.writer.scalar("SELECT COUNT(*) FROM cpv_codes"):
            with CPV_CSV.open(encoding="utf-8-sig", newline="") as handle:
                rows = []
                for row in csv.DictReader(handle):
                    code, _sep, check = row["code"].partition("-")
                    rows.append((code, check, row["libelle_fr"][:400]))
            self.writer.insert("cpv_codes", ("code", "check_digit", "label"), iter(rows))

    def users(self) -> None:
        from werkzeug.security import generate_password_hash

        password_hash = generate_password_hash(PASSWORD)
        accounts = (
            (1, ADMIN_EMAIL, "Administratrice banc d'essai", "admin"),
            (2, FACILITATOR_EMAIL, "Facilitateur banc d'essai", "facilitator"),
            (3, READER_EMAIL, "Lecteur banc d'essai", "reader"),
            (4, OFFICER_EMAIL, "Acheteuse banc d'essai", "officer"),
        )
        self.writer.insert(
            "users",
            ("id", "email", "full_name", "password_hash", "role", "is_active"),
            ((i, email, name, password_hash, role, True) for i, email, name, role in accounts),
        )
        self.facilitator_id = 2

    # --- buyers, companies ----------------------------------------------------------------------------

    def buyers(self) -> None:
        rng = self.rng("buyers")
        kind = weighted(rng, (("epci", 20), ("commune", 50), ("social_landlord", 20), ("other", 10)))
        rows = []
        for i in range(self.n["buyers"]):
            if i == 0:
                rows.append((1, siret(22620001, 0), "Département du Pas-de-Calais", "departement"))
                continue
            buyer_kind = kind()
            name = {
                "epci": f"Communauté d'agglomération n° {i}",
                "commune": f"Commune n° {i}",
                "social_landlord": f"Office public de l'habitat n° {i}",
                "other": f"Syndicat mixte n° {i}",
            }[buyer_kind]
            rows.append((i + 1, siret(21, i), name, buyer_kind))
        self.buyer_ids = [r[0] for r in rows]
        self.buyer_sirets = {r[0]: r[1] for r in rows}
        # The Département is the largest buyer; the others follow a Zipf-like law.
        self.buyer_weights = [1 / (i + 1) ** 0.8 for i in range(len(rows))]
        self.writer.insert(
            "buyers",
            ("id", "siret", "name", "kind", "territory_id", "local_definition", "is_active"),
            (
                (b, s, name, k, self.territory_ids[b % len(self.territory_ids)], "DEPARTEMENT", True)
                for b, s, name, k in rows
            ),
        )

    def companies(self) -> None:
        rng = self.rng("companies")
        kind = weighted(rng, COMPANY_KINDS)
        all_kinds = [k for k, _w in COMPANY_KINDS]
        rows = []
        for i in range(self.n["companies"]):
            company_kind = all_kinds[i] if i < len(all_kinds) else kind()
            name = "Entreprise" if company_kind == "ordinary" else company_kind
            rows.append(
                (i + 1, "SIRET", siret(4, i), f"{name} {i + 1:05d}", company_kind, rng.choice(COMMUNES))
            )
        self.company_kind = {r[0]: r[4] for r in rows}
        self.company_siret = {r[0]: r[2] for r in rows}
        self.companies_by_kind: dict[str, list[int]] = {}
        for company_id, company_kind in self.company_kind.items():
            self.companies_by_kind.setdefault(company_kind, []).append(company_id)
        self.writer.insert(
            "companies", ("id", "identifier_type", "identifier", "name", "kind", "commune_code"), iter(rows)
        )

    # --- contracts, holders, clauses ------------------------------------------------------------------

    def contracts(self) -> None:
        rng = self.rng("contracts")
        procedure = weighted(rng, MARCHE_PROCEDURES)
        ordinary = self.companies_by_kind["ordinary"]
        inclusive = [c for k in INCLUSIVE_KINDS for c in self.companies_by_kind.get(k, [])]
        n_contracts = self.n["contracts"]
        # Clauses: about 27 % of contracts carry one, a tenth of those two (condition + award criterion).
        n_with_clause = round(self.n["clauses"] / 1.1)
        contract_rows, holder_rows, clause_rows = [], [], []
        self.clauses_info = []  # (clause_id, contract_id, buyer_id, start_month, end_month, holder_id, big)
        self.contract_refs: dict[int, tuple[str, int]] = {}
        clause_id = 0
        clause_chance = n_with_clause / n_contracts
        per_buyer_year: dict[tuple[int, int], int] = {}
        for contract_id in range(1, n_contracts + 1):
            buyer_id = rng.choices(self.buyer_ids, self.buyer_weights)[0]
            cpv, category, label, labour = rng.choice(CPV_CATALOG)
            is_concession = category == "services" and rng.random() < 0.03
            year = rng.randint(FIRST_YEAR, LAST_YEAR)
            notified = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
            if is_concession:
                duration = rng.choice((60, 84, 120))
            else:
                duration = rng.choice((3, 6, 9, 12, 12, 18, 24, 24, 36, 48))
            amount = min(50_000_000.0, max(1_000.0, math.exp(rng.gauss(11.3, 1.4))))
            number = per_buyer_year.get((buyer_id, year), 0) + 1
            per_buyer_year[(buyer_id, year)] = number
            reference = f"{year}-M{number:05d}"
            archived = rng.random() < 0.01
            has_clause = rng.random() < clause_chance * (1.6 if category == "works" else 0.7)
            environmental = rng.choice(
                (
                    ["Pas de considération environnementale"],
                    ["Clause environnementale"],
                    ["Clause environnementale", "Critère environnemental"],
                    ["Critère environnemental"],
                )
            )
            contract_rows.append(
                (
                    contract_id,
                    buyer_id,
                    reference,
                    f"{label} — lot {rng.randint(1, 12)} ({reference})",
                    "concession" if is_concession else "marche",
                    rng.choice(CONCESSION_NATURES) if is_concession else "Marché",
                    rng.choice(CONCESSION_PROCEDURES) if is_concession else procedure(),
                    cpv,
                    category,
                    money(amount),
                    notified,
                    duration,
                    rng.choice(COMMUNES),
                    "Code commune",
                    self.territory_ids[rng.randrange(len(self.territory_ids))],
                    _json(environmental),
                    "manual",
                    datetime(2026, 6, 1) if archived else None,
                    1,
                )
            )
            self.contract_refs[contract_id] = (reference, buyer_id)
            reserved = has_clause and rng.random() < 0.08
            holders = [rng.choice(inclusive if reserved or rng.random() < 0.04 else ordinary)]
            if rng.random() < 0.12:
                holders.append(rng.choice(ordinary if rng.random() < 0.7 else inclusive))
            for position, company_id in enumerate(dict.fromkeys(holders)):
                holder_rows.append((contract_id, company_id, position))
            if not has_clause:
                continue
            kinds = (
                ["reserved"]
                if reserved
                else [rng.choice(("execution_condition",) * 9 + ("insertion_object",))]
            )
            if not reserved and kinds[0] == "execution_condition" and rng.random() < 0.1:
                kinds.append("award_criterion")
            ends = add_months(notified, duration) - timedelta(days=1)
            for kind in kinds:
                clause_id += 1
                clause_rows.append(self._clause_row(rng, clause_id, contract_id, kind, amount, labour))
                if kind != "reserved" and not archived:
                    big = rng.random() < 0.01
                    self.clauses_info.append(
                        (
                            clause_id,
                            contract_id,
                            buyer_id,
                            month_index(notified),
                            month_index(ends),
                            holders[0],
                            big,
                        )
                    )
        self.writer.insert(
            "contracts",
            (
                "id",
                "buyer_id",
                "reference",
                "object",
                "kind",
                "nature",
                "procedure",
                "cpv_code",
                "category",
                "amount_excl_tax",
                "notified_on",
                "duration_months",
                "place_code",
                "place_type",
                "territory_id",
                "environmental_considerations",
                "source",
                "archived_at",
                "version",
            ),
            iter(contract_rows),
        )
        self.writer.insert("contract_holders", ("contract_id", "company_id", "position"), iter(holder_rows))
        self.writer.insert(
            "clauses",
            (
                "id",
                "contract_id",
                "kind",
                "planned_hours",
                "hours_method",
                "labour_share",
                "insertion_rate",
                "hourly_cost",
                "euros_per_hour",
                "award_weight_percent",
                "reserved_article",
                "needs_review",
                "notes",
            ),
            iter(clause_rows),
        )
        # The facilitator follows every clause of one buyer in three (the Département included).
        followed = [(info[0], self.facilitator_id) for info in self.clauses_info if (info[2] - 1) % 3 == 0]
        self.writer.insert("clause_facilitators", ("clause_id", "user_id"), iter(followed))

    def _clause_row(self, rng, clause_id, contract_id, kind, amount, labour) -> tuple:
        empty = (None, None, None, None)
        if kind == "reserved":
            article = rng.choice(("L2113-12", "L2113-13", "L2113-13", "L2113-14"))
            return (clause_id, contract_id, kind, None, "manual", *empty, None, article, False, "")
        if kind == "award_criterion":
            hours = money(amount * labour / 100 * rng.choice((7, 10, 12)) / 100 / 28)
            weight = Decimal(rng.choice((5, 10, 15)))
            return (clause_id, contract_id, kind, hours, "manual", *empty, weight, None, False, "")
        method = rng.choice(("rate", "rate", "rate", "flat", "manual"))
        if method == "rate":
            rate, cost = rng.choice((5, 7, 10, 15)), rng.choice((25, 28, 30))
            hours = money(amount * labour / 100 * rate / 100 / cost)
            inputs = (Decimal(labour), Decimal(rate), Decimal(cost), None)
        elif method == "flat":
            per_hour = rng.choice((1_000, 2_000, 3_000))
            hours = money(amount / per_hour)
            inputs = (None, None, None, Decimal(per_hour))
        else:
            hours = money(rng.choice((35, 70, 140, 280, 500, 1_000)))
            inputs = empty
        if rng.random() < 0.03:
            hours = None  # hours not yet known: the clause counts, its hours do not
        return (clause_id, contract_id, kind, hours, method, *inputs, None, None, False, "")

    # --- participants, hours, outcomes ---------------------------------------------------------------

    def participants(self) -> None:
        rng = self.rng("participants")
        gender = weighted(rng, (("male", 62), ("female", 35), ("unspecified", 3)))
        qualification = weighted(rng, (("none", 40), ("3", 32), ("4", 18), ("5", 6), ("6+", 2), (None, 2)))
        criterion = weighted(rng, ELIGIBILITY)
        rows, eligibility_rows, identity_rows = [], [], []
        for i in range(1, self.n["participants"] + 1):
            criteria = sorted({criterion() for _ in range(rng.choice((1, 1, 2, 2, 3)))})
            qpv = "QPV" in criteria or rng.random() < 0.15
            reason = "Orientation par le PLIE" if "AUTRE" in criteria else ""
            birth_year = rng.randint(1962, 2006) if rng.random() > 0.02 else None
            rows.append(
                (
                    i,
                    participant_code(i),
                    gender(),
                    birth_year,
                    qualification(),
                    qpv,
                    rng.choice(COMMUNES),
                    reason,
                )
            )
            eligibility_rows.extend((i, c) for c in criteria)
            if rng.random() < 0.4:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                identity_rows.append((i, first, last, f"{first}.{last}.{i}@exemple.fr".lower(), "", ""))
        self.writer.insert(
            "participants",
            (
                "id",
                "code",
                "gender",
                "birth_year",
                "qualification_level",
                "is_qpv_resident",
                "commune_code",
                "other_eligibility_reason",
            ),
            iter(rows),
        )
        self.writer.insert(
            "participant_eligibilities", ("participant_id", "criterion"), iter(eligibility_rows)
        )
        self.writer.insert(
            "participant_identities",
            ("participant_id", "first_name", "last_name", "email", "phone", "address"),
            iter(identity_rows),
        )

    def hour_entries(self) -> None:
        """Pathways: each participant works runs of months on clauses in execution, never over 200 h a month."""
        self._rng = rng = self.rng("hours")
        self._modality = weighted(rng, MODALITIES)
        self._last_month = last_month = month_index(DATA_TODAY) - 1
        first_month = FIRST_YEAR * 12
        self._active: dict[int, list[int]] = {m: [] for m in range(first_month, last_month + 1)}
        for position, info in enumerate(self.clauses_info):
            _cid, _contract, _buyer, start, end, _holder, big = info
            for m in range(max(start, first_month), min(end, last_month) + 1):
                self._active[m].extend((position,) * (12 if big else 1))
        self._target = target = self.n["hour_entries"]
        n_participants = self.n["participants"]
        per_participant = target / n_participants
        self._hour_rows: list[tuple] = []
        self.last_month_of: dict[int, int] = {}
        used_by_participant: dict[int, dict[int, float]] = {}
        pairs_by_participant: dict[int, set] = {}
        passes = 0
        while len(self._hour_rows) < target and passes < 20:
            passes += 1
            for participant_id in range(1, n_participants + 1):
                if len(self._hour_rows) >= target:
                    break
                quota = max(
                    1, round(rng.gauss(per_participant, per_participant / 3) / (2 if passes == 1 else 4))
                )
                self._pathway(
                    participant_id,
                    quota,
                    rng.randint(first_month, last_month),
                    used_by_participant.setdefault(participant_id, {}),
                    pairs_by_participant.setdefault(participant_id, set()),
                )
        self.writer.insert(
            "hour_entries",
            (
                "id",
                "participant_id",
                "clause_id",
                "employer_id",
                "modality",
                "month",
                "hours",
                "contract_type",
                "created_by_id",
            ),
            iter(self._hour_rows),
        )

    def _pathway(self, participant_id: int, quota: int, start: int, used: dict, pairs: set) -> None:
        """Up to ``quota`` entries from ``start``: runs on clauses active then, one employer and modality each."""
        rng, written, attempts = self._rng, 0, 0
        while written < quota and attempts < quota * 3 and len(self._hour_rows) < self._target:
            attempts += 1
            month = min(self._last_month, start + rng.randint(0, 18))
            if not self._active[month]:
                continue
            clause_id, _contract, _buyer, _start, end, holder, _big = self.clauses_info[
                rng.choice(self._active[month])
            ]
            chosen = self._modality()
            kinds = MODALITY_KINDS[chosen]
            employer = (
                holder
                if kinds is None
                else rng.choice([c for k in kinds for c in self.companies_by_kind.get(k, ())])
            )
            if (clause_id, employer, chosen) in pairs:
                continue
            pairs.add((clause_id, employer, chosen))
            entry = (participant_id, clause_id, employer, chosen)
            contract_type = rng.choice(CONTRACT_TYPES[chosen])
            monthly = rng.choice((35, 52.5, 70, 105, 120, 151.67))
            last = min(end, self._last_month, month + rng.randint(2, 11))
            written += self._months(
                entry, contract_type, monthly, range(month, last + 1), used, quota - written
            )

    def _months(
        self, entry: tuple, contract_type, monthly: float, months: range, used: dict, quota: int
    ) -> int:
        """One entry a month of ``months``, each within what is left of the person's 200 h that month."""
        written = 0
        for m in months:
            room = MAX_HOURS_PER_MONTH - used.get(m, 0)
            hours = round(min(monthly * self._rng.uniform(0.6, 1.0), room), 2)
            if hours < 1:
                continue
            used[m] = used.get(m, 0) + hours
            written += 1
            row = (
                len(self._hour_rows) + 1,
                *entry,
                month_date(m),
                money(hours),
                contract_type,
                self.facilitator_id,
            )
            self._hour_rows.append(row)
            self.last_month_of[entry[0]] = max(self.last_month_of.get(entry[0], 0), m)
            if len(self._hour_rows) >= self._target or written >= quota:
                break
        return written

    def outcomes(self) -> None:
        rng = self.rng("outcomes")
        status = weighted(rng, OUTCOMES)
        rows = []
        for participant_id, last in sorted(self.last_month_of.items()):
            observed = month_date(last + 6) + timedelta(days=rng.randint(0, 20))
            if observed < DATA_TODAY and rng.random() < 0.6:
                rows.append((len(rows) + 1, participant_id, status(), observed, "", self.facilitator_id))
        self.writer.insert(
            "outcomes",
            ("id", "participant_id", "status", "observed_on", "notes", "recorded_by_id"),
            iter(rows),
        )

    # --- food -----------------------------------------------------------------------------------------

    def food(self) -> None:
        rng = self.rng("food")
        site_rows = []
        for i in range(1, self.n["sites"] + 1):
            buyer_id = (
                1 if i <= max(1, self.n["sites"] // 3) else self.buyer_ids[(i - 1) % len(self.buyer_ids)]
            )
            kind = "middle_school" if buyer_id == 1 and i > 1 else ("staff_restaurant" if i == 1 else "other")
            name = f"Collège n° {i}" if kind == "middle_school" else f"Restaurant n° {i}"
            meals = rng.randint(20_000, 200_000)
            site_rows.append((i, buyer_id, name, kind, siret(6, i), rng.choice(COMMUNES), meals, True))
        self.writer.insert(
            "catering_sites",
            ("id", "buyer_id", "name", "kind", "siret", "commune_code", "meals_per_year", "is_active"),
            iter(site_rows),
        )
        supplier_rows = [
            (
                i,
                siret(8, i),
                f"Fournisseur {i:04d}",
                rng.choice(COMMUNES),
                rng.random() < 0.2,
                rng.random() < 0.03,
            )
            for i in range(1, self.n["suppliers"] + 1)
        ]
        self.writer.insert(
            "suppliers",
            ("id", "siret", "name", "commune_code", "is_direct_producer", "is_inclusion_structure"),
            iter(supplier_rows),
        )
        family = weighted(rng, FAMILIES)
        site_ids = [r[0] for r in site_rows]
        site_weights = [r[6] for r in site_rows]
        first_day, days = date(FIRST_YEAR, 1, 1), (date(LAST_YEAR, 12, 31) - date(FIRST_YEAR, 1, 1)).days
        rows, characteristic_rows = [], []
        for purchase_id in range(1, self.n["purchases"] + 1):
            product_family = family()
            rows.append(
                (
                    purchase_id,
                    rng.choices(site_ids, site_weights)[0],
                    rng.randint(1, len(supplier_rows)),
                    first_day + timedelta(days=rng.randint(0, days)),
                    product_family,
                    f"{product_family.replace('_', ' ').capitalize()} — facture {purchase_id}",
                    money(max(1.0, math.exp(rng.gauss(5.6, 1.1)))),
                    rng.choice(("FRANCE", "FRANCE", "FRANCE", "EUROPE", None)),
                    datetime(2026, 3, 1) if rng.random() < 0.01 else None,
                )
            )
            characteristic_rows.extend(
                (purchase_id, code) for code, chance in CHARACTERISTICS if rng.random() < chance
            )
        self.writer.insert(
            "purchases",
            (
                "id",
                "site_id",
                "supplier_id",
                "purchased_on",
                "family",
                "description",
                "amount_excl_tax",
                "origin",
                "deleted_at",
            ),
            iter(rows),
        )
        self.writer.insert("purchase_characteristics", ("purchase_id", "code"), iter(characteristic_rows))

    def objectives(self) -> None:
        rng = self.rng("objectives")
        rows = []
        for buyer_id in self.buyer_ids:
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                rows.append(
                    (
                        len(rows) + 1,
                        buyer_id,
                        year,
                        Decimal(rng.choice((20, 25, 30))),
                        Decimal(rng.choice((15, 20, 25))),
                        Decimal(rng.choice((5_000, 20_000, 100_000))) * Decimal(str(self.scale)),
                        rng.choice((20, 50, 200)),
                        Decimal(rng.choice((30, 40, 50))),
                        Decimal(rng.choice((30, 40))),
                        Decimal(20),
                        Decimal(50),
                    )
                )
        self.writer.insert(
            "objectives",
            (
                "id",
                "buyer_id",
                "year",
                "social_contract_count_share",
                "social_contract_amount_share",
                "insertion_hours",
                "participants",
                "short_circuit_share",
                "local_share",
                "organic_share",
                "egalim_share",
            ),
            iter(rows),
        )

    def run(self) -> None:
        for step in (
            self.reference,
            self.users,
            self.buyers,
            self.companies,
            self.contracts,
            self.participants,
            self.hour_entries,
            self.outcomes,
            self.food,
            self.objectives,
        ):
            step()
        self.writer.reset_sequences()


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def generate(engine, scale: float, seed: int = 2026, *, reset_first: bool = False) -> dict:
    """Write the data set through ``engine`` in one transaction; return rows per table and timings."""
    writer = Writer(engine)
    try:
        if reset_first:
            reset(writer)
        if writer.scalar("SELECT COUNT(*) FROM contracts") or writer.scalar("SELECT COUNT(*) FROM users"):
            raise SystemExit("The database already holds data: use --reset (or an empty database).")
        start = time.perf_counter()
        Generator(writer, scale, seed).run()
        writer.commit()
        total = time.perf_counter() - start
        # Fresh statistics, committed (an ANALYZE rolled back leaves the planner guessing).
        writer.execute("ANALYZE")
        writer.commit()
    finally:
        writer.close()
    rows = sum(writer.rows.values())
    return {
        "scale": scale,
        "seed": seed,
        "rows": writer.rows,
        "total_rows": rows,
        "seconds": round(total, 2),
        "write_seconds": round(writer.seconds, 2),
        "rows_per_second": round(rows / total) if total else None,
        "write_rows_per_second": round(rows / writer.seconds) if writer.seconds else None,
    }


def main() -> None:
    from bench.common import engine_name, print_table, write_results

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="empty the data tables first")
    args = parser.parse_args()
    url = normalize_url(args.database_url)
    engine = create_engine(url)
    result = generate(engine, args.scale, args.seed, reset_first=args.reset)
    engine.dispose()
    print_table(
        ["table", "rows"], [[name, f"{count:,}".replace(",", " ")] for name, count in result["rows"].items()]
    )
    print(
        f"\n{result['total_rows']:,} rows in {result['seconds']} s: {result['rows_per_second']:,} rows/s overall, "
        f"{result['write_rows_per_second']:,} rows/s for the bulk writes alone ({engine_name(url)})."
    )
    path = write_results("generate", engine_name(url), {"database": url.rsplit("/", 1)[-1], **result})
    print(f"Written to {path.relative_to(path.parent.parent.parent)}")


if __name__ == "__main__":
    main()
