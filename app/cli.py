"""``diplocal``: run the service, migrate the database, manage API keys."""

import argparse
import logging
import sys

from sqlmodel import Session, select

from app.config import get_settings


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


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    uvicorn.run(
        "app.main:app",
        host=args.host,
        port=args.port,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )
    return 0


def cmd_keys_create(args: argparse.Namespace) -> int:
    from app.auth import create_key
    from app.models import ApiKey, Scope, check_country

    scope = Scope(args.scope)
    countries: list[str] = []
    if args.countries:
        try:
            countries = [check_country(c) for c in args.countries.split(",") if c.strip()]
        except ValueError as exc:
            print(f"error: --countries: {exc}", file=sys.stderr)
            return 2
    if scope == Scope.editor and not countries:
        print("error: an editor key needs --countries (for example CN,PE)", file=sys.stderr)
        return 2
    if scope != Scope.editor and countries:
        print("error: --countries applies to editor keys only", file=sys.stderr)
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
        keys = session.exec(select(ApiKey).order_by(ApiKey.created_at)).all()
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="diplocal",
        description="diplomatic-calendar: anniversaries of relations between countries. "
        "Settings come from DIPLOCAL_* environment variables.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="apply pending migrations, then run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(func=cmd_migrate)

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
    create.add_argument("--scope", choices=["admin", "editor", "reader"], default="admin")
    create.add_argument("--countries", help="editor keys: the countries it may edit, as CN,PE")
    create.set_defaults(func=cmd_keys_create)
    keys_sub.add_parser("list", help="list keys (never their secrets)").set_defaults(
        func=cmd_keys_list
    )
    revoke = keys_sub.add_parser("revoke", help="revoke a key by name")
    revoke.add_argument("name")
    revoke.set_defaults(func=cmd_keys_revoke)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=get_settings().log_level.upper(), format="%(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    # Alembic's plugin chatter is noise; say which revisions ran only where migrating is the point.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.command in ("migrate", "serve"):
        logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)
    if args.command in ("keys", "demo-data"):
        from app.migrate import upgrade

        upgrade(get_settings().database_url)  # a key can be made before the first serve
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
