"""The main menu marks the one item for the page being shown."""

import re

import pytest

from course.modules.accounts.models import Role


def current_items(page):
    """The labels of the menu links marked aria-current."""
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', page)


@pytest.mark.parametrize(
    ("role", "path", "expected"),
    [
        (Role.ADMIN, "/", ["Home"]),
        (Role.ADMIN, "/admin/users", ["Users"]),
        (Role.ADMIN, "/admin/users/import", ["Users"]),
        (Role.ADMIN, "/admin/cohorts/new", ["Cohorts"]),
        (Role.ADMIN, "/admin/audit", ["Audit log"]),
        (Role.ADMIN, "/account/", []),
        (Role.PARTICIPANT, "/programme/", ["Programme"]),
        (Role.SENIOR_MANAGER, "/barriers/overview", ["Barrier overview"]),
        (Role.SENIOR_MANAGER, "/barriers/", ["My barriers"]),
    ],
)
def test_menu_marks_only_the_current_section(cohort, make_user, login, role, path, expected):
    client = login(make_user(role=role, cohort_id=None if role == Role.ADMIN else cohort))
    page = client.get(path).get_data(as_text=True)
    assert current_items(page) == expected


def test_session_page_marks_the_programme(cohort, make_user, login):
    client = login(make_user(cohort_id=cohort))
    programme = client.get("/programme/").get_data(as_text=True)
    session_path = re.search(r'href="(/programme/\d+)"', programme).group(1)
    assert current_items(client.get(session_path).get_data(as_text=True)) == ["Programme"]
