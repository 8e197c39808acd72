"""What a person wants by email."""

from flask_wtf import FlaskForm
from wtforms import BooleanField


class PreferenceForm(FlaskForm):
    """Switch the session reminders on or off; account emails always go."""

    session_reminders = BooleanField("Email me a reminder a few days before each session")
