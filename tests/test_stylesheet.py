"""The one stylesheet parses as intended: every block closed, each module's section at top level."""

import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[1] / "course" / "static" / "css" / "site.css"


def _depths():
    """(line, brace depth at the start of that line) for every line of site.css."""
    depth = 0
    for line in CSS.read_text().splitlines():
        yield line, depth
        code = re.sub(r"/\*.*?\*/", "", line)
        depth += code.count("{") - code.count("}")
        assert depth >= 0, f"a '}}' closes nothing at: {line}"


def test_every_block_is_closed():
    *_, (last, depth) = _depths()
    code = re.sub(r"/\*.*?\*/", "", last)
    assert depth + code.count("{") - code.count("}") == 0


def test_each_module_section_starts_outside_any_block():
    """A section appended after an unclosed @media would only apply when printing."""
    sections = [(line, depth) for line, depth in _depths() if re.fullmatch(r"/\* \w+ \*/", line)]
    assert sections, "no module sections found"
    assert [line for line, depth in sections if depth] == []


def test_focus_styles_come_last_so_no_later_rule_resets_them():
    """A module's section appended after the focus rules could undo them (a.button once did)."""
    text = CSS.read_text()
    focus_section = text.index("/* Focus: one strong style for everything focusable")
    after = re.sub(r"/\*.*?\*/", "", text[focus_section:], flags=re.S)
    selectors = re.findall(r"([^{}]+)\{", after)
    assert selectors and all(":focus" in selector for selector in selectors), selectors
