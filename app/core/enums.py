"""Domain enumerations, stored as the codes of docs/domain.md; ``label`` is what the interface shows."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class LabelledEnum(StrEnum):
    """A string enum whose members carry a French label (and optional extra data)."""

    def __new__(cls, value: str, label: str = "", *extra):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label or value
        member._extra = extra
        return member

    @property
    def label(self) -> str:
        return str(self._label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def codes(cls) -> list[str]:
        return [member.value for member in cls]

    @classmethod
    def label_of(cls, code: str | None) -> str:
        if code is None:
            return ""
        try:
            return cls(code).label
        except ValueError:
            return code


class Role(LabelledEnum):
    ADMIN = "admin", _l("Administrateur")
    OFFICER = "officer", _l("Acheteur")
    FACILITATOR = "facilitator", _l("Facilitateur")
    READER = "reader", _l("Lecteur (Département)")


class BuyerKind(LabelledEnum):
    DEPARTEMENT = "departement", _l("Département")
    EPCI = "epci", _l("Intercommunalité (EPCI)")
    COMMUNE = "commune", _l("Commune")
    SOCIAL_LANDLORD = "social_landlord", _l("Bailleur social")
    OTHER = "other", _l("Autre acheteur public")


class ContractKind(LabelledEnum):
    """DECP distinguishes contracts (marchés) from concessions (e.g. public-transport delegations)."""

    MARCHE = "marche", _l("Marché public")
    CONCESSION = "concession", _l("Contrat de concession")


class Nature(LabelledEnum):
    """DECP 2022 ``nature`` (marchés) and concession natures."""

    MARCHE = "Marché", _l("Marché")
    PARTENARIAT = "Marché de partenariat", _l("Marché de partenariat")
    DEFENSE = "Marché de défense ou de sécurité", _l("Marché de défense ou de sécurité")
    CONCESSION_TRAVAUX = "Concession de travaux", _l("Concession de travaux")
    CONCESSION_SERVICE = "Concession de service", _l("Concession de service")
    CONCESSION_SERVICE_PUBLIC = "Concession de service public", _l("Concession de service public")
    DSP = "Délégation de service public", _l("Délégation de service public")


class Procedure(LabelledEnum):
    """DECP 2022 ``procedure``: the six of marchés, then the four of concession contracts."""

    ADAPTEE = "Procédure adaptée", _l("Procédure adaptée")
    AO_OUVERT = "Appel d'offres ouvert", _l("Appel d'offres ouvert")
    AO_RESTREINT = "Appel d'offres restreint", _l("Appel d'offres restreint")
    NEGOCIATION = "Procédure avec négociation", _l("Procédure avec négociation")
    SANS_PUBLICITE = (
        "Marché passé sans publicité ni mise en concurrence préalable",
        _l("Marché passé sans publicité ni mise en concurrence préalable"),
    )
    DIALOGUE = "Dialogue compétitif", _l("Dialogue compétitif")
    CONCESSION_NEGOCIEE_OUVERTE = "Procédure négociée ouverte", _l("Procédure négociée ouverte (concession)")
    CONCESSION_NON_NEGOCIEE_OUVERTE = (
        "Procédure non négociée ouverte",
        _l("Procédure non négociée ouverte (concession)"),
    )
    CONCESSION_NEGOCIEE_RESTREINTE = (
        "Procédure négociée restreinte",
        _l("Procédure négociée restreinte (concession)"),
    )
    CONCESSION_NON_NEGOCIEE_RESTREINTE = (
        "Procédure non négociée restreinte",
        _l("Procédure non négociée restreinte (concession)"),
    )


MARCHE_PROCEDURES = tuple(Procedure)[:6]
CONCESSION_PROCEDURES = tuple(Procedure)[6:]


class PurchaseCategory(LabelledEnum):
    """Reporting category, derived from the CPV division (45 works; 01-44 and 48 supplies; 49-98 services)."""

    WORKS = "works", _l("Travaux")
    SERVICES = "services", _l("Services")
    SUPPLIES = "supplies", _l("Fournitures")


class EnvironmentalConsideration(LabelledEnum):
    CLAUSE = "Clause environnementale", _l("Clause environnementale")
    CRITERION = "Critère environnemental", _l("Critère environnemental")
    NONE = "Pas de considération environnementale", _l("Pas de considération environnementale")


class ClauseKind(LabelledEnum):
    """Kinds of social clause, with the article of the Code de la commande publique that founds each."""

    EXECUTION_CONDITION = (
        "execution_condition",
        _l("Clause d'insertion — condition d'exécution"),
        "L2112-2",
        "Clause sociale",
    )
    AWARD_CRITERION = (
        "award_criterion",
        _l("Critère d'attribution social"),
        "L2152-7 / R2152-7",
        "Critère social",
    )
    INSERTION_OBJECT = (
        "insertion_object",
        _l("Marché d'insertion et de qualification (l'insertion comme objet)"),
        "R2123-1",
        "Clause sociale",
    )
    RESERVED = (
        "reserved",
        _l("Marché réservé"),
        "L2113-12 à L2113-15",
        "Marché réservé",
    )

    @property
    def article(self) -> str:
        return self._extra[0]

    @property
    def decp_value(self) -> str:
        """Value of DECP ``considerationsSociales`` this kind maps to (docs/domain.md §3)."""
        return self._extra[1]


class ReservedArticle(LabelledEnum):
    EA_ESAT = "L2113-12", _l("L2113-12 — entreprises adaptées et ESAT")
    SIAE = "L2113-13", _l("L2113-13 — structures d'insertion par l'activité économique")
    BOTH = "L2113-14", _l("L2113-14 — EA, ESAT et SIAE")
    ESS = "L2113-15", _l("L2113-15 — entreprises de l'économie sociale et solidaire")


class HoursMethod(LabelledEnum):
    MANUAL = "manual", _l("Saisie directe")
    RATE = "rate", _l("Calcul : montant × part main-d'œuvre × taux d'insertion ÷ coût horaire")
    FLAT = "flat", _l("Forfait : 1 heure pour N € HT")


class StructureKind(LabelledEnum):
    """Employer structures (docs/domain.md §4); ``temp_agency`` is an ordinary temp-work agency."""

    EI = "EI", _l("Entreprise d'insertion (EI)")
    ETTI = "ETTI", _l("Entreprise de travail temporaire d'insertion (ETTI)")
    EITI = "EITI", _l("Entreprise d'insertion par le travail indépendant (EITI)")
    AI = "AI", _l("Association intermédiaire (AI)")
    ACI = "ACI", _l("Atelier et chantier d'insertion (ACI)")
    GEIQ = "GEIQ", _l("Groupement d'employeurs pour l'insertion et la qualification (GEIQ)")
    EA = "EA", _l("Entreprise adaptée (EA)")
    EATT = "EATT", _l("Entreprise adaptée de travail temporaire (EATT)")
    ESAT = "ESAT", _l("Établissement et service d'accompagnement par le travail (ESAT)")
    TEMP_AGENCY = "temp_agency", _l("Entreprise de travail temporaire classique")
    ORDINARY = "ordinary", _l("Entreprise classique")


# SIAE, EA or ESAT: counted as inclusive suppliers in the report (docs/domain.md §6).
SIAE_KINDS = frozenset(
    {StructureKind.EI, StructureKind.ETTI, StructureKind.EITI, StructureKind.AI, StructureKind.ACI}
)
INCLUSIVE_KINDS = SIAE_KINDS | {StructureKind.EA, StructureKind.EATT, StructureKind.ESAT}


class IdentifierType(LabelledEnum):
    """DECP ``typeIdentifiant`` of a holder."""

    SIRET = "SIRET", _l("SIRET")
    TVA = "TVA", _l("Numéro de TVA intracommunautaire")
    TAHITI = "TAHITI", _l("Numéro TAHITI")
    RIDET = "RIDET", _l("Numéro RIDET")
    FRWF = "FRWF", _l("Numéro FRWF")
    IREP = "IREP", _l("Numéro IREP")
    HORS_UE = "HORS-UE", _l("Identifiant hors Union européenne")


class Modality(LabelledEnum):
    DIRECT_HIRE = "direct_hire", _l("Embauche directe")
    TEMP_WORK = "temp_work", _l("Intérim")
    SECONDMENT = "secondment", _l("Mise à disposition")
    SUBCONTRACTING = "subcontracting", _l("Sous-traitance / co-traitance")
    TRAINING = "training", _l("Formation")


# Employer kinds through which each modality can be delivered (docs/domain.md §4).
MODALITY_EMPLOYER_KINDS: dict[Modality, frozenset[StructureKind]] = {
    Modality.DIRECT_HIRE: frozenset(StructureKind),
    Modality.TEMP_WORK: frozenset({StructureKind.ETTI, StructureKind.EATT, StructureKind.TEMP_AGENCY}),
    Modality.SECONDMENT: frozenset({StructureKind.AI, StructureKind.GEIQ}),
    Modality.SUBCONTRACTING: INCLUSIVE_KINDS,
    Modality.TRAINING: frozenset(StructureKind),
}


class ContractType(LabelledEnum):
    CDI = "CDI", _l("CDI")
    CDD = "CDD", _l("CDD")
    CDDI = "CDDI", _l("CDD d'insertion")
    INTERIM = "interim", _l("Mission d'intérim")
    APPRENTICESHIP = "apprenticeship", _l("Contrat d'apprentissage")
    PROFESSIONALISATION = "professionalisation", _l("Contrat de professionnalisation")
    OTHER = "other", _l("Autre")


class Gender(LabelledEnum):
    FEMALE = "female", _l("Femme")
    MALE = "male", _l("Homme")
    UNSPECIFIED = "unspecified", _l("Non renseigné")


class QualificationLevel(LabelledEnum):
    """Levels of the national certification framework (cadre national des certifications, 2019)."""

    NONE = "none", _l("Sans diplôme (niveaux 1-2)")
    LEVEL_3 = "3", _l("Niveau 3 (CAP, BEP)")
    LEVEL_4 = "4", _l("Niveau 4 (baccalauréat)")
    LEVEL_5 = "5", _l("Niveau 5 (bac + 2)")
    LEVEL_6_PLUS = "6+", _l("Niveau 6 et plus (bac + 3 et plus)")


class Eligibility(LabelledEnum):
    DELD = "DELD", _l("Demandeur d'emploi de longue durée (plus de 12 mois)")
    RSA = "RSA", _l("Bénéficiaire du RSA")
    TH = "TH", _l("Travailleur handicapé reconnu")
    ASS_AAH = "ASS_AAH", _l("Bénéficiaire de l'ASS, de l'AAH ou d'une pension d'invalidité")
    JEUNE = "JEUNE", _l("Jeune de moins de 26 ans peu qualifié, sorti du système scolaire depuis 6 mois")
    SIAE = "SIAE", _l("Déjà en parcours d'insertion (SIAE, EPIDE, E2C)")
    SENIOR = "SENIOR", _l("Personne de 50 ans et plus")
    QPV = "QPV", _l("Résident d'un quartier prioritaire (QPV)")
    AUTRE = "AUTRE", _l("Autre personne validée par le facilitateur")


class OutcomeStatus(LabelledEnum):
    LASTING_JOB = "lasting_job", _l("Emploi durable (CDI ou CDD de 6 mois et plus)")
    TRANSITION_JOB = "transition_job", _l("Emploi de transition (CDD de moins de 6 mois, intérim)")
    TRAINING = "training", _l("Formation qualifiante")
    STILL_IN_PATHWAY = "still_in_pathway", _l("Toujours en parcours")
    OTHER = "other", _l("Autre situation")
    UNKNOWN = "unknown", _l("Situation inconnue")


class CateringKind(LabelledEnum):
    STAFF_RESTAURANT = "staff_restaurant", _l("Restaurant administratif")
    MIDDLE_SCHOOL = "middle_school", _l("Collège")
    OTHER = "other", _l("Autre site")


class LocalDefinition(LabelledEnum):
    """How a buyer defines "local" food (docs/domain.md §5); codes follow ma-cantine's where they exist."""

    KM = "KM", _l("Rayon autour du site (km)")
    DEPARTEMENT = "DEPARTEMENT", _l("Le département")
    REGION = "REGION", _l("La région")


class FoodFamily(LabelledEnum):
    VIANDES_VOLAILLES = "VIANDES_VOLAILLES", _l("Viandes et volailles")
    CHARCUTERIE = "CHARCUTERIE", _l("Charcuterie")
    PRODUITS_DE_LA_MER = "PRODUITS_DE_LA_MER", _l("Produits de la mer")
    FRUITS_ET_LEGUMES = "FRUITS_ET_LEGUMES", _l("Fruits et légumes")
    PRODUITS_LAITIERS = "PRODUITS_LAITIERS", _l("Produits laitiers")
    BOULANGERIE = "BOULANGERIE", _l("Boulangerie")
    BOISSONS = "BOISSONS", _l("Boissons")
    AUTRES = "AUTRES", _l("Autres produits")


class FoodCharacteristic(LabelledEnum):
    BIO = "BIO", _l("Agriculture biologique")
    LABEL_ROUGE = "LABEL_ROUGE", _l("Label rouge")
    AOCAOP = "AOCAOP", _l("AOC / AOP")
    IGP = "IGP", _l("IGP")
    STG = "STG", _l("STG")
    HVE = "HVE", _l("Haute valeur environnementale")
    PECHE_DURABLE = "PECHE_DURABLE", _l("Écolabel pêche durable")
    RUP = "RUP", _l("Région ultrapériphérique")
    FERMIER = "FERMIER", _l("Fermier")
    COMMERCE_EQUITABLE = "COMMERCE_EQUITABLE", _l("Commerce équitable")
    EXTERNALITES = "EXTERNALITES", _l("Externalités environnementales")
    PERFORMANCE = "PERFORMANCE", _l("Performance environnementale")
    CIRCUIT_COURT = "CIRCUIT_COURT", _l("Circuit court")
    LOCAL = "LOCAL", _l("Local / de proximité")
    FRANCE = "FRANCE", _l("Origine France")


# EGalim groups, in the order a product is counted (Code rural R230-30-1): organic first, then the
# official quality labels (SIQO), then the other EGalim characteristics. Outside EGalim: short circuit,
# local, France.
EGALIM_ORGANIC = (FoodCharacteristic.BIO,)
EGALIM_SIQO = (
    FoodCharacteristic.LABEL_ROUGE,
    FoodCharacteristic.AOCAOP,
    FoodCharacteristic.IGP,
    FoodCharacteristic.STG,
)
EGALIM_OTHER = (
    FoodCharacteristic.HVE,
    FoodCharacteristic.PECHE_DURABLE,
    FoodCharacteristic.RUP,
    FoodCharacteristic.FERMIER,
    FoodCharacteristic.COMMERCE_EQUITABLE,
    FoodCharacteristic.EXTERNALITES,
    FoodCharacteristic.PERFORMANCE,
)
EGALIM_CHARACTERISTICS = EGALIM_ORGANIC + EGALIM_SIQO + EGALIM_OTHER


class FoodOrigin(LabelledEnum):
    FRANCE = "FRANCE", _l("France")
    EUROPE = "EUROPE", _l("Europe (hors France)")


class ReportStatus(LabelledEnum):
    RUNNING = "running", _l("En cours")
    DONE = "done", _l("Terminé")
    FAILED = "failed", _l("Échec")


class ReportTrigger(LabelledEnum):
    SCHEDULER = "scheduler", _l("Planificateur")
    USER = "user", _l("Utilisateur")
    CLI = "cli", _l("Ligne de commande")


class ContractSource(LabelledEnum):
    MANUAL = "manual", _l("Saisie")
    DECP = "decp", _l("Import DECP")
