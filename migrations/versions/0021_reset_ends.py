"""a second factor reset by an administrator ends the person's sign-ins: a reason for that

Revision ID: 0021_reset_ends
Revises: 0020_passkeys
Create Date: 2026-11-30 05:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_reset_ends"
down_revision = "0020_passkeys"
branch_labels = None
depends_on = None

BEFORE = ("expired", "signed_out", "password_changed", "deactivated")
AFTER = (*BEFORE, "second_factor_reset")


def _allow(reasons):
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_constraint("end_reason_known", type_="check")
        batch_op.create_check_constraint(
            "end_reason_known", f"end_reason IS NULL OR end_reason IN {reasons!r}"
        )


def upgrade():
    _allow(AFTER)


def downgrade():
    op.execute("UPDATE user_session SET end_reason = 'signed_out' "
               "WHERE end_reason = 'second_factor_reset'")  # fmt: skip
    _allow(BEFORE)
