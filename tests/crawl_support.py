"""A pytest plugin: crawl the demo site by links as one role, each page parsed."""

import re
from collections import Counter, deque
from html.parser import HTMLParser

import pytest

DEMO_PASSWORD = "crawl passphrase for the demo accounts"
ACCOUNTS = {
    "participant": "manager01@example.org",
    "senior_manager": "senior1@example.org",
    "trainer": "trainer1@example.org",
    "evaluator": "evaluator@example.org",
    "admin": "admin@example.org",
}
SKIP = re.compile(r"\.(ics|csv|xlsx|md|zip|pdf|docx?)$|/file$|/export/|^/logout")
PAGES_PER_SHAPE = 2  # /journal/3 and /journal/7 are one shape: two of each are enough
MAX_PAGES = 160


class PageParts(HTMLParser):
    """The links, ids and named landmarks of one page."""

    LANDMARKS = {"nav", "section", "aside", "form", "main", "header", "footer"}

    def __init__(self):
        super().__init__()
        self.links, self.ids, self.landmarks, self.labelledby = [], [], [], []

    def handle_starttag(self, tag, attrs):
        """Collect what the checks need from each element."""
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"].split("#")[0].split("?")[0])
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        named = tag in self.LANDMARKS or attrs.get("role") in {"region", "navigation"}
        if named and attrs.get("aria-label"):
            self.landmarks.append((self._kind(tag, attrs), attrs["aria-label"]))
        if named and attrs.get("aria-labelledby"):
            self.labelledby.append((self._kind(tag, attrs), attrs["aria-labelledby"]))

    @staticmethod
    def _kind(tag, attrs):
        """The landmark's role: a section and a role=region div are both regions."""
        role = attrs.get("role") or {"section": "region", "nav": "navigation"}.get(tag, tag)
        return role


def text_of(html, element_id):
    """The text of the element with an id (for aria-labelledby names)."""
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</', html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else element_id


def crawl(client):
    """Follow links from the home page; yield (path, html) for each HTML page reached."""
    queue, seen, shapes = deque(["/"]), set(), Counter()
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        shape = re.sub(r"/\d+", "/<id>", path)
        if path in seen or SKIP.search(path) or shapes[shape] >= PAGES_PER_SHAPE:
            continue
        seen.add(path)
        shapes[shape] += 1
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        parts = PageParts()
        parts.feed(html)
        yield path, html, parts
        queue.extend(link for link in parts.links if link not in seen)


@pytest.fixture
def demo_client(app, runner, client, auth):
    """sign_in(role): the client signed in to the demo cohort as that role's first account."""
    result = runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    assert result.exit_code == 0, result.output

    def sign_in(role):
        response = auth.login(ACCOUNTS[role], password=DEMO_PASSWORD)
        assert response.status_code == 302
        return client

    return sign_in
