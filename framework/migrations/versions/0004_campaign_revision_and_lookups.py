"""A survey round's revision: a number every change to what its submitted answers show raises (a submission,
an invitation, its status), so that what the pages compute from them is computed once per revision, and again
as soon as anyone submits. And the invitations indexed by email and by supervisor: every signed-in person's run
asks which rounds invite them and whom they supervise (a scan of every invitation without them).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

A frozen copy of the schema as this release creates it (see 0001).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both backends (SQLite 3.35 and later drops a column in place): a batch copy of campaigns
# would drop the table its invitations refer to ON DELETE CASCADE.
def upgrade() -> None:
    op.add_column("campaigns", sa.Column("revision", sa.Integer, nullable=False, server_default="0"))
    op.create_index(op.f("ix_invitations_email"), "invitations", ["email"])
    op.create_index(op.f("ix_invitations_supervisor"), "invitations", ["supervisor"])


def downgrade() -> None:
    op.drop_index(op.f("ix_invitations_supervisor"), "invitations")
    op.drop_index(op.f("ix_invitations_email"), "invitations")
    op.drop_column("campaigns", "revision")
