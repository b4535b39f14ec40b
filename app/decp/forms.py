"""Forms of the DECP upload and export pages."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from app.core.forms import BaseForm, Siret, options
from app.extensions import db
from app.referential.models import Buyer

# Uploads are processed within the request: beyond this size, use ``flask decp import``.
UPLOAD_MAX_MEGABYTES = 2


class DecpImportForm(BaseForm):
    file = FileField(
        _l("Fichier DECP (JSON)"),
        validators=[
            FileRequired(_l("Choisissez un fichier.")),
            FileAllowed(["json"], _l("Fichier JSON attendu.")),
        ],
        description=_l(
            "Format 2019 ou 2022, marchés et concessions. %(size)s Mo au plus (environ 2 500 marchés) ; au-delà, "
            "utilisez la commande « flask decp import ».",
            size=UPLOAD_MAX_MEGABYTES,
        ),
    )
    buyer = StringField(
        _l("N'importer que l'acheteur (SIRET)"),
        validators=[Optional(), Siret()],
        description=_l("Laissez vide pour importer tous les acheteurs du fichier."),
    )
    dry_run = BooleanField(_l("Simulation : tout vérifier sans rien enregistrer"))
    submit = SubmitField(_l("Importer"))


class DecpExportForm(BaseForm):
    class Meta:
        csrf = False  # a GET form that only reads

    buyer_id = SelectField(
        _l("Acheteur"), coerce=int, validators=[DataRequired(_l("Choisissez un acheteur."))]
    )
    year = IntegerField(
        _l("Année de notification"),
        default=lambda: date.today().year - 1,
        validators=[DataRequired(_l("Indiquez l'année.")), NumberRange(1990, 2100, _l("Année invalide."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        buyers = db.session.execute(select(Buyer.id, Buyer.name, Buyer.siret).order_by(Buyer.name))
        self.buyer_id.choices = [
            SelectChoice(0, "—"),
            *options((b.id, f"{b.name} ({b.siret})") for b in buyers),
        ]
