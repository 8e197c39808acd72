"""join the module branches

Revision ID: 0004
Revises: 0003_attendance, 0003_barriers, 0003_journal, 0003_notify, 0003_presentations, 0003_readings
Create Date: 2026-11-22 19:58:21.869957

"""

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = (
    "0003_attendance",
    "0003_barriers",
    "0003_journal",
    "0003_notify",
    "0003_presentations",
    "0003_readings",
)
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
