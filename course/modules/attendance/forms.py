"""The register, apologies and catch-up forms."""

from dataclasses import dataclass, field

from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from course.modules.attendance.models import (
    REASON_LABELS,
    STATUS_LABELS,
    UNMARKED,
    UNMARKED_LABEL,
)
from course.modules.attendance.register import MarkValues, RegisterEntry

STATUS_CHOICES = [(status.value, label) for status, label in STATUS_LABELS.items()] + [
    (UNMARKED, UNMARKED_LABEL)
]
REASON_CHOICES = [(reason.value, label) for reason, label in REASON_LABELS.items()]
REGISTER_REASON_CHOICES = [("", "Not given")] + REASON_CHOICES
NOTE_MAX = 300
REFLECTION_MIN, REFLECTION_MAX = 100, 5000
REMARK_NEEDS_STATUS = "Choose a status for this person to keep the remark, or clear the remark"


class PersonMarkForm(Form):
    """One person's line of the register, with the values the page was loaded with."""

    user_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    status = RadioField("Status", choices=STATUS_CHOICES, default=UNMARKED)
    reason = SelectField("Reason for apologies", choices=REGISTER_REASON_CHOICES, default="")
    note = StringField(
        "Remark",
        validators=[Length(max=NOTE_MAX, message=f"Keep the remark to {NOTE_MAX} characters")],
    )
    original_status = HiddenField(default=UNMARKED)
    original_reason = HiddenField(default="")
    original_note = HiddenField(default="")

    def entry(self):
        """The line as a RegisterEntry: what the page showed and what is sent now."""
        return RegisterEntry(
            user_id=self.user_id.data,
            original=MarkValues.clean(
                self.original_status.data, self.original_reason.data, self.original_note.data
            ),
            submitted=MarkValues.clean(self.status.data, self.reason.data, self.note.data),
        )


@dataclass(frozen=True)
class RegisterLine:
    """One person's line of the register as the page shows it: its inputs' values and errors.

    The page renders the line from these plain values rather than through a WTForms field
    and widget for each input, which took half the page's time on a national register. The
    values are the ones PersonMarkForm would show: those stored, or what a trainer sent.
    """

    prefix: str  # of the line's input names and ids: "people-3-"
    person: object  # the User on the line; None for a posted line naming nobody known
    label: str  # who the line is for, as the error summary names it
    user_id: str
    status: str
    reason: str
    note: str
    original_status: str
    original_reason: str
    original_note: str
    errors: dict = field(default_factory=dict)  # {field name: [message, ...]}

    @classmethod
    def stored(cls, index, person, mark):
        """The line of a register as it is stored now."""
        values = MarkValues.of(mark)
        status, reason, note = values.status or UNMARKED, values.reason or "", values.note or ""
        return cls(
            prefix=f"people-{index}-",
            person=person,
            label=person.name,
            user_id=str(person.id),
            status=status,
            reason=reason,
            note=note,
            original_status=status,
            original_reason=reason,
            original_note=note,
        )

    @classmethod
    def posted(cls, person_form, by_id):
        """A line as a trainer sent it, with its errors, from a validated PersonMarkForm."""
        f = person_form
        person = by_id.get(f.user_id.data)
        return cls(
            f.user_id.name[: -len(f.user_id.short_name)],
            person,
            person.name if person else f.status.label.text,
            f.user_id._value(),
            f.status.data,
            f.reason.data,
            f.note._value(),
            f.original_status._value(),
            f.original_reason._value(),
            f.original_note._value(),
            f.errors,
        )


class RegisterForm(FlaskForm):
    """A session's whole register in one form."""

    people = FieldList(FormField(PersonMarkForm))
    save = SubmitField("Save the register")
    fill_present = SubmitField("Save, marking everyone still unmarked as present")

    @staticmethod
    def stored_lines(people, marks):
        """The register's lines as it is stored now, without building a field for each."""
        return [
            RegisterLine.stored(index, person, marks.get(person.id))
            for index, person in enumerate(people)
        ]

    def posted_lines(self, by_id):
        """The register's lines as the trainer sent them, with their errors."""
        return [RegisterLine.posted(line.form, by_id) for line in self.people]

    def validate(self, extra_validators=None):
        """Also: a remark is kept with a status, so a remark alone is explained at its field.

        "Save, marking everyone still unmarked as present" gives a status to anyone the page
        showed unmarked, so their remark is kept with Present.
        """
        valid = super().validate(extra_validators)
        for line in self.people:
            person = line.form
            unmarked = (person.status.data or UNMARKED) == UNMARKED
            filled = (
                self.fill_present.data and (person.original_status.data or UNMARKED) == UNMARKED
            )
            if unmarked and (person.note.data or "").strip() and not filled:
                person.note.errors.append(REMARK_NEEDS_STATUS)
                valid = False
        return valid

    def entries(self):
        """Every line as a RegisterEntry."""
        return [line.form.entry() for line in self.people]


class ApologiesForm(FlaskForm):
    """Apologies for a session to come, with a reason (and, for a presenter, their slot)."""

    reason = RadioField(
        "Why can you not attend?",
        choices=REASON_CHOICES,
        validators=[DataRequired("Choose the reason for your apologies")],
    )
    presenting = RadioField(
        "You are presenting a case at this session",
        choices=[
            ("withdraw", "Withdraw from presenting and tell the trainers"),
            ("keep", "Keep my slot for now (the rota will show that I sent apologies)"),
        ],
        validators=[Optional()],
    )

    def validate_for_presenter(self):
        """A confirmed presenter must say what happens to their slot; False with a message."""
        if self.presenting.data in ("withdraw", "keep"):
            return True
        self.presenting.errors = list(self.presenting.errors or []) + [
            "Say whether you withdraw from presenting"
        ]
        return False


class CatchUpForm(FlaskForm):
    """A short catch-up reflection for the trainers."""

    reflection = TextAreaField(
        "Your catch-up reflection",
        validators=[
            DataRequired("Write your catch-up reflection"),
            Length(
                min=REFLECTION_MIN,
                max=REFLECTION_MAX,
                message=(
                    f"Write between {REFLECTION_MIN} and {REFLECTION_MAX} characters: "
                    "a few sentences is enough"
                ),
            ),
        ],
    )


class CheckInForm(FlaskForm):
    """Check in with the code on the screen."""

    code = StringField(
        "Code on the screen",
        validators=[Length(max=20, message="The code is 6 digits.")],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 20},
    )
