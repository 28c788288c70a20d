"""The migrations build exactly the schema the models describe, on an empty database, and
step back and forth cleanly, on the engine the suite runs on."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from app.db import create_db_engine
from app.migrate import (
    alembic_config,
    current_revisions,
    downgrade,
    head_revisions,
    is_migrated,
    upgrade,
)
from tests.databases import ON_POSTGRESQL


def assert_matches_the_models(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrade_from_empty_matches_the_models(make_database):
    url = make_database(migrated=False)
    upgrade(url)
    engine = create_db_engine(url)
    assert is_migrated(engine)
    assert_matches_the_models(engine)
    engine.dispose()


def test_downgrade_to_base_and_upgrade_again(make_database):
    url = make_database(migrated=False)
    upgrade(url)
    downgrade(url, "base")
    engine = create_db_engine(url)
    assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    upgrade(url)
    assert is_migrated(engine)
    engine.dispose()


def test_downgrade_of_the_latest_revision_then_upgrade_again(make_database):
    """What an operator does to back out of a release: one step down, then up again."""
    url = make_database()
    (head,) = head_revisions()
    previous = ScriptDirectory.from_config(alembic_config(url)).get_revision(head).down_revision
    assert isinstance(previous, str), "the latest revision has one parent"
    downgrade(url, "-1")
    engine = create_db_engine(url)
    assert current_revisions(engine) == {previous}
    upgrade(url)
    assert is_migrated(engine)
    assert_matches_the_models(engine)
    engine.dispose()


def test_single_head():
    assert len(head_revisions()) == 1


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite pragmas; the suite runs on PostgreSQL")
def test_sqlite_runs_with_wal_and_foreign_keys(client):
    with client.app.state.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
