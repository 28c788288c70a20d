"""initial schema

Revision ID: 2026_11_28_initial
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "2026_11_28_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("countries", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("key_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("name", name=op.f("uq_api_key_name")),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_key_hash"), ["key_hash"], unique=True)

    op.create_table(
        "country",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("official_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("alpha_3", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("former", sa.Boolean(), nullable=False),
        sa.Column("ended", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_country")),
    )
    with op.batch_alter_table("country", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_country_name"), ["name"], unique=False)

    op.create_table(
        "milestone",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("country_a", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("country_b", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("precision", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("confidence", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_a"], ["country.code"], name=op.f("fk_milestone_country_a_country")
        ),
        sa.ForeignKeyConstraint(
            ["country_b"], ["country.code"], name=op.f("fk_milestone_country_b_country")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone")),
    )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_milestone_country_a"), ["country_a"], unique=False)
        batch_op.create_index(batch_op.f("ix_milestone_country_b"), ["country_b"], unique=False)
        batch_op.create_index(batch_op.f("ix_milestone_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_milestone_kind"), ["kind"], unique=False)
        batch_op.create_index("ix_milestone_month_day", ["month", "day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_index("ix_milestone_month_day")
        batch_op.drop_index(batch_op.f("ix_milestone_kind"))
        batch_op.drop_index(batch_op.f("ix_milestone_date"))
        batch_op.drop_index(batch_op.f("ix_milestone_country_b"))
        batch_op.drop_index(batch_op.f("ix_milestone_country_a"))

    op.drop_table("milestone")
    with op.batch_alter_table("country", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_country_name"))

    op.drop_table("country")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_key_hash"))

    op.drop_table("api_key")
