"""A person's data pack: a zip with a readable HTML page and the same data as JSON."""

import io
import json
import zipfile

from flask import render_template

from course.modules.privacy.registry import collect
from course.timeutil import utcnow

README = """Your data from the Reflective Supervision Programme

my-data.html  everything the site holds about you, to read in a browser
my-data.json  the same, for a computer to read

Other people's data is not in this pack. Journal entries are as you wrote them (Markdown).
"""


def build_pack(user, now=None):
    """The zip's bytes for this person."""
    now = now or utcnow()
    sections = collect(user)
    data = dict(
        generated_at=now.isoformat(),
        sections={s.key: dict(title=s.title, records=s.records) for s in sections},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr("my-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr(
            "my-data.html",
            render_template("privacy/pack.html", sections=sections, generated_at=now),
        )
    return buffer.getvalue()


def pack_filename(now=None):
    """The download's file name."""
    return f"my-data-{(now or utcnow()):%Y-%m-%d}.zip"
