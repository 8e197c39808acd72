"""Every stop of the Tab key shows where focus is, on every page type, for every role.

check_focus_visible compares the pixels around each focused element with the same element unfocused,
so a link styled as a button, a button or a box whose focus changes nothing on screen fails here.
"""

import pytest

from tests.browser.journey import ACCOUNTS, check_focus_visible, sign_in, visit

MAX_STOPS = 45  # more than any page's stops before its main content ends, fewer than a long table's
LANDMARK_NAV = "nav[aria-label='Main'] a"

# Beyond each role's menu: the pages a menu item leads to that have forms and buttons of their own.
EXTRA_PAGES = {
    "participant": ["/journal/new", "/barriers/new", "/account/"],
    "senior_manager": ["/barriers/overview", "/account/"],
    "trainer": ["/attendance/", "/presentations/", "/account/"],
    "evaluator": ["/account/"],
    "admin": ["/admin/users/new", "/account/"],
}

_STOP = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (!el.dataset.focusStop) el.dataset.focusStop = String(Math.random());
  return el.dataset.focusStop;
}"""


def tab_through(page):
    """Press Tab from the top of the page, checking each stop, until focus comes round again."""
    seen = []
    for _ in range(MAX_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(_STOP)
        if stop is None or stop in seen:
            break
        seen.append(stop)
        check_focus_visible(page)
    return len(seen)


def pages_for(page, role):
    """The home page, the role's menu, the first session page, and the role's extra pages."""
    visit(page, "/")
    paths = page.eval_on_selector_all(LANDMARK_NAV, "links => links.map(a => a.pathname)")
    if role != "admin":
        visit(page, "/programme/")
        sessions = page.eval_on_selector_all(
            "main a[href^='/programme/']", "links => links.map(a => a.pathname)"
        )
        paths += sessions[:1]
    return list(dict.fromkeys(["/", *paths, *EXTRA_PAGES[role]]))


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_tab_stop_shows_focus_on_each_page_type(page, role):
    sign_in(page, ACCOUNTS[role])
    stops = {}
    for path in pages_for(page, role):
        visit(page, path)
        stops[path] = tab_through(page)
    assert all(count > 0 for count in stops.values()), stops
