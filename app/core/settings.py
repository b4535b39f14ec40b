"""Application settings an administrator can change at run time (key/value, typed on read)."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, TimestampMixin
from app.extensions import db

DEFAULTS = {
    # GDPR: how long participants' identities are kept after their last activity.
    "participant_identity_retention_years": "5",
}


class AppSetting(TimestampMixin, Base):
    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


def get_setting(key: str) -> str:
    row = db.session.get(AppSetting, key)
    return row.value if row else DEFAULTS[key]


def set_setting(key: str, value: str) -> None:
    row = db.session.get(AppSetting, key)
    if row is None:
        db.session.add(AppSetting(key=key, value=value))
    else:
        row.value = value
