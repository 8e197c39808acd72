"""What each person has to do for each session: the readings still to read, and presenting."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from course.extensions import db
from course.modules.presentations.models import Presentation, PresentationStatus
from course.modules.readings.models import Reading, ReadingProgress, SessionReading


@dataclass
class ReadingToDo:
    """A reading on a session's list that the person has not marked read."""

    title: str
    authors: str
    year: int | None
    required: bool

    @property
    def line(self):
        """'Ruch (2007), Reflective practice in contemporary child-care social work'."""
        year = f" ({self.year})" if self.year else ""
        optional = " (optional)" if not self.required else ""
        return f"{self.authors}{year}, {self.title}{optional}"


@dataclass
class Agenda:
    """One person's part in one session."""

    readings_to_do: list[ReadingToDo] = field(default_factory=list)
    readings_on_list: int = 0
    presenting: bool = False

    def lines(self):
        """The agenda as plain text lines, for a calendar entry or an email."""
        lines = []
        if self.presenting:
            lines += ["You are presenting a case at this session.", ""]
        if self.readings_to_do:
            lines.append("Readings to do:")
            lines += [f"- {reading.line}" for reading in self.readings_to_do]
        elif self.readings_on_list:
            lines.append("You have read everything on this session's reading list.")
        return lines


def agendas(user_ids, session_ids):
    """{(user_id, session_id): Agenda} for every pair, in three queries whatever the numbers."""
    user_ids, session_ids = list(user_ids), list(session_ids)
    result = {(u, s): Agenda() for u in user_ids for s in session_ids}
    if not user_ids or not session_ids:
        return result
    listed = db.session.execute(
        select(SessionReading.session_id, SessionReading.required, Reading)
        .join(Reading, Reading.id == SessionReading.reading_id)
        .where(SessionReading.session_id.in_(session_ids), Reading.retired.is_(False))
        .order_by(
            SessionReading.session_id, SessionReading.required.desc(), SessionReading.position
        )
    ).all()
    reading_ids = {reading.id for _, _, reading in listed}
    read = defaultdict(set)
    if reading_ids:
        for user_id, reading_id in db.session.execute(
            select(ReadingProgress.user_id, ReadingProgress.reading_id).where(
                ReadingProgress.user_id.in_(user_ids), ReadingProgress.reading_id.in_(reading_ids)
            )
        ):
            read[user_id].add(reading_id)
    for session_id, required, reading in listed:
        for user_id in user_ids:
            agenda = result[(user_id, session_id)]
            agenda.readings_on_list += 1
            if reading.id not in read[user_id]:
                agenda.readings_to_do.append(
                    ReadingToDo(reading.title, reading.authors, reading.year, required)
                )
    for user_id, session_id in db.session.execute(
        select(Presentation.presenter_id, Presentation.session_id).where(
            Presentation.presenter_id.in_(user_ids),
            Presentation.session_id.in_(session_ids),
            Presentation.status == PresentationStatus.CONFIRMED,
        )
    ):
        result[(user_id, session_id)].presenting = True
    return result
