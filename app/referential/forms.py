"""Reference data forms: buyers (with their "local food" definition), territories, companies."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.core.enums import BuyerKind, IdentifierType, LocalDefinition, StructureKind
from app.core.forms import BaseForm, Siret, options
from app.extensions import db
from app.referential.models import Territory


class BuyerForm(BaseForm):
    siret = StringField(_l("SIRET"), validators=[DataRequired(_l("Le SIRET est obligatoire.")), Siret()])
    name = StringField(_l("Nom"), validators=[DataRequired(_l("Le nom est obligatoire.")), Length(max=255)])
    kind = SelectField(_l("Type d'acheteur"), choices=options(BuyerKind.choices()))
    territory_id = SelectField(
        _l("Territoire"), coerce=lambda v: int(v) if v else None, validators=[Optional()]
    )
    local_definition = SelectField(
        _l("Définition d'un produit « local »"),
        choices=options(LocalDefinition.choices()),
        description=_l("Sert au calcul de la part locale des achats alimentaires."),
    )
    local_radius_km = IntegerField(
        _l("Rayon (km)"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l("Entre 1 et 1 000 km."))],
        description=_l("Seulement si le local est défini par un rayon autour du site."),
    )
    is_active = BooleanField(_l("Actif"), default=True)
    submit = SubmitField(_l("Enregistrer"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        territories = db.session.scalars(select(Territory).order_by(Territory.name)).all()
        self.territory_id.choices = options(((t.id, t.name) for t in territories), blank=_l("— Aucun —"))


class TerritoryForm(BaseForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(_l("Le code est obligatoire.")),
            Length(max=40),
            Regexp(r"^[a-z0-9-]+$", message=_l("Lettres minuscules, chiffres et tirets seulement.")),
        ],
    )
    name = StringField(_l("Nom"), validators=[DataRequired(_l("Le nom est obligatoire.")), Length(max=120)])
    is_active = BooleanField(_l("Actif"), default=True)
    submit = SubmitField(_l("Enregistrer"))


class CompanyForm(BaseForm):
    identifier_type = SelectField(_l("Type d'identifiant"), choices=options(IdentifierType.choices()))
    identifier = StringField(
        _l("Identifiant (SIRET)"),
        validators=[DataRequired(_l("L'identifiant est obligatoire.")), Length(max=40)],
    )
    name = StringField(
        _l("Raison sociale"),
        validators=[DataRequired(_l("La raison sociale est obligatoire.")), Length(max=255)],
    )
    kind = SelectField(_l("Type de structure"), choices=options(StructureKind.choices()))
    commune_code = StringField(
        _l("Commune (code INSEE)"),
        validators=[Optional(), Regexp(r"^[0-9][0-9AB][0-9]{3}$", message=_l("Code INSEE à 5 caractères."))],
    )
    submit = SubmitField(_l("Enregistrer"))

    def validate_identifier(self, field):
        if self.identifier_type.data == IdentifierType.SIRET:
            Siret()(self, field)
