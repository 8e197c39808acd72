"""The registry of personal data: each module says what it holds about a person, and erases it.

A module contributes by having a `personal_data.py` with
    export(user) -> list[Section]      what it holds about the person, for their data pack
    erase(user) -> None                (optional) delete or anonymise it; the caller commits
so a module added later (the supervision log, questionnaires) only adds its own file.
"""

import pkgutil
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from importlib import import_module

import course.modules

# Modules whose sections come first in the pack; the rest follow alphabetically.
FIRST = ("accounts", "attendance", "readings", "presentations", "journal", "barriers")


@dataclass
class Section:
    """One part of a data pack: a heading and its records (flat dicts of plain values)."""

    key: str
    title: str
    records: list = field(default_factory=list)
    note: str = ""


def contributors():
    """(module name, its personal_data module) for every module that has one."""
    names = [info.name for info in pkgutil.iter_modules(course.modules.__path__) if info.ispkg]
    names.sort(key=lambda name: (FIRST.index(name) if name in FIRST else len(FIRST), name))
    found = []
    for name in names:
        try:
            found.append((name, import_module(f"course.modules.{name}.personal_data")))
        except ModuleNotFoundError as error:
            if error.name != f"course.modules.{name}.personal_data":
                raise
    return found


def collect(user):
    """Every module's sections about the person."""
    return [section for _, module in contributors() for section in module.export(user)]


def erase_everywhere(user):
    """Ask every module to erase what it holds about the person; the caller commits."""
    for _, module in contributors():
        if hasattr(module, "erase"):
            module.erase(user)


def plain(value):
    """A value as JSON can hold it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def records(rows):
    """Result rows (with named columns) as plain dicts."""
    return [{key: plain(value) for key, value in row._mapping.items()} for row in rows]
