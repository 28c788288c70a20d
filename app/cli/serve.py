"""``diplocal serve`` and ``diplocal migrate``: the database made ready, then the server."""

import argparse
import logging
import sys
from pathlib import Path

from sqlmodel import Session

from app.config import Settings, get_settings

log = logging.getLogger("diplocal")


def cmd_migrate(args: argparse.Namespace) -> int:
    from app.migrate import upgrade

    upgrade(get_settings().database_url)
    print("database is up to date")
    return 0


def prepare_database(settings: Settings):
    """What ``serve`` does before serving: migrate, then load the bundled data set into a
    database without milestones, unless ``DIPLOCAL_SEED=false``. Returns the seed's report."""
    from sqlalchemy.exc import IntegrityError

    from app import transfer
    from app.db import create_db_engine
    from app.migrate import upgrade
    from app.progress import Progress

    upgrade(settings.database_url)
    if not settings.seed:
        return None
    engine = create_db_engine(
        settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )
    try:
        with Session(engine) as session:
            if not transfer.is_empty(session):
                return None
            log.info("no milestones yet: loading the bundled data set (DIPLOCAL_SEED=false skips)")
            with Progress("seed") as progress:
                report = transfer.seed(session, progress)
            try:
                session.commit()
            except IntegrityError:  # another process seeded it at the same moment
                session.rollback()
                return None
    finally:
        engine.dispose()
    log.info("seeded: %s", report.summary())
    return report


def where_to_open(settings: Settings, host: str, port: int) -> str:
    """The line that tells a person where the service is, and which data it serves."""
    from sqlalchemy.engine import make_url

    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        data = str(Path(url.database).resolve())
    else:
        data = url.render_as_string(hide_password=True)
    return f"open {base}/ (API docs: {base}/docs); data: {data}"


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers < 1:
        print("error: --workers must be 1 or more", file=sys.stderr)
        return 2
    settings = get_settings()
    host = args.host or settings.host
    port = args.port or settings.port
    prepare_database(settings)  # once, before any worker starts
    log.info(where_to_open(settings, host, port))
    uvicorn.run(
        "app.main:app",
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        # The app logs each request itself, as JSON, with secrets in paths redacted; uvicorn's
        # access log would print private feed tokens.
        access_log=False,
        log_config=None,
        # Each worker is a process with its own engine and feed cache; feed ETags come from
        # versions kept in the database, so every worker sees a write at once.
        workers=args.workers,
    )
    return 0


SERVE_ENVIRONMENT = """\
environment (every setting of app/config.py is DIPLOCAL_<NAME>; see README.md):
  DIPLOCAL_DATABASE_URL   database (default sqlite:///./diplocal.db, a file in this folder);
                          postgresql://user:password@host/name for PostgreSQL
  DIPLOCAL_SEED           false: do not load the bundled data set into an empty database
  DIPLOCAL_HOST, DIPLOCAL_PORT
                          address and port, as --host and --port (which take precedence)
  DIPLOCAL_LOG_FORMAT     auto (default: text on a terminal, JSON lines when piped), json, text
  DIPLOCAL_LOG_LEVEL      info (default: a line per request), warning, debug
  DIPLOCAL_BASE_URL       the public URL in links and feeds (https://calendar.example.org)
  FORWARDED_ALLOW_IPS     proxies trusted for X-Forwarded-For/-Proto (default loopback)
"""
