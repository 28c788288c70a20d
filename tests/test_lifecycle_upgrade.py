"""Upgrading an existing database to issue 13: the migration keeps every source, and
``diplocal seed`` brings in the version 2 data set over a database seeded from version 1
without overwriting what a user edited."""

import datetime as dt
import json
import uuid

import sqlalchemy as sa
from sqlmodel import Session, select

from app import transfer
from app.db import create_db_engine
from app.migrate import upgrade
from app.models import Milestone
from scripts import build_seed

V2 = json.loads(transfer.seed_path().read_text("utf-8"))["milestones"]


def test_the_migration_turns_source_and_source_url_into_sources(make_database):
    url = make_database(migrated=False)
    upgrade(url, "2026_11_29_anniversary_index")
    engine = create_db_engine(url)
    rows = [
        ("MFA table", "https://www.fmprc.gov.cn/"),
        ("A book", None),
        (None, "https://example.org/"),
        (None, None),
    ]
    ids = [uuid.uuid4().hex for _ in rows]
    with engine.begin() as conn:
        for i, (source, source_url) in zip(ids, rows, strict=True):
            conn.execute(
                sa.text(
                    "INSERT INTO milestone (id, kind, date, precision, month, day, confidence,"
                    " country_a, source, source_url, created_at, updated_at, revision)"
                    " VALUES (:id, 'independence', '1821-07-28', 'day', 7, 28, 'unverified',"
                    " 'PE', :s, :u, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
                ),
                {"id": i, "s": source, "u": source_url},
            )
    upgrade(url)
    with Session(engine) as session:
        got = {m.id.hex: m.sources for m in session.exec(select(Milestone))}
    assert [got[i] for i in ids] == [
        [{"title": "MFA table", "url": "https://www.fmprc.gov.cn/"}],
        [{"title": "A book"}],
        [{"url": "https://example.org/"}],
        [],
    ]
    engine.dispose()


def test_seed_v2_over_a_database_seeded_from_v1_keeps_edits_and_reports(make_database, tmp_path):
    """What version 1 shipped (the rows of revision 2 and more, one revision back, in version
    1's terms) is loaded first; then one row is edited, and the version 2 data set seeded."""
    shipped = []
    for r in V2:
        old = build_seed.v1(r) if r["revision"] >= 2 else None
        if old is not None:
            shipped.append({**old, "revision": r["revision"] - 1, "updated_at": r["created_at"]})
    v1_file = tmp_path / "seed_v1.json"
    v1_file.write_text(
        json.dumps({"format": "diplocal-export", "version": 1, "milestones": shipped})
    )
    url = make_database()
    engine = create_db_engine(url)
    with Session(engine) as session:
        first = transfer.seed(session, path=v1_file)
        session.commit()
        assert first.milestones.created == len(shipped)
        edited = session.get(Milestone, uuid.UUID(shipped[0]["id"]))
        edited.description = "Our own note"
        edited.revision += 1
        edited.updated_at = dt.datetime.now(dt.UTC)
        session.add(edited)
        session.commit()
        report = transfer.seed(session)
        session.commit()
        m = report.milestones
        assert m.created == len(V2) - len(shipped)
        # Rows whose one source and text version 1 held whole are the same; the others
        # (several sources, quotes, government flags) are brought in.
        assert m.updated + m.unchanged == len(shipped) - 1 and m.updated > 500
        assert len(report.kept) == 1 and shipped[0]["id"] in report.kept[0]
        assert session.get(Milestone, edited.id).description == "Our own note"
        nicaragua = session.exec(
            select(Milestone).where(
                Milestone.country_a == "CN",
                Milestone.country_b == "NI",
                Milestone.kind == "relations_restored",
            )
        ).one()
        assert nicaragua.celebrated and nicaragua.sources[0]["government"]
    engine.dispose()
