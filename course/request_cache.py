"""Values several parts of one page ask for (a person's cohorts, a cohort's sessions): loaded once.

Remembered in `flask.g` for the rest of the request, and forgotten whenever the request writes
(a flush with changes), commits or rolls back, so nothing read before a change is served after
it. Outside a request (the command line), nothing is remembered.
"""

from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session


def once_per_request(kind, key, load):
    """`load()`, the first time this request asks for (kind, key); the same list after that."""
    if not has_request_context():
        return load()
    cache = g.setdefault("request_cache", {})
    if (kind, key) not in cache:
        cache[(kind, key)] = load()
    return list(cache[(kind, key)])  # a copy: a caller may sort or filter what it gets


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(*_args):
    """A write, commit or rollback may have changed (or expired) what was remembered."""
    if has_request_context():
        g.pop("request_cache", None)
