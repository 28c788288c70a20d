"""One settings class; every value can be set from the environment as ``DIPLOCAL_<NAME>``."""

from functools import lru_cache

from pydantic import Field, field_validator
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
    db_timeout_seconds: float = Field(
        5.0,
        gt=0,
        le=600,
        description="Longest a request waits for the database: to connect, for a pooled "
        "connection, and for each statement (PostgreSQL). Past it the request gets 503.",
    )
    db_retry_after: int = Field(
        5, ge=1, description="Seconds in Retry-After when the database is unavailable (503)."
    )
    db_pool_size: int = Field(5, ge=1, description="Database connections each worker keeps open.")
    db_max_overflow: int = Field(
        10, ge=0, description="Extra database connections a worker may open under load."
    )
    feed_max_events: int = Field(
        2000,
        ge=2,
        description="Events per feed at most; a larger feed keeps those nearest to "
        "today and adds a notice (Google Calendar stops at about a thousand or a megabyte).",
    )
    feed_max_age: int = Field(
        3600, ge=0, description="Seconds a client or proxy may reuse a feed (Cache-Control)."
    )
    feed_cache_bytes: int = Field(
        64 * 2**20, ge=0, description="Memory for built feeds, per worker process."
    )
    max_body_bytes: int = Field(
        2**20, ge=1024, description="Largest request body; larger ones get 413."
    )
    max_import_bytes: int = Field(
        20 * 2**20, ge=1024, description="Largest body of an import (…/import) request."
    )
    log_format: str = Field(
        "auto",
        pattern="^(auto|json|text)$",
        description="`json` (one object per line, for log collectors), `text` (for people) "
        "or `auto`: text on a terminal, JSON when piped or written to a file.",
    )
    log_level: str = Field("info", description="Python logging level.")
    host: str = Field("127.0.0.1", description="Address 'diplocal serve' binds (--host).")
    port: int = Field(
        8000, ge=1, le=65535, description="Port 'diplocal serve' listens on (--port)."
    )
    secret_key: str | None = Field(
        None,
        min_length=32,
        description="Signs the browser session cookies and their CSRF tokens. Unset: one is "
        "generated on first use and kept in the database, so restarts and every worker share it.",
    )
    session_idle_minutes: int = Field(
        120,
        ge=1,
        le=60 * 24 * 30,
        description="A browser session that makes no request for this long is signed out.",
    )
    seed: bool = Field(
        True,
        description="Load the bundled data set when 'diplocal serve' finds no milestones, so a "
        "first run shows real dates. Tests and benchmarks that need an empty database turn it "
        "off.",
    )

    @field_validator("database_url")
    @classmethod
    def _psycopg(cls, url: str) -> str:
        """``postgres://`` and ``postgresql://`` (as hosting providers write them) mean
        psycopg 3, the driver the service ships with, not SQLAlchemy's default psycopg2."""
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url.removeprefix(prefix)
        return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
