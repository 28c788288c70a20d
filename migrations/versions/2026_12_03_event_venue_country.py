"""event venue country: the country of the venue, for LOCATION

Revision ID: 2026_12_03_event_venue_country
Revises: 2026_12_03_i18n_titles
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "2026_12_03_event_venue_country"
down_revision: str | None = "2026_12_03_i18n_titles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable and not filled in: the venue's country of existing events is unknown, and a
    # pair's last country (what LOCATION named before) was a guess.
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("venue_country", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("venue_country")
