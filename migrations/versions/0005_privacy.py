"""encrypt sensitive text at rest

Journal titles and bodies, drafts, trainers' feedback, case briefs and follow-ups, reflection
notes, barrier text, register remarks and catch-up reflections are encrypted in place with the
site's key (read as the site reads it: COURSE_ENCRYPTION_KEYS, or instance/encryption_keys,
created on first use). Rows are converted in batches and values already encrypted are skipped,
so an interrupted upgrade can simply be run again.

Revision ID: 0005_privacy
Revises: 0004
Create Date: 2026-11-29 20:30:00

"""

import sqlalchemy as sa
from alembic import op

from course import crypto

revision = "0005_privacy"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 500
COLUMNS = {
    "journal_entry": ("title", "body"),
    "journal_draft": ("title", "body"),
    "journal_comment": ("body",),
    "presentation": ("brief", "follow_up"),
    "reflection_note": ("text",),
    "barrier": ("text",),
    "attendance_mark": ("note",),
    "catch_up": ("reflection",),
}
WIDENED = ("journal_entry", "journal_draft")  # titles were VARCHAR(200); ciphertext is longer


def _convert(transform, still_to_do):
    """Apply transform to every value still_to_do selects, BATCH rows at a time."""
    connection = op.get_bind()
    for table_name, columns in COLUMNS.items():
        table = sa.table(
            table_name, sa.column("id", sa.Integer), *(sa.column(c, sa.Text) for c in columns)
        )
        for name in columns:
            column = table.c[name]
            last_id = 0
            while True:
                rows = connection.execute(
                    sa.select(table.c.id, column)
                    .where(table.c.id > last_id, still_to_do(column))
                    .order_by(table.c.id)
                    .limit(BATCH)
                ).all()
                if not rows:
                    break
                for row_id, value in rows:
                    connection.execute(
                        table.update().where(table.c.id == row_id).values({name: transform(value)})
                    )
                last_id = rows[-1][0]


def upgrade():
    for table_name in WIDENED:
        with op.batch_alter_table(table_name) as batch_op:
            batch_op.alter_column(
                "title",
                existing_type=sa.String(length=200),
                type_=sa.Text(),
                existing_nullable=False,
            )
    _convert(crypto.encrypt, lambda column: column.not_like(f"{crypto.PREFIX}%"))


def downgrade():
    _convert(crypto.decrypt, lambda column: column.like(f"{crypto.PREFIX}%"))
    for table_name in WIDENED:
        with op.batch_alter_table(table_name) as batch_op:
            batch_op.alter_column(
                "title",
                existing_type=sa.Text(),
                type_=sa.String(length=200),
                existing_nullable=False,
            )
