"""Editing a session."""

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from course.modules.programme.models import SESSION_COUNT
from course.timeutil import to_utc


class CourseSessionForm(FlaskForm):
    """A session's number, title, date and times (UK time), place, focus and slots."""

    number = IntegerField(
        "Session number",
        validators=[
            DataRequired("Enter the session number"),
            NumberRange(1, SESSION_COUNT, f"The number must be from 1 to {SESSION_COUNT}"),
        ],
    )
    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=200)])
    day = DateField("Date", validators=[DataRequired("Enter a real date, like 14/10/2025")])
    start_time = TimeField("Starts at", validators=[DataRequired("Enter a start time")])
    end_time = TimeField("Ends at", validators=[DataRequired("Enter an end time")])
    location = StringField("Location", validators=[Length(max=200)])
    focus = TextAreaField("Focus", validators=[Length(max=20000)])
    presentation_slots = IntegerField(
        "Case presentation slots",
        validators=[NumberRange(0, 6, "Enter a number of slots from 0 to 6")],
        default=2,
    )

    def __init__(self, *args, cohort, sibling_numbers, **kwargs):
        super().__init__(*args, **kwargs)
        self._cohort = cohort
        self._sibling_numbers = sibling_numbers

    def validate_number(self, field):
        """Numbers are unique within a cohort."""
        if field.data in self._sibling_numbers:
            raise ValidationError(f"Session {field.data} already exists in this cohort")

    def validate_day(self, field):
        """Sessions fall inside the cohort's year."""
        if field.data and not self._cohort.contains(field.data):
            raise ValidationError(
                f"The date must be within the cohort's year, "
                f"{self._cohort.starts_on:%d/%m/%Y} to {self._cohort.ends_on:%d/%m/%Y}"
            )

    def validate_end_time(self, field):
        """A session ends after it starts."""
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError("The end time must be after the start time")

    def starts_at(self):
        """The start as aware UTC."""
        return to_utc(datetime.combine(self.day.data, self.start_time.data))

    def ends_at(self):
        """The end as aware UTC."""
        return to_utc(datetime.combine(self.day.data, self.end_time.data))
