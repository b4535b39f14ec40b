"""Contract and clause forms: field-level checks with French messages; business rules stay in services."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from app.auth.models import User
from app.contracts.queries import cpv_full_code
from app.contracts.services import ClauseData, ContractData, HolderData
from app.core.dates import add_months
from app.core.db import Hours, Percent
from app.core.enums import (
    CONCESSION_PROCEDURES,
    MARCHE_PROCEDURES,
    ClauseKind,
    ContractKind,
    EnvironmentalConsideration,
    HoursMethod,
    Nature,
    ReservedArticle,
    Role,
)
from app.core.forms import (
    BaseForm,
    Cpv,
    FrenchDecimalField,
    MultiCheckboxField,
    PlausibleDateField,
    PositiveMoney,
    Siret,
    options,
)
from app.extensions import db
from app.referential.models import Buyer, Territory
from app.referential.queries import find_cpv

# DECP ``lieuExecution.typeCode``.
PLACE_TYPES = [
    ("", _l("— Non renseigné —")),
    ("Code commune", _l("Code commune (INSEE)")),
    ("Code postal", _l("Code postal")),
    ("Code département", _l("Code département")),
    ("Code région", _l("Code région")),
    ("Code pays", _l("Code pays")),
]
HOLDER_ROWS_MIN = 2


class HolderForm(Form):
    """One holder row; the subform carries no CSRF token of its own."""

    identifier = StringField(_l("SIRET"), validators=[Optional(), Siret()])
    # Not ``name``: a FormField already has a ``name`` attribute that would hide the subfield.
    company_name = StringField(
        _l("Raison sociale"),
        validators=[Optional(), Length(max=255)],
        description=_l("Obligatoire si l'entreprise n'est pas encore connue de Levier."),
    )
    amount_share = FrenchDecimalField(
        _l("Part du montant (%)"),
        column=Percent,
        validators=[Optional(), NumberRange(min=0.01, max=100, message=_l("Entre 0 et 100 %%."))],
        description=_l("Marché conjoint : part de ce titulaire, si elle est connue."),
    )


def duration_between(start, end) -> int:
    """Smallest number of months whose execution period (start + n months − 1 day) reaches ``end``."""
    months = max(1, (end.year - start.year) * 12 + end.month - start.month)
    while add_months(start, months) - timedelta(days=1) < end:
        months += 1
    while months > 1 and add_months(start, months - 1) - timedelta(days=1) >= end:
        months -= 1
    return months


class ContractForm(BaseForm):
    version = HiddenField()
    buyer_id = SelectField(
        _l("Acheteur"), coerce=int, validators=[InputRequired(_l("Choisissez l'acheteur."))]
    )
    reference = StringField(
        _l("Référence du marché"),
        validators=[DataRequired(_l("La référence est obligatoire.")), Length(max=16)],
        description=_l("Identifiant donné par l'acheteur (DECP « id », 16 caractères au plus)."),
    )
    object = TextAreaField(
        _l("Objet"),
        validators=[DataRequired(_l("L'objet est obligatoire.")), Length(max=1000)],
        render_kw={"rows": 2},
    )
    kind = SelectField(_l("Type de contrat"), choices=options(ContractKind.choices()))
    nature = SelectField(_l("Nature"), choices=options(Nature.choices()))
    procedure = SelectField(
        _l("Procédure"),
        choices=[
            SelectChoice("", _l("— Non renseignée —")),
            *(SelectChoice(p.value, p.label, optgroup=_l("Marchés publics")) for p in MARCHE_PROCEDURES),
            *(
                SelectChoice(p.value, p.label, optgroup=_l("Contrats de concession"))
                for p in CONCESSION_PROCEDURES
            ),
        ],
        validators=[Optional()],
    )
    cpv_code = StringField(
        _l("Code CPV"),
        validators=[Optional(), Cpv(find_cpv)],
        # A code of spaces is no code (it passed Optional() and then broke the table's CHECK: a 500).
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description=_l("Nomenclature CPV 2008, par exemple 45000000-7."),
        render_kw={"list": "cpv-suggestions", "autocomplete": "off", "placeholder": "45000000-7"},
    )
    amount_excl_tax = FrenchDecimalField(
        _l("Montant (€ HT)"),
        validators=[Optional(), PositiveMoney()],
        description=_l("Montant forfaitaire ou estimé maximum."),
    )
    notified_on = PlausibleDateField(_l("Date de notification"), validators=[Optional()])
    duration_months = IntegerField(
        _l("Durée (mois)"),
        validators=[Optional(), NumberRange(min=1, message=_l("La durée doit être d'au moins un mois."))],
    )
    ends_on = PlausibleDateField(
        _l("ou date de fin d'exécution"),
        validators=[Optional()],
        description=_l("Si vous l'indiquez, la durée en mois est calculée à partir de la notification."),
    )
    place_type = SelectField(
        _l("Lieu d'exécution : type de code"), choices=options(PLACE_TYPES), validators=[Optional()]
    )
    place_code = StringField(_l("Lieu d'exécution : code"), validators=[Optional(), Length(max=20)])
    territory_id = SelectField(
        _l("Territoire"), coerce=lambda v: int(v) if v else None, validators=[Optional()]
    )
    environmental_considerations = MultiCheckboxField(
        _l("Considérations environnementales"), choices=options(EnvironmentalConsideration.choices())
    )
    holders = FieldList(FormField(HolderForm), min_entries=HOLDER_ROWS_MIN, max_entries=30)

    def __init__(self, *args, current_buyer_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Active buyers, plus the contract's own buyer even if it was deactivated since.
        active = (
            Buyer.is_active
            if current_buyer_id is None
            else (Buyer.is_active | (Buyer.id == current_buyer_id))
        )
        buyers = db.session.scalars(select(Buyer).where(active).order_by(Buyer.name)).all()
        self.buyer_id.choices = options((b.id, f"{b.name} ({b.siret})") for b in buyers)
        territories = db.session.scalars(
            select(Territory).where(Territory.is_active).order_by(Territory.name)
        ).all()
        self.territory_id.choices = options(((t.id, t.name) for t in territories), blank=_l("— Aucun —"))

    def add_holder_row(self) -> None:
        """One more holder row (the « Ajouter une ligne » button works without JavaScript)."""
        if len(self.holders) < self.holders.max_entries:
            self.holders.append_entry()

    def ensure_blank_holder_row(self) -> None:
        if all((entry.identifier.data or "").strip() for entry in self.holders):
            self.add_holder_row()

    def validate_procedure(self, field):
        allowed = CONCESSION_PROCEDURES if self.kind.data == ContractKind.CONCESSION else MARCHE_PROCEDURES
        if field.data and field.data not in allowed:
            kind = ContractKind.label_of(self.kind.data).lower()
            raise ValidationError(_l("Cette procédure ne s'applique pas à un %(kind)s.", kind=kind))

    def validate_ends_on(self, field):
        if field.data is None:
            return
        if self.notified_on.data is None:
            raise ValidationError(_l("Indiquez la date de notification pour calculer la durée."))
        if field.data < self.notified_on.data:
            raise ValidationError(_l("La date de fin ne peut pas précéder la date de notification."))
        months = duration_between(self.notified_on.data, field.data)
        if self.duration_months.data and self.duration_months.data != months:
            raise ValidationError(
                _l(
                    "La date de fin correspond à %(n)s mois, la durée indiquée est de %(d)s mois.",
                    n=months,
                    d=self.duration_months.data,
                )
            )

    def validate_holders(self, field):
        filled = [entry for entry in field if (entry.identifier.data or "").strip()]
        if not filled:
            raise ValidationError(_l("Indiquez au moins un titulaire (SIRET)."))
        seen = set()
        for entry in filled:
            if entry.identifier.data in seen:
                entry.identifier.errors.append(_l("Ce titulaire est déjà indiqué."))
                raise ValidationError(_l("Un titulaire est indiqué deux fois."))
            seen.add(entry.identifier.data)

    def to_data(self) -> ContractData:
        duration = self.duration_months.data
        if self.ends_on.data and self.notified_on.data:
            duration = duration_between(self.notified_on.data, self.ends_on.data)
        return super().to_data(
            ContractData,
            duration_months=duration,
            territory_id=self.territory_id.data or None,
            holders=[
                HolderData(
                    identifier=entry.identifier.data,
                    name=(entry.company_name.data or "").strip(),
                    amount_share=entry.amount_share.data,
                )
                for entry in self.holders
                if (entry.identifier.data or "").strip()
            ],
            holder_shares_given=True,
        )

    def fill_from(self, contract) -> None:
        """Pre-fill for editing (GET only: a POST keeps what the user typed)."""
        self.process(obj=contract)
        self.version.data = contract.version
        self.ends_on.data = None  # the duration is authoritative; the current end date is shown beside
        self.cpv_code.data = cpv_full_code(contract.cpv_code) or None
        while len(self.holders):
            self.holders.pop_entry()
        for holder in contract.holders:
            self.holders.append_entry(
                {
                    "identifier": holder.company.identifier,
                    "company_name": holder.company.name,
                    "amount_share": holder.amount_share,
                }
            )
        self.ensure_blank_holder_row()


def facilitator_choices() -> list[tuple[int, str]]:
    users = db.session.scalars(
        select(User).where(User.role == Role.FACILITATOR, User.is_active).order_by(User.full_name, User.email)
    ).all()
    return [(u.id, u.full_name and f"{u.full_name} ({u.email})" or u.email) for u in users]


def submitted_version(field) -> int | None:
    """The version a form was filled from; None when missing or not a plain number (refuse the edit)."""
    text = field.data if isinstance(field.data, str) else ("" if field.data is None else str(field.data))
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


# NumberRange formats its message with ``%``: a literal percent sign must be written ``%%``.
PERCENT_RANGE = _l("Indiquez un pourcentage supérieur à 0 et au plus égal à 100 %%.")

#: Clause kinds under which the holder commits to insertion hours (a reserved contract has none).
KINDS_WITH_HOURS = (ClauseKind.EXECUTION_CONDITION, ClauseKind.AWARD_CRITERION, ClauseKind.INSERTION_OBJECT)


class OnlyFor:
    """Skip (and forget) a field that does not apply to the chosen clause kind or hours method.

    The page hides such fields (CSS only, no script needed); a value left in one must neither block the
    form with an error the user cannot see nor be saved.
    """

    field_flags = {"optional": True}

    def __init__(self, kinds=None, methods=None):
        self.kinds = {str(k) for k in kinds} if kinds else None
        self.methods = {str(m) for m in methods} if methods else None

    def __call__(self, form, field):
        kind_applies = self.kinds is None or form.kind.data in self.kinds
        method_applies = (
            self.methods is None or (form.hours_method.data or HoursMethod.MANUAL) in self.methods
        )
        if not (kind_applies and method_applies):
            field.errors[:] = []
            field.data = None
            raise StopValidation()


class ClauseForm(BaseForm):
    # Optimistic locking: the version the form was filled from (an edit of an older one is refused).
    version = HiddenField()
    kind = SelectField(_l("Type de clause"), choices=options(ClauseKind.choices()))
    hours_method = SelectField(
        _l("Heures d'insertion prévues"),
        choices=options(HoursMethod.choices()),
        default=HoursMethod.MANUAL,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.RadioInput(),
    )
    planned_hours = FrenchDecimalField(
        _l("Heures prévues (saisie directe)"),
        column=Hours,
        validators=[OnlyFor(KINDS_WITH_HOURS, [HoursMethod.MANUAL]), Optional()],
        description=_l(
            "Condition d'exécution et critère d'attribution sur un même marché : les heures offertes par le "
            "lauréat incluent le minimum, l'engagement retenu est le plus grand des deux, jamais leur somme."
        ),
    )
    labour_share = FrenchDecimalField(
        _l("Part de main-d'œuvre (%)"),
        column=Percent,
        validators=[
            OnlyFor(KINDS_WITH_HOURS, [HoursMethod.RATE]),
            Optional(),
            NumberRange(min=0.01, max=100, message=PERCENT_RANGE),
        ],
        description=_l("De 20 % (charpente métallique) à 70 % (peinture intérieure)."),
    )
    insertion_rate = FrenchDecimalField(
        _l("Taux d'insertion (%)"),
        column=Percent,
        validators=[
            OnlyFor(KINDS_WITH_HOURS, [HoursMethod.RATE]),
            Optional(),
            NumberRange(min=0.01, max=100, message=PERCENT_RANGE),
        ],
        description=_l("Part de la main-d'œuvre réservée à l'insertion, souvent 5 à 20 %."),
    )
    hourly_cost = FrenchDecimalField(
        _l("Coût horaire chargé (€ HT)"),
        validators=[OnlyFor(KINDS_WITH_HOURS, [HoursMethod.RATE]), Optional(), PositiveMoney()],
        description=_l("Souvent 25 à 30 €."),
    )
    euros_per_hour = FrenchDecimalField(
        _l("Forfait : 1 heure pour N € HT"),
        validators=[OnlyFor(KINDS_WITH_HOURS, [HoursMethod.FLAT]), Optional(), PositiveMoney()],
    )
    award_weight_percent = FrenchDecimalField(
        _l("Pondération du critère social (%)"),
        column=Percent,
        validators=[
            OnlyFor([ClauseKind.AWARD_CRITERION]),
            Optional(),
            NumberRange(min=0.01, max=100, message=PERCENT_RANGE),
        ],
    )
    reserved_article = SelectField(
        _l("Article du marché réservé"),
        choices=options(ReservedArticle.choices(), blank=_l("— Non précisé —")),
        validators=[OnlyFor([ClauseKind.RESERVED]), Optional()],
    )
    facilitator_ids = SelectMultipleField(
        _l("Facilitateurs qui suivent la clause"), coerce=int, validators=[Optional()]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.facilitator_ids.choices = options(facilitator_choices())
        self.facilitator_ids.render_kw = {"size": min(6, max(3, len(self.facilitator_ids.choices)))}

    def fill_from(self, clause) -> None:
        self.process(obj=clause)
        self.facilitator_ids.data = [u.id for u in clause.facilitators]

    def to_data(self, needs_review: bool = False) -> ClauseData:
        if self.kind.data in KINDS_WITH_HOURS:
            return super().to_data(ClauseData, needs_review=needs_review)
        # A reserved contract commits no hours, whatever the hidden calculator still holds.
        return super().to_data(ClauseData, needs_review=needs_review, hours_method=HoursMethod.MANUAL)
