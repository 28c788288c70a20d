"""lifecycle: relations_upgraded, celebrated, observed days, "no national day", sources

Revision ID: 2026_12_03_lifecycle
Revises: 2026_12_03_event_venue_country
Create Date: 2026-12-03

A milestone's single ``source``/``source_url`` become the first item of ``sources`` (a JSON
list of {title, url, quote, government}), so no source is lost; the downgrade writes the
first source back. ``date`` and ``precision`` become nullable for national days whose origin
cannot be counted (``observed`` holds the day) or that do not exist (``none``).
``relations_upgraded`` needs no schema change: ``kind`` is a string column.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "2026_12_03_lifecycle"
down_revision: str | None = "2026_12_03_event_venue_country"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_milestone = sa.table(
    "milestone",
    sa.column("id"),
    sa.column("source", sa.String),
    sa.column("source_url", sa.String),
    sa.column("sources", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("celebrated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("observed", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True)
        )
        batch_op.add_column(
            sa.Column("none", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("sources", sa.JSON(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_milestone.c.id, _milestone.c.source, _milestone.c.source_url)
    ).all()
    for milestone_id, title, url in rows:
        source = {k: v for k, v in (("title", title), ("url", url)) if v is not None}
        conn.execute(
            _milestone.update()
            .where(_milestone.c.id == milestone_id)
            .values(sources=[source] if source else [])
        )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.alter_column("sources", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("celebrated", server_default=None)
        batch_op.alter_column("none", server_default=None)
        batch_op.alter_column("date", existing_type=sa.Date(), nullable=True)
        batch_op.alter_column(
            "precision", existing_type=sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True
        )
        batch_op.drop_column("source")
        batch_op.drop_column("source_url")


def downgrade() -> None:
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True)
        )
        batch_op.add_column(
            sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True)
        )
    conn = op.get_bind()
    # Rows without a date cannot go back to a schema that requires one.
    conn.execute(sa.text("DELETE FROM milestone WHERE date IS NULL"))
    for milestone_id, sources in conn.execute(sa.select(_milestone.c.id, _milestone.c.sources)):
        if isinstance(sources, str):
            sources = json.loads(sources)
        first = sources[0] if sources else {}
        conn.execute(
            _milestone.update()
            .where(_milestone.c.id == milestone_id)
            .values(source=first.get("title"), source_url=first.get("url"))
        )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.alter_column("date", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column(
            "precision", existing_type=sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False
        )
        batch_op.drop_column("sources")
        batch_op.drop_column("none")
        batch_op.drop_column("observed")
        batch_op.drop_column("celebrated")
