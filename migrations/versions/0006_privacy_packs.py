"""data packs made for a person: one-time, time-limited links

Revision ID: 0006_privacy_packs
Revises: 0005_privacy
Create Date: 2026-11-29 20:45:00

"""

import sqlalchemy as sa
from alembic import op

from course.timeutil import UTCDateTime

revision = "0006_privacy_packs"
down_revision = "0005_privacy"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_pack_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_data_pack_link_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user.id"],
            name=op.f("fk_data_pack_link_requested_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_pack_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_data_pack_link_token_hash")),
    )
    with op.batch_alter_table("data_pack_link") as batch_op:
        batch_op.create_index(batch_op.f("ix_data_pack_link_user_id"), ["user_id"], unique=False)


def downgrade():
    op.drop_table("data_pack_link")
