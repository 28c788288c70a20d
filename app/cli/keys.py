"""``diplocal keys`` and ``diplocal audit``: who may write, and what they changed."""

import argparse
import logging
import sys

from sqlmodel import Session, col, select

from app.cli.common import engine as _engine

log = logging.getLogger("diplocal")


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
