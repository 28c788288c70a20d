"""``diplocal seed``, ``import``, ``export`` and ``demo-data``: data in and out."""

import argparse
import logging
import os
import sys
from pathlib import Path

from sqlmodel import Session, select

from app.cli.common import engine as _engine

log = logging.getLogger("diplocal")


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
