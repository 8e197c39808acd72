"""readings: where each guide file puts its reading, citation checks, file limits

Revision ID: 0003_readings
Revises: 0002
Create Date: 2026-11-22 19:29:42.136733

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_readings"
down_revision = "0002"
branch_labels = None
depends_on = None

MAX_FILE_SIZE = 20 * 1024 * 1024
FILE_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/msword",
)


def upgrade():
    with op.batch_alter_table("reading", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_numbers", sa.String(length=60), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("default_required", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("verify_note", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("source_hash", sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_reading_file_size_limit"),
            f"file_size IS NULL OR file_size BETWEEN 1 AND {MAX_FILE_SIZE}",
        )
        batch_op.create_check_constraint(
            op.f("ck_reading_file_type_known"), f"file_type IS NULL OR file_type IN {FILE_TYPES!r}"
        )
        batch_op.create_check_constraint(
            op.f("ck_reading_year_plausible"), "year IS NULL OR year BETWEEN 1800 AND 2200"
        )
    with op.batch_alter_table("session_reading", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_session_reading_position_not_negative"), "position >= 0"
        )


def downgrade():
    with op.batch_alter_table("session_reading", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_session_reading_position_not_negative"), type_="check")
    with op.batch_alter_table("reading", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reading_year_plausible"), type_="check")
        batch_op.drop_constraint(op.f("ck_reading_file_type_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_reading_file_size_limit"), type_="check")
        batch_op.drop_column("source_hash")
        batch_op.drop_column("verify_note")
        batch_op.drop_column("default_required")
        batch_op.drop_column("session_numbers")
