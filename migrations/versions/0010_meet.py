"""where the modules meet: membership dates, feedback replies and when feedback was read

Revision ID: 0010_meet
Revises: 0009_orgs
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_meet"
down_revision = "0009_orgs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cohort_member") as batch:
        batch.add_column(sa.Column("joined_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("left_on", sa.Date(), nullable=True))
    with op.batch_alter_table("journal_comment") as batch:
        batch.add_column(sa.Column("read_at", sa.DateTime(), nullable=True))
    # Everyone already in a cohort is taken to have been there from its start.
    op.execute(
        "UPDATE cohort_member SET joined_on = "
        "(SELECT cohort.starts_on FROM cohort WHERE cohort.id = cohort_member.cohort_id)"
    )


def downgrade():
    with op.batch_alter_table("journal_comment") as batch:
        batch.drop_column("read_at")
    with op.batch_alter_table("cohort_member") as batch:
        batch.drop_column("left_on")
        batch.drop_column("joined_on")
