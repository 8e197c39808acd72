"""Signing up to present, the brief's anonymisation check, reflections and trainers' changes."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)

from course.modules.presentations.anonymisation import (
    distinct_findings,
    find_identifiers,
    marked_segments,
)
from course.modules.presentations.ground_rules import GROUND_RULES
from course.modules.presentations.models import KIND_LABELS

KIND_CHOICES = [(kind.value, label) for kind, label in KIND_LABELS.items()]
BRIEF_MAX = 3000
RULE_TEXT = dict(GROUND_RULES)


RUN_SHEET_NOTE_MAX = 2000


class LengthThenStop(Length):
    """Length that ends the field's validation when it fails: the anonymisation check is
    never run on text already refused as too long."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except ValidationError as error:
            raise StopValidation(str(error)) from error


class AnonymisedTextMixin:
    """Refuses a title or brief that holds likely identifiers, keeping each finding for display."""

    def _check_anonymised(self, field):
        findings = find_identifiers(field.data or "")
        self.findings[field.name] = findings
        if findings:
            count = len(distinct_findings(findings))
            parts = "the part" if count == 1 else f"the {count} parts"
            raise ValidationError(
                f"This could identify a child or family. Change {parts} marked below, "
                "then send it again. The check cannot catch everything: check the rest too."
            )

    def anonymisation_report(self):
        """For each refused field: (distinct findings, the text cut into marked segments)."""
        return {
            name: (distinct_findings(findings), marked_segments(self[name].data or "", findings))
            for name, findings in self.findings.items()
            if findings
        }

    def validate_title(self, field):
        """No identifiers in the title."""
        self._check_anonymised(field)

    def validate_brief(self, field):
        """No identifiers in the brief."""
        self._check_anonymised(field)


class BriefForm(AnonymisedTextMixin, FlaskForm):
    """What the presenter brings: kind, title and a short anonymised brief."""

    kind = RadioField(
        "What are you bringing?",
        choices=KIND_CHOICES,
        validators=[InputRequired("Choose what you are bringing to the group")],
    )
    title = StringField(
        "Title",
        validators=[
            DataRequired("Enter a short title"),
            LengthThenStop(max=120, message="Keep the title to 120 characters"),
        ],
    )
    brief = TextAreaField(
        "Brief",
        validators=[
            DataRequired("Write a short brief for the group"),
            LengthThenStop(max=BRIEF_MAX, message=f"Keep the brief to {BRIEF_MAX} characters"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = {}


def _agree(key):
    """A ground rule the presenter must tick."""
    return BooleanField(
        RULE_TEXT[key], validators=[DataRequired("Tick to agree to this ground rule")]
    )


class SignUpForm(BriefForm):
    """The brief, and the group's ground rules ticked one by one."""

    rule_pseudonyms = _agree("pseudonyms")
    rule_minimum_detail = _agree("minimum_detail")
    rule_know_the_family = _agree("know_the_family")
    rule_no_files_or_recording = _agree("no_files_or_recording")
    rule_decisions_go_back = _agree("decisions_go_back")

    def rule_fields(self):
        """The ground-rule checkboxes, in order."""
        return [self[f"rule_{key}"] for key, _ in GROUND_RULES]


class ReflectionForm(FlaskForm):
    """A short reflection for the presenter."""

    text = TextAreaField(
        "Your reflection for the presenter",
        validators=[
            DataRequired("Write your reflection"),
            Length(max=2000, message="Keep your reflection to 2000 characters"),
        ],
    )


class FollowUpForm(FlaskForm):
    """The presenter's follow-up."""

    text = TextAreaField(
        "What you are taking away",
        validators=[
            DataRequired("Write your follow-up"),
            Length(max=3000, message="Keep your follow-up to 3000 characters"),
        ],
    )


class MoveForm(FlaskForm):
    """Trainers: move a sign-up to another session."""

    target_session_id = SelectField("Move to", coerce=int, validate_choice=True)


class RolesForm(FlaskForm):
    """Trainers: who interviews and who keeps time for a consultation."""

    interviewer_id = SelectField("Interviewer", coerce=int)
    timekeeper_id = SelectField("Timekeeper", coerce=int)


class RunSheetNoteForm(FlaskForm):
    """The trainers' notes on the run sheet."""

    text = TextAreaField(
        "Trainers' notes",
        validators=[
            LengthThenStop(
                max=RUN_SHEET_NOTE_MAX,
                message=f"Keep the notes to {RUN_SHEET_NOTE_MAX:,} characters or fewer.",
            )
        ],
        render_kw={"rows": 4, "maxlength": RUN_SHEET_NOTE_MAX},
    )
