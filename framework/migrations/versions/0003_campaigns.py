"""Survey rounds run inside the dashboard: campaigns, invitations, answers, responses, focus areas.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

A frozen copy of the schema as this release creates it (see 0001).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("framework_id", sa.String(64), nullable=False),
        sa.Column("framework_source", sa.Text, nullable=False),
        sa.Column("scale_id", sa.String(32), nullable=False),
        sa.Column("opens_on", sa.Date, nullable=True),
        sa.Column("closes_on", sa.Date, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("supervisor_ratings", sa.Boolean, nullable=False),
        sa.Column("anonymous_source", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("round_id", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_campaigns_round_id_rounds"),
                                ondelete="SET NULL"),
        sa.UniqueConstraint("label", name=op.f("uq_campaigns_label")),
        sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name=op.f("ck_campaigns_status")),
        sa.CheckConstraint("anonymous_source IN ('self', 'supervisor')", name=op.f("ck_campaigns_source")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "invitations",
        sa.Column("campaign_id", sa.Integer, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("group_name", sa.Text, nullable=False),
        sa.Column("supervisor", sa.String(254), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "email", name=op.f("pk_invitations")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_invitations_campaign_id_campaigns"),
                                ondelete="CASCADE"),
    )
    op.create_table(
        "answers",
        sa.Column("campaign_id", sa.Integer, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("rater", sa.String(16), nullable=False),
        sa.Column("area_id", sa.String(64), nullable=False),
        sa.Column("rating", sa.SmallInteger, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "email", "rater", "area_id", name=op.f("pk_answers")),
        sa.ForeignKeyConstraint(["campaign_id", "email"], ["invitations.campaign_id", "invitations.email"],
                                name=op.f("fk_answers_campaign_id_invitations"), ondelete="CASCADE"),
        sa.CheckConstraint("rater IN ('self', 'supervisor')", name=op.f("ck_answers_rater")),
        sa.CheckConstraint("status IN ('rated', 'not applicable')", name=op.f("ck_answers_status")),
        sa.CheckConstraint("(rating IS NOT NULL) = (status = 'rated')", name=op.f("ck_answers_rating_iff_rated")),
    )
    op.create_table(
        "responses",
        sa.Column("campaign_id", sa.Integer, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("rater", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rated_by", sa.String(254), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "email", "rater", name=op.f("pk_responses")),
        sa.ForeignKeyConstraint(["campaign_id", "email"], ["invitations.campaign_id", "invitations.email"],
                                name=op.f("fk_responses_campaign_id_invitations"), ondelete="CASCADE"),
        sa.CheckConstraint("rater IN ('self', 'supervisor')", name=op.f("ck_responses_rater")),
    )
    op.create_table(
        "focus",
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("round_label", sa.String(120), nullable=False),
        sa.Column("areas", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email", "round_label", name=op.f("pk_focus")),
    )


def downgrade() -> None:
    for table in ("focus", "responses", "answers", "invitations", "campaigns"):
        op.drop_table(table)
