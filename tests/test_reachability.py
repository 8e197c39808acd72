"""Every page a person needs is reachable by links from their home page, and each page it reaches is
well formed where a checker can tell: ids are unique and no two landmarks share a name.

The crawl signs in to the demo cohort as each role and follows the links (GET, same site) from `/`.
"""

from collections import Counter

import pytest

from tests.crawl_support import ACCOUNTS, crawl, text_of

COMMON = {"/", "/account/", "/account/password"}
MAIN_PAGES = {
    "participant": COMMON
    | {"/programme/", "/readings/", "/attendance/", "/presentations/", "/journal/", "/journal/new"}
    | {"/journal/export", "/barriers/", "/barriers/new", "/notifications/", "/calendar/"},
    "senior_manager": COMMON
    | {"/programme/", "/attendance/", "/journal/", "/barriers/", "/barriers/overview"}
    | {"/notifications/", "/calendar/"},
    "trainer": COMMON
    | {"/programme/", "/readings/", "/readings/progress", "/attendance/", "/attendance/catch-ups"}
    | {"/presentations/", "/journal/shared", "/barriers/review", "/notifications/"},
    "evaluator": COMMON
    | {"/programme/", "/attendance/", "/barriers/overview", "/readings/progress"},
    "admin": COMMON
    | {"/admin/users", "/admin/users/new", "/admin/users/import", "/admin/cohorts"}
    | {"/admin/cohorts/new", "/admin/audit"},
}


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_each_role_reaches_its_main_pages_by_links_from_home(demo_client, role):
    client = demo_client(role)
    reached, problems = set(), []
    for path, html, parts in crawl(client):
        reached.add(path)
        duplicates = [i for i, n in Counter(parts.ids).items() if n > 1]
        if duplicates:
            problems.append(f"{path}: duplicate ids {duplicates}")
        names = parts.landmarks + [(k, text_of(html, i)) for k, i in parts.labelledby]
        repeated = [name for name, n in Counter(names).items() if n > 1]
        if repeated:
            problems.append(f"{path}: landmarks sharing a name {repeated}")
    assert MAIN_PAGES[role] - reached == set(), (
        f"not reachable from home: {MAIN_PAGES[role] - reached}"
    )
    assert problems == []
