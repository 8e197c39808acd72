"""Text is compressed when the browser accepts it, and arrives whole either way."""

import gzip
import re

import brotli
import pytest


def fetch(client, path, accept=None):
    """The response, read whole and closed (as a WSGI server closes it, closing a streamed file)."""
    with client.get(path, headers={"Accept-Encoding": accept} if accept else {}) as response:
        response.get_data()
    return response


def same_but_the_token(one, other):
    """Two bodies alike but for the form's CSRF token, which each page load signs anew."""
    token = re.compile(rb'name="csrf_token"[^>]*value="[^"]*"')
    return token.sub(b"", one) == token.sub(b"", other)


@pytest.mark.parametrize("path", ["/login", "/static/css/site.css", "/static/js/journal.js"])
def test_pages_and_static_text_are_compressed_when_the_browser_accepts_it(client, path):
    plain = fetch(client, path)
    assert plain.headers.get("Content-Encoding") is None

    squeezed = fetch(client, path, "gzip")
    assert squeezed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in squeezed.headers["Vary"]
    assert same_but_the_token(gzip.decompress(squeezed.get_data()), plain.get_data())
    assert len(squeezed.get_data()) < len(plain.get_data()) / 2

    best = fetch(client, path, "br, gzip")
    assert best.headers["Content-Encoding"] == "br"
    assert same_but_the_token(brotli.decompress(best.get_data()), plain.get_data())
