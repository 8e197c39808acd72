"""self check-in, absent batches, run-sheet ticks

Revision ID: 0014_checkin
Revises: 0013_supervisee

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_checkin"
down_revision = "0013_supervisee"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "absent_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_ids", sa.Text(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["marked_by_id"],
            ["user.id"],
            name=op.f("fk_absent_batch_marked_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_absent_batch_session_id_course_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absent_batch")),
    )
    with op.batch_alter_table("absent_batch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_absent_batch_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "check_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("had_apologies", sa.Boolean(), nullable=False),
        sa.Column("apology_reason", sa.String(length=20), nullable=True),
        sa.CheckConstraint("status IN ('present', 'late')", name=op.f("ck_check_in_status_known")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_check_in_session_id_course_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_check_in_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
        sa.UniqueConstraint("session_id", "user_id", name=op.f("uq_check_in_session_id_user_id")),
    )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_in_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_check_in_user_id"), ["user_id"], unique=False)

    op.create_table(
        "check_in_key",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_check_in_key_session_id_course_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_check_in_key")),
    )
    op.create_table(
        "run_sheet_tick",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["user.id"],
            name=op.f("fk_run_sheet_tick_done_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_run_sheet_tick_session_id_course_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_sheet_tick")),
        sa.UniqueConstraint("session_id", "item", name=op.f("uq_run_sheet_tick_session_id_item")),
    )
    with op.batch_alter_table("run_sheet_tick", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_run_sheet_tick_session_id"), ["session_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("run_sheet_tick", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_sheet_tick_session_id"))

    op.drop_table("run_sheet_tick")
    op.drop_table("check_in_key")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_in_user_id"))
        batch_op.drop_index(batch_op.f("ix_check_in_session_id"))

    op.drop_table("check_in")
    with op.batch_alter_table("absent_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absent_batch_session_id"))

    op.drop_table("absent_batch")
