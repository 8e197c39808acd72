"""A real OpenID provider for the single sign-on tests: npm's oidc-provider on a free port.

tests/tools/oidc_provider.js runs it; its own login and consent pages are driven with requests,
as a browser would, and the site's callback is then opened with the Flask test client.
"""

import json
import re
import shutil
import socket
import subprocess  # nosec B404 - the tests start their own provider
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from course.modules.accounts import single_sign_on

TOOLS = Path(__file__).parent / "tools"
CLIENT_ID = "course-site"
CLIENT_SECRET = "a client secret for the tests"  # noqa: S105  # nosec B105
SITE = "http://localhost"
ID_TOKEN_TTL = 120  # seconds: short, so the expiry test moves the clock a little
ORGANISATION = "Test Borough Council"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def oidc_provider():
    """The issuer address of a real oidc-provider, started for this test file."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the single sign-on tests need it to run oidc-provider")
    if not (TOOLS / "node_modules" / "oidc-provider").is_dir():
        pytest.skip("oidc-provider is not installed: run npm ci --prefix tests/tools")
    settings = {
        "port": _free_port(),
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{SITE}/login/sso/callback"],
        "post_logout_redirect_uris": [f"{SITE}/login"],
        "id_token_ttl": ID_TOKEN_TTL,
    }
    process = subprocess.Popen(  # noqa: S603  # nosec B603 - our script, our settings
        [node, str(TOOLS / "oidc_provider.js"), json.dumps(settings)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    if not line.startswith("ready "):
        process.kill()
        _, errors = process.communicate(timeout=10)
        pytest.fail(f"the OpenID provider did not start: {line}{errors[:2000]}")
    yield line.split()[1]
    process.terminate()
    process.communicate(timeout=10)


class Provider:
    """The running provider, as a test sets it up: its accounts, its clock, its tampering."""

    def __init__(self, issuer):
        self.issuer = issuer

    def _post(self, what, body):
        requests.post(f"{self.issuer}/test/{what}", json=body, timeout=10).raise_for_status()

    def accounts(self, **accounts):
        """accounts(alice={"email": ..., "email_verified": True, "amr": ["pwd"]})."""
        self._post("accounts", accounts)

    def set_clock(self, now):
        """The provider's clock, in epoch seconds."""
        self._post("clock", {"now": now})

    def tamper(self, mode):
        """Change the next ID tokens: 'wrong-key', 'wrong-audience', 'wrong-nonce', or None."""
        self._post("tamper", {"mode": mode})


@pytest.fixture
def provider(oidc_provider, app):
    """The provider, its clock on the site's, and the site set up to sign in with it."""
    single_sign_on._metadata_cache.clear()
    running = Provider(oidc_provider)
    running.set_clock(time.time())
    running.tamper(None)
    running.accounts()
    app.config.update(
        COURSE_OIDC_ISSUER=oidc_provider,
        COURSE_OIDC_CLIENT_ID=CLIENT_ID,
        COURSE_OIDC_CLIENT_SECRET=CLIENT_SECRET,
        COURSE_OIDC_NAME=ORGANISATION,
    )
    return running


def _form(page):
    """The action of the page's form."""
    match = re.search(r'<form method="post" action="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def sign_in_at_provider(client, login, next_address=None):
    """Start at the site, sign in and consent at the provider; the site's callback address.

    The callback is returned, not opened, so a test can open it (or open it twice, or later).
    """
    start = client.get("/login/sso", query_string={"next": next_address} if next_address else {})
    assert start.status_code == 302, start.get_data(as_text=True)[:500]
    browser = requests.Session()
    url, method, data = start.location, "GET", None
    for _ in range(20):
        if url.startswith(SITE):
            return url[len(SITE) :]
        response = browser.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url, method, data = urljoin(url, response.headers["Location"]), "GET", None
            continue
        assert response.status_code == 200, response.text[:500]
        action = urljoin(url, _form(response.text))
        at_login = action.endswith("/login")
        data = {"login": login, "password": "any password"} if at_login else {}
        url, method = action, "POST"
    raise AssertionError("the provider never sent the browser back to the site")


def state_of(location):
    """The state parameter of an address at the provider."""
    return parse_qs(urlsplit(location).query)["state"][0]
