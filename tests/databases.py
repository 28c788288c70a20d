"""Test databases on either engine: SQLite files by default, PostgreSQL databases when
``DIPLOCAL_TEST_DATABASE_URL`` names a server (``postgresql+psycopg://user@host:port/db``).

Migrating takes a while, so a run migrates one template once and copies it for every test: a
file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL (a copy of the template's
files on the server: about 0.1 s, made in the background while the previous test runs, and
dropped after the test). Loading the bundled data set (960 milestones) takes longer still, so
tests that need it copy a second template, migrated and seeded once per run the way
``diplocal serve`` seeds a first database (``seed_report`` is what that seeding reported).
"""

import functools
import itertools
import os
import shutil
import socket
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.cli import prepare_database
from app.config import Settings
from app.migrate import upgrade

SERVER_URL = os.environ.get("DIPLOCAL_TEST_DATABASE_URL") or None
ON_POSTGRESQL = SERVER_URL is not None and SERVER_URL.startswith("postgresql")
ENGINE_NAME = "postgresql" if ON_POSTGRESQL else "sqlite"

if SERVER_URL is not None and not ON_POSTGRESQL:
    raise RuntimeError(
        "DIPLOCAL_TEST_DATABASE_URL must be a postgresql+psycopg:// URL (SQLite needs none)"
    )


class SqliteDatabases:
    """Each database is a file in a temporary folder; the template is migrated once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._template: Path | None = None
        self._seeded: Path | None = None
        self.seed_report: Any = None
        self._names = itertools.count()

    def _template_path(self) -> Path:
        if self._template is None:
            self._template = self.folder / "template.db"
            upgrade(f"sqlite:///{self._template}")
        return self._template

    def _seeded_path(self) -> Path:
        if self._seeded is None:
            path = self.folder / "seeded.db"
            shutil.copyfile(self._template_path(), path)
            self.seed_report = seed(f"sqlite:///{path}")
            self._seeded = path
        return self._seeded

    def create(self, *, migrated: bool = True, seeded: bool = False) -> str:
        path = self.folder / f"test-{next(self._names)}.db"
        if seeded:
            shutil.copyfile(self._seeded_path(), path)
        elif migrated:
            shutil.copyfile(self._template_path(), path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        path = Path(sa.make_url(url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresDatabases:
    """Each database is created on the server from a migrated template, and dropped after."""

    def __init__(self, server_url: str) -> None:
        self.server = sa.make_url(server_url)
        # CREATE and DROP DATABASE cannot run inside a transaction.
        self.admin = sa.create_engine(
            self.server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
        )
        self.prefix = f"diplocal_test_{os.getpid()}"
        self._template: str | None = None
        self._seeded: str | None = None
        self.seed_report: Any = None
        self._names = itertools.count()
        self._live: set[str] = set()
        self._background = ThreadPoolExecutor(max_workers=1)
        self._next: Future[str] | None = None

    @functools.cache  # noqa: B019  (one instance per run)
    def _version(self) -> int:
        with self.admin.connect() as conn:
            return int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())

    def url_of(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def _template_name(self) -> str:
        if self._template is None:
            name = f"{self.prefix}_template"
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._execute(f'CREATE DATABASE "{name}"')
            self._template = name
            upgrade(self.url_of(name))  # disposes its engine: a template must have no sessions
        return self._template

    def _seeded_name(self) -> str:
        if self._seeded is None:
            name = self._copy_template(f"{self.prefix}_seeded")
            self.seed_report = seed(self.url_of(name))  # disposes its engine, as upgrade does
            self._seeded = name
        return self._seeded

    def _copy_template(self, name: str | None = None, template: str | None = None) -> str:
        name = name or f"{self.prefix}_{next(self._names)}"
        # FILE_COPY copies the template's few files; the default WAL_LOG strategy writes
        # every page to the WAL, which is slower for small databases.
        strategy = " STRATEGY FILE_COPY" if self._version() >= 150000 else ""
        template = template or self._template_name()
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{strategy}')
        return name

    def create(self, *, migrated: bool = True, seeded: bool = False) -> str:
        if seeded:
            name = self._copy_template(template=self._seeded_name())
        elif migrated:
            self._template_name()
            name = self._next.result() if self._next else self._copy_template()
            # The next test's database is copied on the server while this test runs.
            self._next = self._background.submit(self._copy_template)
        else:
            name = f"{self.prefix}_{next(self._names)}"
            self._execute(f'CREATE DATABASE "{name}"')
        self._live.add(name)
        return self.url_of(name)

    def drop(self, url: str) -> None:
        name = sa.make_url(url).database
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._live.discard(name)

    def close(self) -> None:
        if self._next is not None:
            self._live.add(self._next.result())
        self._background.shutdown()
        templates = [t for t in (self._seeded, self._template) if t]
        for name in [*self._live, *templates]:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


Databases = SqliteDatabases | PostgresDatabases


def seed(url: str) -> Any:
    """Seeds a migrated, empty database as ``diplocal serve`` does on a first run."""
    report = prepare_database(Settings(database_url=url, seed=True))
    assert report is not None, "the template held milestones already"
    return report


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unreachable_url(folder: Path) -> str:
    """A database URL on the suite's engine where no database can be reached."""
    if ON_POSTGRESQL:
        url = sa.make_url(SERVER_URL)  # type: ignore[arg-type]  # set when ON_POSTGRESQL
        return url.set(host="127.0.0.1", port=free_port()).render_as_string(hide_password=False)
    return f"sqlite:///{folder / 'missing' / 'x.db'}"


def open_databases(folder: Path) -> Databases:
    return PostgresDatabases(SERVER_URL) if ON_POSTGRESQL else SqliteDatabases(folder)  # type: ignore[arg-type]  # set when ON_POSTGRESQL
