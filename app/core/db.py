"""Declarative base, constraint naming convention, shared column types and SQL checks."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, MetaData, Numeric, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

from app.core.search import install_fold_function

# Named constraints keep migrations portable between SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(15, 2)
Hours = Numeric(10, 2)
Percent = Numeric(5, 2)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={Decimal: Numeric(15, 2), datetime: DateTime(timezone=True)},
    )


install_fold_function(Base.metadata)


def utcnow() -> datetime:
    return datetime.now(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())


def siret_check_sql(column: str) -> str:
    """SQL that holds when ``column`` is a valid SIRET: 14 digits and a Luhn checksum.

    La Poste's establishments (SIREN 356000000) other than its head office use a digit sum divisible by 5
    instead (INSEE rule), as python-stdnum does. Written with functions SQLite and PostgreSQL share; CASE guards the casts.
    """
    doubled = []
    plain = []
    for position in range(1, 15):
        digit = f"CAST(substr({column}, {position}, 1) AS INTEGER)"
        plain.append(digit)
        # 14 digits: counted from the right, the odd positions from the left are doubled.
        if position % 2 == 1:
            doubled.append(f"(({digit} * 2) / 10 + ({digit} * 2) % 10)")
        else:
            doubled.append(digit)
    luhn = " + ".join(doubled)
    digit_sum = " + ".join(plain)
    return (
        f"CASE WHEN length({column}) = 14 AND ltrim({column}, '0123456789') = '' THEN "
        f"CASE WHEN substr({column}, 1, 9) = '356000000' AND {column} <> '35600000000048' THEN ({digit_sum}) % 5 = 0 "
        f"ELSE ({luhn}) % 10 = 0 END ELSE 1 = 0 END"
    )


def in_check_sql(column: str, values) -> str:
    """SQL that holds when ``column`` is one of ``values`` (enumerations stored as their codes)."""
    quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"
