"""Times are stored in UTC and shown in Europe/London."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

LONDON = ZoneInfo("Europe/London")


def utcnow():
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def london_today():
    """Today's date in the United Kingdom."""
    return utcnow().astimezone(LONDON).date()


def to_utc(local):
    """A naive wall-clock time in London, or an aware time, as aware UTC."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=LONDON)
    return local.astimezone(UTC)


def to_local(moment):
    """An aware (or naive UTC) time as aware London time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON)


def format_datetime(moment):
    """'Tuesday 14 October 2025, 9:30am' in London time."""
    if moment is None:
        return ""
    local = to_local(moment)
    return f"{local:%A} {local.day} {local:%B %Y}, {format_time(local)}"


def format_time(moment):
    """'9:30am' or '2:05pm' in London time."""
    local = to_local(moment)
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def format_date(value):
    """'14 October 2025' for a date or a time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return f"{value.day} {value:%B %Y}"


def format_short_date(value):
    """'Tue 14 Oct' for a date or a time."""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return f"{value:%a} {value.day} {value:%b}"


def iso_local(moment):
    """A value for <input type=datetime-local> in London time."""
    return to_local(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as naive UTC; gives back aware UTC on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Convert to naive UTC before storing."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        """Mark stored values as UTC."""
        return value.replace(tzinfo=UTC) if value is not None else None


def init_app(app):
    """Register the display filters."""
    app.jinja_env.filters.update(
        datetime=format_datetime,
        time=format_time,
        date=format_date,
        short_date=format_short_date,
    )
    app.jinja_env.globals.update(london_today=london_today, date_type=date)
