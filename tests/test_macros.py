"""The form macros tie each hint and error to its control, for screen-reader users."""

import re

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField

TEMPLATE = """{% from "_macros.html" import field, checkbox, radios, post_button %}
{{ field(form.name, hint='Your full name') }}
{{ checkbox(form.consent, hint='You can change this later') }}
{{ radios(form.kind, hint='Pick one') }}
{{ post_button('/go', 'Delete', confirm='Delete it?') }}"""


class ExampleForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Name")
    consent = BooleanField("I agree")
    kind = RadioField("Kind", choices=["a", "b"])  # not tuples: deprecated in WTForms 3.3


def render(app, errors=False):
    """The macros rendered for the example form, with an error on each field if asked."""
    with app.test_request_context():
        form = ExampleForm()
        if errors:
            form.name.errors = ["Enter your name", "Use letters"]
            form.consent.errors = ["Tick the box"]
            form.kind.errors = ["Choose a kind"]
        return render_template_string(TEMPLATE, form=form)


def described_ids(html, pattern):
    """The ids an element (found by pattern) names in aria-describedby."""
    tag = re.search(pattern, html).group(0)
    return re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()


def test_every_error_and_hint_is_named_by_its_control(app):
    html = render(app, errors=True)
    assert described_ids(html, r"<input[^>]*id=\"name\"[^>]*>") == ["name-hint", "name-error"]
    assert described_ids(html, r"<input[^>]*id=\"consent\"[^>]*>") == [
        "consent-hint",
        "consent-error",
    ]
    assert described_ids(html, r"<fieldset[^>]*>") == ["kind-hint", "kind-error"]
    for element_id in ("name-error", "consent-error", "kind-error", "name-hint", "consent-hint"):
        assert html.count(f'id="{element_id}"') == 1, element_id
    assert "Enter your name Use letters" in html
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="consent"', html)


def test_controls_without_errors_name_only_their_hints(app):
    html = render(app)
    assert described_ids(html, r"<fieldset[^>]*>") == ["kind-hint"]
    assert "aria-invalid" not in html
    assert "error-message" not in html


def test_post_button_asks_for_confirmation(app):
    assert 'data-confirm="Delete it?"' in render(app)
