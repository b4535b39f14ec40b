from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from app.core.forms import BaseForm


class GenerateReportForm(BaseForm):
    buyer_id = SelectField(_l("Acheteur"), coerce=int, validators=[InputRequired()])
    year = IntegerField(
        _l("Année"),
        validators=[InputRequired(_l("Indiquez l'année.")), NumberRange(2000, 2100, _l("Année invalide."))],
    )
