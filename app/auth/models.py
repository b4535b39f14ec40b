from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.core import audit
from app.core.db import Base, TimestampMixin, in_check_sql
from app.core.enums import Role


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(in_check_sql("role", Role.codes()), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a memory-hard key derivation function.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return self.role == Role.ADMIN or self.role in roles

    @property
    def role_label(self) -> str:
        return Role.label_of(self.role)

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


audit.declare(
    User,
    email=_l("Adresse électronique"),
    role=audit.Audited(_l("Rôle"), show=audit.as_label(Role)),
    full_name=_l("Nom"),
    is_active=_l("Actif"),
)
