"""The method annex: definitions, formulas, legal bases, extraction date and excluded records."""

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from app.core.enums import ClauseKind
from app.core.formatting import datetime_fr, number
from app.reports.pdf.document import CONTENT_WIDTH as W
from app.reports.pdf.styles import BODY, BULLET, H1, H2, SMALL, data_table
from app.reports.queries.results import Indicators

DEFINITIONS = (
    ("Marché notifié dans l'année",
     "marché (ou lot, ou contrat de concession) dont la date de notification (DECP « dateNotification ») tombe "
     "dans l'année civile. Les marchés archivés ne sont comptés nulle part, ni leurs heures."),
    ("Considération sociale",
     "au moins une clause sociale enregistrée sur le marché : condition d'exécution, critère d'attribution, "
     "marché d'insertion ou marché réservé."),
    ("Heures prévues",
     "engagement des titulaires pour les clauses des marchés en cours d'exécution dans l'année, c'est-à-dire dont "
     "la période [notification ; notification + durée] recoupe l'année. Elles sont saisies, ou calculées : "
     "montant HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire chargé, ou montant HT ÷ N € par heure."),
    ("Heures réalisées",
     "heures déclarées pour un mois de l'année, quel que soit le marché (non archivé) de l'acheteur."),
    ("Taux de réalisation",
     "heures réalisées depuis le début des marchés en cours jusqu'au 31 décembre ÷ heures prévues de ces marchés."),
    ("Équivalent temps plein (ETP)", "heures réalisées ÷ 1 607 heures (durée légale annuelle du travail)."),
    ("Participant",
     "personne ayant au moins une heure réalisée dans l'année, comptée une seule fois ; âge = année du rapport "
     "− année de naissance ; la situation de sortie retenue est la plus récente enregistrée."),
    ("Fournisseur inclusif",
     "titulaire ou cotitulaire de type SIAE (EI, ETTI, EITI, AI, ACI), entreprise adaptée (EA, EATT) ou ESAT ; "
     "le montant du marché est compté une fois."),
    ("Parts alimentaires",
     "valeur HT des achats portant la caractéristique ÷ valeur HT totale des achats de l'année. Un produit ne "
     "compte que dans un groupe EGalim : bio d'abord, puis signes officiels de qualité, puis autres mentions. "
     "Circuit court et local sont comptés à part et peuvent se recouper."),
    ("Part (%)", "arrondie au centième, à l'arrondi commercial ; « — » quand le dénominateur est nul."),
)  # fmt: skip

LEGAL = (
    ("Code de la commande publique, L2111-3 et D2111-3", "obligation d'adopter un SPASER au-delà de 50 M€ HT "
     "d'achats annuels et d'en publier les indicateurs"),
    ("Loi n° 2014-856 du 31 juillet 2014 (ESS), art. 13", "schéma de promotion des achats socialement responsables"),
    ("Code rural et de la pêche maritime, L230-5-1 et R230-30-1", "au moins 50 % de produits durables et de "
     "qualité, dont 20 % issus de l'agriculture biologique (loi EGalim)"),
    ("Plan national pour des achats durables 2022-2025", "30 % des marchés avec au moins une considération sociale "
     "en 2025"),
)  # fmt: skip


def method_annex(ind: Indicators) -> list:
    story = [
        Paragraph(_("Annexe : méthode"), H1),
        Paragraph(
            _("Les chiffres de ce rapport ont été extraits de Levier le %(when)s (heure de Paris). Ils portent "
              "sur l'année civile %(year)s : marchés notifiés, heures et achats datés de cette année.",
              when=datetime_fr(ind.extracted_at), year=ind.year),
            BODY,
        ),
        Paragraph(_("Définitions et formules"), H2),
    ]  # fmt: skip
    for term, text in DEFINITIONS:
        story.append(Paragraph(f"<b>{term}</b> : {text}", BULLET, bulletText="•"))
    story.append(Paragraph(_("Types de clause sociale et articles du Code de la commande publique"), H2))
    story.append(
        data_table(
            [_("Type de clause"), _("Article")],
            [(kind.label, kind.article) for kind in ClauseKind],
            [W * 0.72, W * 0.28],
        )
    )
    story += [Spacer(1, 3 * mm), Paragraph(_("Textes de référence"), H2)]
    story.append(data_table([_("Texte"), _("Objet")], LEGAL, [W * 0.4, W * 0.6]))
    story += [
        Spacer(1, 3 * mm),
        Paragraph(_("Enregistrements écartés faute de données"), H2),
        Paragraph(
            _("Ces enregistrements sont exclus des chiffres indiqués ; ils sont à compléter dans Levier pour les "
              "rapports suivants."),
            SMALL,
        ),
        data_table(
            [_("Motif"), _("Nombre")],
            [(e.label, number(e.count)) for e in ind.excluded],
            [W * 0.84, W * 0.16],
            numeric=(1,),
        ),
    ]  # fmt: skip
    return story
