"""presentation slots, reflections, follow-up, ground rules, roles

Confirmed and given presentations now hold a numbered slot of their session, unique per session,
so the database itself refuses two sign-ups in one slot. Sign-ups made before this revision are
given slots in sign-up order.

Revision ID: 0003_presentations
Revises: 0002
Create Date: 2026-11-22 19:43:45.235278

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_presentations"
down_revision = "0002"
branch_labels = None
depends_on = None

MAX_SLOTS = 6
ACTIVE = sa.text("status IN ('confirmed', 'reserve', 'given')")
CHECKS = {
    "ck_presentation_slot_in_range": f"slot BETWEEN 1 AND {MAX_SLOTS}",
    "ck_presentation_slot_iff_held": "(status IN ('confirmed', 'given')) = (slot IS NOT NULL)",
    "ck_presentation_status_known": (
        "status IN ('confirmed', 'reserve', 'given', 'withdrawn', 'cancelled')"
    ),
    "ck_presentation_kind_known": (
        "kind IN ('stuck_case', 'risk_concern', 'supervisory_dilemma', 'other')"
    ),
}


def upgrade():
    op.create_table(
        "reflection_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("presentation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_reflection_note_author_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["presentation_id"],
            ["presentation.id"],
            name=op.f("fk_reflection_note_presentation_id_presentation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflection_note")),
        sa.UniqueConstraint(
            "presentation_id",
            "author_id",
            name=op.f("uq_reflection_note_presentation_id_author_id"),
        ),
    )
    with op.batch_alter_table("reflection_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reflection_note_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reflection_note_presentation_id"), ["presentation_id"], unique=False
        )

    with op.batch_alter_table("presentation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slot", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("promoted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("brief_deleted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("ground_rules_version", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("ground_rules_agreed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("follow_up", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("interviewer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("timekeeper_id", sa.Integer(), nullable=True))

    _give_existing_presentations_their_slots()

    with op.batch_alter_table("presentation", schema=None) as batch_op:
        batch_op.create_index(
            "uq_presentation_active_presenter",
            ["session_id", "presenter_id"],
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_presentation_session_id_slot"), ["session_id", "slot"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_presentation_interviewer_id_user"),
            "user",
            ["interviewer_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_presentation_timekeeper_id_user"),
            "user",
            ["timekeeper_id"],
            ["id"],
            ondelete="SET NULL",
        )
        for name, condition in CHECKS.items():
            batch_op.create_check_constraint(op.f(name), condition)


def _give_existing_presentations_their_slots():
    """Confirmed and given sign-ups get slots 1, 2, ... per session in sign-up order; any past
    the most a session can have go back to its reserve list."""
    presentation = sa.table(
        "presentation",
        sa.column("id", sa.Integer),
        sa.column("session_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("slot", sa.Integer),
        sa.column("position", sa.Integer),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(presentation.c.id, presentation.c.session_id)
        .where(presentation.c.status.in_(("confirmed", "given")))
        .order_by(presentation.c.session_id, presentation.c.position, presentation.c.id)
    ).all()
    taken = {}
    for presentation_id, session_id in rows:
        taken[session_id] = slot = taken.get(session_id, 0) + 1
        values = {"slot": slot} if slot <= MAX_SLOTS else {"status": "reserve"}
        connection.execute(
            presentation.update().where(presentation.c.id == presentation_id).values(**values)
        )


def downgrade():
    with op.batch_alter_table("presentation", schema=None) as batch_op:
        for name in CHECKS:
            batch_op.drop_constraint(op.f(name), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_presentation_timekeeper_id_user"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_presentation_interviewer_id_user"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_presentation_session_id_slot"), type_="unique")
        batch_op.drop_index(
            "uq_presentation_active_presenter", sqlite_where=ACTIVE, postgresql_where=ACTIVE
        )
        batch_op.drop_column("timekeeper_id")
        batch_op.drop_column("interviewer_id")
        batch_op.drop_column("follow_up_at")
        batch_op.drop_column("follow_up")
        batch_op.drop_column("ground_rules_agreed_at")
        batch_op.drop_column("ground_rules_version")
        batch_op.drop_column("brief_deleted_at")
        batch_op.drop_column("promoted_at")
        batch_op.drop_column("slot")

    with op.batch_alter_table("reflection_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reflection_note_presentation_id"))
        batch_op.drop_index(batch_op.f("ix_reflection_note_author_id"))

    op.drop_table("reflection_note")
