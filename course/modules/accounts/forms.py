"""Forms for signing in, passwords and administration."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from course.modules.accounts.models import Role
from course.modules.accounts.passwords import password_problem

ROLE_CHOICES = [(role.value, role.label) for role in Role]


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change data."""


class LoginForm(FlaskForm):
    """Sign in with an email address and password."""

    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])
    next = HiddenField()


class NewPasswordForm(FlaskForm):
    """Choose a password, checked against the policy."""

    password = PasswordField("New password", validators=[DataRequired("Enter a new password")])
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo("password", "The two passwords do not match"),
        ],
    )

    def __init__(self, *args, email=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_password(self, field):
        """Apply the password policy."""
        problem = password_problem(field.data or "", self._email)
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordForm):
    """Change a password while signed in."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )


class UserForm(FlaskForm):
    """Create or edit an account."""

    name = StringField("Full name", validators=[DataRequired("Enter a name"), Length(max=120)])
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter an email address"),
            Email("Enter an email address in the right format, like name@example.org"),
            Length(max=254),
        ],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.PARTICIPANT.value)
    team = StringField("Team", validators=[Optional(), Length(max=120)])
    cohort_id = SelectField("Cohort", coerce=int, validate_choice=True)
    organisation_id = SelectField("Organisation", coerce=int, validate_choice=True, default=0)
    active = BooleanField("Account is active", default=True)


class CohortForm(FlaskForm):
    """Create or edit a cohort."""

    name = StringField(
        "Name", validators=[DataRequired("Enter a name, like 'Bromley 2010-11'"), Length(max=120)]
    )
    organisation = StringField(
        "Organisation", validators=[DataRequired("Enter the organisation"), Length(max=160)]
    )
    starts_on = DateField("Starts on", validators=[DataRequired("Enter a real start date")])
    ends_on = DateField("Ends on", validators=[DataRequired("Enter a real end date")])

    def validate_ends_on(self, field):
        """The cohort's year must end after it starts."""
        if self.starts_on.data and field.data and field.data <= self.starts_on.data:
            raise ValidationError("The end date must be after the start date")


class AddMemberForm(FlaskForm):
    """Add people to a cohort by email address."""

    emails = TextAreaField(
        "Email addresses",
        validators=[DataRequired("Enter at least one email address")],
    )


class ImportForm(FlaskForm):
    """Upload a CSV of users."""

    file = FileField(
        "CSV file",
        validators=[
            FileRequired("Choose a CSV file to upload"),
            FileAllowed(["csv", "txt"], "The file must be a CSV file (.csv)"),
        ],
    )


class ImportConfirmForm(FlaskForm):
    """Confirm an import that passed its preview; the CSV travels back in the form."""

    csv_text = HiddenField(validators=[DataRequired()])


class CodeForm(FlaskForm):
    """A code from an authenticator app, or a recovery code."""

    code = StringField(
        "Code",
        validators=[
            DataRequired("Enter the code from your authenticator app"),
            Length(max=40, message="Enter the 6-digit code, or a recovery code"),
        ],
    )


class PasskeyNameForm(FlaskForm):
    """The name of a passkey or security key being added, to tell it apart later."""

    name = StringField(
        "Name of this passkey or security key",
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[
            DataRequired("Enter a name for this passkey or security key"),
            Length(max=60, message="Enter a name of 60 characters or fewer"),
        ],
    )
