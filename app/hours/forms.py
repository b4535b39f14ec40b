from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import InputRequired

from app.core.db import Hours
from app.core.enums import ContractType, Modality
from app.core.forms import BaseForm, FrenchDecimalField, MonthField, options


class ImportForm(BaseForm):
    file = FileField(
        _l("Fichier (CSV ou XLSX)"),
        validators=[
            FileRequired(_l("Choisissez un fichier.")),
            FileAllowed(["csv", "xlsx", "txt"], _l("Formats acceptés : CSV (UTF-8) ou XLSX.")),
        ],
    )
    submit = SubmitField(_l("Vérifier le fichier"))


class EntryForm(BaseForm):
    participant_code = StringField(_l("Bénéficiaire (code)"), validators=[InputRequired()])
    employer_siret = StringField(_l("Employeur (SIRET)"), validators=[InputRequired()])
    modality = SelectField(_l("Modalité"), choices=options(Modality.choices()))
    month = MonthField(_l("Mois (AAAA-MM)"), validators=[InputRequired()])
    hours = FrenchDecimalField(
        _l("Heures"), column=Hours, validators=[InputRequired(_l("Indiquez le nombre d'heures."))]
    )
    contract_type = SelectField(_l("Type de contrat"), choices=options(ContractType.choices(), blank="—"))
    submit = SubmitField(_l("Enregistrer"))
