"""Import users from a CSV file: validate every row first, then import all or nothing."""

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from course import audit
from course.extensions import db
from course.modules.accounts import notices
from course.modules.accounts.models import ATTENDING_ROLES, Cohort, CohortMember, Role, User
from course.modules.accounts.services import issue_set_password_link, normalise_email
from course.modules.programme.services import held_session_counts
from course.timeutil import london_today

COLUMNS = ("name", "email", "role", "team", "cohort")
MAX_ROWS = 2000
ROLE_ALIASES = {role.label.lower(): role for role in Role} | {
    "manager": Role.PARTICIPANT,
    "team manager": Role.PARTICIPANT,
    "administrator": Role.ADMIN,
}


@dataclass
class ImportRow:
    """One row of the file, with what is wrong with it."""

    line: int
    name: str
    email: str
    role: str
    team: str
    cohort: str
    problems: list[str] = field(default_factory=list)
    cohort_id: int | None = None
    organisation_id: int | None = None


@dataclass
class ImportPreview:
    """Every row of a file and the problems with the file as a whole."""

    rows: list[ImportRow]
    problems: list[str]
    held: dict = field(default_factory=dict)  # {cohort name: sessions it has already held}

    @property
    def ok(self):
        """Whether the file can be imported as it is."""
        return not self.problems and all(not row.problems for row in self.rows)

    @property
    def bad_rows(self):
        """The rows with problems."""
        return [row for row in self.rows if row.problems]


def read_upload(data):
    """Decode an uploaded file (UTF-8, with or without a byte-order mark, or Windows-1252)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def preview_import(text, organisation_id=None):
    """Parse and check a CSV of users without changing anything.

    An organisation's administrator (organisation_id) imports only into its own cohorts, and
    never trainers or evaluators, who work across organisations.
    """
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in headers]
    if missing:
        return ImportPreview(
            [],
            [
                "The first line must name the columns: name, email, role, team, cohort. "
                f"Missing: {', '.join(missing)}."
            ],
        )
    reader.fieldnames = headers
    rows = []
    for line, raw in enumerate(reader, start=2):
        values = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        if not any(values.values()):
            continue
        rows.append(ImportRow(line=line, **values))
        if len(rows) > MAX_ROWS:
            return ImportPreview([], [f"A file can hold at most {MAX_ROWS} people."])
    if not rows:
        return ImportPreview([], ["The file has no people in it, only the heading line."])
    _check_rows(rows, organisation_id)
    return ImportPreview(rows, [], _sessions_held(rows))


def _sessions_held(rows):
    """{cohort name: (sessions held, people joining)} for cohorts that new members join late."""
    joining = {}
    for row in rows:
        if row.cohort_id and row.role in ATTENDING_ROLES:
            joining.setdefault(row.cohort_id, []).append(row)
    held = held_session_counts(list(joining))
    return {
        rows_[0].cohort: (held[cohort_id], len(rows_))
        for cohort_id, rows_ in joining.items()
        if held.get(cohort_id)
    }


def _check_rows(rows, organisation_id=None):
    """Record each row's problems: missing fields, bad emails, duplicates, unknown cohorts."""
    emails = [normalise_email(row.email) for row in rows]
    existing = set(db.session.scalars(select(User.email).where(func.lower(User.email).in_(emails))))
    cohort_stmt = select(Cohort.name, Cohort.id, Cohort.organisation_id)
    if organisation_id is not None:
        cohort_stmt = cohort_stmt.where(Cohort.organisation_id == organisation_id)
    cohorts = {name.lower(): (id_, org) for name, id_, org in db.session.execute(cohort_stmt)}
    seen = {}
    for row in rows:
        if not row.name:
            row.problems.append("the name is missing")
        try:
            row.email = validate_email(row.email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            row.problems.append(
                f"'{row.email}' is not a valid email address"
                if row.email
                else "the email address is missing"
            )
        else:
            if row.email in existing:
                row.problems.append(f"{row.email} already has an account")
            elif row.email in seen:
                row.problems.append(f"{row.email} is also on line {seen[row.email]}")
            seen.setdefault(row.email, row.line)
        role = ROLE_ALIASES.get(" ".join(row.role.lower().replace("_", " ").split()))
        if role is None:
            allowed = ", ".join(r.value for r in Role)
            row.problems.append(f"the role '{row.role}' is not one of: {allowed}")
        else:
            row.role = role.value
            if organisation_id is not None and role in (Role.TRAINER, Role.EVALUATOR):
                row.problems.append(
                    f"only a site administrator can add a {role.label.lower()}, who may work "
                    "for several organisations"
                )
        row.organisation_id = organisation_id
        if row.cohort:
            row.cohort_id, cohort_org = cohorts.get(row.cohort.lower(), (None, None))
            if row.cohort_id is None:
                row.problems.append(f"there is no cohort called '{row.cohort}'")
            elif row.role not in (Role.TRAINER, Role.EVALUATOR):
                row.organisation_id = cohort_org
        elif row.role != Role.ADMIN:
            row.problems.append("the cohort is missing")


def import_users(preview):
    """Create the accounts of a clean preview; returns (user, set-password token) pairs."""
    if not preview.ok:
        raise ValueError("only a preview without problems can be imported")
    created, trainers_by_cohort = [], {}
    for row in preview.rows:
        user = User(
            name=row.name,
            email=row.email,
            role=row.role,
            team=row.team or None,
            organisation_id=row.organisation_id,
        )
        db.session.add(user)
        db.session.flush()
        if row.cohort_id:
            db.session.add(
                CohortMember(cohort_id=row.cohort_id, user_id=user.id, joined_on=london_today())
            )
            trainers_by_cohort.setdefault(row.cohort_id, []).append(user)
        created.append((user, issue_set_password_link(user)))
    for cohort_id, users in trainers_by_cohort.items():
        notices.announce_new_trainers(cohort_id, users)
    audit.record("users_imported", object_type="User", count=len(created))
    db.session.commit()
    return created
