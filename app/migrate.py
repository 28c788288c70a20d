"""Alembic, driven from code: ``diplocal migrate``, ``diplocal serve`` and the tests share it."""

from functools import cache
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import create_db_engine


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("migrations")))
    # '%' is interpolation syntax in ConfigParser.
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


@cache
def head_revisions() -> frozenset[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return frozenset(script.get_heads())


def current_revisions(engine: Engine) -> frozenset[str]:
    with engine.connect() as conn:
        return frozenset(MigrationContext.configure(conn).get_current_heads())


def is_migrated(engine: Engine) -> bool:
    return current_revisions(engine) == head_revisions()


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply pending migrations, then bring the country table up to date."""
    from app.crud import sync_countries

    command.upgrade(alembic_config(database_url), revision)
    engine = create_db_engine(database_url)
    try:
        with Session(engine) as session:
            sync_countries(session)
    finally:
        engine.dispose()


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
