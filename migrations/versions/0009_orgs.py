"""organisations own cohorts; people belong to one; cohorts can be archived

Revision ID: 0009_orgs
Revises: 0008_eval
Create Date: 2026-11-29 20:30:00

Each distinct organisation name of the existing cohorts becomes an organisation row. Participants
and senior managers take the organisation of the latest cohort they belong to.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0009_orgs"
down_revision = "0008_eval"
branch_labels = None
depends_on = None


def _slug(name, taken):
    """A unique slug for a name."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:70] or "organisation"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _foreign_keys(on):
    """SQLite: rebuilding a table must not cascade-delete the rows that refer to it."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    _foreign_keys(False)
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisation_slug")),
    )
    bind = op.get_bind()
    names = [row[0] for row in bind.execute(sa.text("SELECT DISTINCT organisation FROM cohort"))]
    taken = set()
    organisation = sa.table(
        "organisation",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("slug", sa.String),
        sa.column("created_at", sa.DateTime),
    )
    for number, name in enumerate(sorted(names), start=1):
        bind.execute(
            organisation.insert().values(
                id=number, name=name, slug=_slug(name, taken), created_at=sa.func.now()
            )
        )
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
    bind.execute(
        sa.text(
            "UPDATE cohort SET organisation_id = "
            "(SELECT id FROM organisation WHERE organisation.name = cohort.organisation)"
        )
    )
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("organisation")
        batch_op.create_index(batch_op.f("ix_cohort_organisation_id"), ["organisation_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_cohort_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_user_organisation_id"), ["organisation_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_user_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    bind.execute(
        sa.text(
            'UPDATE "user" SET organisation_id = ('
            "SELECT cohort.organisation_id FROM cohort_member "
            "JOIN cohort ON cohort.id = cohort_member.cohort_id "
            'WHERE cohort_member.user_id = "user".id '
            "ORDER BY cohort.starts_on DESC, cohort.id DESC LIMIT 1) "
            "WHERE role IN ('participant', 'senior_manager')"
        )
    )
    _foreign_keys(True)
    # Indexes the national dataset needs (tests/bench/README.md).
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_user_read", ["user_id", "read_at"])
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index("ix_user_name", ["name", "id"])
    with op.batch_alter_table("cohort_member", schema=None) as batch_op:
        batch_op.create_index("ix_cohort_member_user_cohort", ["user_id", "cohort_id"])


def downgrade():
    _foreign_keys(False)
    with op.batch_alter_table("cohort_member", schema=None) as batch_op:
        batch_op.drop_index("ix_cohort_member_user_cohort")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index("ix_user_name")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_read")
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation", sa.String(length=160), nullable=True))
    op.get_bind().execute(
        sa.text(
            "UPDATE cohort SET organisation = "
            "(SELECT name FROM organisation WHERE organisation.id = cohort.organisation_id)"
        )
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_user_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_user_organisation_id"))
        batch_op.drop_column("organisation_id")
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.alter_column("organisation", existing_type=sa.String(160), nullable=False)
        batch_op.drop_constraint(
            batch_op.f("fk_cohort_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_cohort_organisation_id"))
        batch_op.drop_column("archived_at")
        batch_op.drop_column("organisation_id")
    op.drop_table("organisation")
    _foreign_keys(True)
