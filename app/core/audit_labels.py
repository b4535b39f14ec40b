"""French names of the audit log's action and object codes (the codes stay stable in the database)."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "activate": _l("Réactivation"),
    "archive": _l("Archivage"),
    "change_password": _l("Changement de mot de passe"),
    "create": _l("Création"),
    "deactivate": _l("Désactivation"),
    "delete": _l("Suppression"),
    "download": _l("Téléchargement"),
    "erase": _l("Effacement de l'identité"),
    "export": _l("Export"),
    "generate": _l("Génération"),
    "import": _l("Import"),
    "merge": _l("Fusion"),
    "purge": _l("Purge des identités"),
    "remove_clause": _l("Suppression d'une clause"),
    "restore": _l("Restauration"),
    "update": _l("Modification"),
}

OBJECT_LABELS = {
    "AppSetting": _l("Paramètre"),
    "Buyer": _l("Acheteur"),
    "CateringSite": _l("Site de restauration"),
    "Clause": _l("Clause sociale"),
    "Company": _l("Entreprise"),
    "Contract": _l("Marché"),
    "ContractHolder": _l("Titulaire"),
    "CpvCode": _l("Code CPV"),
    "HourEntry": _l("Saisie d'heures"),
    "Objective": _l("Objectifs"),
    "Outcome": _l("Sortie"),
    "Participant": _l("Bénéficiaire"),
    "ParticipantIdentity": _l("Identité d'un bénéficiaire"),
    "Purchase": _l("Achat alimentaire"),
    "ReportVersion": _l("Rapport SPASER"),
    "Supplier": _l("Fournisseur"),
    "Territory": _l("Territoire"),
    "User": _l("Compte"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def object_label(code: str) -> str:
    return str(OBJECT_LABELS.get(code, code))
