"""The Nu Html Checker (vnu-jar from npm, run with Java) finds no error on any page a role reaches.

The pages are tests/crawl_support.py's: each role's links followed from home in the demo cohort.
`make test` installs the checker into tests/tools/node_modules.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.crawl_support import ACCOUNTS, crawl

VNU = Path(__file__).parent / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def validate(folder):
    """Run the checker over every .html file in a folder; its messages of type error."""
    java = shutil.which("java")
    assert java and VNU.exists(), (
        "the HTML checker needs Java and `make test` (npm ci in tests/tools)"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return json.loads(result.stderr or '{"messages": []}')["messages"]


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_a_role_reaches_is_valid_html(demo_client, role, tmp_path):
    client = demo_client(role)
    folder = tmp_path / "pages"
    folder.mkdir()
    names = {}
    for number, (path, html, _parts) in enumerate(crawl(client)):
        name = f"page{number:03}.html"
        (folder / name).write_text(html, encoding="utf-8")
        names[name] = path
    errors = [
        f"{names[Path(m['url']).name]} line {m.get('lastLine')}: {m['message']}"
        for m in validate(folder)
    ]
    assert len(names) > 10
    assert errors == [], "\n".join(errors)
