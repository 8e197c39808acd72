"""Text compressed with Flask-Compress when the site serves it itself (a proxy may do it)."""

from course.extensions import compress


def init_app(app):
    """Compress responses; registered after it, the file closer runs before Flask-Compress."""
    compress.init_app(app)
    app.after_request(close_streamed_file_with_response)


def close_streamed_file_with_response(response):
    """Flask-Compress swaps a streamed file's iterator for its own: close the file with it."""
    if response.is_streamed and hasattr(response.response, "close"):
        response.call_on_close(response.response.close)
    return response
