"""The fixed material of the demo data set: buyers, companies, contract subjects (realistic, fictitious)."""

from app.core.enums import BuyerKind, ClauseKind, Gender, StructureKind

DEMO_PASSWORD = "levier-demo-2026"

ACCOUNTS = (
    ("admin@demo-levier.fr", "admin", "Claire Administratrice"),
    ("acheteur@demo-levier.fr", "officer", "Julien Acheteur"),
    ("facilitateur@demo-levier.fr", "facilitator", "Nadia Facilitatrice"),
    ("lecteur@demo-levier.fr", "reader", "Paul Lecteur"),
)

# (SIREN + NIC without the check digit, name, kind, territory, prefix of the buyer's contract references)
BUYERS = (
    ("2262000160001", "Département du Pas-de-Calais", BuyerKind.DEPARTEMENT, "Arrageois", "D62"),
    ("2000336220001", "Communauté urbaine d'Arras", BuyerKind.EPCI, "Arrageois", "CUA"),
    ("2462005340001", "Communauté d'agglomération de Lens-Liévin", BuyerKind.EPCI, "Lens-Liévin", "CALL"),
    ("2162001930001", "Ville de Calais", BuyerKind.COMMUNE, "Calaisis", "CAL"),
    ("2162001600001", "Ville de Boulogne-sur-Mer", BuyerKind.COMMUNE, "Boulonnais", "BSM"),
)

# (SIREN + NIC without the check digit, name, structure kind)
COMPANIES = (
    ("3804125670001", "Bâtiments du Littoral SAS", StructureKind.ORDINARY),
    ("4128930110001", "Artois Voirie et Réseaux", StructureKind.ORDINARY),
    ("5210448720002", "Espaces Verts de l'Audomarois", StructureKind.ORDINARY),
    ("7902263150001", "Nettoyage Opale Services", StructureKind.ORDINARY),
    ("3330591820001", "Transports du Ternois", StructureKind.ORDINARY),
    ("4481203390001", "Menuiserie Montreuilloise", StructureKind.ORDINARY),
    ("8123455010001", "Énergies Hénin-Carvin SARL", StructureKind.ORDINARY),
    ("5023118840001", "Mobilier Nord Collectivités", StructureKind.ORDINARY),
    ("4387712960001", "Intérim Insertion Artois (ETTI)", StructureKind.ETTI),
    ("5112093400001", "Chantier d'insertion Les Jardins de la Scarpe", StructureKind.ACI),
    ("7511208770001", "Association Intermédiaire Boulonnais Emploi", StructureKind.AI),
    ("4223587100001", "GEIQ BTP Pas-de-Calais", StructureKind.GEIQ),
    ("3391264580001", "Entreprise d'insertion Recycl'Opale", StructureKind.EI),
    ("7789456120001", "ESAT Les Ateliers du Calaisis", StructureKind.ESAT),
    ("8001247650001", "Entreprise adaptée Lens Services", StructureKind.EA),
    ("4556123780001", "Randstad Arras (agence d'intérim)", StructureKind.TEMP_AGENCY),
)

# (object, CPV, clause kind or None, nature)
SUBJECTS = (
    ("Réhabilitation du collège {place}", "45454000", ClauseKind.EXECUTION_CONDITION, "Marché"),
    ("Construction d'une salle de sport à {place}", "45212200", ClauseKind.EXECUTION_CONDITION, "Marché"),
    (
        "Entretien des routes départementales — secteur de {place}",
        "45233141",
        ClauseKind.EXECUTION_CONDITION,
        "Marché",
    ),
    (
        "Rénovation énergétique de bâtiments publics à {place}",
        "45453000",
        ClauseKind.AWARD_CRITERION,
        "Marché",
    ),
    ("Travaux d'assainissement à {place}", "45232410", ClauseKind.EXECUTION_CONDITION, "Marché"),
    ("Couverture et charpente de l'école de {place}", "45261000", None, "Marché"),
    (
        "Chauffage et ventilation du centre social de {place}",
        "45331000",
        ClauseKind.AWARD_CRITERION,
        "Marché",
    ),
    ("Entretien des espaces verts de {place}", "77310000", ClauseKind.EXECUTION_CONDITION, "Marché"),
    (
        "Entretien des sites naturels de {place} par un chantier d'insertion",
        "77312000",
        ClauseKind.INSERTION_OBJECT,
        "Marché",
    ),
    ("Nettoyage des locaux administratifs de {place}", "90910000", ClauseKind.EXECUTION_CONDITION, "Marché"),
    ("Collecte des déchets des bâtiments publics de {place}", "90511000", ClauseKind.RESERVED, "Marché"),
    ("Propreté urbaine de {place}", "90600000", ClauseKind.INSERTION_OBJECT, "Marché"),
    (
        "Transport public de voyageurs — réseau de {place}",
        "60112000",
        ClauseKind.EXECUTION_CONDITION,
        "Délégation de service public",
    ),
    ("Maîtrise d'œuvre de la médiathèque de {place}", "71000000", None, "Marché"),
    ("Fourniture de mobilier scolaire pour {place}", "39160000", None, "Marché"),
    ("Fourniture de vêtements de travail des agents de {place}", "18100000", ClauseKind.RESERVED, "Marché"),
    ("Fourniture de véhicules électriques pour {place}", "34144900", None, "Marché"),
    ("Restauration scolaire des écoles de {place}", "55523100", ClauseKind.EXECUTION_CONDITION, "Marché"),
)

PLACES = (
    "Arras",
    "Lens",
    "Liévin",
    "Calais",
    "Boulogne-sur-Mer",
    "Saint-Omer",
    "Béthune",
    "Hénin-Beaumont",
    "Bruay-la-Buissière",
    "Montreuil-sur-Mer",
    "Saint-Pol-sur-Ternoise",
    "Carvin",
    "Berck",
    "Étaples",
    "Avion",
    "Bapaume",
    "Outreau",
    "Aire-sur-la-Lys",
)

PLACE_TERRITORY = {
    "Arras": "Arrageois",
    "Bapaume": "Arrageois",
    "Lens": "Lens-Liévin",
    "Liévin": "Lens-Liévin",
    "Avion": "Lens-Liévin",
    "Calais": "Calaisis",
    "Boulogne-sur-Mer": "Boulonnais",
    "Outreau": "Boulonnais",
    "Saint-Omer": "Audomarois",
    "Aire-sur-la-Lys": "Audomarois",
    "Béthune": "Artois",
    "Bruay-la-Buissière": "Artois",
    "Hénin-Beaumont": "Hénin-Carvin",
    "Carvin": "Hénin-Carvin",
    "Montreuil-sur-Mer": "Montreuillois",
    "Berck": "Montreuillois",
    "Étaples": "Montreuillois",
    "Saint-Pol-sur-Ternoise": "Ternois",
}

# First names by gender, so that a participant's name matches the gender recorded.
FIRST_NAMES = {
    Gender.FEMALE: (
        "Sophie",
        "Laura",
        "Amandine",
        "Jessica",
        "Inès",
        "Sandrine",
        "Céline",
        "Aurélie",
        "Émilie",
        "Fatima",
    ),
    Gender.MALE: (
        "Karim",
        "Mehdi",
        "Kevin",
        "Yanis",
        "Dylan",
        "Thierry",
        "Mohamed",
        "Jordan",
        "Rachid",
        "Anthony",
    ),
}
LAST_NAMES = (
    "Dupont",
    "Lefebvre",
    "Benali",
    "Martin",
    "Dubois",
    "Lemaire",
    "Caron",
    "Haddad",
    "Leroy",
    "Fontaine",
    "Delattre",
    "Boulanger",
    "Mercier",
    "Hamidi",
    "Vasseur",
    "Dumont",
)

FOOD_PRODUCTS = (
    ("VIANDES_VOLAILLES", "Poulet fermier", ("LABEL_ROUGE", "LOCAL")),
    ("VIANDES_VOLAILLES", "Bœuf haché", ("FRANCE",)),
    ("CHARCUTERIE", "Jambon blanc", ()),
    ("PRODUITS_DE_LA_MER", "Filets de hareng de Boulogne", ("PECHE_DURABLE", "LOCAL")),
    ("FRUITS_ET_LEGUMES", "Pommes de terre du Pas-de-Calais", ("CIRCUIT_COURT", "LOCAL", "FRANCE")),
    ("FRUITS_ET_LEGUMES", "Endives", ("CIRCUIT_COURT", "LOCAL", "HVE")),
    ("FRUITS_ET_LEGUMES", "Carottes bio", ("BIO", "CIRCUIT_COURT", "LOCAL")),
    ("FRUITS_ET_LEGUMES", "Bananes", ("COMMERCE_EQUITABLE",)),
    ("PRODUITS_LAITIERS", "Yaourts bio de la ferme", ("BIO", "CIRCUIT_COURT", "LOCAL", "FERMIER")),
    ("PRODUITS_LAITIERS", "Maroilles AOP", ("AOCAOP", "LOCAL")),
    ("PRODUITS_LAITIERS", "Lait demi-écrémé", ()),
    ("BOULANGERIE", "Pain de campagne", ("CIRCUIT_COURT", "LOCAL")),
    ("BOISSONS", "Jus de pomme bio", ("BIO", "LOCAL")),
    ("AUTRES", "Pâtes", ()),
    ("AUTRES", "Huile de colza", ("LOCAL", "FRANCE")),
)
