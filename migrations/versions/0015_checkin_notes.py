"""the trainers' notes on a session's run sheet

Revision ID: 0015_checkin_notes
Revises: 0014_checkin

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_checkin_notes"
down_revision = "0014_checkin"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "run_sheet_note",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_run_sheet_note_session_id_course_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user.id"],
            name=op.f("fk_run_sheet_note_updated_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_run_sheet_note")),
    )


def downgrade():
    op.drop_table("run_sheet_note")
