"""Site administrators: the organisations whose cohorts run on the site."""

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from course import audit
from course.extensions import db
from course.modules.accounts import scope
from course.modules.accounts.admin import bp
from course.modules.accounts.models import Cohort, Organisation, User, unique_slug


class OrganisationForm(FlaskForm):
    """Add an organisation."""

    name = StringField(
        "Name",
        validators=[
            DataRequired("Enter the organisation's name, like 'London Borough of Bromley'"),
            Length(max=160),
        ],
    )


@bp.route("/organisations", methods=["GET", "POST"])
def organisations():
    """Every organisation with its cohorts and people; add one."""
    scope.require_site_admin()
    form = OrganisationForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if db.session.scalar(select(Organisation.id).where(Organisation.name == name)):
            form.name.errors.append("An organisation with this name already exists")
        else:
            organisation = Organisation(name=name, slug=unique_slug(name))
            db.session.add(organisation)
            db.session.flush()
            audit.record("organisation_created", organisation, name=name)
            db.session.commit()
            flash(f"Added {name}. Add its cohorts and its administrator next.", "success")
            return redirect(url_for("admin.organisations"))
    cohorts = (
        select(Cohort.organisation_id, func.count(Cohort.id).label("n"))
        .group_by(Cohort.organisation_id)
        .subquery()
    )
    people = (
        select(User.organisation_id, func.count(User.id).label("n"))
        .group_by(User.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Organisation, func.coalesce(cohorts.c.n, 0), func.coalesce(people.c.n, 0))
        .outerjoin(cohorts, cohorts.c.organisation_id == Organisation.id)
        .outerjoin(people, people.c.organisation_id == Organisation.id)
        .order_by(Organisation.name)
    ).all()
    return render_template("admin/organisations.html", rows=rows, form=form)
