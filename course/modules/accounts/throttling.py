"""Throttling any sign-in step (a password, a second factor), counted atomically in the database.

Each step is throttled per key: an account, an address, a device. `reserve(key, rule)` counts the
attempt and decides whether it may go ahead in one conditional INSERT ... ON CONFLICT DO UPDATE
... RETURNING, so parallel attempts (several workers, several servers) each see their own count:
twelve guesses at once against a limit of five get exactly five checks. The attempt counts as a
failure until the caller gives it back (`give_back(key, rule)`: it succeeded, or never ran) or
forgets the key altogether (`clear(key)`).

The first `rule.limit` attempts go freely; each one after that must wait a pause that doubles
with every further failure (`first_pause`, twice that, ... up to `longest_pause`), so guessing
slows down without a fixed lock-out. A count older than `forget_after` starts again from
nothing, however busy the key has been since.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, case, delete, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from course.extensions import db
from course.modules.accounts.models import SignInThrottle
from course.timeutil import UTCDateTime, utcnow


@dataclass(frozen=True)
class ThrottleRule:
    """How many attempts go freely, and how the pauses after them grow."""

    limit: int
    first_pause: timedelta
    longest_pause: timedelta
    forget_after: timedelta

    def pauses(self):
        """The pause after the limit-th failure, the next one, ... up to the longest."""
        steps = max(0, math.ceil(math.log2(self.longest_pause / self.first_pause)))
        return [min(self.first_pause * 2**n, self.longest_pause) for n in range(steps + 1)]


@dataclass(frozen=True)
class Reservation:
    """The answer to one attempt: whether it may go ahead, or how long to wait."""

    key: str
    allowed: bool
    wait: timedelta = timedelta(0)

    @property
    def wait_minutes(self):
        """The wait in whole minutes, at least one."""
        return max(1, math.ceil(self.wait.total_seconds() / 60))


def throttle_key(step, value):
    """The key for a step and what it counts ('account', email): a digest, not the value."""
    digest = hashlib.sha256(f"{step}\0{value}".encode()).hexdigest()[:48]
    return f"{step}:{digest}"


def _insert():
    """INSERT for this database, with ON CONFLICT and RETURNING."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(SignInThrottle)


def _at(moment):
    """A time as a bound value of the column's type."""
    return literal(moment, UTCDateTime())


def reserve(key, rule, now=None):
    """Count one attempt for `key`; allowed unless it falls inside a pause. The caller commits.

    The count and the decision are one statement: the row is inserted, or updated only when
    the attempt is allowed, and RETURNING says which happened.
    """
    now = now or utcnow()
    table = SignInThrottle.__table__
    forgotten = table.c.since < _at(now - rule.forget_after)
    count = case((forgotten, 1), else_=table.c.failures + 1)
    pauses = rule.pauses()
    next_allowed = case(
        (count < rule.limit, None),
        *((count == rule.limit + n, _at(now + pause)) for n, pause in enumerate(pauses)),
        else_=_at(now + pauses[-1]),
    )
    first = None if rule.limit > 1 else now + pauses[0]
    statement = (
        _insert()
        .values(key=key, failures=1, since=now, next_allowed_at=first)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": count,
                "since": case((forgotten, _at(now)), else_=table.c.since),
                "next_allowed_at": next_allowed,
            },
            where=or_(
                table.c.next_allowed_at.is_(None),
                table.c.next_allowed_at <= _at(now),
                forgotten,
            ),
        )
        .returning(table.c.failures)
    )
    if db.session.execute(statement).first() is not None:
        return Reservation(key, True)
    until = db.session.scalar(select(SignInThrottle.next_allowed_at).where(table.c.key == key))
    return Reservation(key, False, max(until - now, timedelta(0)) if until else timedelta(0))


def give_back(key, rule):
    """A reserved attempt that succeeded, or never ran, stops counting as a failure.

    The caller commits.
    """
    table = SignInThrottle.__table__
    db.session.execute(
        update(SignInThrottle)
        .where(and_(table.c.key == key, table.c.failures > 0))
        .values(
            failures=table.c.failures - 1,
            next_allowed_at=case(
                (table.c.failures - 1 < rule.limit, None), else_=table.c.next_allowed_at
            ),
        )
    )


def clear(key):
    """Forget every failure of `key` (it has just proved itself). The caller commits."""
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))
