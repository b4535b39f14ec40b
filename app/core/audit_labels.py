"""French names of the audit log's object types (class names, stable in the database); actions: ``audit.action_label``."""

from flask_babel import lazy_gettext as _l

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


def object_label(code: str) -> str:
    return str(OBJECT_LABELS.get(code, code))
