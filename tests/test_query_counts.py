"""No N+1: every list page and export sends as many SQL statements for 30 rows as for 3.

The data grows from SMALL to LARGE rows of everything the pages list (contracts, clauses, participants,
hour entries, outcomes, purchases, suppliers, users, audit entries, report versions); the pages are
asked for by an administrator, who sees everything. A page whose statement count grows with the rows is
loading something row by row: eager-load it in the query that lists the rows.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.core.audit import AuditEntry
from app.core.enums import Role, StructureKind
from app.participants.models import Outcome, ParticipantIdentity
from app.reports.models import ReportVersion
from tests import factories
from tests.conftest import login
from tests.querycount import counting_queries

SMALL, LARGE = 3, 30
YEAR = 2025


class World:
    """One buyer, one catering site and one clause whose rows grow; ids stay the same."""

    def __init__(self, db, admin):
        self.db, self.admin, self.rows = db, admin, 0
        self.buyer = factories.BuyerFactory(name="Département test")
        self.site = factories.CateringSiteFactory(buyer=self.buyer, siret=factories.make_siret())
        self.clause = factories.ClauseFactory(
            contract=factories.ContractFactory(buyer=self.buyer, reference="GRILLE"), facilitators=[admin]
        )
        factories.ObjectiveFactory(buyer=self.buyer, year=YEAR)
        self.employer = factories.CompanyFactory(kind=StructureKind.ETTI)
        self.regular = factories.ParticipantFactory()  # works on every contract: their page grows

    def grow_to(self, rows: int) -> None:
        db = self.db
        for n in range(self.rows, rows):
            holder = factories.CompanyFactory(kind=StructureKind.EI if n % 2 else StructureKind.ORDINARY)
            contract = factories.ContractFactory(
                buyer=self.buyer, holders=[holder], notified_on=date(YEAR, 1 + n % 12, 1)
            )
            clause = factories.ClauseFactory(contract=contract, facilitators=[self.admin])
            participant = factories.ParticipantFactory(criteria=["DELD", "RSA"])
            db.session.add(
                ParticipantIdentity(participant=participant, first_name=f"Prénom {n}", last_name="Nom")
            )
            employer = factories.CompanyFactory(kind=StructureKind.ETTI)
            factories.ClauseFactory(contract=self.clause.contract, kind="award_criterion", planned_hours=None)
            factories.HourEntryFactory(
                participant=self.regular,
                clause=clause,
                employer=self.employer,
                modality="temp_work",
                month=date(YEAR, 1 + n % 12, 1),
                hours=Decimal("5"),
            )
            for target in (self.clause, clause):
                factories.HourEntryFactory(
                    participant=participant,
                    clause=target,
                    employer=employer,
                    modality="temp_work",
                    month=date(YEAR, 4, 1),
                    hours=Decimal("20"),
                )
            db.session.add(
                Outcome(
                    participant=participant,
                    status="lasting_job",
                    observed_on=date(YEAR, 12, 1) + timedelta(n),
                )
            )
            factories.PurchaseFactory(
                site=self.site,
                supplier=factories.SupplierFactory(),
                purchased_on=date(YEAR, 1 + n % 12, 10),
                description=f"Produit {n}",
                codes=["BIO", "CIRCUIT_COURT"] if n % 2 else ["LABEL_ROUGE"],
            )
            user = factories.UserFactory(role=Role.FACILITATOR)
            db.session.add(
                AuditEntry(
                    user_id=user.id,
                    actor=user.email,
                    action="create",
                    object_type="Contract",
                    object_id=str(contract.id),
                    summary=f"Marché {contract.reference}",
                )
            )
            db.session.add(
                ReportVersion(
                    buyer_id=self.buyer.id,
                    year=YEAR,
                    version=n + 1,
                    status="done",
                    trigger="user",
                    generated_by_id=user.id,
                    checksum="0" * 64,
                    file_path=f"rapport-{n}.pdf",
                    finished_at=datetime(YEAR + 1, 1, 15),
                )
            )
            db.session.commit()
        self.rows = rows


def pages(world: World) -> list[str]:
    """Every list page and export, with the filters that make them show the rows."""
    buyer, site, clause = world.buyer.id, world.site.id, world.clause.id
    return [
        "/",
        "/marches/",
        f"/marches/?acheteur={buyer}",
        "/marches/export.csv",
        "/marches/export.xlsx",
        "/heures/",
        "/heures/retards",
        f"/heures/clauses/{clause}/saisie?mois={YEAR}-04",
        f"/marches/{world.clause.contract_id}",
        f"/participants/{world.regular.id}",
        f"POST /participants/{world.regular.id}/export.csv",
        f"POST /participants/{world.regular.id}/export.json",
        "/heures/saisies",
        "/heures/saisies?format=csv",
        "/heures/saisies?format=xlsx",
        "/heures/beneficiaires",
        "/heures/beneficiaires?format=csv",
        "/participants/",
        "/participants/?format=csv",
        "/participants/sorties-a-renseigner",
        "/alimentation/",
        "/alimentation/achats",
        "/alimentation/achats/export.csv",
        "/alimentation/achats/export.xlsx",
        "/alimentation/fournisseurs",
        f"/alimentation/sites/{site}?annee={YEAR}",
        f"/alimentation/sites/{site}/chiffres.csv?annee={YEAR}",
        f"/alimentation/sites/{site}/ma-cantine.csv?annee={YEAR}",
        f"/alimentation/acheteurs/{buyer}?annee={YEAR}",
        f"/alimentation/acheteurs/{buyer}/chiffres.csv?annee={YEAR}",
        f"/rapports/?annee={YEAR}",
        f"/rapports/?acheteur={buyer}&annee={YEAR}",
        f"/rapports/indicateurs.csv?acheteur={buyer}&annee={YEAR}",
        "/rapports/versions",
        "/objectifs/",
        f"/decp/export?buyer_id={buyer}&year={YEAR}",
        f"/decp/export/telecharger?buyer_id={buyer}&year={YEAR}",
        "/admin/journal",
        "/admin/utilisateurs",
        "/referentiel/acheteurs",
        "/referentiel/entreprises",
        "/referentiel/territoires",
    ]


def measure(client, urls: list[str]) -> dict[str, int]:
    counts = {}
    for url in urls:
        method, _space, path = url.rpartition(" ")
        with counting_queries() as statements:
            response = client.post(path) if method == "POST" else client.get(path)
        assert response.status_code == 200, (url, response.status_code)
        counts[url] = statements.count
    return counts


@pytest.fixture
def world(db, client):
    admin = factories.UserFactory(role=Role.ADMIN)
    login(client, admin)
    return World(db, admin)


def test_no_page_sends_more_statements_for_more_rows(world, client):
    world.grow_to(SMALL)
    urls = pages(world)
    small = measure(client, urls)
    world.grow_to(LARGE)
    large = measure(client, urls)

    grown = {url: (small[url], large[url]) for url in urls if large[url] > small[url]}

    changes = "\n".join(f"{url}: {before} -> {after}" for url, (before, after) in grown.items())
    assert not grown, f"statements for {SMALL} rows -> {LARGE} rows:\n{changes}"
