"""Extensions, created unbound so models and views never import the app."""

import sqlite3

import psycopg
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose constraint names are stable across SQLite and PostgreSQL."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, write-ahead logging, and wait for locks instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


# PostgreSQL: a transaction that only read ends with COMMIT, not ROLLBACK. The driver (psycopg)
# forgets every statement it has prepared whenever a transaction rolls back, and every request
# that writes nothing ends that way (the session closes and rolls back), so each page's queries
# were planned again on every request: a few milliseconds a page, most of it on one query.
# Committing a transaction that wrote nothing changes nothing; one that wrote anything without
# committing is still rolled back, as before.
WROTE = "course_wrote"


@event.listens_for(Engine, "begin")
def _transaction_begins(connection):
    connection.info.pop(WROTE, None)


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(connection, cursor, statement, parameters, context, executemany):
    """Anything but a SELECT may have written (SAVEPOINT, DDL and PRAGMA count as writes)."""
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[WROTE] = True


@event.listens_for(Engine, "rollback")
def _end_reads_with_commit(connection):
    """Runs just before the driver's rollback, which then finds no transaction left to end."""
    driver = connection.connection.driver_connection
    if (
        not connection.info.pop(WROTE, False)
        and isinstance(driver, psycopg.Connection)
        and driver.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    ):
        driver.commit()
