"""The annual SPASER follow-up report (docs/domain.md §6): cover, contents, summary, one section per part,
method annex. Sections follow each other without forced page breaks; headings stay with what follows them
and short tables with their titles."""

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

from app.core import charts
from app.core.enums import FoodFamily
from app.core.figures import share
from app.core.formatting import datetime_fr, hours, money, number, percent, target_percent
from app.reports.pdf.document import CONTENT_WIDTH, build_pdf
from app.reports.pdf.front import contents, cover, summary
from app.reports.pdf.method import method_annex
from app.reports.pdf.styles import BODY, H1, H2, H2_FLOW, SMALL, data_table, kpi_row
from app.reports.queries.results import Indicators, Line

W = CONTENT_WIDTH
SHORT_TABLE = 8  # rows: a table this short is kept on one page with its title


def _share_of(part, whole) -> str:
    return percent(share(part, whole))


def _section(title: str) -> list:
    """A numbered part: starts on a new page only when less than a third of the page is left."""
    return [CondPageBreak(80 * mm), Paragraph(title, H1)]


def _block(title: str | None, *flowables, note: str = "") -> list:
    """A titled table (or chart). A short table stays on one page with its title; a longer one starts only
    where its title, any chart and its first rows fit, then splits with its header repeated: no title alone
    at the bottom of a page, and no page left mostly blank to keep a long table whole."""
    head = [Paragraph(title, H2_FLOW)] if title else []
    tail = [Paragraph(note, SMALL)] if note else []
    rows = sum(len(getattr(flowable, "_cellvalues", ())) for flowable in flowables)
    if rows <= SHORT_TABLE:
        return [KeepTogether([*head, *flowables, *tail]), Spacer(1, 3 * mm)]
    fixed = sum(
        getattr(flowable, "height", 0) for flowable in flowables if not hasattr(flowable, "_cellvalues")
    )
    return [CondPageBreak(fixed + 40 * mm), *head, *flowables, *tail, Spacer(1, 3 * mm)]


def _nothing(title: str | None = None) -> list:
    text = Paragraph(_("Aucune donnée pour cette année."), SMALL)
    return [KeepTogether([Paragraph(title, H2), text])] if title else [text]


def _amount_table(
    title, lines: tuple[Line, ...], first: str, total_count: int, total_amount, note=""
) -> list:
    if not lines:
        return _nothing(title)
    rows = [
        (line.label, number(line.count), money(line.value), _share_of(line.value, total_amount))
        for line in lines
    ]
    table = data_table(
        [first, _("Marchés"), _("Montant HT"), _("Part du montant")],
        rows,
        [W * 0.49, W * 0.13, W * 0.22, W * 0.16],
        numeric=(1, 2, 3),
        total=(_("Total"), number(total_count), money(total_amount), percent(100 if total_amount else None)),
    )
    return _block(title, table, note=note)


def _hours_table(
    title, lines: tuple[Line, ...], first: str, total, count_label=None, note="", chart=None
) -> list:
    if not lines:
        return _nothing(title)
    rows = [
        (line.label, hours(line.value), _share_of(line.value, total), number(line.count)) for line in lines
    ]
    table = data_table(
        [first, _("Heures"), _("Part des heures"), count_label or _("Participants")],
        rows,
        [W * 0.5, W * 0.18, W * 0.16, W * 0.16],
        numeric=(1, 2, 3),
        total=(_("Total"), hours(total), percent(100 if total else None), ""),
    )
    if chart is not None:  # the chart and its table stay together under their title
        return _block(title, chart, table, note=note)
    return _block(title, table, note=note)


def _public_table(title, people: tuple[Line, ...], hour_lines: tuple[Line, ...], first, ind, note="") -> list:
    """Participants and their hours side by side for one breakdown of the public."""
    p, h = ind.participants, ind.hours
    if not people and not hour_lines:
        return _nothing(title)
    by_code = {line.code: line for line in hour_lines}
    rows = []
    for line in people:
        worked = by_code.get(line.code)
        value = worked.value if worked else None
        rows.append((line.label, number(line.count), _share_of(line.count, p.count), hours(value),
                     _share_of(value or 0, h.realized)))  # fmt: skip
    table = data_table(
        [first, _("Participants"), _("Part"), _("Heures"), _("Part des heures")],
        rows,
        [W * 0.44, W * 0.14, W * 0.12, W * 0.16, W * 0.14],
        numeric=(1, 2, 3, 4),
    )
    return _block(title, table, note=note)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{number(count)} {singular if count == 1 else plural}"


def _contracts(ind: Indicators) -> list:
    c = ind.contracts
    story = [
        *_section(_("1. Marchés notifiés en %(year)s", year=ind.year)),
        Paragraph(
            _("%(count)s pour %(amount)s HT, dont %(social)s au moins une considération "
              "sociale (%(share)s du nombre), pour %(social_amount)s HT (%(amount_share)s du montant).",
              count=_plural(c.count, _("marché notifié"), _("marchés notifiés")), amount=money(c.amount),
              social=_plural(c.with_social_count, _("comporte"), _("comportent")),
              share=percent(c.social_count_share), social_amount=money(c.with_social_amount),
              amount_share=percent(c.social_amount_share)),
            BODY,
        ),
        Paragraph(
            _("Considérations environnementales : %(count)s (%(share)s du nombre) comportent au moins une clause "
              "ou un critère environnemental, pour %(amount)s HT (%(amount_share)s du montant). Cible du plan "
              "national pour des achats durables 2022-2025 : 100 %%.",
              count=_plural(c.with_environmental_count, _("marché"), _("marchés")),
              share=percent(c.environmental_count_share), amount=money(c.with_environmental_amount),
              amount_share=percent(c.environmental_amount_share)),
            BODY,
        ),
    ]  # fmt: skip
    story += _amount_table(
        _("Par type de considération sociale"), c.by_clause_kind, _("Type de clause"), c.with_social_count,
        c.with_social_amount,
        note=_("Un marché qui combine plusieurs types de clause est compté dans chacun : les lignes peuvent "
               "dépasser le total, qui compte chaque marché une fois."),
    )  # fmt: skip
    story += _amount_table(_("Par catégorie d'achat"), c.by_category, _("Catégorie"), c.count, c.amount)
    if c.by_category:
        chart = charts.bar_chart([line.label for line in c.by_category], [line.value for line in c.by_category],
                                 width=W, value_format=money)  # fmt: skip
        story += [KeepTogether([chart]), Spacer(1, 3 * mm)]
    story += _amount_table(_("Par territoire"), c.by_territory, _("Territoire"), c.count, c.amount)
    story += _amount_table(_("Par division CPV"), c.by_cpv_division, _("Division CPV"), c.count, c.amount)
    return story


def _hours(ind: Indicators) -> list:
    h = ind.hours
    if h.first_year:
        cumulated = _("Depuis %(since)s, %(cumulated)s d'insertion ont été réalisées au titre des clauses de cet "
                      "acheteur.", since=h.first_year, cumulated=hours(h.cumulated))  # fmt: skip
    else:
        cumulated = _("Aucune heure d'insertion n'est enregistrée jusqu'à fin %(year)s.", year=ind.year)
    story = [
        *_section(_("2. Heures d'insertion")),
        kpi_row(
            [
                (hours(h.planned), _("heures prévues pour %(year)s", year=ind.year)),
                (hours(h.realized), _("heures réalisées en %(year)s", year=ind.year)),
                (percent(h.realization_rate), _("taux de réalisation de l'année")),
                (percent(h.cumulative_rate), _("taux de réalisation cumulé")),
                (number(h.fte, 2), _("équivalents temps plein")),
            ],
            W,
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            _("Les engagements des marchés en cours en %(year)s totalisent %(commitment)s, dont %(planned)s "
              "affectées à %(year)s au prorata des jours d'exécution. Taux de l'année : %(committed)s réalisées "
              "sur ces marchés ÷ heures prévues pour %(year)s ; taux cumulé : %(to_date)s réalisées depuis leur "
              "début ÷ engagements.", year=ind.year, commitment=hours(h.commitment), planned=hours(h.planned),
              committed=hours(h.realized_committed), to_date=hours(h.realized_to_date)),
            BODY,
        ),
        Paragraph(
            _("Heures réalisées en %(year)s hors engagement (marchés réservés, clauses sans heures prévues, "
              "saisies hors période d'exécution), comptées à part : %(apart)s.", year=ind.year,
              apart=hours(h.realized_uncommitted)),
            BODY,
        ),
        Paragraph(cumulated, BODY),
    ]  # fmt: skip
    story += _hours_table(
        _("Par modalité de réalisation"), h.by_modality, _("Modalité"), h.realized,
        chart=charts.bar_chart([line.label for line in h.by_modality], [line.value for line in h.by_modality],
                               width=W, value_format=hours),
    )  # fmt: skip
    story += _hours_table(
        _("Par territoire"), h.by_territory, _("Territoire du marché"), h.realized,
        chart=charts.bar_chart([line.label for line in h.by_territory], [line.value for line in h.by_territory],
                               width=W, value_format=hours, color=charts.GREEN),
    )  # fmt: skip
    story += _hours_table(
        _("Par type de structure employeuse"), h.by_employer_kind, _("Structure"), h.realized
    )
    story += _hours_table(
        _("Par contrat de travail des participants"), h.by_contract_type, _("Contrat"), h.realized,
        note=_("Contrat indiqué sur chaque saisie d'heures ; « Non renseigné » quand il ne l'est pas."),
    )  # fmt: skip
    story += _hours_table(
        _("Entreprises engagées"), h.inclusion_structures, _("Structure d'insertion mobilisée"), h.realized,
        count_label=_("Structures"),
        note=_("%(holders)s titulaire(s) de marchés ont fait réaliser des heures en %(year)s, auprès de "
               "%(employers)s employeur(s) ; le tableau compte les structures d'insertion (SIAE, GEIQ, EA, ESAT) "
               "employeuses et leurs heures.", holders=number(h.holders_engaged),
               employers=number(h.employers_engaged), year=ind.year),
    )  # fmt: skip
    return story + _contract_rows(ind)


def _contract_rows(ind: Indicators) -> list:
    h = ind.hours
    title = _("Réalisation par marché")
    note = _("Marchés en cours d'exécution en %(year)s. Taux = heures réalisées en %(year)s ÷ heures prévues "
             "pour %(year)s ; taux cumulé = heures réalisées jusqu'au 31/12/%(year)s ÷ engagement total. « — » : "
             "marché sans engagement d'heures.", year=ind.year)  # fmt: skip
    if not h.by_contract:
        return _nothing(title)
    rows = [
        (row.reference, row.object[:40] + ("…" if len(row.object) > 40 else ""), hours(row.commitment),
         hours(row.planned), hours(row.realized), percent(row.realization_rate), hours(row.realized_to_date),
         percent(row.cumulative_rate))
        for row in h.by_contract
    ]  # fmt: skip
    table = data_table(
        [_("Marché"), _("Objet"), _("Engagées"), _("Prévues %(year)s", year=ind.year),
         _("Réalisées %(year)s", year=ind.year), _("Taux"), _("Depuis le début"), _("Taux cumulé")],
        rows,
        [W * 0.14, W * 0.19, W * 0.12, W * 0.11, W * 0.11, W * 0.1, W * 0.12, W * 0.11],
        numeric=(2, 3, 4, 5, 6, 7),
    )  # fmt: skip
    return [KeepTogether([Paragraph(title, H2), Paragraph(note, SMALL)]), table, Spacer(1, 3 * mm)]


def _participants(ind: Indicators) -> list:
    p, h = ind.participants, ind.hours
    qpv_criterion = next((line.count for line in p.by_eligibility if line.code == "QPV"), 0)
    story = [
        *_section(_("3. Participants et publics")),
        Paragraph(
            _("Participants ayant travaillé au titre des clauses en %(year)s : %(count)s, chacun compté une fois "
              "quel que soit le nombre de ses contrats, pour %(hours)s.", count=number(p.count), year=ind.year,
              hours=hours(h.realized)),
            BODY,
        ),
        Paragraph(
            _("Quartiers prioritaires : %(qpv)s participant(s) (%(share)s) résident dans un quartier prioritaire de "
              "la politique de la ville (lieu de résidence déclaré) ; %(criterion)s d'entre eux ont été retenus "
              "au titre du critère d'éligibilité « résident QPV » (tableau des critères), les autres au titre "
              "d'un autre critère.", qpv=number(p.qpv_count), share=percent(p.qpv_share),
              criterion=number(qpv_criterion)),
            BODY,
        ),
    ]  # fmt: skip
    story += _public_table(_("Par sexe"), p.by_gender, h.by_gender, _("Sexe"), ind)
    story += _public_table(
        _("Par tranche d'âge"), p.by_age_band, h.by_age_band, _("Âge atteint dans l'année"), ind
    )
    story += _public_table(
        _("Par critère d'éligibilité"), p.by_eligibility, h.by_criterion, _("Critère"), ind,
        note=_("Une personne peut relever de plusieurs critères : les lignes dépassent le nombre de participants "
               "et le total des heures."),
    )  # fmt: skip
    story += _public_table(
        _("Par niveau de qualification"), p.by_qualification, h.by_qualification, _("Niveau"), ind
    )
    story += _hours_table(
        _("Heures selon la résidence en quartier prioritaire"), h.by_qpv, _("Résidence"), h.realized
    )
    rows = [(line.label, number(line.count), _share_of(line.count, p.count)) for line in p.outcomes]
    table = data_table([_("Situation"), _("Participants"), _("Part")], rows, [W * 0.6, W * 0.2, W * 0.2],
                       numeric=(1, 2))  # fmt: skip
    story += _block(
        _("Sorties"),
        Paragraph(
            _("Sorties dynamiques (emploi durable, emploi de transition, formation qualifiante) : %(positive)s sur "
              "%(known)s sortie(s) connue(s), soit %(rate)s.", positive=number(p.positive_exit_count),
              known=number(p.known_exit_count), rate=percent(p.positive_exit_rate)),
            BODY,
        ),
        table,
        note=_("Sortie : dernière situation observée après les dernières heures de la personne, connue à la date "
               "d'extraction ; une situation observée avant des heures plus récentes n'est pas une sortie."),
    )  # fmt: skip
    return story


def _inclusive(ind: Indicators) -> list:
    i = ind.inclusive
    story = [
        *_section(_("4. Fournisseurs inclusifs")),
        Paragraph(
            _("Montant attribué à des structures inclusives (SIAE, entreprises adaptées, ESAT) : %(awarded)s HT, "
              "soit %(share)s du montant notifié. Un titulaire seul compte pour tout le marché ; dans un marché "
              "conjoint, seule la part de la structure inclusive est comptée.", awarded=money(i.awarded_amount),
              share=percent(i.awarded_share)),
            BODY,
        ),
        Paragraph(
            _("Marchés ayant au moins un titulaire inclusif : %(count)s, pour %(amount)s HT en montant total "
              "(%(share)s du montant notifié).", count=number(i.count), amount=money(i.amount),
              share=percent(i.amount_share)),
            BODY,
        ),
    ]  # fmt: skip
    if i.unknown_share_count:
        story.append(Paragraph(
            _("%(count)s marché(s) conjoint(s) (%(amount)s HT) ont un cotitulaire inclusif dont la part n'est pas "
              "renseignée : ils ne sont pas comptés dans le montant attribué.", count=number(i.unknown_share_count),
              amount=money(i.unknown_share_amount)),
            BODY,
        ))  # fmt: skip
    story += _amount_table(
        _("Montant attribué par type de structure"), i.by_kind, _("Type de structure"),
        sum(line.count for line in i.by_kind), i.awarded_amount,
        note=_("Les lignes font le montant attribué ; un marché conjoint de deux structures inclusives de types "
               "différents compte dans chacun pour sa part."),
    )  # fmt: skip
    return story


def _food(ind: Indicators) -> list:
    food, mf = ind.food.overall, ind.meat_fish
    title = _("5. Alimentation durable et circuits courts")
    if not food.count:
        return [*_section(title), Paragraph(
            _("Aucun achat de denrées n'est enregistré pour %(buyer)s en %(year)s : l'acheteur n'a pas de "
              "restauration collective suivie dans Levier.", buyer=ind.buyer_name, year=ind.year), BODY)]  # fmt: skip
    targets = {o.code: o.target for o in ind.objectives}
    story = [
        *_section(title),
        Paragraph(_("Achats de denrées de la restauration collective en %(year)s : %(total)s HT.", year=ind.year,
                    total=money(food.total)), BODY),  # fmt: skip
        KeepTogether([
            charts.share_bars(
                [
                    (_("EGalim (durables et de qualité)"), food.egalim_share, targets.get("egalim_share", 50)),
                    (_("dont agriculture biologique"), food.organic_share, targets.get("organic_share", 20)),
                    (_("Viandes et poissons EGalim"), mf.share, mf.target),
                    (_("Circuit court"), food.short_circuit_share, targets.get("short_circuit_share")),
                    (_("Local / de proximité"), food.local_share, targets.get("local_share")),
                ],
                width=W,
            ),
            Paragraph(_("Cibles : objectifs de l'acheteur ou, à défaut, seuils EGalim (50 % dont 20 % bio, Code "
                        "rural R230-30-1 ; 60 % pour les viandes et poissons, L230-5-1)."), SMALL),
        ]),
        Paragraph(
            _("Viandes et poissons : %(egalim)s de produits durables et de qualité sur %(total)s d'achats des familles "
              "« viandes et volailles » et « produits de la mer », soit %(share)s pour une cible de %(target)s "
              "(Code rural L230-5-1, depuis le 1er janvier 2024).", egalim=money(mf.egalim), total=money(mf.total),
              share=percent(mf.share), target=target_percent(mf.target)),
            BODY,
        ),
    ]  # fmt: skip
    families = ind.food.by_family.items()
    rows = [
        (FoodFamily.label_of(code), number(a.count), money(a.total), percent(a.egalim_share),
         percent(a.organic_share), percent(a.short_circuit_share), percent(a.local_share))
        for code, a in families
    ]  # fmt: skip
    table = data_table(
        [_("Famille"), _("Achats"), _("Montant HT"), _("EGalim"), _("Bio"), _("Circuit court"), _("Local")],
        rows,
        [W * 0.25, W * 0.1, W * 0.17, W * 0.12, W * 0.12, W * 0.12, W * 0.12],
        numeric=(1, 2, 3, 4, 5, 6),
        total=(_("Total"), number(food.count), money(food.total), percent(food.egalim_share),
               percent(food.organic_share), percent(food.short_circuit_share), percent(food.local_share)),
    )  # fmt: skip
    amounts = data_table(
        [_("Famille"), _("EGalim"), _("dont bio"), _("dont signes de qualité"), _("dont autres"),
         _("Circuit court"), _("Local")],
        [(FoodFamily.label_of(code), money(a.egalim), money(a.organic), money(a.siqo), money(a.other_egalim),
          money(a.short_circuit), money(a.local)) for code, a in families],
        [W * 0.19, W * 0.14, W * 0.13, W * 0.14, W * 0.13, W * 0.14, W * 0.13],
        numeric=(1, 2, 3, 4, 5, 6),
        total=(_("Total"), money(food.egalim), money(food.organic), money(food.siqo), money(food.other_egalim),
               money(food.short_circuit), money(food.local)),
    )  # fmt: skip
    story += _block(_("Par famille de produits"), table)
    return story + _block(_("Montants par famille (€ HT)"), amounts)


def _trend(ind: Indicators) -> list:
    years = [t.year for t in ind.trend]
    story = _section(_("6. Évolution sur les dernières années"))
    if len(years) < 2:
        story.append(
            Paragraph(_("L'évolution sera tracée dès que deux années au moins seront enregistrées."), BODY)
        )
    else:
        story += _block(_("Heures d'insertion réalisées"), charts.trend_chart(
            years, {_("Heures réalisées"): [t.realized_hours for t in ind.trend]}, width=W))  # fmt: skip
        story += _block(_("Parts en pourcentage"), charts.trend_chart_with_gaps(
            years,
            {
                _("Marchés avec considération sociale (%)"): [t.social_count_share for t in ind.trend],
                _("Achats EGalim (%)"): [t.egalim_share for t in ind.trend],
                _("Achats bio (%)"): [t.organic_share for t in ind.trend],
            },
            width=W,
        ))  # fmt: skip
    rows = [
        (str(t.year), number(t.contract_count), money(t.contract_amount), percent(t.social_count_share),
         hours(t.realized_hours), number(t.participants), percent(t.egalim_share), percent(t.organic_share))
        for t in ind.trend
    ]  # fmt: skip
    table = data_table(
        [_("Année"), _("Marchés"), _("Montant HT"), _("Avec clause"), _("Heures"), _("Participants"), _("EGalim"),
         _("Bio")],
        rows,
        [W * 0.08, W * 0.1, W * 0.2, W * 0.12, W * 0.14, W * 0.14, W * 0.11, W * 0.11],
        numeric=(1, 2, 3, 4, 5, 6, 7),
    )  # fmt: skip
    return story + _block(_("Chiffres par année"), table)


def annual_report_story(ind: Indicators) -> list:
    return [
        *cover(ind),
        *contents(),
        *summary(ind),
        *_contracts(ind),
        *_hours(ind),
        *_participants(ind),
        *_inclusive(ind),
        *_food(ind),
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
