"""The course's reading guides: markdown files with front matter in course/readings/."""

import hashlib
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import frontmatter
import yaml
from flask import current_app

from course.modules.programme.models import SESSION_COUNT

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
LINK_PATTERN = re.compile(r"^https?://[^\s<>\"']+$")
KINDS = ("required", "optional")
FIELDS = (
    "title", "authors", "year", "publication", "link", "library", "sessions", "kind", "verify",
)  # fmt: skip
LIMITS = {
    "title": 300, "authors": 300, "publication": 300, "link": 500, "library": 500, "verify": 300,
}  # fmt: skip


def guides_directory():
    """Where the guide files live: course/readings/."""
    return Path(current_app.root_path) / "readings"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one guide file."""

    file: str
    field: str
    message: str

    def __str__(self):
        return f"{self.file}: {self.field}: {self.message}"


class GuideFileError(Exception):
    """One or more guide files are wrong; nothing was changed."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Guide:
    """A parsed, checked guide file."""

    slug: str
    title: str
    authors: str
    year: int | None
    publication: str
    link: str | None
    library: str | None
    sessions: list[int]
    required: bool
    verify: str | None
    body: str
    source_hash: str


def guide_files(directory):
    """The guide files in a directory, by name; files starting with '_' are left out."""
    return sorted(p for p in Path(directory).glob("*.md") if not p.name.startswith("_"))


def read_guides(directory=None):
    """Every guide in the directory, checked; raises GuideFileError naming each bad field."""
    directory = Path(directory or guides_directory())
    if not directory.is_dir():
        raise GuideFileError([Problem(str(directory), "directory", "does not exist")])
    guides, problems = [], []
    for path in guide_files(directory):
        guide, found = parse_guide(path.name, path.read_bytes())
        problems.extend(found)
        if guide is not None:
            guides.append(guide)
    if problems:
        raise GuideFileError(problems)
    return guides


def parse_guide(name, raw):
    """(Guide or None, problems) for one file's name and bytes."""
    problem = partial(Problem, name)
    slug = name.removesuffix(".md")
    if not SLUG_PATTERN.match(slug):
        return None, [
            problem("file name", "use lower-case letters, digits and hyphens, like ruch-2007.md")
        ]
    try:
        post = frontmatter.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, [problem("file", "is not UTF-8 text")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        return None, [problem("front matter", f"is not valid YAML{where}")]
    meta = post.metadata
    problems = [problem(key, "is not a field we know") for key in meta if key not in FIELDS]
    values = {}
    for key in ("title", "authors"):
        values[key] = _text(meta, key, problems, problem, required=True)
    for key in ("publication", "link", "library", "verify"):
        values[key] = _text(meta, key, problems, problem, required=False)
    if values["link"] and not LINK_PATTERN.match(values["link"]):
        problems.append(problem("link", "must be a web address starting https:// or http://"))
    year = meta.get("year")
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not 1800 <= year <= 2200
    ):
        problems.append(problem("year", "must be a year such as 2007"))
    sessions = meta.get("sessions")
    if isinstance(sessions, int) and not isinstance(sessions, bool):
        sessions = [sessions]
    if (
        not isinstance(sessions, list)
        or not sessions
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in sessions)
        or not all(1 <= n <= SESSION_COUNT for n in sessions)
    ):
        problems.append(
            problem("sessions", f"must list session numbers from 1 to {SESSION_COUNT}, like [2, 5]")
        )
    kind = meta.get("kind")
    if kind not in KINDS:
        problems.append(problem("kind", "must be required or optional"))
    body = post.content.strip()
    if not body:
        problems.append(problem("guide", "the reading guide under the front matter is empty"))
    if problems:
        return None, problems
    guide = Guide(
        slug=slug,
        title=values["title"],
        authors=values["authors"],
        year=year,
        publication=values["publication"] or "",
        link=values["link"],
        library=values["library"],
        sessions=sorted(set(sessions)),
        required=kind == "required",
        verify=values["verify"],
        body=body + "\n",
        source_hash=hashlib.sha256(raw).hexdigest(),
    )
    return guide, []


def _text(meta, key, problems, problem, required):
    """A one-line text field, checked for presence, type and length."""
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(problem(key, "is missing"))
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        problems.append(problem(key, "must be text"))
        return None
    value = " ".join(str(value).split())
    if len(value) > LIMITS[key]:
        problems.append(problem(key, f"is longer than {LIMITS[key]} characters"))
        return None
    return value
