"""journal.js in real Chromium: autosave, reload finds the text, a copy kept while offline."""

import re
import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.journal.models import JournalDraft, JournalEntry

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def live_server(app):
    """The app served on a free port in a thread; yields its base address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["SERVER_NAME"] = f"localhost:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def tabs(browser, live_server):
    """New tabs in one Chromium context; the test fails on any script error or CSP violation."""
    errors = []

    def new_page():
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    context = browser.new_context(base_url=live_server)
    yield new_page
    context.close()
    assert [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def _sign_in(page, user):
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", "a long enough test passphrase")
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_autosave_reload_and_offline_copy(app, cohort, make_user, tabs):
    author = make_user(Role.PARTICIPANT, cohort_id=cohort)
    page = tabs()
    _sign_in(page, author)
    page.goto("/journal/new?framework=gibbs")
    page.fill("#title", "Written in the browser")
    page.fill("#gibbs_description", "What happened at the visit.")
    status = page.locator("#save-status")
    playwright_api.expect(status).to_contain_text("Saved at", timeout=10_000)
    page.wait_for_url("**/journal/drafts/*")
    draft_url = page.url

    page.reload()
    playwright_api.expect(page.locator("#gibbs_description")).to_have_value(
        "What happened at the visit."
    )

    # The server cannot be reached: the page says so and keeps a copy in the browser.
    page.context.set_offline(True)
    page.fill("#gibbs_feelings", "Typed while offline.")
    playwright_api.expect(status).to_contain_text(
        "Not saved: the server cannot be reached", timeout=10_000
    )
    # Kept under this sign-in's own id: "journal-copy:<owner>:new".
    copy = page.evaluate(
        "Object.keys(localStorage).filter(k => /^journal-copy:[^:]+:new$/.test(k))"
        ".map(k => localStorage.getItem(k)).join()"
    )
    assert "Typed while offline." in copy
    page.close()  # the tab is closed before the server is back

    page = tabs()
    page.context.set_offline(False)
    page.goto(draft_url)
    playwright_api.expect(page.locator("#gibbs_feelings")).to_have_value("")
    page.click("text=Restore that copy")
    playwright_api.expect(page.locator("#gibbs_feelings")).to_have_value("Typed while offline.")

    page.click("button[name=save]")
    page.wait_for_url(re.compile(r"/journal/\d+$"))
    assert page.evaluate("window.localStorage.length") == 0
    with app.app_context():
        entry = db.session.scalar(select(JournalEntry))
        assert "Typed while offline." in entry.body and "What happened" in entry.body
        assert db.session.scalars(select(JournalDraft)).all() == []
