"""Forms for readings, files, reading lists and "I have read this"."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    AnyOf,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from course.fields import chosen_id

KIND_CHOICES = [("required", "Required"), ("optional", "Optional")]


class ReadingForm(FlaskForm):
    """A reading's citation and the course's guide to it."""

    title = StringField("Title", validators=[DataRequired("Enter the title"), Length(max=300)])
    authors = StringField(
        "Authors", validators=[DataRequired("Enter the authors"), Length(max=300)]
    )
    year = IntegerField(
        "Year",
        validators=[Optional(), NumberRange(1800, 2200, "Enter a year such as 2007")],
    )
    publication = StringField("Publication", validators=[Optional(), Length(max=300)])
    link = StringField(
        "Link",
        validators=[
            Optional(),
            URL(message="Enter a web address starting https://, such as a DOI link"),
            Length(max=500),
        ],
    )
    library_details = TextAreaField(
        "Library details",
        validators=[
            Optional(),
            Length(max=500, message="Keep the library details to 500 characters"),
        ],
    )
    verify_note = StringField("Details still to check", validators=[Optional(), Length(max=300)])
    guide = TextAreaField(
        "Reading guide",
        validators=[DataRequired("Write the reading guide"), Length(max=50000)],
    )
    retired = BooleanField("Retired: hide it from the library and from reading lists")

    def validate_link(self, field):
        """Only web links: no javascript: or data: addresses."""
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a web address starting https://")


class FileForm(FlaskForm):
    """Attach a PDF or Word file to a reading."""

    file = FileField("File", validators=[FileRequired("Choose a PDF or Word file")])


class ReadForm(FlaskForm):
    """'I have read this' or 'Mark as not read'."""

    read = HiddenField(validators=[AnyOf(["0", "1"])])
    next = HiddenField()


class AddToSessionForm(FlaskForm):
    """Put a reading on a session's list."""

    reading = SelectField(
        "Reading", coerce=chosen_id, validators=[DataRequired("Choose a reading")]
    )
    kind = RadioField(
        "Required or optional",
        choices=KIND_CHOICES,
        default="required",
        validators=[DataRequired()],
    )


class MoveForm(FlaskForm):
    """Move a reading up or down its session's list."""

    direction = HiddenField(validators=[AnyOf(["up", "down"])])


class KindForm(FlaskForm):
    """Make a reading on a list required or optional."""

    kind = HiddenField(validators=[AnyOf(["required", "optional"])])
