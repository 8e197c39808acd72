"""indexes for the national dataset: people by role

Revision ID: 0019_perf
Revises: 0018_oidc
Create Date: 2026-11-30 04:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_perf"
down_revision = "0018_oidc"
branch_labels = None
depends_on = None


def upgrade():
    # The barrier figures leave out what staff raised: `user.role IN (...)` over every person.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index("ix_user_role", ["role"])


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index("ix_user_role")
