"""``diplocal``: run the service, migrate the database, manage API keys, move data in and out."""

import argparse
import logging
import os
import sys
from pathlib import Path

from sqlmodel import Session, col, select

from app.config import Settings, get_settings

log = logging.getLogger("diplocal")


def _engine():
    from app.db import create_db_engine

    settings = get_settings()
    return create_db_engine(
        settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )


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


def cmd_keys_create(args: argparse.Namespace) -> int:
    from app.auth import create_key
    from app.models import SCOPE_RIGHTS, ApiKey, Scope, check_country

    if args.scope is None:
        rights = "".join(f"\n  {s.value:7} {what}" for s, what in SCOPE_RIGHTS.items())
        print(f"error: --scope is required; one of:{rights}", file=sys.stderr)
        return 2
    scope = Scope(args.scope)
    countries: list[str] = []
    if args.countries:
        try:
            countries = [check_country(c) for c in args.countries.split(",") if c.strip()]
        except ValueError as exc:
            print(f"error: --countries: {exc}", file=sys.stderr)
            return 2
    if scope != Scope.admin and not countries:
        print(f"error: a {scope} key needs --countries (for example CN,PE)", file=sys.stderr)
        return 2
    if scope == Scope.admin and countries:
        print("error: an admin key covers every country; --countries is for editors and readers",
              file=sys.stderr)  # fmt: skip
        return 2
    with Session(_engine()) as session:
        if session.exec(select(ApiKey).where(ApiKey.name == args.name)).first():
            print(f"error: a key named {args.name!r} exists already", file=sys.stderr)
            return 1
        key, secret = create_key(session, args.name, scope, countries)
        where = f" for {key.countries}" if key.countries else ""
        print(f"created {key.scope} key {key.name!r}{where}; it is shown once, keep it safe:")
        print(secret)
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    from app.models import ApiKey

    with Session(_engine()) as session:
        keys = session.exec(select(ApiKey).order_by(col(ApiKey.created_at))).all()
    print(f"{'NAME':24} {'SCOPE':8} {'COUNTRIES':16} {'CREATED':20} STATUS")
    for k in keys:
        status = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "active"
        print(
            f"{k.name:24} {k.scope:8} {k.countries or '-':16} "
            f"{k.created_at:%Y-%m-%d %H:%M:%S}  {status}"
        )
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from app.auth import revoke_key

    with Session(_engine()) as session:
        if not revoke_key(session, args.name):
            print(f"error: no active key named {args.name!r}", file=sys.stderr)
            return 1
    print(f"revoked key {args.name!r}")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from app import transfer
    from app.progress import Progress

    with Session(_engine()) as session:
        with Progress("seed") as progress:
            report = transfer.seed(session, progress)
        session.commit()
    for label in report.kept:
        print(f"kept your edit: {label}")
    print(report.summary())
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app import transfer
    from app.audit import Actor
    from app.progress import Progress

    name = "<stdin>" if args.file == "-" else args.file
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        print(f"error: cannot read {name}: {exc.strerror}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"error: {name} is not UTF-8 text", file=sys.stderr)
        return 2
    fmt = args.format or transfer.guess_format(None if args.file == "-" else args.file, text)
    with Session(_engine()) as session:
        with Progress("import") as progress:
            report = transfer.load(
                session, text, fmt, skip_invalid=args.skip_invalid, progress=progress,
                actor=Actor("cli"),
            )  # fmt: skip
        if not report.rejected:
            session.commit()
    for error in report.errors:
        print(f"{name}: {error}", file=sys.stderr)
    if report.rejected:
        print(f"error: nothing was imported: {report.reason}", file=sys.stderr)
        if report.milestones.skipped or report.events.skipped:  # rows were read, some bad
            print("(--skip-invalid loads the valid rows)", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from app import transfer
    from app.progress import Progress

    to_file = args.file not in (None, "-")
    fmt: transfer.Format = args.format or (
        "csv" if to_file and args.file.lower().endswith(".csv") else "json"
    )
    with Session(_engine()) as session, Progress("export") as progress:
        if not to_file:
            exported = transfer.export(session, sys.stdout, fmt, progress)
        else:
            # Written beside the target and renamed, so a failure never leaves half a file.
            partial = Path(f"{args.file}.partial")
            with partial.open("w", encoding="utf-8", newline="") as out:
                exported = transfer.export(session, out, fmt, progress)
            os.replace(partial, args.file)
    print(exported.summary(), file=sys.stderr)
    for note in exported.notes():
        print(note, file=sys.stderr)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    from app import audit

    since = None
    if args.since:
        try:
            since = dt.datetime.fromisoformat(args.since)
        except ValueError:
            print(f"error: --since: not an ISO date or time: {args.since!r}", file=sys.stderr)
            return 2
        since = since if since.tzinfo else since.replace(tzinfo=dt.UTC)
    stmt = audit.entries(entity=args.entity, entity_id=args.id, since=since, actor=args.actor)
    with Session(_engine()) as session:
        for e in session.exec(stmt.limit(args.limit) if args.limit else stmt):
            if args.json:
                print(json.dumps(e.model_dump(mode="json"), ensure_ascii=False))
                continue
            print(f"{e.at:%Y-%m-%d %H:%M:%S} {e.actor:16} {e.action:8} {e.entity} {e.entity_id}"
                  f"  request={e.request_id or '-'}")  # fmt: skip
            for field in sorted(set(e.before or {}) | set(e.after or {})):
                old, new = (e.before or {}).get(field), (e.after or {}).get(field)
                if old != new:
                    print(f"    {field}: {old!r} -> {new!r}")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    import time

    from sqlmodel import func

    from app import demo
    from app.models import Milestone

    engine = _engine()
    with Session(engine) as session:
        existing = session.exec(select(func.count()).select_from(Milestone)).one()
    if existing and not args.add:
        print(
            f"error: the database holds {existing} milestones already; demo data goes into an "
            "empty database (or pass --add with another --seed)",
            file=sys.stderr,
        )
        return 1
    started = time.perf_counter()
    counts = demo.generate(engine, milestones=args.milestones, events=args.events, seed=args.seed)
    print(
        f"added {counts.milestones} milestones and {counts.events} events "
        f"({counts.scopes} feed scopes) in {time.perf_counter() - started:.1f} s"
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


def build_parser() -> argparse.ArgumentParser:
    from app import __version__

    parser = argparse.ArgumentParser(
        prog="diplocal",
        description="diplomatic-calendar: anniversaries of relations between countries. "
        "Settings come from DIPLOCAL_* environment variables (diplocal serve --help).",
    )
    parser.add_argument("--version", action="version", version=f"diplocal {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser(
        "serve",
        help="apply pending migrations, then run the HTTP service",
        description="Apply pending migrations, load the bundled data set into an empty "
        "database, then serve the web page, the API (docs at /docs) and the feeds.",
        epilog=SERVE_ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", help="address to bind (default DIPLOCAL_HOST, else 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default DIPLOCAL_PORT, else 8000)")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (default 1; see README)"
    )
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(func=cmd_migrate)

    seed = sub.add_parser(
        "seed",
        help="load or refresh the bundled data set; never overwrites a milestone you edited",
    )
    seed.set_defaults(func=cmd_seed)

    imp = sub.add_parser(
        "import",
        help="import milestones and events from an export file (JSON; CSV holds milestones "
        "only); all or nothing by default",
    )
    imp.add_argument("file", metavar="FILE", help="the file, or - for standard input")
    imp.add_argument("--format", choices=["json", "csv"], help="default: from the file")
    imp.add_argument(
        "--skip-invalid", action="store_true", help="load the valid rows and report the others"
    )
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser(
        "export",
        help="export every milestone and event, history included (CSV: milestones only)",
    )
    exp.add_argument("file", metavar="FILE", nargs="?", help="default: standard output")
    exp.add_argument(
        "--format",
        choices=["json", "csv"],
        help="default: csv for a .csv FILE, else json. json holds milestones and events; csv "
        "holds milestones only (one table per file), so events need json",
    )
    exp.set_defaults(func=cmd_export)

    demo = sub.add_parser(
        "demo-data", help="fill the database with deterministic fake milestones and events"
    )
    demo.add_argument("--milestones", type=int, default=1000, help="how many (default 1000)")
    demo.add_argument("--events", type=int, default=100, help="how many (default 100)")
    demo.add_argument("--seed", type=int, default=1, help="same seed, same rows (default 1)")
    demo.add_argument("--add", action="store_true", help="add to a database that has data")
    demo.set_defaults(func=cmd_demo_data)

    keys = sub.add_parser("keys", help="manage API keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    create = keys_sub.add_parser("create", help="create a key; prints it once, on the last line")
    create.add_argument("--name", required=True, help="a unique name, such as lima-embassy")
    create.add_argument(
        "--scope", choices=["admin", "editor", "reader"], help="required: admin (every "
        "country, the audit trail), editor (writes of its countries) or reader (private feeds)",
    )  # fmt: skip
    create.add_argument("--countries", help="editor and reader keys: their countries, as CN,PE")
    create.set_defaults(func=cmd_keys_create)
    keys_sub.add_parser("list", help="list keys (never their secrets)").set_defaults(
        func=cmd_keys_list
    )
    revoke = keys_sub.add_parser("revoke", help="revoke a key by name")
    revoke.add_argument("name")
    revoke.set_defaults(func=cmd_keys_revoke)
    audit = sub.add_parser("audit", help="print the audit trail: who changed what, and when")
    audit.add_argument("--entity", choices=["milestone", "event", "key", "feed_token"])
    audit.add_argument("--id", help="one item's id")
    audit.add_argument("--since", help="ISO date or time, such as 2026-11-01")
    audit.add_argument("--actor", help="a key's name (or cli, seed)")
    audit.add_argument("--limit", type=int, default=0, help="at most this many entries")
    audit.add_argument("--json", action="store_true", help="one JSON object per line")
    audit.set_defaults(func=cmd_audit)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    if args.command == "serve":
        from app.logs import configure_logging

        configure_logging(settings.log_level, settings.log_format)
    else:
        logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(message)s")
    # Alembic's plugin chatter is noise; say which revisions ran only where migrating is the point.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.command in ("migrate", "serve"):
        logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)
    if args.command in ("keys", "seed", "import", "export", "audit", "demo-data"):
        from app.migrate import upgrade

        upgrade(get_settings().database_url)  # these work before the first serve
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
