from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from app.core.forms import BaseForm, options
from app.extensions import db
from app.referential.models import Buyer


class GenerateReportForm(BaseForm):
    buyer_id = SelectField(_l("Acheteur"), coerce=int, validators=[InputRequired()])
    year = IntegerField(
        _l("Année"),
        validators=[InputRequired(_l("Indiquez l'année.")), NumberRange(2000, 2100, _l("Année invalide."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        buyers = db.session.execute(select(Buyer.id, Buyer.name).order_by(Buyer.name))
        self.buyer_id.choices = options((b.id, b.name) for b in buyers)
