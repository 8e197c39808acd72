"""The one renderer of people's text: ordinary markdown, sanitising, and pathological input.

Time is measured by tests/bench/bench_text.py (`make bench`); here every pathological shape at
every stored field's longest must render correctly and without an exception. The timeout mark
is only a net: Python-Markdown took minutes on several of these shapes.
"""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from journal_support import write_entry
from sqlalchemy import update
from text_shapes import FIELD_LIMITS, UNITS, repeated, shapes

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.programme.models import CourseSession
from course.text import ALLOWED_TAGS, MAX_DEPTH, plain_excerpt, render_markdown

TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)[^>]*>")
VOID = {"br", "hr"}
LONGEST = max(FIELD_LIMITS.values())


def tags_and_depth(markup):
    """The tag names used and the deepest nesting, checking that the markup is well formed."""
    names, stack, deepest = set(), [], 0
    for match in TAG.finditer(markup):
        closing, name = match.groups()
        names.add(name)
        if name in VOID:
            continue
        if closing:
            assert stack and stack.pop() == name, f"</{name}> closes nothing"
        else:
            stack.append(name)
            deepest = max(deepest, len(stack))
    assert not stack, f"left open: {stack[-3:]}"
    return names, deepest


def check_rendering(source, excerpt_length=160):
    """What must hold of any text: allowed tags only, well formed, bounded depth, short excerpt."""
    markup = render_markdown(source)
    names, deepest = tags_and_depth(str(markup))
    assert names <= ALLOWED_TAGS
    assert deepest <= MAX_DEPTH
    assert "<script" not in markup and "javascript:" not in markup
    excerpt = plain_excerpt(source, excerpt_length)
    assert len(excerpt) <= excerpt_length
    assert "<" not in excerpt or "<" in source
    return markup


def test_ordinary_markdown_renders_as_before():
    source = (
        "### What happened\n\nI felt *stuck* and **tired**; see [the paper](https://example.org/x)."
        "\n\n> a quotation\n\n- one\n- two\n\n1. first\n2. second\n\n`code`\n\n"
        "| Who | What |\n|---|---|\n| Child A | school |\n"
    )
    markup = render_markdown(source)
    assert "<h3>What happened</h3>" in markup
    assert "<em>stuck</em> and <strong>tired</strong>" in markup
    assert '<a href="https://example.org/x" rel="noopener noreferrer nofollow">the paper</a>' in (
        markup
    )
    assert "<blockquote>\n<p>a quotation</p>\n</blockquote>" in markup
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in markup
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in markup
    assert "<code>code</code>" in markup
    assert "<th>Who</th>" in markup and "<td>Child A</td>" in markup


def test_the_course_reading_guides_render_as_they_did_with_python_markdown():
    # Spot checks from the guides: a nested list keeps its nesting, headings stay h2/h3.
    markup = render_markdown("## Key ideas\n\n- one\n    - nested\n- two\n")
    assert "<h2>Key ideas</h2>" in markup
    assert re.search(r"<li>one\s*<ul>\s*<li>nested</li>\s*</ul>\s*</li>", markup)


def test_scripts_links_and_raw_html_are_made_safe():
    markup = render_markdown(
        "Text <script>alert(1)</script> [x](javascript:alert(1)) <b onclick=x>bold</b> "
        '<img src=x onerror=alert(1)> [y](https://example.org "t")'
    )
    assert "<script" not in markup and "javascript:" not in markup
    assert "onclick" not in markup and "<img" not in markup and "onerror" not in markup
    # Raw HTML within a line is left out, its text kept as text.
    assert "bold" in markup and "alert(1)" in markup
    assert 'href="https://example.org"' in markup and 'title="t"' in markup


def test_excerpt_is_plain_text_cut_at_a_word():
    assert plain_excerpt("**Bold** and *some* [link](https://x.org) text") == (
        "Bold and some link text"
    )
    excerpt = plain_excerpt("word " * 100, 30)
    assert len(excerpt) <= 30 and excerpt.endswith("word…")
    assert plain_excerpt("") == ""


def test_very_deep_nesting_is_flattened_without_recursion_error():
    for source in (">" * LONGEST, "- " * (LONGEST // 2), "*" * 50_000 + "a" + "*" * 50_000):
        check_rendering(source)
    markup = render_markdown("> " * 100 + "deep words")
    assert "deep words" in markup
    assert markup.count("<blockquote>") == MAX_DEPTH


FIELDS_BY_LIMIT = {
    limit: ", ".join(field for field, n in FIELD_LIMITS.items() if n == limit)
    for limit in sorted(set(FIELD_LIMITS.values()))
}


@pytest.mark.timeout(900)
@pytest.mark.parametrize("limit", FIELDS_BY_LIMIT, ids=FIELDS_BY_LIMIT.values())
def test_every_pathological_shape_at_a_fields_longest_renders(limit):
    for name, source in shapes(limit).items():
        try:
            check_rendering(source)
        except Exception as error:  # name the shape that failed
            raise AssertionError(f"{FIELDS_BY_LIMIT[limit]}, {name}: {error!r}") from error


pathological_text = st.builds(
    lambda units, length, noise: repeated("".join(units) + noise, length),
    st.lists(st.sampled_from(UNITS), min_size=1, max_size=4),
    st.sampled_from(sorted(set(FIELD_LIMITS.values()))),
    st.text(alphabet="[]()<>*_`!#>-|&;:\\/ \n a1", max_size=6),
)


@pytest.mark.timeout(900)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pathological_text)
def test_any_mix_of_pathological_units_at_a_fields_longest_renders(source):
    check_rendering(source)


@pytest.fixture
def author(cohort, make_user):
    return make_user(Role.PARTICIPANT, cohort_id=cohort)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("unit", ["[", "![", ">", "*a", "<a ", "|a|b|\n|-|-|\n"])
def test_a_journal_entry_of_the_longest_pathological_text_opens(app, author, login, unit):
    body = repeated(unit, FIELD_LIMITS["journal entry"])
    entry_id = write_entry(app, author, title="Worst case", body=body)
    client = login(author)
    assert client.get(f"/journal/{entry_id}").status_code == 200
    listing = client.get("/journal/")
    assert listing.status_code == 200
    assert "Worst case" in listing.get_data(as_text=True)


@pytest.mark.timeout(300)
def test_a_session_page_with_the_longest_pathological_focus_opens(app, cohort, author, login):
    with app.app_context():
        db.session.execute(
            update(CourseSession)
            .where(CourseSession.cohort_id == cohort, CourseSession.number == 1)
            .values(focus=repeated("[", FIELD_LIMITS["session focus"]))
            .returning(CourseSession.id)
        )
        db.session.commit()
        session_id = db.session.scalar(
            db.select(CourseSession.id).where(
                CourseSession.cohort_id == cohort, CourseSession.number == 1
            )
        )
    response = login(author).get(f"/programme/{session_id}")
    assert response.status_code == 200
    assert "[[[[" in response.get_data(as_text=True)
