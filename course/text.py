"""Markdown to sanitised HTML: the one place user text becomes markup.

cmark-gfm (through cmarkgfm) parses in time linear in the text, without recursion, so any text a
person can store renders in bounded time (tests/bench/bench_text.py measures it). Raw HTML in
the text is left out (cmark's safe mode) so its own output is well formed; the nesting of that
output is then flattened beyond MAX_DEPTH, because the sanitiser's HTML parser slows with the
square of the depth; nh3 sanitises last. Bare addresses (https://..., www...) become links through
cmark-gfm's autolink extension, also linear; nh3 keeps only http(s) and mailto links and gives
every link rel="noopener noreferrer nofollow".
"""

import html
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead",
    "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# Deeper than any real writing (a list in a quotation in a list...): tags past it are dropped,
# their text kept.
MAX_DEPTH = 24
# An excerpt is cut from this much of the source at most, so a list of long texts stays quick.
EXCERPT_SOURCE = 4000
VOID_TAGS = frozenset({"br", "hr", "img", "input"})
# cmark writes every tag itself (raw HTML is omitted) and escapes <, > and quotes in attribute
# values, so a tag is always "<", an optional "/", a name, anything but ">", then ">".
TAG = re.compile(r"<(/?)([a-z][a-z0-9]*+)[^>]*+>")
# Quotation markers past MAX_DEPTH at the start of a line: dropped before parsing, since each
# one costs the parser and the flattening a whole element.
DEEP_QUOTES = re.compile(rf"^((?:[ ]{{0,3}}>){{{MAX_DEPTH}}})(?:[ ]{{0,3}}>)++", re.MULTILINE)


def _cmark(source):
    """CommonMark with GitHub's tables and bare addresses as links; raw HTML is left out."""
    return cmarkgfm.markdown_to_html_with_extensions(
        DEEP_QUOTES.sub(r"\1", source),
        options=Options.CMARK_OPT_DEFAULT,
        extensions=["table", "autolink"],
    )


def _flatten(markup):
    """Drop the tags nested deeper than MAX_DEPTH (keeping their text), in one pass."""
    kept = []  # for each open tag, whether it was written
    pieces, position = [], 0
    for match in TAG.finditer(markup):
        closing, name = match.group(1), match.group(2)
        if name in VOID_TAGS:
            keep = len(kept) < MAX_DEPTH
        elif closing:
            keep = kept.pop() if kept else False
        else:
            keep = len(kept) < MAX_DEPTH
            kept.append(keep)
        if not keep:
            pieces.append(markup[position : match.start()])
            position = match.end()
    pieces.append(markup[position:])
    return "".join(pieces)


def _sanitised_html(source, tags):
    """The source rendered, flattened and cleaned, keeping only `tags`."""
    return nh3.clean(
        _flatten(_cmark(source)),
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES if tags else {},
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow" if tags else None,
        strip_comments=True,
    )


def render_markdown(source):
    """Render markdown written by a user as safe HTML."""
    if not source:
        return Markup("")
    return Markup(_sanitised_html(source, ALLOWED_TAGS))  # noqa: S704 - nh3 has sanitised it  # nosec B704


def plain_excerpt(source, length=160):
    """A short plain-text excerpt of markdown, for lists: only the start of the text is read."""
    text = html.unescape(_sanitised_html((source or "")[:EXCERPT_SOURCE], set()))
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"
