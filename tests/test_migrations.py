"""The migrations build exactly the schema the models describe, on an empty database."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from app.db import create_db_engine
from app.migrate import downgrade, head_revisions, is_migrated, upgrade


def test_upgrade_from_empty_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    engine = create_db_engine(url)
    assert is_migrated(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'cycle.db'}"
    upgrade(url)
    downgrade(url, "base")
    engine = create_db_engine(url)
    assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    upgrade(url)
    assert is_migrated(engine)
    engine.dispose()


def test_single_head():
    assert len(head_revisions()) == 1


def test_sqlite_runs_with_wal_and_foreign_keys(client):
    with client.app.state.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
