"""Response headers every page gets, and the Cache-Control rule for personal pages."""

from flask import current_app, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def set_security_headers(response):
    """Add the security headers; pages for a signed-in person are never cached."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static" and current_user and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    return response


def from_this_site():
    """Whether a request was sent by one of this site's own pages (same origin, not same site).

    Browsers say so in Sec-Fetch-Site; older ones send only Origin, compared with the site's
    own. A request with neither (not from a browser page of ours) is not from this site.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    own = current_app.config.get("COURSE_SITE_URL") or request.host_url
    return origin.rstrip("/") == own.rstrip("/")


def init_app(app):
    """Install the headers and make the cookie Secure when served over HTTPS."""
    app.after_request(set_security_headers)
    proxies = app.config.get("COURSE_TRUSTED_PROXIES", 0)
    if proxies:  # behind a reverse proxy: trust its X-Forwarded-For and -Proto
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    if app.config.get("PREFERRED_URL_SCHEME") == "https":
        app.config["SESSION_COOKIE_SECURE"] = True
