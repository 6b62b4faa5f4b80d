"""Survey rounds and their ratings.

Revision ID: 0001
Revises:
Create Date: 2026-11-28

A frozen copy of the schema as this release created it (not an import of framework.store's
metadata, which later releases change): rounds, and ratings in long form with ON DELETE CASCADE.
Constraint names are final (op.f), as framework.store's naming convention makes them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("survey_date", sa.Date, nullable=False),
        sa.Column("framework_id", sa.String(64), nullable=False),
        sa.Column("framework_version", sa.Text, nullable=False),
        sa.Column("scale_id", sa.String(32), nullable=False),
        sa.Column("scale_min", sa.SmallInteger, nullable=False),
        sa.Column("scale_max", sa.SmallInteger, nullable=False),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("respondents", sa.Integer, nullable=False),
        sa.Column("import_report", sa.JSON, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("label", name=op.f("uq_rounds_label")),
        sa.UniqueConstraint("source_sha256", "framework_id", "scale_id", name=op.f("uq_rounds_source")),
        sa.CheckConstraint("scale_min < scale_max", name=op.f("ck_rounds_scale_range")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "ratings",
        sa.Column("round_id", sa.Integer, nullable=False),
        sa.Column("respondent", sa.String(32), nullable=False),
        sa.Column("area_id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("group_name", sa.Text, nullable=False),
        sa.Column("rating", sa.SmallInteger, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "respondent", "area_id", name=op.f("pk_ratings")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_ratings_round_id_rounds"), ondelete="CASCADE"),
        sa.CheckConstraint("status IN ('rated', 'not applicable', 'blank', 'invalid')", name=op.f("ck_ratings_status")),
        sa.CheckConstraint("(rating IS NOT NULL) = (status = 'rated')", name=op.f("ck_ratings_rating_iff_rated")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("ratings")
    op.drop_table("rounds")
