"""The journal's forms: the editor, sharing and feedback."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from course.modules.journal.frameworks import FRAMEWORK_CHOICES, SECTION_FIELDS
from course.modules.journal.services import MAX_TAG_LENGTH, MAX_TAGS, normalise_tags
from course.modules.presentations.anonymisation import OVERRIDE_REASONS
from course.timeutil import london_today

MAX_BODY_LENGTH = 100_000


class EntryForm(FlaskForm):
    """The editor: a title, the framework's prompts as sections, links and tags."""

    title = StringField(
        "Title", validators=[DataRequired("Enter a title for the entry"), Length(max=200)]
    )
    framework = SelectField("Reflection framework", choices=FRAMEWORK_CHOICES, default="free")
    shown_framework = HiddenField()
    notes = TextAreaField("Your reflection")
    session_id = SelectField("Session", coerce=int, default=0)
    reading_id = SelectField("Reading", coerce=int, default=0)
    presentation_id = SelectField("Case presentation", coerce=int, default=0)
    tags = StringField("Tags", validators=[Optional(), Length(max=400)])
    supervision_record_id = HiddenField()
    version = HiddenField()
    draft_id = HiddenField()

    def __init__(self, *args, sessions=(), readings=(), presentations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.session_id.choices = [(0, "No session")] + [(s.id, s.label) for s in sessions]
        self.reading_id.choices = [(0, "No reading")] + [
            (r.id, f"{r.title} ({r.authors})") for r in readings
        ]
        self.presentation_id.choices = [(0, "No presentation")] + list(presentations)

    def validate_tags(self, field):
        """A few short tags."""
        names = normalise_tags(field.data)
        if len(names) > MAX_TAGS:
            raise ValidationError(f"Use at most {MAX_TAGS} tags")
        if any(len(name) > MAX_TAG_LENGTH for name in names):
            raise ValidationError(f"Each tag can be at most {MAX_TAG_LENGTH} characters")

    def check_body(self, body):
        """The composed body must hold something, and not too much; False adds the error."""
        if not body:
            self.notes.errors.append("Write your reflection in at least one of the boxes")
        elif len(body) > MAX_BODY_LENGTH:
            self.notes.errors.append(
                f"The entry is too long: keep it under {MAX_BODY_LENGTH:,} characters, "
                "or split it into two entries"
            )
        return not self.notes.errors


# One box per prompt of every framework; the editor shows the chosen framework's boxes.
for _name, _prompt in SECTION_FIELDS:
    setattr(EntryForm, _name, TextAreaField(_prompt.heading, description=_prompt.question))


class ShareForm(FlaskForm):
    """Share an entry with the cohort's trainers, optionally until a date."""

    until = DateField("Share until (optional)", validators=[Optional()])
    override = RadioField(
        "Share it anyway because",
        choices=OVERRIDE_REASONS,
        validators=[Optional()],
    )

    def validate_until(self, field):
        """The last day of sharing cannot be in the past."""
        if field.data and field.data < london_today():
            raise ValidationError("The date must be today or later")


REPLY_MAX = 2_000  # a reply, not another entry


class ReplyForm(FlaskForm):
    """The author's reply to the trainers' feedback."""

    body = TextAreaField(
        "Your reply",
        validators=[DataRequired("Write your reply"), Length(max=REPLY_MAX)],
    )


class FeedbackForm(FlaskForm):
    """A trainer's feedback on a shared entry."""

    body = TextAreaField(
        "Your feedback",
        validators=[DataRequired("Write your feedback"), Length(max=10_000)],
    )
