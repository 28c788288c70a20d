"""What every ``diplocal`` command shares: the engine of the configured database."""

from app.config import get_settings


def engine():
    from app.db import create_db_engine

    settings = get_settings()
    return create_db_engine(
        settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )
