"""``diplocal``: run the service, migrate the database, manage API keys, move data in and out.

The commands live one family per module, as Radicale keeps one module per verb: ``serve``
(serve, migrate), ``keys`` (keys, audit) and ``data`` (seed, import, export, demo-data).
"""

import argparse
import logging
import sys

from app.cli.data import cmd_demo_data, cmd_export, cmd_import, cmd_seed
from app.cli.keys import cmd_audit, cmd_keys_create, cmd_keys_list, cmd_keys_revoke
from app.cli.serve import (
    SERVE_ENVIRONMENT,
    cmd_migrate,
    cmd_serve,
    prepare_database,
    where_to_open,
)
from app.config import get_settings

__all__ = ["build_parser", "main", "prepare_database", "where_to_open"]


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
