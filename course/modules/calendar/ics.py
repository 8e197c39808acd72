"""Sessions as iCalendar (RFC 5545) entries that Outlook, Google and Apple calendars keep in step.

Each session keeps one UID for ever and carries its SEQUENCE, which goes up whenever a trainer
edits it, so a calendar updates the entry it has instead of adding a second one. Times are
written in Europe/London with the rules of that zone, so 9:30am stays 9:30am on both sides of
a change of the clocks.
"""

from datetime import UTC, datetime, timedelta

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
)

from course.timeutil import LONDON, to_local, utcnow

UID_DOMAIN = "reflective-supervision-programme"
PRODID = "-//Reflective Supervision Programme//Course site//EN"
REFRESH_INTERVAL = timedelta(hours=6)
ALARM_BEFORE = timedelta(days=1)


def session_uid(course_session):
    """The session's calendar identity: the same however often it is edited or moved."""
    return f"course-session-{course_session.id}@{UID_DOMAIN}"


def london_timezone():
    """Europe/London as a VTIMEZONE with the yearly UK rules (the form Outlook reads best)."""
    timezone = Timezone()
    timezone.add("tzid", LONDON.key)
    timezone.add("x-lic-location", LONDON.key)
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("tzoffsetfrom", timedelta(0))
    summer.add("tzoffsetto", timedelta(hours=1))
    summer.add("dtstart", datetime(1981, 3, 29, 1, 0))  # wall-clock time in the zone
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("tzoffsetfrom", timedelta(hours=1))
    winter.add("tzoffsetto", timedelta(0))
    winter.add("dtstart", datetime(1996, 10, 27, 2, 0))  # wall-clock time in the zone
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    timezone.add_component(summer)
    timezone.add_component(winter)
    return timezone


def session_event(course_session, agenda, url, stamp=None):
    """One session as a VEVENT: when, where, its focus, my readings to do and whether I present."""
    cancelled = course_session.cancelled
    summary = course_session.label
    event = Event()
    event.add("uid", session_uid(course_session))
    event.add("sequence", course_session.sequence)
    event.add("dtstamp", (stamp or utcnow()).astimezone(UTC))
    event.add("last-modified", course_session.updated_at.astimezone(UTC))
    event.add("dtstart", to_local(course_session.starts_at))
    event.add("dtend", to_local(course_session.ends_at))
    event.add("summary", f"Cancelled: {summary}" if cancelled else summary)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if course_session.location:
        event.add("location", course_session.location)
    event.add("description", session_description(course_session, agenda, url))
    if url:
        event.add("url", url)
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -ALARM_BEFORE)
        alarm.add("description", f"Tomorrow: {summary}")
        event.add_component(alarm)
    return event


def session_description(course_session, agenda, url):
    """The entry's notes in plain text."""
    lines = []
    if course_session.cancelled:
        lines += ["This session is cancelled.", ""]
    if course_session.focus.strip():
        lines += ["Focus:", course_session.focus.strip(), ""]
    agenda_lines = agenda.lines() if agenda else []
    if agenda_lines:
        lines += [*agenda_lines, ""]
    if url:
        lines.append(f"Session page: {url}")
    return "\n".join(lines).strip()


def build_calendar(name, sessions, agendas, session_url, uid, subscription=True):
    """A calendar of sessions; agendas maps session id to the person's Agenda.

    No METHOD: this is a calendar to subscribe to or open, not an iTIP message (RFC 5546 would want
    an ORGANIZER with METHOD:PUBLISH). Only a subscription carries hints on how often to refresh.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("uid", uid)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", LONDON.key)
    if subscription:
        calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    calendar.add_component(london_timezone())
    stamp = utcnow()
    for course_session in sessions:
        calendar.add_component(
            session_event(
                course_session, agendas.get(course_session.id), session_url(course_session), stamp
            )
        )
    return calendar
