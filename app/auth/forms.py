from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from app.core.enums import Role
from app.core.forms import BaseForm, options

MIN_PASSWORD_LENGTH = 10


class LoginForm(BaseForm):
    email = EmailField(_l("Adresse électronique"), validators=[InputRequired(_l("Saisissez votre adresse."))])
    password = PasswordField(
        _l("Mot de passe"), validators=[InputRequired(_l("Saisissez votre mot de passe."))]
    )
    remember = BooleanField(_l("Rester connecté"))
    submit = SubmitField(_l("Se connecter"))


class UserCreateForm(BaseForm):
    email = EmailField(
        _l("Adresse électronique"),
        validators=[
            InputRequired(_l("L'adresse est obligatoire.")),
            Email(_l("Adresse électronique invalide.")),
        ],
    )
    full_name = StringField(_l("Nom complet"), validators=[Length(max=200)])
    role = SelectField(_l("Rôle"), choices=options(Role.choices()))
    password = PasswordField(
        _l("Mot de passe initial"),
        validators=[
            InputRequired(_l("Le mot de passe est obligatoire.")),
            Length(min=MIN_PASSWORD_LENGTH, message=_l("Au moins %(n)s caractères.", n=MIN_PASSWORD_LENGTH)),
        ],
    )
    submit = SubmitField(_l("Créer le compte"))


class UserEditForm(BaseForm):
    full_name = StringField(_l("Nom complet"), validators=[Length(max=200)])
    role = SelectField(_l("Rôle"), choices=options(Role.choices()))
    submit = SubmitField(_l("Enregistrer"))


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(_l("Mot de passe actuel"), validators=[InputRequired()])
    new_password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[
            InputRequired(),
            Length(min=MIN_PASSWORD_LENGTH, message=_l("Au moins %(n)s caractères.", n=MIN_PASSWORD_LENGTH)),
        ],
    )
    confirm = PasswordField(
        _l("Confirmation"), validators=[EqualTo("new_password", _l("Les deux saisies diffèrent."))]
    )
    submit = SubmitField(_l("Changer le mot de passe"))
