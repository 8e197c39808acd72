"""The supervisee survey's team links, the flood counter, and the impact report's own records.

A SurveyLink is one manager's team in one round of the supervisee survey (a Questionnaire whose
audience is the supervisees). Its token is the unguessable part of /survey/<token>: looked up by
its hash, kept encrypted so the manager can copy it again. Replacing the link changes the token
and keeps the team, so answers already given still count for that team.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.crypto import EncryptedText
from course.extensions import db
from course.timeutil import UTCDateTime, utcnow

TEAM_SIZE_MAX = 60
QUARTER_PATTERN = "[0-9][0-9][0-9][0-9]-Q[1-4]"


class SurveyLink(db.Model):
    """One team's link for one round: the team size stated, open or closed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    manager_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    team_size: Mapped[int] = mapped_column(Integer)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token: Mapped[str] = mapped_column(EncryptedText)
    open: Mapped[bool] = mapped_column(default=True)
    replaced: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questionnaire = relationship("Questionnaire", lazy="raise")
    manager = relationship("User", lazy="raise")

    __table_args__ = (
        UniqueConstraint("questionnaire_id", "manager_id"),
        CheckConstraint(f"team_size BETWEEN 1 AND {TEAM_SIZE_MAX}", name="team_size_range"),
    )


class SurveyThrottle(db.Model):
    """Posts to one link in the current ten-minute window (older windows are deleted)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("survey_link.id", ondelete="CASCADE"), index=True
    )
    window: Mapped[int] = mapped_column(Integer)  # minutes since the epoch // 10
    posts: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("link_id", "window"),)


class RetentionFigure(db.Model):
    """The participants' teams' staffing in one quarter, entered as plain numbers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[str] = mapped_column(String(7))  # "2026-Q3"
    headcount: Mapped[int] = mapped_column(Integer)
    leavers: Mapped[int] = mapped_column(Integer)
    agency_staff: Mapped[int] = mapped_column(Integer)
    vacancies: Mapped[int] = mapped_column(Integer)
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("cohort_id", "quarter"),
        CheckConstraint(
            "headcount >= 0 AND leavers >= 0 AND agency_staff >= 0 AND vacancies >= 0",
            name="retention_not_negative",
        ),
    )


class ImpactRelease(db.Model):
    """The evaluator's release of a cohort's impact report to senior managers and trainers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), unique=True)
    released_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
