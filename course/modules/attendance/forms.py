"""The register, apologies and catch-up forms."""

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
NOTE_MAX = 300
REFLECTION_MIN, REFLECTION_MAX = 100, 5000
REMARK_NEEDS_STATUS = "Choose a status for this person to keep the remark, or clear the remark"


class PersonMarkForm(Form):
    """One person's line of the register, with the values the page was loaded with."""

    user_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    status = RadioField("Status", choices=STATUS_CHOICES, default=UNMARKED)
    reason = SelectField(
        "Reason for apologies", choices=[("", "Not given")] + REASON_CHOICES, default=""
    )
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


class RegisterForm(FlaskForm):
    """A session's whole register in one form."""

    people = FieldList(FormField(PersonMarkForm))
    save = SubmitField("Save the register")
    fill_present = SubmitField("Save, marking everyone still unmarked as present")

    @staticmethod
    def initial(people, marks):
        """The form's data for the register as it is stored now."""
        lines = []
        for user in people:
            values = MarkValues.of(marks.get(user.id))
            line = dict(
                user_id=user.id,
                status=values.status or UNMARKED,
                reason=values.reason or "",
                note=values.note or "",
            )
            line.update(
                original_status=line["status"],
                original_reason=line["reason"],
                original_note=line["note"],
            )
            lines.append(line)
        return {"people": lines}

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
