"""single sign-on: each account's identity at the OpenID provider, remembered after the first match

Revision ID: 0018_oidc
Revises: 0016_mfa
Create Date: 2026-11-30 04:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_oidc"
down_revision = "0016_mfa"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "single_sign_on_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_single_sign_on_identity_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_single_sign_on_identity")),
        sa.UniqueConstraint(
            "issuer", "subject", name=op.f("uq_single_sign_on_identity_issuer_subject")
        ),
        sa.UniqueConstraint(
            "user_id", "issuer", name=op.f("uq_single_sign_on_identity_user_id_issuer")
        ),
    )
    with op.batch_alter_table("single_sign_on_identity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_single_sign_on_identity_user_id"), ["user_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("single_sign_on_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_single_sign_on_identity_user_id"))
    op.drop_table("single_sign_on_identity")
