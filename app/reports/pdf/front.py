"""The first pages of the annual report: the cover and the one-page summary of objectives."""

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from app.core import charts
from app.core.formatting import date_fr, datetime_fr, hours, money, number, percent
from app.reports.pdf.document import CONTENT_WIDTH as W
from app.reports.pdf.styles import (
    BODY,
    COVER_BUYER,
    COVER_SUB,
    COVER_TITLE,
    H1,
    H2,
    SMALL,
    data_table,
    escape,
    kpi_row,
    status_cell,
)
from app.reports.queries.results import Indicators


def format_value(value, unit: str) -> str:
    if unit == "percent":
        return percent(value)
    if unit == "hours":
        return hours(value)
    return number(value)


def _mark(reached: bool):
    return status_cell(reached, _("Atteint") if reached else _("Non atteint"))


def cover(ind: Indicators) -> list:
    buyer = escape(ind.buyer_name)
    siret = f"SIRET {ind.buyer_siret}" if ind.buyer_siret else _("Ensemble des acheteurs suivis")
    return [
        Spacer(1, 45 * mm),
        Paragraph(_("Rapport annuel de suivi du SPASER"), COVER_TITLE),
        Spacer(1, 4 * mm),
        Paragraph(
            _("Schéma de promotion des achats publics socialement et écologiquement responsables"), COVER_SUB
        ),
        Spacer(1, 25 * mm),
        Paragraph(buyer, COVER_BUYER),
        Paragraph(siret, COVER_SUB),
        Spacer(1, 10 * mm),
        Paragraph(_("Année %(year)s", year=ind.year), COVER_TITLE),
        Spacer(1, 30 * mm),
        kpi_row(
            [
                (number(ind.contracts.count), _("marchés notifiés")),
                (percent(ind.contracts.social_count_share), _("avec une considération sociale")),
                (hours(ind.hours.realized), _("heures d'insertion")),
                (number(ind.participants.count), _("participants")),
            ],
            W,
        ),
        Spacer(1, 20 * mm),
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


def summary(ind: Indicators) -> list:
    story = [Paragraph(_("Synthèse : objectifs et réalisations %(year)s", year=ind.year), H1)]
    if not ind.objectives:
        story.append(Paragraph(_("Aucun objectif n'a été fixé pour cette année : les réalisations sont "
                                 "présentées sans comparaison."), BODY))  # fmt: skip
    else:
        reached = ind.objectives_reached
        story.append(
            Paragraph(
                _("%(reached)s objectif(s) atteint(s) sur %(total)s fixés pour %(year)s.",
                  reached=reached, total=len(ind.objectives), year=ind.year),
                BODY,
            )
        )  # fmt: skip
        rows = [
            (
                o.label,
                format_value(o.target, o.unit),
                format_value(o.achieved, o.unit),
                _mark(o.reached),
            )
            for o in ind.objectives
        ]  # fmt: skip
        story.append(
            data_table(
                [_("Objectif"), _("Cible"), _("Réalisé"), _("Résultat")],
                rows,
                [W * 0.5, W * 0.16, W * 0.16, W * 0.18],
                numeric=(1, 2),
            )
        )
        shares = [(o.short_label, o.achieved, o.target) for o in ind.objectives if o.unit == "percent"]
        if shares:
            story += [Paragraph(_("Parts atteintes et cibles"), H2), charts.share_bars(shares, width=W)]
    story += [
        Paragraph(_("Chiffres clés"), H2),
        kpi_row(
            [
                (money(ind.contracts.amount, cents=False), _("montant notifié HT")),
                (percent(ind.hours.realization_rate), _("taux de réalisation des heures")),
                (number(ind.hours.fte, 1), _("équivalents temps plein")),
                (money(ind.inclusive.amount, cents=False), _("attribués à des structures inclusives")),
            ],
            W,
        ),
        PageBreak(),
    ]
    return story
