from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from app.core.db import Hours, Percent
from app.core.forms import BaseForm, FrenchDecimalField

SHARE = [Optional(), NumberRange(0, 100, _l("Entre 0 et 100 %%."))]


class ObjectiveForm(BaseForm):
    social_contract_count_share = FrenchDecimalField(
        _l("Marchés avec une considération sociale, en nombre (%)"),
        column=Percent,
        places=2,
        validators=SHARE,
    )
    social_contract_amount_share = FrenchDecimalField(
        _l("Marchés avec une considération sociale, en montant (%)"),
        column=Percent,
        places=2,
        validators=SHARE,
    )
    insertion_hours = FrenchDecimalField(
        _l("Heures d'insertion réalisées dans l'année"),
        column=Hours,
        places=2,
        validators=[Optional(), NumberRange(0, None, _l("Pas de valeur négative."))],
    )
    participants = IntegerField(
        _l("Participants ayant travaillé dans l'année"),
        validators=[Optional(), NumberRange(0, None, _l("Pas de valeur négative."))],
    )
    short_circuit_share = FrenchDecimalField(
        _l("Achats alimentaires en circuit court (%)"), column=Percent, places=2, validators=SHARE
    )
    local_share = FrenchDecimalField(
        _l("Achats alimentaires locaux (%)"), column=Percent, places=2, validators=SHARE
    )
    organic_share = FrenchDecimalField(
        _l("Achats alimentaires biologiques (%)"), column=Percent, places=2, validators=SHARE
    )
    egalim_share = FrenchDecimalField(
        _l("Achats alimentaires EGalim (%)"), column=Percent, places=2, validators=SHARE
    )
