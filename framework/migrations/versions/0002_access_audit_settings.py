"""Shared state: access roles, the audit log, settings (targets), mapping profiles, custom frameworks;
and each rating's respondent email, so that a signed-in person can find their own ratings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

A frozen copy of the schema as this release creates it (see 0001).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ratings") as batch:
        batch.add_column(sa.Column("email", sa.Text, nullable=False, server_default=""))
    op.create_table(
        "access",
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("granted_by", sa.String(254), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_access")),
        sa.CheckConstraint("role IN ('admin', 'leader', 'staff')", name=op.f("ck_access_role")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_by", sa.String(254), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "mapping_profiles",
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated_by", sa.String(254), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_mapping_profiles")),
    )
    op.create_table(
        "frameworks",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("framework_id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("uploaded_by", sa.String(254), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_frameworks")),
    )


def downgrade() -> None:
    op.drop_table("frameworks")
    op.drop_table("mapping_profiles")
    op.drop_table("settings")
    op.drop_table("audit_log")
    op.drop_table("access")
    with op.batch_alter_table("ratings") as batch:
        batch.drop_column("email")
