"""The log's forms: a supervisee, and a supervision record with its decisions and actions.

Every free-text box goes through the anonymisation check used for case briefs; a box that trips
it is refused with each finding listed beside it, and everything else typed is kept.
"""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from course.modules.presentations.anonymisation import (
    distinct_findings,
    find_identifiers,
    marked_segments,
)
from course.modules.supervision.clarity import ActionInput, RecordInput, ReviewInput
from course.modules.supervision.models import KINDS, OUTCOMES, OWNERS, PARTS, POLICIES
from course.timeutil import london_today

NOTE_MAX = 2000
SHORT_MAX = 500
DATE_MESSAGE = "Enter a real date, for example 14 10 2026"
BLANK_ACTION_ROWS = 2
MAX_ROWS = 30


def refusal(findings):
    """The message beside a box that holds likely identifiers."""
    count = len(distinct_findings(findings))
    parts = "the part" if count == 1 else f"the {count} parts"
    return f"This could identify someone. Change {parts} marked below, then save again."


class CheckedTextMixin:
    """Runs the anonymisation check over chosen fields, keeping findings to show beside them."""

    def check_text(self, fields):
        """Refuse each field with identifiers; True when none had any."""
        self.report = getattr(self, "report", {})
        clean = True
        for field in fields:
            findings = find_identifiers(field.data or "")
            if findings:
                clean = False
                field.errors = [*field.errors, refusal(findings)]
                self.report[field.name] = (
                    distinct_findings(findings),
                    marked_segments(field.data or "", findings),
                )
        return clean


class SuperviseeForm(CheckedTextMixin, FlaskForm):
    """Someone I supervise, by a label of my own."""

    label = StringField(
        "Label",
        validators=[
            DataRequired("Enter a label, such as SW1 or Newly qualified A"),
            Length(max=60, message="Keep the label to 60 characters"),
        ],
    )
    newly_qualified = BooleanField("Newly qualified (in their first year of practice)")
    started_on = DateField(
        "Started in post on",
        validators=[Optional()],
        render_kw={"autocomplete": "off"},
    )
    policy = RadioField(
        "How often should they be supervised?",
        choices=list(POLICIES.items()),
        default="lga",
        validators=[InputRequired("Choose a policy")],
    )

    def validate_started_on(self, field):
        """A newly qualified worker's schedule counts from their start, which has happened."""
        if field.data and field.data > london_today():
            field.errors.append("The start date must be today or earlier")
        elif self.newly_qualified.data and field.data is None and not field.errors:
            field.errors.append(
                "Enter when they started: the newly qualified schedule counts from that day"
            )

    def validate(self, extra_validators=None):
        """The usual checks, then the anonymisation check on the label."""
        valid = super().validate(extra_validators)
        return self.check_text([self.label]) and valid


class DecisionForm(Form):
    """A decision and its rationale."""

    what = TextAreaField("Decision", validators=[Length(max=NOTE_MAX)])
    rationale = TextAreaField("Rationale", validators=[Length(max=NOTE_MAX)])

    def check_row(self):
        """A rationale belongs to a decision."""
        if (self.rationale.data or "").strip() and not (self.what.data or "").strip():
            add_error(self.what, "Say what was decided")


class ActionForm(Form):
    """An action: what, who, by when, and how progress will be known."""

    id = HiddenField()
    what = TextAreaField("What", validators=[Length(max=SHORT_MAX)])
    owner = RadioField("Who", choices=list(OWNERS.items()), validate_choice=False)
    owner_role = StringField(
        "Their role (if someone else)", validators=[Length(max=80, message="Keep it short")]
    )
    due_on = DateField("By when", validators=[Optional()])
    progress = TextAreaField("How will progress be known?", validators=[Length(max=SHORT_MAX)])

    def is_blank(self):
        """Nothing typed or chosen in this row."""
        return not (
            (self.what.data or "").strip()
            or self.owner.data
            or (self.owner_role.data or "").strip()
            or self.due_on.data
            or (self.progress.data or "").strip()
        )

    def check_row(self):
        """A row with anything in it says what; someone else is named by role."""
        if self.owner.data not in OWNERS:
            self.owner.data = None
        if not self.is_blank() and not (self.what.data or "").strip():
            add_error(self.what, "Say what the action is")
        if self.owner.data == "other" and not (self.owner_role.data or "").strip():
            add_error(self.owner_role, "Say who by role, for example “health visitor”")


class ReviewForm(Form):
    """Looking back at an earlier action."""

    action_id = HiddenField()
    outcome = RadioField("What happened?", choices=list(OUTCOMES.items()), validate_choice=False)
    why = TextAreaField("Why, or what next", validators=[Length(max=SHORT_MAX)])

    def check_row(self):
        """One of the choices; a note needs one too."""
        if self.outcome.data not in OUTCOMES:
            self.outcome.data = None
        if (self.why.data or "").strip() and not self.outcome.data:
            add_error(self.outcome, "Choose what happened to this action")


def add_error(field, message):
    """Add a message to a field (for checks that span a row)."""
    field.errors = [*field.errors, message]


class RecordForm(CheckedTextMixin, FlaskForm):
    """One supervision, structured as DOMAIN.md section 6."""

    held_on = DateField("Date of the supervision", validators=[InputRequired(DATE_MESSAGE)])
    minutes = IntegerField(
        "Length in minutes",
        validators=[
            InputRequired("Enter how long it lasted, in minutes"),
            NumberRange(1, 600, "Enter a length between 1 and 600 minutes"),
        ],
    )
    kind = RadioField("Kind", choices=list(KINDS.items()), default="one_to_one")
    uninterrupted = RadioField(
        "Was it uninterrupted?",
        choices=[("yes", "Yes"), ("no", "No, it was interrupted")],
        default="yes",
    )
    reviews = FieldList(FormField(ReviewForm), max_entries=200)
    decisions = FieldList(FormField(DecisionForm), min_entries=1, max_entries=MAX_ROWS)
    actions = FieldList(FormField(ActionForm), min_entries=BLANK_ACTION_ROWS, max_entries=MAX_ROWS)
    next_on = DateField("Next supervision (optional)", validators=[Optional()])
    version = HiddenField()
    draft_id = HiddenField()

    def validate_held_on(self, field):
        """A record is of a supervision that has happened."""
        if field.data and field.data > london_today():
            add_error(field, "The date must be today or earlier")

    def validate_next_on(self, field):
        """The next supervision comes after this one."""
        if field.data and self.held_on.data and field.data <= self.held_on.data:
            add_error(field, "The next date must be after this supervision")

    def text_fields(self):
        """Every free-text box, for the anonymisation check."""
        fields = [self[f"note_{key}"] for key in PARTS]
        for row in self.decisions:
            fields += [row.form.what, row.form.rationale]
        for row in self.actions:
            fields += [row.form.what, row.form.owner_role, row.form.progress]
        for row in self.reviews:
            fields.append(row.form.why)
        return fields

    def validate(self, extra_validators=None):
        """The usual checks, then the anonymisation check on every box."""
        valid = super().validate(extra_validators)
        for key in PARTS:  # a note means the part was covered
            if (self[f"note_{key}"].data or "").strip():
                self[f"part_{key}"].data = True
        for rows in (self.decisions, self.actions, self.reviews):
            for row in rows:
                row.form.check_row()
        clean = self.check_text(self.text_fields())
        return clean and valid and not self.error_list()

    def record_input(self):
        """What the form says, as a RecordInput (blank rows left out)."""
        return RecordInput(
            held_on=self.held_on.data,
            minutes=self.minutes.data,
            kind=self.kind.data if self.kind.data in KINDS else "one_to_one",
            uninterrupted=self.uninterrupted.data != "no",
            next_on=self.next_on.data,
            parts={
                key: (self[f"note_{key}"].data or "").strip()
                for key in PARTS
                if self[f"part_{key}"].data
            },
            decisions=[
                (row.form.what.data.strip(), (row.form.rationale.data or "").strip())
                for row in self.decisions
                if (row.form.what.data or "").strip()
            ],
            actions=[
                ActionInput(
                    what=row.form.what.data.strip(),
                    owner=row.form.owner.data or None,
                    owner_role=(row.form.owner_role.data or "").strip(),
                    due_on=row.form.due_on.data,
                    progress=(row.form.progress.data or "").strip(),
                    id=int(row.form.id.data) if (row.form.id.data or "").isdigit() else None,
                )
                for row in self.actions
                if not row.form.is_blank()
            ],
            reviews=[
                ReviewInput(
                    action_id=int(row.form.action_id.data),
                    outcome=row.form.outcome.data or None,
                    why=(row.form.why.data or "").strip(),
                )
                for row in self.reviews
                if (row.form.action_id.data or "").isdigit()
            ],
        )

    def error_list(self):
        """(field id, label, message) for the error summary, nested rows included."""
        items = []
        for field in self:
            if field.type == "FieldList":
                for row in field:
                    for sub in row.form:
                        items += [(sub.id, _row_label(field.name, row, sub), e) for e in sub.errors]
            elif field.type != "CSRFTokenField" or field.errors:
                items += [(field.id, field.label.text, e) for e in field.errors]
        return items


def _row_label(list_name, row, sub):
    """'Action 2, What' for the error summary."""
    noun = {"decisions": "Decision", "actions": "Action", "reviews": "Earlier action"}[list_name]
    return f"{noun} {int(row.name.rsplit('-', 1)[1]) + 1}, {sub.label.text}"


for _key, _label in PARTS.items():
    setattr(RecordForm, f"part_{_key}", BooleanField(_label))
    setattr(
        RecordForm,
        f"note_{_key}",
        TextAreaField(
            f"Note on {_label.lower()}",
            validators=[Length(max=NOTE_MAX, message=f"Keep the note to {NOTE_MAX} characters")],
        ),
    )
