"""readings you can get: library details for a reading with no link or file

Revision ID: 0012_meet2
Revises: 0011_signin
Create Date: 2026-11-30 00:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_meet2"
down_revision = "0011_signin"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reading", schema=None) as batch_op:
        batch_op.add_column(sa.Column("library_details", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("reading", schema=None) as batch_op:
        batch_op.drop_column("library_details")
