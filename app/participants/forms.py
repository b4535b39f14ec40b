from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from app.core.enums import Eligibility, Gender, OutcomeStatus, QualificationLevel
from app.core.forms import BaseForm, MultiCheckboxField, PlausibleDateField, options
from app.participants.services import ParticipantData
from app.referential.queries import commune_choices


class ParticipantForm(BaseForm):
    data_class = ParticipantData

    gender = SelectField(_l("Genre"), choices=options(Gender.choices()))
    birth_year = IntegerField(_l("Année de naissance"), validators=[Optional()])
    qualification_level = SelectField(
        _l("Niveau de qualification"),
        choices=options(QualificationLevel.choices(), blank="—"),
        validate_choice=False,
    )
    is_qpv_resident = BooleanField(
        _l("Réside dans un quartier prioritaire de la politique de la ville (QPV)")
    )
    commune_code = SelectField(_l("Commune de résidence"), choices=[], validate_choice=False)
    criteria = MultiCheckboxField(
        _l("Critères d'éligibilité"),
        choices=options(Eligibility.choices()),
        validators=[InputRequired(_l("Cochez au moins un critère d'éligibilité."))],
    )
    other_eligibility_reason = StringField(
        _l("Motif (critère « Autre »)"),
        validators=[Length(max=500)],
        description=_l("Obligatoire avec le critère « Autre »."),
    )
    first_name = StringField(_l("Prénom"), validators=[Length(max=120)])
    last_name = StringField(_l("Nom"), validators=[Length(max=120)])
    email = EmailField(
        _l("Courriel"), validators=[Optional(), Email(_l("Adresse électronique invalide.")), Length(max=255)]
    )
    phone = StringField(_l("Téléphone"), validators=[Length(max=40)])
    address = StringField(_l("Adresse postale"), validators=[Length(max=500)])
    submit = SubmitField(_l("Enregistrer"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune_code.choices = options(commune_choices())


class OutcomeForm(BaseForm):
    status = SelectField(_l("Situation"), choices=options(OutcomeStatus.choices()))
    observed_on = PlausibleDateField(
        _l("Observée le"), validators=[InputRequired(_l("Indiquez la date d'observation."))]
    )
    notes = TextAreaField(_l("Précisions"), validators=[Length(max=2000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Enregistrer la sortie"))


class RetentionForm(BaseForm):
    years = IntegerField(
        _l("Durée de conservation des identités après la dernière activité (années)"),
        validators=[InputRequired(), NumberRange(1, 30, _l("Entre 1 et 30 ans."))],
    )
    submit = SubmitField(_l("Enregistrer"))


class EraseForm(BaseForm):
    reason = StringField(_l("Motif de la demande (facultatif)"), validators=[Length(max=300)])
    submit = SubmitField(_l("Effacer l'identité"))
