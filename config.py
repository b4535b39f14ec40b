"""Configuration classes, read from the environment (nothing is read at import time by the app)."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_INSTANCE = BASE_DIR / "instance"


def _instance_path() -> Path:
    return Path(os.environ.get("LEVIER_INSTANCE_PATH", DEFAULT_INSTANCE))


def _development_secret_key() -> str:
    """Generate a secret key once and keep it in the instance folder so sessions survive restarts."""
    key_file = _instance_path() / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return f"sqlite:///{_instance_path() / 'levier.db'}"


class Config:
    """Settings shared by every environment."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LEVIER_TIMEZONE = "Europe/Paris"
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_STYLE = "primary"
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 1024 * 1024 * 1024
    PER_PAGE = 25
    # Most hours one person can work in a month, summed over all their entries (docs/domain.md §4).
    MAX_HOURS_PER_PARTICIPANT_MONTH = 200
    REPORT_STORAGE = None  # defaults to <instance>/reports
    # Annual SPASER report: 15 January, 06:00 Europe/Paris (cron fields of APScheduler).
    REPORT_CRON = os.environ.get("LEVIER_REPORT_CRON", "0 6 15 1 *")

    def __init__(self) -> None:
        self.SQLALCHEMY_DATABASE_URI = _database_url()


class DevelopmentConfig(Config):
    DEBUG = False

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret_key()


class TestingConfig(Config):
    __test__ = False  # not a pytest test class

    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    SERVER_NAME = "levier.test"

    def __init__(self) -> None:
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
        if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            from sqlalchemy.pool import StaticPool

            self.SQLALCHEMY_ENGINE_OPTIONS = {
                "poolclass": StaticPool,
                "connect_args": {"check_same_thread": False},
            }


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True

    def __init__(self) -> None:
        super().__init__()
        key = os.environ.get("SECRET_KEY")
        if not key:
            raise RuntimeError(
                "SECRET_KEY doit être défini en production (variable d'environnement SECRET_KEY)."
            )
        self.SECRET_KEY = key


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    return CONFIGS[os.environ.get("LEVIER_ENV", "development")]
