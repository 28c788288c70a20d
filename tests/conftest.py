"""Each test gets a fresh, fully migrated database and an app bound to it.

The suite runs on SQLite by default, and on PostgreSQL when ``DIPLOCAL_TEST_DATABASE_URL``
names a server (see ``tests/databases.py``); CI runs it on both.
"""

import logging
import subprocess
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import cli
from app.auth import create_key
from app.config import Settings, get_settings
from app.db import create_db_engine
from app.main import bind, create_app
from app.models import Scope
from tests.databases import ENGINE_NAME, SERVER_URL, Databases, open_databases


def pytest_report_header(config) -> str:
    where = sa.make_url(SERVER_URL).render_as_string() if SERVER_URL else "a file per test"
    return f"database engine: {ENGINE_NAME} ({where})"


@pytest.fixture(scope="session")
def databases(tmp_path_factory) -> Iterator[Databases]:
    dbs = open_databases(tmp_path_factory.mktemp("databases"))
    yield dbs
    dbs.close()


@pytest.fixture
def make_database(databases) -> Iterator[Callable[..., str]]:
    """Makes more databases for one test (``migrated=False``: empty; ``seeded=True``: with the
    bundled data set, loaded once per run); all dropped after it."""
    made: list[str] = []

    def make(*, migrated: bool = True, seeded: bool = False) -> str:
        made.append(databases.create(migrated=migrated, seeded=seeded))
        return made[-1]

    yield make
    for url in made:
        databases.drop(url)


@pytest.fixture
def database_url(make_database) -> str:
    return make_database()


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(database_url=database_url)


class SharedApp:
    """One app for every test whose settings differ from the defaults only in their database.

    FastAPI builds every route's pydantic models afresh for each app (about 0.2 s of CPU with
    its first request), which was most of a test's cost. ``app.main.bind`` points the shared
    app at each test's own database with new feed caches and versions, as ``create_app``
    would; other settings get an app of their own, and a test that changes the app itself (a
    route, a handler, an override, a state attribute) has it thrown away after it.
    """

    def __init__(self) -> None:
        self.app: FastAPI | None = None
        self.shape: tuple = ()
        self.defaults = Settings(database_url="").model_dump(exclude={"database_url"})

    @staticmethod
    def shape_of(app: FastAPI) -> tuple:
        return (
            [id(route) for route in app.router.routes],
            dict(app.exception_handlers),
            dict(app.dependency_overrides),
            list(app.user_middleware),
            sorted(vars(app.state)["_state"]),
        )

    def app_for(self, settings: Settings) -> FastAPI:
        if settings.model_dump(exclude={"database_url"}) != self.defaults:
            return create_app(settings)
        if self.app is None:
            self.app = create_app(settings)
            self.shape = self.shape_of(self.app)
        else:
            bind(self.app, settings)
        return self.app

    def check(self, app: FastAPI) -> None:
        if app is self.app and self.shape_of(app) != self.shape:
            self.app = None


@pytest.fixture(scope="session")
def shared_app() -> SharedApp:
    return SharedApp()


@pytest.fixture
def client(settings, shared_app) -> Iterator[TestClient]:
    app = shared_app.app_for(settings)
    try:
        with TestClient(app) as c:
            yield c
    finally:
        shared_app.check(app)


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
def other_session(make_database) -> Iterator[Session]:
    """A second, empty database (to import into), apart from the app's."""
    engine = create_db_engine(make_database())
    with Session(engine) as s:
        yield s
    engine.dispose()


CliRun = Callable[[list[str], str], "subprocess.CompletedProcess[str]"]


@pytest.fixture
def diplocal(monkeypatch, capsys) -> Iterator[CliRun]:
    """Runs ``diplocal ARGS`` on a database in this process, through ``cli.main(argv)``: what
    the console script does, at a thirtieth of a subprocess's cost. Answers like
    ``subprocess.run``: exit code, standard output and standard error (where the command's
    own logging setup sends its log lines, as it does in a terminal)."""
    root = logging.getLogger()
    # Loggers main() tunes, put back after each command as a new process would find them.
    tuned = [logging.getLogger(n) for n in ("alembic", "alembic.runtime.migration")]

    def run(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
        monkeypatch.setenv("DIPLOCAL_DATABASE_URL", database_url)
        get_settings.cache_clear()
        capsys.readouterr()
        # pytest's own log handlers would make main's logging.basicConfig a no-op; without
        # them the command configures logging as a fresh process does, to (captured) stderr.
        handlers, level = root.handlers[:], root.level
        levels = [logger.level for logger in tuned]
        root.handlers.clear()
        try:
            code = cli.main(args)
        except SystemExit as exc:  # argparse: --help, or a usage error
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            for handler in root.handlers:
                handler.close()
            root.handlers[:] = handlers
            root.setLevel(level)
            for logger, was in zip(tuned, levels, strict=True):
                logger.setLevel(was)
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out.out, out.err)

    yield run
    get_settings.cache_clear()
