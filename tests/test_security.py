"""CSRF, security headers, sanitised markdown, error pages and who may open which page."""

import re
from datetime import timedelta

import pytest
import time_machine

from course.modules.accounts.models import Role
from course.text import plain_excerpt, render_markdown
from tests.conftest import PASSWORD, form_token


def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_signed_in_post_without_token_is_refused(make_user, login):
    client = login(make_user())
    assert client.post("/logout").status_code == 400


def test_csrf_token_outlives_an_hour(client, make_user, clock):
    user = make_user()
    token = form_token(client, "/login")
    with time_machine.travel(clock + timedelta(hours=3), tick=False):  # a long phone call
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
    assert response.status_code == 302


HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS = ["camera=()", "microphone=()", "geolocation=()"]
# A public page, a signed-in page, an error page and a static file all get the headers.
HEADER_PATHS = ["/login", "/programme/", "/no-such-page", "/static/css/site.css"]


@pytest.fixture
def responses(client, make_user, login, cohort):
    """{path: headers} for each of HEADER_PATHS: /login signed out, the rest signed in."""

    def fetch(path):
        with client.get(path) as response:
            assert response.status_code == (404 if "no-such" in path else 200), path
            return response.headers

    headers = {"/login": fetch("/login")}
    login(make_user(cohort_id=cohort))
    headers.update((path, fetch(path)) for path in HEADER_PATHS if path != "/login")
    return headers


@pytest.mark.parametrize("name", HEADERS)
def test_each_security_header_is_sent_on_every_kind_of_response(responses, name):
    for path, headers in responses.items():
        assert headers.get(name) == HEADERS[name], path


@pytest.mark.parametrize("directive", CSP_DIRECTIVES)
def test_each_content_security_policy_directive(responses, directive):
    for path, headers in responses.items():
        policy = headers.get("Content-Security-Policy", "")
        directives = dict(part.strip().partition(" ")[::2] for part in policy.split(";"))
        assert directives.get(directive) == CSP_DIRECTIVES[directive], path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path


@pytest.mark.parametrize("feature", PERMISSIONS)
def test_each_browser_feature_is_switched_off(client, feature):
    policy = client.get("/login").headers.get("Permissions-Policy", "")
    assert feature in [part.strip() for part in policy.split(",")]


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_session_cookie_flags(app, client, make_user):
    user = make_user()
    from tests.conftest import Auth

    response = Auth(client).login(user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_personal_pages_are_not_cached(make_user, login, cohort):
    client = login(make_user(cohort_id=cohort))
    assert client.get("/programme/").headers["Cache-Control"] == "no-store"


XSS_CORPUS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    '<p onclick="alert(1)">text</p>',
    "<object data=evil.swf></object>",
    '"><script>alert(1)</script>',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    '![img](x" onerror="alert(1))',
    "<form action=//evil.example><button>go</button></form>",
]


@pytest.mark.parametrize("source", XSS_CORPUS)
def test_markdown_renders_the_xss_corpus_harmless(source):
    # Only markup can run: what is shown as text (escaped) may say "onerror" harmlessly.
    html = " ".join(re.findall(r"<[^>]*>", str(render_markdown(source)).lower()))
    for bad in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "data:text",
        "<iframe",
        "style=",
        "<object",
        "<svg",
        "<form",
        "<img",
    ):
        assert bad not in html, (source, html)


def test_markdown_keeps_ordinary_formatting():
    html = str(
        render_markdown(
            "**Child A** and *Mother*\n\n- one\n- two\n\n[SCIE](https://www.scie.org.uk)"
        )
    )
    assert "<strong>Child A</strong>" in html and "<em>Mother</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://www.scie.org.uk"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_plain_excerpt_is_plain_text():
    assert plain_excerpt("**Bold** & <b>tags</b>") == "Bold & tags"


def test_not_found_page_is_in_the_site_layout(client):
    response = client.get("/no-such-page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in page and "Skip to main content" in page


def test_server_error_page(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.get_data(as_text=True)


def test_too_large_upload_gets_a_clear_page(make_user, login):
    client = login(make_user(role=Role.ADMIN))
    response = client.post(
        "/admin/users/import", data=b"x" * (22 * 1024 * 1024), content_type="text/csv"
    )
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)


def test_healthz_does_no_database_work(client, count_queries):
    with count_queries() as queries:
        assert client.get("/healthz").status_code == 200
    assert queries == []


MEMBER_PAGES = ["/", "/programme/", "/programme/{session}", "/account/", "/account/password"]
TRAINER_PAGES = ["/programme/{session}/edit"]
ADMIN_PAGES = [
    "/admin/users", "/admin/users/new", "/admin/users/import", "/admin/cohorts",
    "/admin/cohorts/new", "/admin/cohorts/{cohort}", "/admin/audit",
]  # fmt: skip
ALL_PAGES = MEMBER_PAGES + TRAINER_PAGES + ADMIN_PAGES
ALLOWED = {
    Role.PARTICIPANT: MEMBER_PAGES,
    Role.SENIOR_MANAGER: MEMBER_PAGES,
    Role.EVALUATOR: MEMBER_PAGES,
    Role.TRAINER: MEMBER_PAGES + TRAINER_PAGES,
    Role.ADMIN: ["/", "/account/", "/account/password"] + ADMIN_PAGES,
}


def _fill(path, cohort, session):
    return path.format(cohort=cohort, session=session)


@pytest.mark.parametrize("path", ALL_PAGES)
def test_visitors_are_sent_to_sign_in(app, client, cohort, path):
    response = client.get(_fill(path, cohort, 1))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_its_pages_and_is_refused_the_rest(app, make_user, login, cohort, role):
    client = login(make_user(role=role, cohort_id=None if role == Role.ADMIN else cohort))
    from sqlalchemy import select

    from course.extensions import db
    from course.modules.programme.models import CourseSession

    with app.app_context():
        session = db.session.scalar(
            select(CourseSession.id).where(CourseSession.cohort_id == cohort).limit(1)
        )
    for path in ALL_PAGES:
        url = _fill(path, cohort, session)
        expected = 200 if path in ALLOWED[role] else 403
        assert client.get(url).status_code == expected, (role, url)


def test_behind_a_trusted_proxy_the_forwarded_scheme_counts(tmp_path):
    from course import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "COURSE_TRUSTED_PROXIES": 1,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
        }
    )
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
