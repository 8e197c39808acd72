"""Error pages in the site's layout."""

from flask import render_template
from flask_wtf.csrf import CSRFError

from course.extensions import db

MESSAGES = {
    400: ("The request could not be understood", "Go back, check what you entered and try again."),
    403: ("You do not have access to this page", "Your role does not include this page."),
    404: ("Page not found", "Check the address, or go back to your home page."),
    405: ("That action is not allowed here", "Go back and use the page's buttons."),
    413: (
        "The file is too large",
        "Files can be up to 20 MB. Make the file smaller, or save it as a PDF, and try again.",
    ),
    500: (
        "Sorry, something went wrong",
        "The problem has been logged. Anything you wrote is kept where the page says so; "
        "try again in a few minutes.",
    ),
}


def render_error(code):
    """Render the page for an HTTP error code."""
    title, detail = MESSAGES[code]
    return render_template("errors/error.html", code=code, title=title, detail=detail), code


def init_app(app):
    """Register a handler for each error code we explain."""
    for code in MESSAGES:
        app.register_error_handler(code, lambda error, code=code: render_error(code))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        """A form posted without a valid token: say what to do."""
        title = "This form has expired"
        detail = (
            "For your security, forms stop working when you sign out. "
            "Go back, reload the page and submit it again."
        )
        return render_template("errors/error.html", code=400, title=title, detail=detail), 400

    @app.errorhandler(500)
    def server_error(error):
        """Roll back the failed transaction before showing the page."""
        db.session.rollback()
        return render_error(500)
