"""What every journey uses: visit and check pages, sign in and out, the keyboard, screenshots.

check_page(page) is the one check for "a person can use this page": axe-core finds no serious or
critical WCAG 2.2 AA problem, the page reflows at 320 CSS pixels without horizontal scrolling, and
the browser logged no error (a script error, or a style or script refused by the CSP).
"""

import re
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urldefrag

import pyotp
import pytest

PASSWORD = "browser journeys passphrase"  # the demo accounts' password in the journeys
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
ACCOUNTS = {
    "participant": "manager01@example.org",
    "senior_manager": "senior1@example.org",
    "trainer": "trainer1@example.org",
    "evaluator": "evaluator@example.org",
    "admin": "admin@example.org",
}
REFLOW_WIDTH = 320
FAILING_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# At 320px: every rule again but colour contrast (slow, and no colour here depends on width).
AXE_NARROW_OPTIONS = {**AXE_OPTIONS, "rules": {"color-contrast": {"enabled": False}}}
_AXE_SCRIPT = None
_RECORDS = weakref.WeakKeyDictionary()


@dataclass
class PageRecord:
    """The documents a tab loaded, which of them were checked, and what the console said."""

    events: list = field(default_factory=list)  # ("load" | "check", url)
    errors: list = field(default_factory=list)  # (text, url of the message's source)

    def loaded(self, url):
        """A new document; moving to a #fragment of the same one is not a new page."""
        loads = [u for kind, u in self.events if kind == "load"]
        previous = loads[-1] if loads else None
        if previous and url != previous and urldefrag(url).url == urldefrag(previous).url:
            return
        if not url.startswith("about:"):
            self.events.append(("load", url))


def watch(page):
    """Start recording a tab's page loads and console errors (the `page` fixture does this)."""
    record = _RECORDS[page] = PageRecord()

    def on_document(_page):
        # A new document, not history.replaceState (the journal's autosave moves the address).
        record.loaded(page.url)

    def on_console(message):
        if message.type == "error":
            record.errors.append((message.text, message.location.get("url", "")))

    page.on("domcontentloaded", on_document)
    page.on("console", on_console)
    page.on("pageerror", lambda error: record.errors.append((f"script error: {error}", "")))
    return record


def unchecked_pages(page):
    """The addresses of documents the tab loaded that no check_page() call covered."""
    pending, unchecked = None, []
    for kind, url in _RECORDS[page].events:
        if kind == "load":
            if pending:
                unchecked.append(pending)
            pending = url
        else:
            pending = None
    return unchecked + ([pending] if pending else [])


def visit(page, path, status=200):
    """Go to a path on the site, check the answer's status, and check the page."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"{path} answered {response.status}, not {status}"
    check_page(page)
    return response


def check_page(page):
    """Run every check on the page now showing; call it after each click that loads a page.

    axe runs at the desktop width and again at 320px, where tables scroll in their own box.
    """
    page.wait_for_load_state("load")
    check_console(page)
    check_a11y(page)
    with viewport_width(page, REFLOW_WIDTH):
        check_reflow(page)
        check_a11y(page, AXE_NARROW_OPTIONS)
    _RECORDS[page].events.append(("check", page.url))


@contextmanager
def viewport_width(page, width):
    """Make the tab `width` CSS pixels wide inside the block."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": size["height"]})
    try:
        yield
    finally:
        page.set_viewport_size(size)


def check_console(page):
    """Fail on browser errors: script errors, CSP refusals, missing styles or scripts."""
    record = _RECORDS[page]
    document = urldefrag(page.url).url
    errors = [
        text
        for text, source in record.errors
        # The document's own error status (a 404 page, a refused form) is checked by the
        # journey itself; only its sub-resources count here.
        if not (text.startswith("Failed to load resource") and urldefrag(source).url == document)
    ]
    record.errors.clear()
    if errors:
        pytest.fail(f"The browser reported errors on {page.url}:\n  " + "\n  ".join(errors))


def check_a11y(page, options=AXE_OPTIONS):
    """Run axe-core on the page; fail on any violation of serious or critical impact."""
    global _AXE_SCRIPT
    if _AXE_SCRIPT is None:
        _AXE_SCRIPT = (resources.files("axe_playwright_python") / "axe.min.js").read_text()
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_AXE_SCRIPT)  # evaluated by the driver, so the CSP does not block it
    results = page.evaluate("options => axe.run(document, options)", options)
    failing = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
    if failing:
        pytest.fail(describe_violations(page, failing))
    return results["violations"]


def describe_violations(page, violations):
    """A readable list of axe violations: rule, impact, what to do and where."""
    lines = [f"Accessibility problems on {page.url} ({page.title()!r}):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"  at {target}: {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"  ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '') +
    ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
  const wide = [...document.body.querySelectorAll('*')].filter(
    el => el.getBoundingClientRect().right > width + 1);
  const right = el => Math.round(el.getBoundingClientRect().right);
  const innermost = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));
  innermost.sort((a, b) => right(b) - right(a));  // the widest is usually the cause
  return {scrollWidth: document.documentElement.scrollWidth, width,
          culprits: innermost.slice(0, 5).map(el => describe(el) + ' to ' + right(el) + 'px')};
}"""


def check_reflow(page, width=REFLOW_WIDTH):
    """At `width` CSS pixels the page must not scroll sideways (WCAG 1.4.10 Reflow)."""
    with viewport_width(page, width):
        found = page.evaluate(OVERFLOW_SCRIPT)
    if found["scrollWidth"] > found["width"]:
        pytest.fail(
            f"{page.url} scrolls sideways at {width}px: it is {found['scrollWidth']}px wide. "
            "Too wide: " + "; ".join(found["culprits"])
        )


FOCUS_SCRIPT = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {ok: false, what: 'nothing (the page body)'};
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = !!style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  const onScreen = box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0 &&
    box.left < innerWidth && box.top < innerHeight;
  const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '')
    .trim().replace(/\\s+/g, ' ').slice(0, 50);
  return {ok: onScreen, outline, shadow, onScreen,
          box: {x: box.left, y: box.top, width: box.width, height: box.height},
          what: el.tagName.toLowerCase() + ' "' + name + '"'};
}"""
FOCUS_MARGIN = 8  # CSS pixels around the element: the focus ring and its shadow fall inside


def _focus_clip(page, box):
    """The element's box and its margin, cut to the viewport."""
    size = page.viewport_size
    x, y = max(box["x"] - FOCUS_MARGIN, 0), max(box["y"] - FOCUS_MARGIN, 0)
    right = min(box["x"] + box["width"] + FOCUS_MARGIN, size["width"])
    bottom = min(box["y"] + box["height"] + FOCUS_MARGIN, size["height"])
    return {"x": x, "y": y, "width": max(right - x, 1), "height": max(bottom - y, 1)}


def _shot(page, clip):
    """The pixels of one part of the viewport, the text caret hidden."""
    return page.screenshot(clip=clip, animations="disabled", caret="hide")


def check_focus_visible(page):
    """The focused element is on screen and looks different from the same element unfocused.

    The pixels around the element are taken with focus, then with focus taken away, then focus is
    given back: any element whose focus changes nothing on screen fails, whatever its styles say.
    """
    focus = page.evaluate(FOCUS_SCRIPT)
    if not focus["ok"]:
        pytest.fail(f"Focus is not on screen on {page.url}: {focus}")
    if page.evaluate("() => document.activeElement === window.__checked"):
        # Still in the element checked last (a date field's day, month and year take a Tab
        # each): taking focus away and back would start it again at its first part.
        return focus["what"]
    clip = _focus_clip(page, focus["box"])
    focused = _shot(page, clip)
    page.evaluate("() => { window.__focused = document.activeElement; __focused.blur(); }")
    unfocused = _shot(page, clip)
    page.evaluate("() => { __focused.focus({preventScroll: true}); window.__checked = __focused; }")
    if focused == unfocused:
        pytest.fail(f"Focus changes nothing on screen on {page.url}: {focus['what']}")
    return focus["what"]


def tab_to(page, target, max_presses=60, backwards=False):
    """Press Tab (or Shift+Tab) until `target` (a locator) has focus, checking focus each step."""
    target.wait_for(state="attached")
    passed = []
    for _ in range(max_presses):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        passed.append(check_focus_visible(page))
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {target} on {page.url}; focus went to: {passed}")


# The demo staff's authenticator keys, read from seed-demo's output by the server fixture.
DEMO_KEYS = {}
_LAST_STEP = {}  # the last time step whose code a journey sent, per account
# Set by the server fixture: forget(email) lets the account's current code work again.
FORGET_USED_CODE = None


def totp_code(email, key=None):
    """A code the account's authenticator app shows now and no journey has sent yet.

    A code works once, so a second sign-in within the same 30 seconds takes the next step's
    code (the site allows one step of drift), or waits for a fresh one.
    """
    key = key or DEMO_KEYS[email]
    last = _LAST_STEP.get(email)
    while True:
        now = int(time.time() // 30)
        step = now if last is None or last < now else last + 1
        if step <= now + 1:
            break
        time.sleep(30 - time.time() % 30 + 0.5)
    _LAST_STEP[email] = step
    return pyotp.TOTP(key).at(step * 30)


def _second_step(page, email, keyboard=False):
    """If the site asks for a code, enter one from the account's authenticator key."""
    page.wait_for_url(lambda url: not url.rstrip("/").endswith("/login"))
    if "/login/code" not in page.url:
        return
    check_page(page)
    if FORGET_USED_CODE is not None:  # signing in is not what these journeys test: no waiting
        FORGET_USED_CODE(email)
        _LAST_STEP.pop(email, None)
    code = totp_code(email)
    if keyboard:
        tab_to(page, page.get_by_label("Code"))
        page.keyboard.type(code)
        tab_to(page, page.get_by_role("button", name="Continue"))
        page.keyboard.press("Enter")
    else:
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/login" not in url)


def sign_in(page, email, password=PASSWORD):
    """Sign in through the form with the mouse (and a code, for staff); lands on the next page."""
    visit(page, "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    _second_step(page, email)
    page.wait_for_url(lambda url: "/login" not in url)
    check_page(page)


def sign_in_with_keyboard(page, email, password=PASSWORD):
    """Sign in with the keyboard alone, checking focus is visible at every step."""
    visit(page, "/login")
    tab_to(page, page.get_by_label("Email address"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(password)
    tab_to(page, page.get_by_role("button", name="Sign in"))
    page.keyboard.press("Enter")
    _second_step(page, email, keyboard=True)
    page.wait_for_url(lambda url: "/login" not in url)
    check_page(page)


def sign_out(page):
    """Sign out with the header's button; lands on the sign-in page."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))
    check_page(page)


def screenshot(page, name, width=None):
    """Save the whole page to screenshots/<name>.png (git-ignored), optionally at a width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with viewport_width(page, width or page.viewport_size["width"]):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
