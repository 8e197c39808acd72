"""The evaluator's forms: a questionnaire's settings, an item, an excerpt."""

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from course.modules.evaluation.models import (
    ITEM_KIND_LABELS,
    KIND_LABELS,
    Anonymity,
    Audience,
    ItemKind,
)
from course.modules.presentations.anonymisation import distinct_findings, find_identifiers
from course.timeutil import to_local, to_utc

NO_SESSION = 0
AUDIENCE_CHOICES = [(a.value, a.label) for a in Audience]
ANONYMITY_CHOICES = [
    (Anonymity.ANONYMOUS.value, "Anonymous: answers carry nothing that links them to a person"),
    (
        Anonymity.PAIRED.value,
        "Anonymous and paired: each person also makes up a code from facts only they know, "
        "so their answers here can be compared with their answers to another paired "
        "questionnaire (for example the baseline), without knowing who they are",
    ),
]


class WindowForm(FlaskForm):
    """Opens and closes, typed in UK time, and the automatic reminder."""

    opens_day = DateField(
        "Opens on", validators=[DataRequired("Enter a real date, like 14/10/2026")]
    )
    opens_time = TimeField("Opens at (UK time)", validators=[DataRequired("Enter a time")])
    closes_day = DateField(
        "Closes on", validators=[DataRequired("Enter a real date, like 28/10/2026")]
    )
    closes_time = TimeField("Closes at (UK time)", validators=[DataRequired("Enter a time")])
    remind_days_before = IntegerField(
        "Remind those who have not answered this many days before it closes (optional)",
        validators=[Optional(), NumberRange(1, 14, "Enter a number of days from 1 to 14")],
    )

    def validate_closes_time(self, field):
        """It closes after it opens."""
        filled = all(f.data for f in (self.opens_day, self.opens_time, self.closes_day, field))
        if filled and self.closes_at() <= self.opens_at():
            raise ValidationError("It must close after it opens")

    def opens_at(self):
        """The opening as aware UTC."""
        return to_utc(datetime.combine(self.opens_day.data, self.opens_time.data))

    def closes_at(self):
        """The closing as aware UTC."""
        return to_utc(datetime.combine(self.closes_day.data, self.closes_time.data))

    def fill_window(self, questionnaire):
        """Show a questionnaire's window in UK time."""
        opens, closes = to_local(questionnaire.opens_at), to_local(questionnaire.closes_at)
        self.opens_day.data, self.opens_time.data = opens.date(), opens.time()
        self.closes_day.data, self.closes_time.data = closes.date(), closes.time()
        self.remind_days_before.data = questionnaire.remind_days_before


class NewQuestionnaireForm(WindowForm):
    """A new questionnaire: its kind, who is asked, its anonymity (fixed) and its window."""

    kind = RadioField(
        "What is it for?",
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[DataRequired("Choose what the questionnaire is for")],
    )
    from_template = BooleanField("Start from the site's questions for this kind", default=True)
    title = StringField("Title (optional: the starting set has one)", validators=[Length(max=200)])
    session_id = SelectField("Session it follows (for feedback)", coerce=int, default=NO_SESSION)
    audience = RadioField(
        "Who is asked?",
        choices=AUDIENCE_CHOICES,
        default=Audience.PARTICIPANTS.value,
        validators=[DataRequired("Choose who is asked")],
    )
    anonymity = RadioField(
        "Anonymity (cannot be changed later)",
        choices=ANONYMITY_CHOICES,
        default=Anonymity.ANONYMOUS.value,
        validators=[DataRequired("Choose how answers are kept")],
    )


class SettingsForm(WindowForm):
    """What can change after creation: wording around the questions, and the window."""

    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=200)])
    introduction = TextAreaField("Introduction", validators=[Length(max=2000)])
    session_id = SelectField("Session it follows (for feedback)", coerce=int, default=NO_SESSION)
    audience = RadioField("Who is asked?", choices=AUDIENCE_CHOICES)


class ItemForm(FlaskForm):
    """One question."""

    kind = RadioField(
        "Kind of question",
        choices=[(k.value, label) for k, label in ITEM_KIND_LABELS.items()],
        default=ItemKind.LIKERT.value,
        validators=[DataRequired("Choose the kind of question")],
    )
    wording = TextAreaField(
        "Wording", validators=[DataRequired("Enter the question"), Length(max=1000)]
    )
    scale = StringField(
        "Scale (rated statements: statements with the same scale name are averaged together)",
        validators=[Length(max=120)],
    )
    options = TextAreaField(
        "Choices, one a line (choose one or choose any)", validators=[Length(max=2000)]
    )
    required = BooleanField("An answer is required", default=True)
    min_value = IntegerField("Smallest number allowed (optional)", validators=[Optional()])
    max_value = IntegerField("Largest number allowed (optional)", validators=[Optional()])

    def validate_options(self, field):
        """Choice questions need two choices or more."""
        lines = [line for line in (field.data or "").splitlines() if line.strip()]
        if self.kind.data in (ItemKind.SINGLE, ItemKind.MULTIPLE) and len(lines) < 2:
            raise ValidationError("Give at least two choices, one a line")

    def validate_max_value(self, field):
        """The largest is not below the smallest."""
        if (
            field.data is not None
            and self.min_value.data is not None
            and field.data < self.min_value.data
        ):
            raise ValidationError("The largest number must not be below the smallest")

    def fields(self):
        """The item's columns from the form."""
        return dict(
            kind=self.kind.data,
            wording=self.wording.data.strip(),
            scale=(self.scale.data or "").strip() or None,
            options="\n".join(
                line.strip() for line in (self.options.data or "").splitlines() if line.strip()
            ),
            required=self.required.data,
            min_value=self.min_value.data,
            max_value=self.max_value.data,
        )


class ExcerptForm(FlaskForm):
    """An excerpt from free-text answers, in words that identify nobody."""

    item_id = SelectField("Question", coerce=int)
    text = TextAreaField(
        "Excerpt", validators=[DataRequired("Write the excerpt"), Length(max=1000)]
    )

    findings = ()

    def validate_text(self, field):
        """The presentations' anonymisation checker runs on every excerpt."""
        findings = distinct_findings(find_identifiers(field.data or ""))
        self.findings = findings
        if findings:
            listed = "; ".join(f"{f.label}: \u201c{f.text}\u201d" for f in findings)
            raise ValidationError(
                f"This could identify someone. Change it and try again ({listed})."
            )


class SurveyLinkForm(FlaskForm):
    """A manager asks for a link for their team in one round of the supervisee survey."""

    round = RadioField(
        "Which round is this link for?",
        choices=[],
        validators=[InputRequired("Choose the round")],
    )
    team_size = IntegerField(
        "How many people do you supervise in this team?",
        validators=[
            InputRequired("Enter how many people you supervise, like 6"),
            NumberRange(min=1, max=60, message="Enter a number from 1 to 60"),
        ],
    )


def _staff_count(label):
    return IntegerField(
        label,
        validators=[
            InputRequired(f"Enter the {label.lower()}, as a whole number"),
            NumberRange(min=0, max=100000, message="Enter a whole number from 0 to 100,000"),
        ],
    )


class RetentionForm(FlaskForm):
    """One quarter's staffing of the participants' teams, as plain numbers."""

    quarter = StringField(
        "Quarter",
        validators=[
            DataRequired("Enter the quarter, like 2026-Q3"),
            Regexp(r"^\d{4}-Q[1-4]$", message="Enter the quarter like 2026-Q3"),
        ],
    )
    headcount = _staff_count("Headcount")
    leavers = _staff_count("Leavers")
    agency_staff = _staff_count("Agency staff")
    vacancies = _staff_count("Vacancies")
