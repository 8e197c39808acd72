"""The site's own address: every absolute link is built from it, and other hosts are refused.

A link built from the request's Host header (`url_for(..., _external=True)`) sends people to
whatever host an attacker typed; so absolute links start from COURSE_SITE_URL, and Flask's
TRUSTED_HOSTS, derived from it, answers 400 to a request for any other host. Without
COURSE_SITE_URL (development, tests) only localhost is served, and links use it.
"""

from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.exceptions import SecurityError

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def init_app(app):
    """Trust only the site's host (unless TRUSTED_HOSTS is set); offer absolute_url to pages."""
    site = app.config.get("COURSE_SITE_URL")
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = [urlsplit(site).hostname] if site else list(LOCAL_HOSTS)
    if not site and not app.testing:
        app.logger.warning(
            "COURSE_SITE_URL is not set: only localhost is served. Set it to the site's address."
        )
    app.jinja_env.globals["absolute_url"] = absolute_url
    app.register_error_handler(SecurityError, refuse_unknown_host)


def refuse_unknown_host(error):
    """400 for a request naming another host: plain text, since no page of ours can be built."""
    return (
        "Bad request: this site does not answer for that host.\n",
        400,
        {"Content-Type": "text/plain; charset=utf-8"},
    )


def site_root():
    """'https://course.example.org': the scheme and host every absolute link starts with."""
    site = current_app.config.get("COURSE_SITE_URL")
    if site:
        parts = urlsplit(site)
        return f"{parts.scheme}://{parts.netloc}"
    if current_app.config.get("SERVER_NAME"):
        return f"{current_app.config['PREFERRED_URL_SCHEME']}://{current_app.config['SERVER_NAME']}"
    return request.host_url.rstrip("/")  # only a trusted, local host gets this far


def absolute_url(endpoint, **values):
    """The full address of a page of the site, never taken from the request's Host header."""
    return site_root() + url_for(endpoint, **values)
