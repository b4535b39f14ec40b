"""The annual SPASER follow-up report (docs/domain.md §6): cover, summary, one section per part, annex."""

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer

from app.core import charts
from app.core.enums import FoodFamily
from app.core.figures import share
from app.core.formatting import datetime_fr, hours, money, number, percent
from app.reports.pdf.document import CONTENT_WIDTH, build_pdf
from app.reports.pdf.front import cover, summary
from app.reports.pdf.method import method_annex
from app.reports.pdf.styles import (
    BODY,
    H1,
    H2,
    SMALL,
    data_table,
    kpi_row,
)
from app.reports.queries.results import Indicators, Line

W = CONTENT_WIDTH


def _share_of(part, whole) -> str:
    return percent(share(part, whole))


def _nothing() -> list:
    return [Paragraph(_("Aucune donnée pour cette année."), SMALL), Spacer(1, 3 * mm)]


def _amount_table(lines: tuple[Line, ...], first: str, total_count: int, total_amount) -> list:
    if not lines:
        return _nothing()
    rows = [
        (line.label, number(line.count), money(line.value), _share_of(line.value, total_amount))
        for line in lines
    ]
    return [
        data_table(
            [first, _("Marchés"), _("Montant HT"), _("Part du montant")],
            rows,
            [W * 0.49, W * 0.13, W * 0.22, W * 0.16],
            numeric=(1, 2, 3),
            total=(
                _("Total"),
                number(total_count),
                money(total_amount),
                percent(100 if total_amount else None),
            ),
        ),
        Spacer(1, 4 * mm),
    ]


def _count_table(title: str, lines: tuple[Line, ...], first: str, total: int, note: str = "") -> list:
    if not lines:
        return [Paragraph(title, H2), *_nothing()]
    rows = [(line.label, number(line.count), _share_of(line.count, total)) for line in lines]
    flowables = [
        Paragraph(title, H2),
        data_table([first, _("Participants"), _("Part")], rows, [W * 0.6, W * 0.2, W * 0.2], numeric=(1, 2)),
    ]
    if note:
        flowables.append(Paragraph(note, SMALL))
    return [KeepTogether(flowables), Spacer(1, 4 * mm)]


def _hours_table(lines: tuple[Line, ...], first: str, total) -> list:
    if not lines:
        return _nothing()
    rows = [
        (line.label, hours(line.value), _share_of(line.value, total), number(line.count)) for line in lines
    ]
    return [
        data_table(
            [first, _("Heures"), _("Part"), _("Participants")],
            rows,
            [W * 0.5, W * 0.18, W * 0.14, W * 0.18],
            numeric=(1, 2, 3),
            total=(_("Total"), hours(total), percent(100 if total else None), ""),
        ),
        Spacer(1, 4 * mm),
    ]


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{number(count)} {singular if count == 1 else plural}"


def _contracts(ind: Indicators) -> list:
    c = ind.contracts
    story = [
        Paragraph(_("1. Marchés notifiés en %(year)s", year=ind.year), H1),
        Paragraph(
            _("%(count)s pour %(amount)s HT, dont %(social)s au moins une considération "
              "sociale (%(share)s du nombre), pour %(social_amount)s HT (%(amount_share)s du montant).",
              count=_plural(c.count, _("marché notifié"), _("marchés notifiés")), amount=money(c.amount), social=_plural(c.with_social_count, _("comporte"), _("comportent")),
              share=percent(c.social_count_share), social_amount=money(c.with_social_amount),
              amount_share=percent(c.social_amount_share)),
            BODY,
        ),
        Paragraph(_("Par type de considération sociale"), H2),
        Paragraph(_("Un marché qui combine plusieurs types de clause est compté dans chacun."), SMALL),
    ]  # fmt: skip
    story += _amount_table(c.by_clause_kind, _("Type de clause"), c.with_social_count, c.with_social_amount)
    story += [Paragraph(_("Par catégorie d'achat"), H2)]
    story += _amount_table(c.by_category, _("Catégorie"), c.count, c.amount)
    if c.by_category:
        story += [charts.bar_chart([line.label for line in c.by_category], [line.value for line in c.by_category],
                                   width=W, value_format=lambda v: money(v, cents=False)), Spacer(1, 4 * mm)]  # fmt: skip
    story += [CondPageBreak(60 * mm), Paragraph(_("Par territoire"), H2)]
    story += _amount_table(c.by_territory, _("Territoire"), c.count, c.amount)
    story += [CondPageBreak(60 * mm), Paragraph(_("Par division CPV"), H2)]
    story += _amount_table(c.by_cpv_division, _("Division CPV"), c.count, c.amount)
    return story + [PageBreak()]


def _hours(ind: Indicators) -> list:
    h = ind.hours
    if h.first_year:
        cumulated = _("Depuis %(since)s, %(cumulated)s d'insertion ont été réalisées au titre des clauses de cet "
                      "acheteur.", since=h.first_year, cumulated=hours(h.cumulated))  # fmt: skip
    else:
        cumulated = _("Aucune heure d'insertion n'est enregistrée jusqu'à fin %(year)s.", year=ind.year)
    story = [
        Paragraph(_("2. Heures d'insertion"), H1),
        kpi_row(
            [
                (hours(h.planned), _("heures prévues (clauses en cours)")),
                (hours(h.realized), _("heures réalisées en %(year)s", year=ind.year)),
                (percent(h.realization_rate), _("taux de réalisation")),
                (number(h.fte, 2), _("équivalents temps plein")),
            ],
            W,
        ),
        Spacer(1, 3 * mm),
        Paragraph(cumulated, BODY),
        Paragraph(_("Par modalité de réalisation"), H2),
    ]
    if h.by_modality:
        story.append(charts.bar_chart([line.label for line in h.by_modality], [line.value for line in h.by_modality],
                                      width=W, value_format=hours))  # fmt: skip
    story += _hours_table(h.by_modality, _("Modalité"), h.realized)
    story += [CondPageBreak(70 * mm), Paragraph(_("Par territoire"), H2)]
    if h.by_territory:
        story += [charts.bar_chart([line.label for line in h.by_territory], [line.value for line in h.by_territory],
                                   width=W, value_format=hours, color=charts.GREEN)]  # fmt: skip
    story += _hours_table(h.by_territory, _("Territoire du marché"), h.realized)
    story += [CondPageBreak(50 * mm), Paragraph(_("Par type de structure employeuse"), H2)]
    story += _hours_table(h.by_employer_kind, _("Structure"), h.realized)
    story += [CondPageBreak(50 * mm), Paragraph(_("Réalisation par marché"), H2),
              Paragraph(_("Marchés en cours d'exécution en %(year)s. Taux = heures réalisées depuis le début du "
                          "marché jusqu'au 31/12/%(year)s ÷ heures prévues.", year=ind.year), SMALL)]  # fmt: skip
    rows = [
        (row.reference, row.object[:90] + ("…" if len(row.object) > 90 else ""), hours(row.planned),
         hours(row.realized), hours(row.realized_to_date), percent(row.realization_rate))
        for row in h.by_contract
    ]  # fmt: skip
    if not rows:
        return story + _nothing() + [PageBreak()]
    story.append(
        data_table(
            [_("Marché"), _("Objet"), _("Prévues"), str(ind.year), _("Depuis le début"), _("Taux")],
            rows,
            [W * 0.17, W * 0.35, W * 0.11, W * 0.11, W * 0.14, W * 0.12],
            numeric=(2, 3, 4, 5),
        )
    )
    return story + [PageBreak()]


def _participants(ind: Indicators) -> list:
    p = ind.participants
    story = [
        Paragraph(_("3. Participants"), H1),
        Paragraph(
            _("Participants ayant travaillé au titre des clauses en %(year)s : %(count)s, chacun compté une fois "
              "quel que soit le nombre de ses contrats ; résidents d'un quartier prioritaire : %(qpv)s (%(share)s).",
              count=number(p.count), year=ind.year, qpv=number(p.qpv_count), share=percent(p.qpv_share)),
            BODY,
        ),
    ]  # fmt: skip
    story += _count_table(_("Par sexe"), p.by_gender, _("Sexe"), p.count)
    story += _count_table(_("Par tranche d'âge"), p.by_age_band, _("Âge atteint dans l'année"), p.count)
    story += _count_table(
        _("Par critère d'éligibilité"), p.by_eligibility, _("Critère"), p.count,
        _("Une personne peut relever de plusieurs critères : le total dépasse le nombre de participants."),
    )  # fmt: skip
    story += _count_table(_("Par niveau de qualification"), p.by_qualification, _("Niveau"), p.count)
    story += _count_table(
        _("Situation à la sortie"), p.outcomes, _("Dernière situation connue"), p.count,
        _("Situation observée environ six mois après les dernières heures ; la plus récente est retenue."),
    )  # fmt: skip
    return story + [PageBreak()]


def _inclusive_and_food(ind: Indicators) -> list:
    i, food = ind.inclusive, ind.food.overall
    story = [
        Paragraph(_("4. Fournisseurs inclusifs"), H1),
        Paragraph(
            _("Marchés notifiés en %(year)s ayant pour titulaire ou cotitulaire une structure d'insertion par "
              "l'activité économique (SIAE), une entreprise adaptée (EA) ou un ESAT : %(count)s, pour %(amount)s HT "
              "(%(share)s du montant notifié).", count=number(i.count), year=ind.year, amount=money(i.amount),
              share=percent(i.amount_share)),
            BODY,
        ),
    ]  # fmt: skip
    story += _amount_table(i.by_kind, _("Type de structure"), i.count, i.amount)
    targets = {o.code: o.target for o in ind.objectives}
    story += [
        CondPageBreak(90 * mm),
        Paragraph(_("5. Alimentation durable et circuits courts"), H1),
        Paragraph(
            _("Achats de denrées de la restauration collective en %(year)s : %(total)s HT.", year=ind.year,
              total=money(food.total)),
            BODY,
        ),
        charts.share_bars(
            [
                (_("EGalim (durables et de qualité)"), food.egalim_share, targets.get("egalim_share", 50)),
                (_("dont agriculture biologique"), food.organic_share, targets.get("organic_share", 20)),
                (_("Circuit court"), food.short_circuit_share, targets.get("short_circuit_share")),
                (_("Local / de proximité"), food.local_share, targets.get("local_share")),
            ],
            width=W,
        ),
        Paragraph(_("Cibles : objectifs de l'acheteur ou, à défaut, seuils EGalim (50 % dont 20 % bio, "
                    "Code rural R230-30-1)."), SMALL),
        Paragraph(_("Par famille de produits"), H2),
    ]  # fmt: skip
    rows = [
        (FoodFamily.label_of(code), money(a.total), percent(a.egalim_share), percent(a.organic_share),
         percent(a.short_circuit_share), percent(a.local_share))
        for code, a in ind.food.by_family.items()
    ]  # fmt: skip
    story.append(
        data_table(
            [_("Famille"), _("Montant HT"), _("EGalim"), _("Bio"), _("Circuit court"), _("Local")],
            rows,
            [W * 0.3, W * 0.18, W * 0.13, W * 0.13, W * 0.13, W * 0.13],
            numeric=(1, 2, 3, 4, 5),
            total=(_("Total"), money(food.total), percent(food.egalim_share), percent(food.organic_share),
                   percent(food.short_circuit_share), percent(food.local_share)),
        )
    )  # fmt: skip
    return story + [PageBreak()]


def _trend(ind: Indicators) -> list:
    years = [t.year for t in ind.trend]
    story = [Paragraph(_("6. Évolution sur les dernières années"), H1)]
    if len(years) < 2:
        story.append(
            Paragraph(_("L'évolution sera tracée dès que deux années au moins seront enregistrées."), BODY)
        )
    else:
        story += [
            Paragraph(_("Heures d'insertion réalisées"), H2),
            charts.trend_chart(
                years, {_("Heures réalisées"): [t.realized_hours for t in ind.trend]}, width=W
            ),
            Paragraph(_("Parts en pourcentage"), H2),
            charts.trend_chart_with_gaps(
                years,
                {
                    _("Marchés avec considération sociale (%)"): [t.social_count_share for t in ind.trend],
                    _("Achats EGalim (%)"): [t.egalim_share for t in ind.trend],
                    _("Achats bio (%)"): [t.organic_share for t in ind.trend],
                },
                width=W,
            ),
            Spacer(1, 3 * mm),
        ]
    rows = [
        (str(t.year), number(t.contract_count), money(t.contract_amount, cents=False), percent(t.social_count_share),
         hours(t.realized_hours), number(t.participants), percent(t.egalim_share))
        for t in ind.trend
    ]  # fmt: skip
    story.append(
        data_table(
            [_("Année"), _("Marchés"), _("Montant HT"), _("Avec clause"), _("Heures"), _("Participants"), _("EGalim")],
            rows,
            [W * 0.1, W * 0.12, W * 0.2, W * 0.14, W * 0.16, W * 0.14, W * 0.14],
            numeric=(1, 2, 3, 4, 5, 6),
        )
    )  # fmt: skip
    return story + [PageBreak()]


def annual_report_story(ind: Indicators) -> list:
    return [
        *cover(ind),
        *summary(ind),
        *_contracts(ind),
        *_hours(ind),
        *_participants(ind),
        *_inclusive_and_food(ind),
        *_trend(ind),
        *method_annex(ind),
    ]


def render_annual_report(ind: Indicators) -> bytes:
    """The annual report of ``ind`` as PDF bytes (A4, French)."""
    title = _("Rapport SPASER %(year)s — %(buyer)s", year=ind.year, buyer=ind.buyer_name)
    return build_pdf(
        annual_report_story(ind),
        title=title,
        header=title,
        footer=_("Données extraites le %(date)s · montants en euros HT", date=datetime_fr(ind.extracted_at)),
    )
