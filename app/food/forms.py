"""Forms of the food pages: sites, suppliers, purchases, the import upload and the buyer's "local" setting."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.enums import CateringKind, FoodCharacteristic, FoodFamily, FoodOrigin, LocalDefinition
from app.core.forms import (
    BaseForm,
    FrenchDateField,
    FrenchDecimalField,
    MultiCheckboxField,
    PositiveMoney,
    Siret,
    options,
)
from app.food.queries.lists import active_buyers, all_sites, all_suppliers
from app.food.services import PurchaseData, SiteData, SupplierData


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class SiteForm(BaseForm):
    data_class = SiteData

    name = StringField(
        _l("Nom du site"), validators=[InputRequired(_l("Le nom du site est obligatoire.")), Length(max=255)]
    )
    buyer_id = SelectField(
        _l("Acheteur"), coerce=_optional_int, validators=[InputRequired(_l("Choisissez l'acheteur."))]
    )
    kind = SelectField(_l("Type de site"), choices=options(CateringKind.choices()))
    siret = StringField(
        _l("SIRET de l'établissement"),
        validators=[Optional(), Siret()],
        description=_l("Identifie le site dans les fichiers d'achats de ma-cantine."),
    )
    commune_code = StringField(_l("Code commune INSEE"), validators=[Optional(), Length(min=5, max=5)])
    meals_per_year = IntegerField(
        _l("Repas servis par an"),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Le nombre de repas ne peut pas être négatif.")),
        ],
    )
    is_active = BooleanField(_l("Site actif"), default=True)
    submit = SubmitField(_l("Enregistrer"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.buyer_id.choices = options(((b.id, b.name) for b in active_buyers()), blank=_l("— Choisir —"))


class SupplierForm(BaseForm):
    data_class = SupplierData

    name = StringField(
        _l("Nom du fournisseur"), validators=[InputRequired(_l("Le nom est obligatoire.")), Length(max=255)]
    )
    siret = StringField(_l("SIRET (facultatif)"), validators=[Optional(), Siret()])
    commune_code = StringField(_l("Code commune INSEE"), validators=[Optional(), Length(min=5, max=5)])
    is_direct_producer = BooleanField(_l("Producteur en vente directe"))
    is_inclusion_structure = BooleanField(_l("Structure d'insertion (SIAE, EA, ESAT)"))
    submit = SubmitField(_l("Enregistrer"))


class PurchaseForm(BaseForm):
    data_class = PurchaseData

    purchased_on = FrenchDateField(
        _l("Date d'achat"), validators=[InputRequired(_l("La date d'achat est obligatoire (jj/mm/aaaa)."))]
    )
    site_id = SelectField(
        _l("Site de restauration"),
        coerce=_optional_int,
        validators=[InputRequired(_l("Choisissez le site."))],
    )
    supplier_id = SelectField(_l("Fournisseur"), coerce=_optional_int, validate_choice=False)
    family = SelectField(_l("Famille de produits"), choices=options(FoodFamily.choices()))
    description = StringField(
        _l("Description du produit"),
        validators=[InputRequired(_l("La description du produit est obligatoire.")), Length(max=1000)],
    )
    amount_excl_tax = FrenchDecimalField(
        _l("Montant HT (€)"),
        validators=[InputRequired(_l("Le montant HT est obligatoire.")), PositiveMoney()],
        description=_l("Par exemple 1 234,56"),
    )
    codes = MultiCheckboxField(_l("Caractéristiques"), choices=options(FoodCharacteristic.choices()))
    origin = SelectField(_l("Origine"), choices=options(FoodOrigin.choices(), blank=_l("Non renseignée")))
    submit = SubmitField(_l("Enregistrer l'achat"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        purchase = kwargs.get("obj")
        sites = [s for s in all_sites() if s.is_active or (purchase and s.id == purchase.site_id)]
        self.site_id.choices = options(
            ((s.id, f"{s.name} ({s.buyer.name})") for s in sites), blank=_l("— Choisir —")
        )
        self.supplier_id.choices = options(
            ((s.id, s.name) for s in all_suppliers()), blank=_l("— Aucun / inconnu —")
        )

    def validate_supplier_id(self, field):
        known = {field.coerce(choice.value) for choice in field.choices}
        if field.data not in known:
            raise ValidationError(_l("Fournisseur inconnu."))


class ImportForm(BaseForm):
    file = FileField(
        _l("Fichier d'achats (CSV ou XLSX)"),
        validators=[
            FileRequired(_l("Choisissez un fichier.")),
            FileAllowed(["csv", "xlsx", "txt"], _l("Format non pris en charge : CSV ou XLSX attendu.")),
        ],
    )
    submit = SubmitField(_l("Vérifier le fichier"))


class LocalDefinitionForm(BaseForm):
    local_definition = SelectField(
        _l("Un produit est local s'il vient de…"), choices=options(LocalDefinition.choices())
    )
    local_radius_km = IntegerField(
        _l("Rayon (km)"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l("Rayon entre 1 et 1 000 km."))],
    )
    submit = SubmitField(_l("Enregistrer la définition"))
