"""The erasure form: the person's email typed in full, and the reason."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class ErasureForm(FlaskForm):
    """Erase a person; the typed email must match theirs."""

    confirmation = StringField(
        "Type the person's email address to confirm",
        validators=[DataRequired("Type the person's email address")],
    )
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired("Give the reason, e.g. the date and reference of the request"),
            Length(max=500, message="Keep the reason under 500 characters"),
        ],
    )


class LeaverForm(FlaskForm):
    """A closed account's email and password, to download its data."""

    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])
