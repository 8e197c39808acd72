"""Pathological texts for the renderer: shapes that made markdown parsers slow or recursive.

Shared by tests/test_text.py and the timing benchmark tests/bench/bench_text.py.
"""

from course.modules.attendance.forms import REFLECTION_MAX
from course.modules.barriers.forms import TEXT_LIMIT as BARRIER_TEXT_MAX
from course.modules.journal.drafts import MAX_DRAFT_LENGTH
from course.modules.journal.forms import MAX_BODY_LENGTH
from course.modules.presentations.forms import BRIEF_MAX

# Every stored text that is rendered or excerpted, at its longest.
FIELD_LIMITS = {
    "journal entry": MAX_BODY_LENGTH,
    "journal draft": MAX_DRAFT_LENGTH,
    "reading guide": 50_000,
    "session focus": 20_000,
    "trainer feedback": 10_000,
    "catch-up reflection": REFLECTION_MAX,
    "barrier text": BARRIER_TEXT_MAX,
    "case brief": BRIEF_MAX,
}

# Units repeated to the limit: brackets and link-like constructs, nesting of every container,
# emphasis runs, HTML-like runs, backticks, tables, references and entities.
UNITS = (
    "[", "[a](", "![", "[]", "](", "[x][", "<", "<a ", "<b>", "</", "<!--", "<?", "`", "`a``",
    "*", "_", "*a", "_a", "**_", "*a **b ", "~", ">", "> ", "> - ", "- ", "1. ", "* > ", "    ",
    "|", "|a", "|a|b|\n|-|-|\n", "|x|y|\n", "&#", "&amp;", "\\", "#", "# h\n", "www.a ",
    "http://a.", "https://", "https://a.b/(", "https://a.b)", "www.a.b/((", "a@b.", "a@b.c ",
    "_https://a_", "*www.a*", "https://a.b/&amp;", "<https://a", "[https://a](",
    "[x]: /u\n", "[x]: /u\n[x][]", "a\n", "\n", "a  \n", "---\n", "```\n",
)  # fmt: skip


def repeated(unit, length):
    """The unit repeated to exactly `length` characters."""
    return (unit * (length // len(unit) + 1))[:length]


def nested_list(length):
    """A list indented one level more on every line, to `length` characters."""
    lines, size, depth = [], 0, 0
    while size < length:
        line = "  " * depth + "- x\n"
        lines.append(line)
        size += len(line)
        depth += 1
    return "".join(lines)[:length]


def emphasis_nest(length):
    """Emphasis opened `length / 2` times and closed as often."""
    half = (length - 1) // 2
    return "*" * half + "a" + "*" * half


def shapes(length):
    """Every pathological shape at `length` characters, by name."""
    named = {f"repeat {unit!r}": repeated(unit, length) for unit in UNITS}
    named["nested list"] = nested_list(length)
    named["nested emphasis"] = emphasis_nest(length)
    return named
