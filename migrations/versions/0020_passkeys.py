"""passkeys and security keys (WebAuthn) as a second factor; answered challenges

Revision ID: 0020_passkeys
Revises: 0019_perf
Create Date: 2026-11-30 04:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_passkeys"
down_revision = "0019_perf"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "passkey_challenge_used",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_passkey_challenge_used")),
    )
    with op.batch_alter_table("passkey_challenge_used", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_passkey_challenge_used_used_at"), ["used_at"], unique=False
        )

    op.create_table(
        "passkey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("credential_id", sa.LargeBinary(length=1023), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("transports", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_passkey_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passkey")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_passkey_credential_id")),
    )
    with op.batch_alter_table("passkey", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passkey_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("passkey", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_passkey_user_id"))

    op.drop_table("passkey")
    with op.batch_alter_table("passkey_challenge_used", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_passkey_challenge_used_used_at"))

    op.drop_table("passkey_challenge_used")
