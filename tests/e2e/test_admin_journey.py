"""Admin: a buyer's objectives, a report version generated on demand, found with its checksum."""

import hashlib
import re

from sqlalchemy import select

from app.core.dates import today_paris
from app.extensions import db
from app.main.demo_catalog import DEMO_PASSWORD
from app.objectives.models import Objective
from app.referential.models import Buyer
from tests.e2e.checks import DESKTOP, Journey, horizontal_overflow, sign_in


def test_admin_sets_objectives_generates_a_report_and_finds_its_checksum(page):
    year = today_paris().year - 1
    buyer = db.session.scalars(select(Buyer).order_by(Buyer.id)).all()[1]
    journey = Journey(page, "administrateur")
    sign_in(page, "admin@demo-levier.fr", DEMO_PASSWORD)
    journey.check("accueil")
    for width in (1280, 1920):  # the longest menu (an admin's) holds on one line on desktops
        page.set_viewport_size({"width": width, "height": 900})
        assert horizontal_overflow(page) <= 0
        assert page.locator("nav.navbar").bounding_box()["height"] < 70, f"the menu wraps at {width} px"
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="Administration").click()
    page.get_by_role("link", name="Objectifs SPASER").click()
    page.get_by_label("Année").fill(str(year))
    page.get_by_role("button", name="Afficher").click()
    journey.check("objectifs")
    page.get_by_role("link", name=re.compile(f"objectifs {year} de {re.escape(buyer.name)}")).click()
    journey.check("objectifs de l'acheteur")
    page.get_by_label("Heures d'insertion réalisées dans l'année").fill("2 500")
    page.get_by_label("Marchés avec une considération sociale, en nombre (%)").fill("35")
    page.get_by_role("button", name="Enregistrer").click()
    journey.check("objectifs enregistrés")
    db.session.expire_all()
    objective = db.session.scalars(
        select(Objective).where(Objective.buyer_id == buyer.id, Objective.year == year)
    ).one()
    assert (objective.insertion_hours, objective.social_contract_count_share) == (2500, 35)

    page.get_by_role("link", name="Rapports SPASER", exact=True).click()
    form = page.get_by_role("button", name="Générer une nouvelle version").locator("xpath=ancestor::form")
    form.get_by_label("Acheteur").select_option(label=buyer.name)
    form.get_by_label("Année").fill(str(year))
    form.get_by_role("button", name="Générer une nouvelle version").click()
    notice = page.get_by_role("alert").filter(has_text=f"Rapport {year} de {buyer.name} généré")
    notice.wait_for(timeout=60_000)
    version_number = re.search(r"version (\d+)", notice.inner_text()).group(1)
    journey.check("rapport généré")

    page.locator("#acheteur").select_option(label=buyer.name)
    page.locator("#annee").fill(str(year))
    page.get_by_role("button", name="Filtrer").click()
    row = page.locator("tbody tr").filter(
        has=page.locator("td.num", has_text=re.compile(f"^{version_number}$"))
    )
    row.locator("details.checksum summary").click()
    checksum = row.locator("details.checksum code.text-break").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", checksum)
    journey.check("versions et empreinte")
    with page.expect_download() as download:
        row.get_by_role("link", name=re.compile("^PDF")).click()
    assert hashlib.sha256(download.value.path().read_bytes()).hexdigest() == checksum
