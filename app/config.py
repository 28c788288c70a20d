"""One settings class; every value can be set from the environment as ``DIPLOCAL_<NAME>``."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DIPLOCAL_", extra="ignore")

    database_url: str = Field(
        "sqlite:///./diplocal.db",
        description="SQLAlchemy URL. The default is a SQLite file in the working folder.",
    )
    base_url: str | None = Field(
        None,
        description="Public URL of the service (https://calendar.example.org), used in links "
        "and feeds. Unset: taken from each request.",
    )
    sqlite_busy_timeout_ms: int = Field(
        5000, ge=0, description="How long a SQLite writer waits for a lock before failing."
    )
    log_level: str = Field("info", description="Python logging level.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
