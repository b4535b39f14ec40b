"""The method annex: definitions, formulas, legal bases, extraction date and excluded records."""

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

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
    ("Considération environnementale",
     "au moins une clause ou un critère environnemental (DECP « considerationsEnvironnementales ») ; part en "
     "nombre et en montant des marchés notifiés, cible de 100 % du plan national pour des achats durables."),
    ("Engagement d'heures d'un marché",
     "heures d'insertion que les titulaires doivent réaliser. Quand un marché porte à la fois une condition "
     "d'exécution (un minimum) et un critère d'attribution, les heures offertes par le lauréat incluent ce "
     "minimum : l'engagement est le plus grand des deux, jamais leur somme. Les heures sont saisies ou calculées "
     "(montant HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire chargé, ou montant HT ÷ N € par "
     "heure) ; le montant utilisé par le calcul est conservé."),
    ("Heures prévues pour l'année",
     "part de l'engagement affectée à l'année au prorata des jours de la période d'exécution [notification ; "
     "notification + durée[ qui tombent dans l'année ; les années d'un marché totalisent son engagement."),
    ("Heures réalisées",
     "heures déclarées pour un mois de l'année, quel que soit le marché (non archivé) de l'acheteur. Celles des "
     "marchés sans engagement d'heures (marchés réservés, clauses sans heures prévues) ou hors période "
     "d'exécution sont comptées à part et n'entrent pas dans les taux."),
    ("Taux de réalisation",
     "de l'année : heures réalisées dans l'année sur les marchés en cours avec engagement ÷ heures prévues pour "
     "l'année ; cumulé : heures réalisées depuis leur début jusqu'au 31 décembre ÷ engagement total. Même "
     "définition pour chaque marché et pour le total."),
    ("Équivalent temps plein (ETP)", "heures réalisées ÷ 1 607 heures (durée légale annuelle du travail)."),
    ("Participant",
     "personne ayant au moins une heure réalisée dans l'année, comptée une seule fois ; âge = année du rapport "
     "− année de naissance (les critères « jeune de moins de 26 ans » et « 50 ans et plus » sont vérifiés pour "
     "l'année de chaque saisie d'heures). Les heures par public somment les heures de l'année des participants "
     "de chaque groupe."),
    ("Résident QPV",
     "lieu de résidence déclaré dans un quartier prioritaire ; le critère d'éligibilité « résident QPV » "
     "compte seulement les personnes retenues à ce titre."),
    ("Sortie",
     "dernière situation observée après le mois des dernières heures de la personne, telle que connue à la "
     "date d'extraction ; une situation observée avant des heures plus récentes n'est pas une sortie. Sorties "
     "dynamiques = emploi durable + emploi de transition + formation qualifiante, rapportées aux sorties "
     "connues (les mêmes plus « autre situation »)."),
    ("Entreprises engagées",
     "titulaires des marchés sur lesquels des heures ont été réalisées dans l'année, employeurs de ces heures, "
     "et structures d'insertion (SIAE, GEIQ, EA, ESAT) employeuses, par type."),
    ("Fournisseur inclusif",
     "titulaire de type SIAE (EI, ETTI, EITI, AI, ACI), entreprise adaptée (EA, EATT) ou ESAT. Montant attribué "
     "= montant du marché pour un titulaire seul, part renseignée du titulaire inclusif pour un marché "
     "conjoint ; les marchés conjoints sans part connue sont signalés à part. « Marchés ayant au moins un "
     "titulaire inclusif » est un autre chiffre, en montant total."),
    ("Parts alimentaires",
     "valeur HT des achats portant la caractéristique ÷ valeur HT totale des achats de l'année. Un produit ne "
     "compte que dans un groupe EGalim : bio d'abord, puis signes officiels de qualité, puis autres mentions. "
     "Circuit court et local sont comptés à part et peuvent se recouper."),
    ("Viandes et poissons EGalim",
     "part EGalim des achats des familles « viandes et volailles » et « produits de la mer » (la charcuterie "
     "n'est pas comptée), comme ma-cantine ; cible de 60 % depuis le 1er janvier 2024 (Code rural L230-5-1)."),
    ("Arrondi",
     "chaque chiffre affiché est la valeur exacte arrondie une seule fois, au plus proche, la moitié vers le "
     "haut (arrondi commercial), à la précision affichée : montants au centime, heures au centième, parts au "
     "dixième de point ; « — » quand le dénominateur est nul. Un objectif est atteint ou non d'après la valeur "
     "exacte."),
)  # fmt: skip

LEGAL = (
    ("Code de la commande publique, L2111-3 et D2111-3", "obligation d'adopter un SPASER au-delà de 50 M€ HT "
     "d'achats annuels et d'en publier les indicateurs"),
    ("Loi n° 2014-856 du 31 juillet 2014 (ESS), art. 13", "schéma de promotion des achats socialement responsables"),
    ("Code rural et de la pêche maritime, L230-5-1 et R230-30-1", "au moins 50 % de produits durables et de "
     "qualité, dont 20 % issus de l'agriculture biologique (loi EGalim)"),
    ("Plan national pour des achats durables 2022-2025", "30 % des marchés avec au moins une considération sociale "
     "et 100 % avec au moins une considération environnementale en 2025"),
    ("Code rural et de la pêche maritime, L230-5-1 (loi Climat et résilience)", "au moins 60 % de produits "
     "durables et de qualité dans les achats de viandes et de poissons depuis le 1er janvier 2024"),
    ("Code de la commande publique, L3113-1 et L3113-2", "concessions réservées aux entreprises adaptées, ESAT "
     "et structures d'insertion"),
    ("Code de la commande publique, L2113-13-1", "marchés réservés aux entreprises employant des personnes "
     "détenues"),
)  # fmt: skip


def method_annex(ind: Indicators) -> list:
    story = [
        CondPageBreak(80 * mm),
        Paragraph(_("Annexe : méthode"), H1),
        Paragraph(
            _("Les chiffres de ce rapport ont été extraits de Levier le %(when)s (heure de Paris). Ils portent "
              "sur l'année civile %(year)s : marchés notifiés, heures et achats datés de cette année ; les "
              "sorties sont celles connues à cette date.",
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
            [(kind.label, kind.article) for kind in ClauseKind]
            + [(_("Concession réservée"), "L3113-1, L3113-2")],
            [W * 0.72, W * 0.28],
        )
    )
    story += [Spacer(1, 3 * mm), Paragraph(_("Textes de référence"), H2)]
    story.append(data_table([_("Texte"), _("Objet")], LEGAL, [W * 0.4, W * 0.6]))
    story += [
        Spacer(1, 3 * mm),
        KeepTogether([
            Paragraph(_("Enregistrements écartés faute de données"), H2),
            Paragraph(
                _("Ces enregistrements sont exclus des chiffres indiqués ; ils sont à compléter dans Levier pour "
                  "les rapports suivants."),
                SMALL,
            ),
            data_table(
                [_("Motif"), _("Nombre")],
                [(e.label, number(e.count)) for e in ind.excluded],
                [W * 0.84, W * 0.16],
                numeric=(1,),
            ),
        ]),
    ]  # fmt: skip
    return story
