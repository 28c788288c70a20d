"""Each test gets a fresh, fully migrated database and an app bound to it.

Migrating takes a while, so the suite migrates one template database once and copies it for
every test.
"""

import shutil
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import create_key
from app.config import Settings
from app.db import create_db_engine
from app.main import create_app
from app.migrate import upgrade
from app.models import Scope


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def database_url(template_db, tmp_path) -> str:
    path = tmp_path / "test.db"
    shutil.copyfile(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def client(settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def session(client) -> Iterator[Session]:
    with Session(client.app.state.engine) as s:
        yield s


@pytest.fixture
def admin_key(session) -> str:
    return create_key(session, "test-admin", Scope.admin)[1]


@pytest.fixture
def auth(admin_key) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_key}"}


@pytest.fixture
def other_session(template_db, tmp_path) -> Iterator[Session]:
    """A second, empty database (to import into), apart from the app's."""
    path = tmp_path / "other.db"
    shutil.copyfile(template_db, path)
    engine = create_db_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        yield s
    engine.dispose()
