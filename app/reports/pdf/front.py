"""The first pages of the annual report: the cover, the table of contents and the summary of objectives."""

import io

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, PageBreak, Paragraph, Spacer
from reportlab.platypus.tableofcontents import TableOfContents

from app.core import charts
from app.core.formatting import (
    date_fr,
    datetime_fr,
    gap,
    hours,
    money,
    number,
    percent,
    percent_against,
    target_percent,
)
from app.reports.pdf.document import CONTENT_WIDTH as W
from app.reports.pdf.styles import (
    BODY,
    COVER_BUYER,
    COVER_SUB,
    COVER_TITLE,
    H1,
    H2,
    SMALL,
    TOC_ENTRY,
    TOC_TITLE,
    data_table,
    escape,
    kpi_row,
    status_cell,
)
from app.reports.queries.results import Indicators

LOGO_BOX = (60 * mm, 28 * mm)  # the largest the logo is drawn, its proportions kept


def format_value(value, unit: str) -> str:
    if unit == "percent":
        return percent(value)
    if unit == "hours":
        return hours(value)
    return number(value)


def objective_cells(objective) -> tuple[str, str, str]:
    """Target, achievement and gap of an objective: never "20,0 %" achieved against a 20 % target missed."""
    if objective.unit == "percent":
        target = target_percent(objective.target)
        achieved = percent_against(objective.achieved, objective.target)
    else:
        target = format_value(objective.target, objective.unit)
        achieved = format_value(objective.achieved, objective.unit)
    return target, achieved, gap(objective.achieved, objective.target, objective.unit)


def _mark(reached: bool):
    return status_cell(reached, _("Atteint") if reached else _("Non atteint"))


def _logo(content: bytes | None) -> list:
    if not content:
        return [Spacer(1, LOGO_BOX[1])]
    try:
        width, height = ImageReader(io.BytesIO(content)).getSize()
    except Exception:  # noqa: BLE001 (a broken image must not stop the report: the name is printed anyway)
        return [Spacer(1, LOGO_BOX[1])]
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    image = Image(io.BytesIO(content), width=width * scale, height=height * scale, hAlign="LEFT")
    return [image, Spacer(1, LOGO_BOX[1] - height * scale)]


def cover(ind: Indicators) -> list:
    buyer = escape(ind.buyer_name)
    siret = f"SIRET {ind.buyer_siret}" if ind.buyer_siret else _("Ensemble des acheteurs suivis")
    return [
        Spacer(1, 14 * mm),
        *_logo(ind.buyer_logo),
        Spacer(1, 6 * mm),
        Paragraph(buyer, COVER_BUYER),
        Paragraph(siret, COVER_SUB),
        Spacer(1, 18 * mm),
        Paragraph(_("Rapport annuel de suivi du SPASER"), COVER_TITLE),
        Spacer(1, 4 * mm),
        Paragraph(
            _("Schéma de promotion des achats publics socialement et écologiquement responsables"), COVER_SUB
        ),
        Spacer(1, 10 * mm),
        Paragraph(_("Année %(year)s", year=ind.year), COVER_TITLE),
        Spacer(1, 22 * mm),
        kpi_row(
            [
                (number(ind.contracts.count), _("marchés notifiés")),
                (percent(ind.contracts.social_count_share), _("avec une considération sociale")),
                (hours(ind.hours.realized), _("heures d'insertion")),
                (number(ind.participants.count), _("participants")),
            ],
            W,
        ),
        Spacer(1, 16 * mm),
        Paragraph(
            _("Données extraites le %(date)s à %(time)s (heure de Paris).", date=date_fr(ind.extracted_at),
              time=datetime_fr(ind.extracted_at)[-5:]),
            BODY,
        ),
        Paragraph(
            _("Rapport établi en application de l'article L2111-3 du Code de la commande publique. "
              "Montants en euros hors taxes."),
            SMALL,
        ),
        PageBreak(),
    ]  # fmt: skip


def contents() -> list:
    toc = TableOfContents(dotsMinLevel=0)
    toc.levelStyles = [TOC_ENTRY]
    return [Paragraph(_("Sommaire"), TOC_TITLE), toc, Spacer(1, 8 * mm)]


def summary(ind: Indicators) -> list:
    story = [Paragraph(_("Synthèse : objectifs et réalisations %(year)s", year=ind.year), H1)]
    if not ind.objectives:
        story.append(Paragraph(_("Aucun objectif n'a été fixé pour cette année : les réalisations sont "
                                 "présentées sans comparaison."), BODY))  # fmt: skip
    else:
        story.append(
            Paragraph(
                _("%(reached)s objectif(s) atteint(s) sur %(total)s fixés pour %(year)s. Écart : réalisé − cible "
                  "(en points pour les parts).", reached=ind.objectives_reached, total=len(ind.objectives),
                  year=ind.year),
                BODY,
            )
        )  # fmt: skip
        rows = [(o.label, *objective_cells(o), _mark(o.reached)) for o in ind.objectives]
        story.append(
            data_table(
                [_("Objectif"), _("Cible"), _("Réalisé"), _("Écart"), _("Résultat")],
                rows,
                [W * 0.42, W * 0.13, W * 0.14, W * 0.13, W * 0.18],
                numeric=(1, 2, 3),
            )
        )
        shares = [(o.short_label, o.achieved, o.target) for o in ind.objectives if o.unit == "percent"]
        if shares:
            story += [Paragraph(_("Parts atteintes et cibles"), H2), charts.share_bars(shares, width=W)]
    story += [
        Paragraph(_("Chiffres clés"), H2),
        kpi_row(
            [
                (money(ind.contracts.amount), _("montant notifié HT")),
                (percent(ind.hours.realization_rate), _("taux de réalisation des heures de l'année")),
                (number(ind.hours.fte, 2), _("équivalents temps plein")),
                (money(ind.inclusive.awarded_amount), _("attribués à des structures inclusives")),
            ],
            W,
        ),
    ]
    return story
