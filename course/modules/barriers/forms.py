"""Forms for raising, moderating and releasing barriers, and for responses to themes."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from course.fields import chosen_id
from course.modules.barriers.models import ResponseStatus
from course.modules.barriers.themes import THEME_CHOICES
from course.modules.presentations.anonymisation import OVERRIDE_REASONS

NO_SESSION = 0
TEXT_LIMIT = 4000
EXCERPT_LIMIT = 1000


def session_choices(sessions, none_label="Not linked to a session"):
    """Choices for a session field: the sessions that have begun, latest first."""
    choices = [(s.id, s.label) for s in reversed(sessions)]
    return [(NO_SESSION, none_label), *choices] if none_label else choices


class RaiseBarrierForm(FlaskForm):
    """A barrier: its theme, what happens, an optional session and consent to quotation."""

    theme = RadioField(
        "Which theme fits it best?",
        choices=THEME_CHOICES,
        validators=[DataRequired("Choose the theme that fits best")],
    )
    text = TextAreaField(
        "What gets in the way?",
        validators=[
            DataRequired("Describe the barrier"),
            Length(max=TEXT_LIMIT, message=f"Keep it under {TEXT_LIMIT} characters"),
        ],
    )
    session_id = SelectField("Which session did it come up in?", coerce=int, default=NO_SESSION)
    quote_consent = BooleanField(
        "Senior managers may see an anonymous quotation of it", default=False
    )
    override = RadioField(
        "Raise it anyway because",
        choices=OVERRIDE_REASONS,
        validators=[Optional()],
    )


class ConsentForm(FlaskForm):
    """Change one's mind about quotation."""

    quote_consent = BooleanField("Senior managers may see an anonymous quotation of it")


class ModerateForm(FlaskForm):
    """Trainers: the theme, the session and the words senior managers may see."""

    theme = SelectField("Theme", choices=THEME_CHOICES)
    session_id = SelectField("Session", coerce=int, default=NO_SESSION)
    excerpt = TextAreaField(
        "Excerpt for quotation",
        validators=[Length(max=EXCERPT_LIMIT, message=f"Keep it under {EXCERPT_LIMIT} characters")],
    )


class MergeForm(FlaskForm):
    """Trainers: mark a barrier as a duplicate of another."""

    target_id = SelectField(
        "It says the same as",
        coerce=chosen_id,
        validators=[DataRequired("Choose the barrier it duplicates")],
    )


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReleaseForm(FlaskForm):
    """Trainers: release a batch of barriers to the senior view."""

    barrier_ids = MultiCheckboxField(
        "Barriers to release",
        coerce=int,
        validators=[DataRequired("Choose at least one barrier to release")],
    )


class LogAloudForm(FlaskForm):
    """Trainers: a barrier someone raised aloud in a session, logged without a name."""

    theme = SelectField("Theme", choices=THEME_CHOICES)
    text = TextAreaField(
        "What was said",
        validators=[
            DataRequired("Write down what was raised"),
            Length(max=TEXT_LIMIT, message=f"Keep it under {TEXT_LIMIT} characters"),
        ],
    )
    session_id = SelectField(
        "Session",
        coerce=chosen_id,
        validators=[DataRequired("Choose the session it was raised in")],
    )
    excerpt = TextAreaField(
        "Excerpt for quotation",
        validators=[Length(max=EXCERPT_LIMIT, message=f"Keep it under {EXCERPT_LIMIT} characters")],
    )
    quote_consent = BooleanField("The person who raised it agreed to be quoted anonymously")


RESPONSE_STATUS_CHOICES = [(s.value, s.label) for s in ResponseStatus]


class ResponseForm(FlaskForm):
    """Senior managers: what will be done about a theme, who owns it, by when, how far it got."""

    theme = SelectField(
        "Theme",
        choices=[("", "Choose a theme"), *THEME_CHOICES],
        validators=[DataRequired("Choose the theme you are responding to")],
    )
    response = TextAreaField(
        "What will be done",
        validators=[
            DataRequired("Say what will be done"),
            Length(max=TEXT_LIMIT, message=f"Keep it under {TEXT_LIMIT} characters"),
        ],
    )
    owner = StringField(
        "Owner",
        validators=[DataRequired("Say who owns this"), Length(max=120)],
    )
    due_on = DateField(
        "Due by", validators=[DataRequired("Enter a real date, as day, month and year")]
    )
    status = RadioField(
        "Status",
        choices=RESPONSE_STATUS_CHOICES,
        default=ResponseStatus.PLANNED.value,
        validators=[DataRequired("Choose a status")],
    )
    reason = TextAreaField(
        "Why it is not possible",
        validators=[Length(max=TEXT_LIMIT, message=f"Keep it under {TEXT_LIMIT} characters")],
    )

    def validate_reason(self, field):
        """A response that cannot be done says why."""
        if self.status.data == ResponseStatus.NOT_POSSIBLE and not (field.data or "").strip():
            raise ValidationError("Say why it is not possible")
