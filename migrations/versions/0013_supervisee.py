"""the supervisee survey's team links and flood counter; the impact report's retention figures
and release; a response's team link; the supervisees as a questionnaire audience

Revision ID: 0013_supervisee
Revises: 0012_meet2
Create Date: 2026-11-30 00:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_supervisee"
down_revision = "0012_meet2"
branch_labels = None
depends_on = None

OLD_AUDIENCES = "audience IN ('participants', 'senior_managers', 'both')"
NEW_AUDIENCES = "audience IN ('participants', 'senior_managers', 'both', 'supervisees')"


def upgrade():
    op.create_table(
        "survey_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("team_size", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("replaced", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "team_size BETWEEN 1 AND 60", name=op.f("ck_survey_link_team_size_range")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["user.id"], name=op.f("fk_survey_link_manager_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"], ["questionnaire.id"],
            name=op.f("fk_survey_link_questionnaire_id_questionnaire"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_link")),
        sa.UniqueConstraint(
            "questionnaire_id", "manager_id", name=op.f("uq_survey_link_questionnaire_id_manager_id")
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_survey_link_token_hash")),
    )  # fmt: skip
    with op.batch_alter_table("survey_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_link_manager_id"), ["manager_id"])
        batch_op.create_index(batch_op.f("ix_survey_link_questionnaire_id"), ["questionnaire_id"])
    op.create_table(
        "survey_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"], ["survey_link.id"], name=op.f("fk_survey_throttle_link_id_survey_link"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_throttle")),
        sa.UniqueConstraint("link_id", "window", name=op.f("uq_survey_throttle_link_id_window")),
    )  # fmt: skip
    with op.batch_alter_table("survey_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_throttle_link_id"), ["link_id"])
    op.create_table(
        "retention_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("leavers", sa.Integer(), nullable=False),
        sa.Column("agency_staff", sa.Integer(), nullable=False),
        sa.Column("vacancies", sa.Integer(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "headcount >= 0 AND leavers >= 0 AND agency_staff >= 0 AND vacancies >= 0",
            name=op.f("ck_retention_figure_retention_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohort.id"], name=op.f("fk_retention_figure_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["user.id"], name=op.f("fk_retention_figure_entered_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_figure")),
        sa.UniqueConstraint("cohort_id", "quarter", name=op.f("uq_retention_figure_cohort_id_quarter")),
    )  # fmt: skip
    with op.batch_alter_table("retention_figure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_figure_cohort_id"), ["cohort_id"])
        batch_op.create_index(batch_op.f("ix_retention_figure_entered_by_id"), ["entered_by_id"])
    op.create_table(
        "impact_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_impact_release_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_release")),
        sa.UniqueConstraint("cohort_id", name=op.f("uq_impact_release_cohort_id")),
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("survey_link_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_response_survey_link_id"), ["survey_link_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_response_survey_link_id_survey_link"), "survey_link",
            ["survey_link_id"], ["id"], ondelete="CASCADE",
        )  # fmt: skip
    with op.batch_alter_table("questionnaire", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_questionnaire_audience_known"), type_="check")
        batch_op.create_check_constraint("audience_known", NEW_AUDIENCES)


def downgrade():
    op.execute("DELETE FROM questionnaire WHERE audience = 'supervisees'")
    with op.batch_alter_table("questionnaire", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_questionnaire_audience_known"), type_="check")
        batch_op.create_check_constraint("audience_known", OLD_AUDIENCES)
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_response_survey_link_id_survey_link"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_response_survey_link_id"))
        batch_op.drop_column("survey_link_id")
    op.drop_table("impact_release")
    op.drop_table("retention_figure")
    op.drop_table("survey_throttle")
    op.drop_table("survey_link")
