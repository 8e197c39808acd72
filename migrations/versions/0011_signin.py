"""sign-in hardening: throttles, device-trusted sign-ins, why a sign-in ended, email to old address

Revision ID: 0011_signin
Revises: 0010_meet
Create Date: 2026-11-29 20:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_signin"
down_revision = "0010_meet"
branch_labels = None
depends_on = None

END_REASONS = ("expired", "signed_out", "password_changed", "deactivated")


def upgrade():
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("next_allowed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_sign_in_throttle_failures_not_negative")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle")),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_sign_in_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_reason", sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(
            "end_reason_known", f"end_reason IS NULL OR end_reason IN {END_REASONS!r}"
        )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_to", sa.String(length=254), nullable=True))
    # Sign-ins that ended before this kept no reason, so none of them can hand in a draft.
    # People who already have a session record have signed in before.
    op.execute(
        'UPDATE "user" SET last_sign_in_at = '
        '(SELECT MAX(created_at) FROM user_session WHERE user_session.user_id = "user".id)'
    )


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("email_to")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_constraint("end_reason_known", type_="check")
        batch_op.drop_column("end_reason")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("last_sign_in_at")
    op.drop_table("sign_in_throttle")
