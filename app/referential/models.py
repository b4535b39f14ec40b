"""Reference data: territories, buyers, companies and structures, CPV codes."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import audit
from app.core.db import Base, TimestampMixin, in_check_sql, siret_check_sql
from app.core.enums import BuyerKind, IdentifierType, LocalDefinition, StructureKind

# The nine territories of the Pas-de-Calais (docs/domain.md §1); also seeded by the first migration.
PAS_DE_CALAIS_TERRITORIES = (
    ("arrageois", "Arrageois"),
    ("artois", "Artois"),
    ("audomarois", "Audomarois"),
    ("boulonnais", "Boulonnais"),
    ("calaisis", "Calaisis"),
    ("henin-carvin", "Hénin-Carvin"),
    ("lens-lievin", "Lens-Liévin"),
    ("montreuillois", "Montreuillois"),
    ("ternois", "Ternois"),
)


class Territory(Base):
    __tablename__ = "territories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Territory {self.name}>"


class Buyer(TimestampMixin, Base):
    """A public buyer (acheteur), identified by SIRET; reports are per buyer."""

    __tablename__ = "buyers"
    __table_args__ = (
        CheckConstraint(siret_check_sql("siret"), name="siret_valid"),
        CheckConstraint(in_check_sql("kind", BuyerKind.codes()), name="kind"),
        CheckConstraint(in_check_sql("local_definition", LocalDefinition.codes()), name="local_definition"),
        CheckConstraint("local_radius_km IS NULL OR local_radius_km > 0", name="local_radius_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20), default=BuyerKind.OTHER)
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territories.id"))
    # How the buyer defines "local" food (docs/domain.md §5).
    local_definition: Mapped[str] = mapped_column(String(20), default=LocalDefinition.DEPARTEMENT)
    local_radius_km: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)

    territory: Mapped[Territory | None] = relationship()

    def __repr__(self) -> str:
        return f"<Buyer {self.siret} {self.name}>"


class Company(TimestampMixin, Base):
    """A company or structure: contract holder, subcontractor or employer of participants."""

    __tablename__ = "companies"
    __table_args__ = (
        UniqueConstraint("identifier_type", "identifier"),
        CheckConstraint(in_check_sql("identifier_type", IdentifierType.codes()), name="identifier_type"),
        CheckConstraint(in_check_sql("kind", StructureKind.codes()), name="kind"),
        CheckConstraint(
            f"identifier_type <> 'SIRET' OR ({siret_check_sql('identifier')})", name="siret_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier_type: Mapped[str] = mapped_column(String(10), default=IdentifierType.SIRET)
    identifier: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20), default=StructureKind.ORDINARY)
    commune_code: Mapped[str | None] = mapped_column(String(5))

    @property
    def siret(self) -> str | None:
        return self.identifier if self.identifier_type == IdentifierType.SIRET else None

    @property
    def kind_label(self) -> str:
        return StructureKind.label_of(self.kind)

    def __repr__(self) -> str:
        return f"<Company {self.identifier} {self.name}>"


class CpvCode(Base):
    """CPV 2008 nomenclature (Regulation (EC) 213/2008), loaded by ``flask ref load-cpv``."""

    __tablename__ = "cpv_codes"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    check_digit: Mapped[str] = mapped_column(String(1))
    label: Mapped[str] = mapped_column(String(400))

    @property
    def full_code(self) -> str:
        return f"{self.code}-{self.check_digit}"


audit.declare(Territory, code=_l("Code"), name=_l("Nom"), is_active=_l("Actif"))

audit.declare(
    Buyer,
    siret=_l("SIRET"),
    name=_l("Nom"),
    kind=audit.Audited(_l("Type d'acheteur"), show=audit.as_label(BuyerKind)),
    territory_id=audit.Audited(_l("Territoire"), ref=("Territory", "name")),
    local_definition=audit.Audited(_l("Définition du local"), show=audit.as_label(LocalDefinition)),
    local_radius_km=_l("Rayon du local (km)"),
    is_active=_l("Actif"),
)

audit.declare(
    Company,
    identifier_type=audit.Audited(_l("Type d'identifiant"), show=audit.as_label(IdentifierType)),
    identifier=_l("Identifiant"),
    name=_l("Raison sociale"),
    kind=audit.Audited(_l("Type de structure"), show=audit.as_label(StructureKind)),
    commune_code=_l("Commune (code INSEE)"),
)
