"""``flask --app wsgi demo``: fill an empty database with a realistic, coherent, reproducible data set."""

import io
import random
import re
from datetime import date, timedelta
from decimal import Decimal

import click
from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import func, select
from stdnum import luhn

from app.auth import services as account_services
from app.auth.models import User
from app.contracts import services as contract_services
from app.contracts.models import Contract
from app.core.dates import add_months, first_of_month, today_paris
from app.core.enums import (
    CateringKind,
    ClauseKind,
    ContractKind,
    Gender,
    HoursMethod,
    LocalDefinition,
    Modality,
    OutcomeStatus,
    QualificationLevel,
    ReportStatus,
    ReportTrigger,
    ReservedArticle,
    StructureKind,
)
from app.core.transaction import transactional
from app.extensions import db
from app.food import services as food_services
from app.hours import services as hour_services
from app.hours.services.rules import HourLine
from app.main import demo_catalog as catalog
from app.objectives import services as objective_services
from app.participants import services as participant_services
from app.referential.models import CpvCode, Territory
from app.referential.queries import communes
from app.referential.services import (
    DEFAULT_CPV_CSV,
    find_or_create_buyer,
    find_or_create_company,
    load_cpv,
    set_buyer_logo,
)
from app.reports import services as report_services


def _siret(body: str) -> str:
    """A valid SIRET from 13 digits: the SIREN's own Luhn key replaces the 9th digit, then the SIRET key."""
    siren = body[:8] + luhn.calc_check_digit(body[:8])
    rest = siren + body[9:13]
    return rest + luhn.calc_check_digit(rest)


def _elide(text: str) -> str:
    """« écoles de Arras » → « écoles d'Arras »: French elides « de » before a vowel."""
    return re.sub(r"\bde ([AEIOUYÉÈÂÎÔ])", r"d'\1", text)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


class DemoBuilder:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.years = [today.year - 2, today.year - 1, today.year]
        self.counts: dict[str, int] = {}

    def build(self) -> dict[str, int]:
        if db.session.scalar(select(func.count()).select_from(CpvCode)) == 0:
            load_cpv(DEFAULT_CPV_CSV)
        self.territories = {t.name: t for t in db.session.scalars(select(Territory))}
        self.users = {
            role: account_services.create_user(
                "démonstration", email, catalog.DEMO_PASSWORD, role, name, check_strength=False
            )
            for email, role, name in catalog.ACCOUNTS
        }
        db.session.flush()
        self.officer = self.users["officer"]
        self._buyers()
        self._companies()
        self._contracts()
        self._participants()
        self._hours()
        self._outcomes()
        self._food()
        self._objectives()
        self._archive_one_contract()
        self._logo()
        self._sample_report()
        db.session.flush()
        return self.counts

    def _buyers(self):
        self.buyers = []
        self.reference_prefix = {}
        for body, name, kind, territory, prefix in catalog.BUYERS:
            buyer = find_or_create_buyer(
                self.officer, _siret(body), name, kind=kind, territory_id=self.territories[territory].id
            )
            self.buyers.append(buyer)
            self.reference_prefix[buyer.id] = prefix
        self.buyers[0].local_definition = LocalDefinition.DEPARTEMENT
        self.buyers[3].local_definition, self.buyers[3].local_radius_km = LocalDefinition.KM, 80
        self.counts["acheteurs"] = len(self.buyers)

    def _companies(self):
        self.companies = [
            find_or_create_company(self.officer, _siret(body), name, kind=kind)
            for body, name, kind in catalog.COMPANIES
        ]
        self.by_kind: dict[str, list] = {}
        for company in self.companies:
            self.by_kind.setdefault(company.kind, []).append(company)
        self.counts["entreprises"] = len(self.companies)

    def _holders_for(self, clause_kind, cpv: str) -> list:
        ordinary = self.by_kind[StructureKind.ORDINARY]
        if cpv.startswith("60"):
            return [next(c for c in ordinary if c.name.startswith("Transports"))]
        if clause_kind == ClauseKind.RESERVED:
            return [
                self.rng.choice(
                    self.by_kind[StructureKind.ESAT]
                    + self.by_kind[StructureKind.EA]
                    + self.by_kind[StructureKind.EI]
                )
            ]
        if clause_kind == ClauseKind.INSERTION_OBJECT:
            return [self.rng.choice(self.by_kind[StructureKind.ACI] + self.by_kind[StructureKind.AI])]
        holders = [self.rng.choice(ordinary)]
        draw = self.rng.random()
        if draw < 0.15:
            holders.append(self.rng.choice([c for c in ordinary if c not in holders]))
        elif draw < 0.3:
            # A joint contract with an inclusion company, whose share of the amount the buyer knows.
            holders.append(self.rng.choice(self.by_kind[StructureKind.EI] + self.by_kind[StructureKind.EA]))
        return holders

    def _holder_data(self, companies) -> list:
        shares = [None] * len(companies)
        # Most joint contracts with an inclusion company record its share; some do not (reported apart).
        if len(companies) == 2 and companies[1].kind != StructureKind.ORDINARY and self.rng.random() < 0.7:
            inclusive = Decimal(self.rng.choice([20, 25, 30, 40]))
            shares = [100 - inclusive, inclusive]
        return [
            contract_services.HolderData(c.identifier, c.name, amount_share=share)
            for c, share in zip(companies, shares, strict=True)
        ]

    def _contracts(self):
        rng = self.rng
        commune_codes = {name: code for code, name in communes().items()}
        self.clauses = []
        number = 0
        for year in self.years:
            last_day = min(date(year, 12, 31), self.today - timedelta(days=20))
            for index in range(20):
                number += 1
                template, cpv, clause_kind, nature = catalog.SUBJECTS[(number * 7) % len(catalog.SUBJECTS)]
                place = rng.choice(catalog.PLACES)
                category = contract_services.category_for_cpv(cpv)
                low, high = {"works": (150_000, 2_500_000), "services": (40_000, 900_000)}.get(
                    category, (20_000, 300_000)
                )
                amount = _money(rng, low, high)
                buyer = self.buyers[0] if index % 2 == 0 else rng.choice(self.buyers[1:])
                is_concession = nature == "Délégation de service public"
                span = (last_day - date(year, 1, 1)).days
                data = contract_services.ContractData(
                    buyer_id=buyer.id,
                    reference=f"{year}-{self.reference_prefix[buyer.id]}-{number:03d}",
                    object=_elide(template.format(place=place)),
                    nature=nature,
                    kind=ContractKind.CONCESSION if is_concession else ContractKind.MARCHE,
                    procedure=None
                    if is_concession
                    else ("Appel d'offres ouvert" if amount > 221_000 else "Procédure adaptée"),
                    cpv_code=cpv,
                    amount_excl_tax=amount * (8 if is_concession else 1),
                    notified_on=date(year, 1, 1) + timedelta(days=rng.randint(0, max(span, 0))),
                    duration_months=rng.choice([6, 12, 12, 18, 24, 36]),
                    place_code=commune_codes.get(place),
                    place_type="Code commune",
                    territory_id=self.territories[catalog.PLACE_TERRITORY[place]].id,
                    environmental_considerations=rng.choice(
                        [
                            ["Clause environnementale"],
                            ["Critère environnemental"],
                            ["Pas de considération environnementale"],
                        ]
                    ),
                    holders=self._holder_data(self._holders_for(clause_kind, cpv)),
                    holder_shares_given=True,
                )
                contract = contract_services.create_contract(self.officer, data)
                if clause_kind is not None:
                    self.clauses.append(
                        contract_services.add_clause(
                            self.officer, contract, self._clause_data(clause_kind, category, contract.kind)
                        )
                    )
        self.counts["marchés"] = number
        self.counts["clauses"] = len(self.clauses)

    def _clause_data(self, kind, category, contract_kind) -> contract_services.ClauseData:
        rng = self.rng
        facilitators = [self.users["facilitator"].id]
        if kind == ClauseKind.RESERVED:
            # A reserved concession cites L3113-1 / L3113-2, a reserved contract L2113-12 to L2113-15.
            articles = [str(a) for a in ReservedArticle.for_contract_kind(contract_kind)]
            return contract_services.ClauseData(
                kind=kind, reserved_article=rng.choice(articles), facilitator_ids=facilitators
            )
        data = contract_services.ClauseData(kind=kind, facilitator_ids=facilitators)
        if kind == ClauseKind.AWARD_CRITERION:
            data.award_weight_percent = Decimal(rng.choice([10, 15, 20]))
        if category == "works":
            data.hours_method = HoursMethod.RATE
            data.labour_share = Decimal(rng.choice([30, 40, 50, 60]))
            data.insertion_rate = Decimal(rng.choice([5, 7, 10]))
            data.hourly_cost = Decimal(rng.choice([28, 30]))
        elif rng.random() < 0.6:
            data.hours_method = HoursMethod.FLAT
            data.euros_per_hour = Decimal(rng.choice([1500, 2000, 3000]))
        else:
            data.planned_hours = Decimal(rng.choice([300, 450, 600, 800]))
        return data

    def _participants(self):
        rng = self.rng
        codes = list(communes())
        facilitator = self.users["facilitator"]
        self.participants = []
        for _ in range(40):
            criteria = rng.sample(
                ["DELD", "RSA", "TH", "JEUNE", "SIAE", "SENIOR", "QPV", "ASS_AAH"], rng.randint(1, 2)
            )
            # Age criteria hold in every year of hours: JEUNE under 26, SENIOR 50 and over.
            if "JEUNE" in criteria:
                birth_year = rng.randint(self.today.year - 25, self.today.year - 19)
                criteria = [c for c in criteria if c != "SENIOR"]
            elif "SENIOR" in criteria:
                birth_year = rng.randint(self.years[0] - 62, self.years[0] - 50)
            else:
                birth_year = rng.randint(self.years[0] - 60, self.today.year - 26)
            gender = rng.choice([Gender.FEMALE, Gender.MALE, Gender.MALE])
            data = participant_services.ParticipantData(
                gender=gender,
                birth_year=birth_year,
                qualification_level=rng.choice(QualificationLevel.codes()),
                is_qpv_resident="QPV" in criteria or rng.random() < 0.2,
                commune_code=rng.choice(codes),
                criteria=criteria,
                first_name=rng.choice(catalog.FIRST_NAMES[gender]),
                last_name=rng.choice(catalog.LAST_NAMES),
                phone=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            )
            self.participants.append(participant_services.create_participant(facilitator, data))
        self.counts["bénéficiaires"] = len(self.participants)

    def _employer(self, modality, holder):
        pools = {
            Modality.TEMP_WORK: self.by_kind[StructureKind.ETTI] + self.by_kind[StructureKind.TEMP_AGENCY],
            Modality.SECONDMENT: self.by_kind[StructureKind.AI] + self.by_kind[StructureKind.GEIQ],
            Modality.SUBCONTRACTING: self.by_kind[StructureKind.EI]
            + self.by_kind[StructureKind.ACI]
            + self.by_kind[StructureKind.ESAT],
        }
        return self.rng.choice(pools[modality]) if modality in pools else holder

    def _contract_type(self, modality) -> str | None:
        """The employment contract an hour entry records, as the employer of each modality signs it."""
        choices = {
            Modality.DIRECT_HIRE: ["CDI", "CDD", "CDD", "apprenticeship", "professionalisation"],
            Modality.TEMP_WORK: ["interim"],
            Modality.SECONDMENT: ["CDDI", "CDD"],
            Modality.SUBCONTRACTING: ["CDDI"],
        }.get(modality)
        return self.rng.choice(choices) if choices else None

    def _hours(self):
        """Log each clause's hours through the hours service, so the demo obeys every business rule."""
        rng = self.rng
        facilitator = self.users["facilitator"]
        monthly_load: dict[tuple[int, date], Decimal] = {}
        self.last_month: dict[int, date] = {}
        current_month = first_of_month(self.today)
        # A third of the participants ended their pathway more than 6 months ago: their outcome is due.
        former = {p.id for p in self.participants[:14]}
        former_until = add_months(current_month, -8)
        entries = 0
        for clause in self.clauses:
            if clause.kind == ClauseKind.RESERVED or not clause.planned_hours:
                continue
            contract = clause.contract
            months = []
            month = first_of_month(contract.notified_on)
            while month <= first_of_month(contract.ends_on) and month < current_month:
                months.append(month)
                month = add_months(month, 1)
            if not months:
                continue
            team = rng.sample(self.participants, rng.randint(2, 4))
            total_target = clause.planned_hours * Decimal(str(rng.uniform(0.55, 1.15)))
            per_slot = (total_target / (len(months) * len(team))).quantize(Decimal("0.5"))
            holder = contract.holders[0].company
            lines = []
            for participant in team:
                modality = rng.choices(list(Modality), weights=[35, 30, 15, 15, 5])[0]
                employer = self._employer(modality, holder)
                contract_type = self._contract_type(modality)
                for month in months:
                    if rng.random() > 0.85 or (participant.id in former and month > former_until):
                        continue
                    hours = min(Decimal(150), max(Decimal(7), per_slot * Decimal(str(rng.uniform(0.7, 1.3)))))
                    hours = hours.quantize(Decimal("0.5"))
                    key = (participant.id, month)
                    if monthly_load.get(key, 0) + hours > 200:
                        continue
                    monthly_load[key] = monthly_load.get(key, 0) + hours
                    lines.append(
                        HourLine(
                            participant=participant,
                            clause=clause,
                            employer=employer,
                            modality=modality,
                            month=month,
                            hours=hours,
                            contract_type=contract_type,
                        )
                    )
                    self.last_month[participant.id] = max(self.last_month.get(participant.id, month), month)
            if lines:
                entries += len(hour_services.log_hours(facilitator, lines))
        self.counts["heures saisies"] = entries

    def _outcomes(self):
        due = add_months(first_of_month(self.today), -6)
        count = 0
        weights = [35, 25, 15, 10, 5, 10]
        for participant in self.participants:
            last = self.last_month.get(participant.id)
            if last and last <= due and self.rng.random() < 0.8:
                observed_on = min(self.today, add_months(last, 6) + timedelta(days=self.rng.randint(0, 20)))
                status = self.rng.choices(list(OutcomeStatus), weights=weights)[0]
                participant_services.record_outcome(
                    self.users["facilitator"], participant, status, observed_on
                )
                count += 1
        self.counts["sorties"] = count

    def _food(self):
        rng = self.rng
        officer = self.officer
        department = self.buyers[0]
        sites = [
            food_services.create_site(
                officer,
                food_services.SiteData(
                    buyer_id=department.id,
                    name="Restaurant administratif de l'Hôtel du Département",
                    kind=CateringKind.STAFF_RESTAURANT,
                    siret=_siret("2262000160021"),
                    commune_code="62041",
                    meals_per_year=180_000,
                ),
            ),
            food_services.create_site(
                officer,
                food_services.SiteData(
                    buyer_id=department.id,
                    name="Collège Jean Moulin — Arras",
                    kind=CateringKind.MIDDLE_SCHOOL,
                    siret=_siret("1962001230001"),
                    commune_code="62041",
                    meals_per_year=95_000,
                ),
            ),
        ]
        suppliers = [
            food_services.create_supplier(officer, food_services.SupplierData(**fields))
            for fields in (
                {"name": "Ferme du Ternois", "is_direct_producer": True, "commune_code": "62767"},
                {"name": "Maraîchers de l'Audomarois", "is_direct_producer": True, "commune_code": "62765"},
                {"name": "Pêcheries boulonnaises", "siret": _siret("4021378890001"), "commune_code": "62160"},
                {"name": "Laiterie des Flandres", "siret": _siret("3877124560001")},
                {"name": "Grossiste Nord Alimentaire", "siret": _siret("5566778890001")},
                {
                    "name": "Les Jardins de la Scarpe (ACI)",
                    "is_inclusion_structure": True,
                    "commune_code": "62041",
                },
            )
        ]
        count = 0
        for year in self.years:
            first, last = date(year, 1, 2), min(date(year, 12, 31), self.today - timedelta(days=1))
            for site in sites:
                for _ in range(70):
                    family, description, codes = rng.choice(catalog.FOOD_PRODUCTS)
                    supplier = suppliers[4] if not codes else rng.choice(suppliers)
                    food_services.create_purchase(
                        officer,
                        food_services.PurchaseData(
                            site_id=site.id,
                            supplier_id=supplier.id,
                            family=family,
                            description=description,
                            purchased_on=first + timedelta(days=rng.randint(0, (last - first).days)),
                            amount_excl_tax=_money(rng, 80, 2400),
                            codes=list(codes),
                            origin="FRANCE" if "FRANCE" in codes else None,
                        ),
                    )
                    count += 1
        self.counts["sites de restauration"] = len(sites)
        self.counts["achats alimentaires"] = count

    def _archive_one_contract(self):
        """An archived contract, with its hours, to show that archives count nowhere but are kept."""
        archived = db.session.scalars(select(Contract).order_by(Contract.id).limit(1).offset(5)).one()
        contract_services.archive_contract(self.officer, archived)

    def _objectives(self):
        admin = self.users["admin"]
        count = 0
        for buyer in self.buyers:
            is_department = buyer is self.buyers[0]
            for offset, year in enumerate(self.years):
                values = {
                    "social_contract_count_share": Decimal(25 + 5 * offset),
                    "social_contract_amount_share": Decimal(35 + 5 * offset),
                    "insertion_hours": Decimal(6_000 if is_department else 1_500) * (1 + Decimal(offset) / 5),
                    "participants": 25 if is_department else 8,
                    "short_circuit_share": Decimal(40) if is_department else None,
                    "local_share": Decimal(50) if is_department else None,
                    "organic_share": Decimal(20) if is_department else None,
                    "egalim_share": Decimal(50) if is_department else None,
                }
                objective_services.save_objective(admin, buyer, year, values)
                count += 1
        self.counts["objectifs"] = count

    def _logo(self):
        """A logo for the Département, drawn here (no image file to ship), as an administrator uploads one."""
        image = Image.new("RGB", (360, 120), "white")
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, 120, 120), fill=(31, 58, 104))
        draw.polygon([(20, 100), (60, 20), (100, 100)], fill=(228, 121, 74))
        draw.text((135, 35), "PAS-DE-CALAIS", fill=(31, 58, 104))
        draw.text((135, 65), "Le Département", fill=(92, 100, 112))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        set_buyer_logo(self.users["admin"], self.buyers[0], buffer.getvalue())

    def _sample_report(self):
        """The Département's report for last year, as the January job would have produced it."""
        version = report_services.generate_report_version(
            "démonstration", self.buyers[0], self.today.year - 1, trigger=ReportTrigger.CLI
        )
        self.counts["rapports SPASER"] = 1 if version.status == ReportStatus.DONE else 0


@click.command("demo", help="Remplir une base vide avec les données de démonstration et un compte par rôle.")
@transactional
@click.option("--seed", default=62, show_default=True, help="Graine du générateur (données reproductibles).")
@click.option(
    "--if-empty", is_flag=True, help="Ne rien faire, sans erreur, si la base contient déjà des données."
)
def demo_command(seed: int, if_empty: bool):
    """Fill an empty database with a realistic demo data set and one account per role."""
    if current_app.config.get("IS_PRODUCTION"):
        raise click.ClickException(
            "Refusé en production : la démonstration crée des comptes au mot de passe connu de tous."
        )
    if db.session.scalar(select(func.count(User.id))) or db.session.scalar(select(func.count(Contract.id))):
        if if_empty:
            click.echo("La base contient déjà des données : démonstration non rechargée.")
            _print_accounts()
            return
        raise click.ClickException(
            "La base n'est pas vide : la démonstration ne remplit qu'une base vide. "
            "Pour repartir de zéro : flask --app wsgi db downgrade base && flask --app wsgi db upgrade"
        )
    counts = DemoBuilder(random.Random(seed), today_paris()).build()
    click.echo("Données de démonstration créées :")
    for label, value in counts.items():
        click.echo(f"  {label:<24} {value}")
    _print_accounts()


def _print_accounts() -> None:
    click.echo(f"\nComptes de démonstration (mot de passe commun : {catalog.DEMO_PASSWORD}) :")
    for email, role, _name in catalog.ACCOUNTS:
        click.echo(f"  {email:<32} {role}")
    click.echo("Connexion : http://127.0.0.1:5000/connexion")
