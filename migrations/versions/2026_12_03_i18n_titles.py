"""i18n titles: a milestone's and an event's own title and description per language

Revision ID: 2026_12_03_i18n_titles
Revises: 2026_12_03_browser_sessions
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_03_i18n_titles"
down_revision: str | None = "2026_12_03_browser_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("title_i18n", "description_i18n")


def upgrade() -> None:
    # Existing rows have no translations: an empty object, never null, so readers need no
    # second case.
    for table in ("milestone", "event"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in COLUMNS:
                batch_op.add_column(
                    sa.Column(column, sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
                )


def downgrade() -> None:
    for table in ("milestone", "event"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(COLUMNS):
                batch_op.drop_column(column)
