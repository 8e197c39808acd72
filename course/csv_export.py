"""CSV downloads that open safely in spreadsheets: the one place every export is written.

Every cell is quoted, and no part of a cell can start a formula: a spreadsheet in a locale that
separates fields with ";" splits an unquoted "Team;=1+2" and runs "=1+2", and some split on ","
too. So a formula character (= + - @ tab CR) at the start of the text, or after a ";" or ","
(spaces between allowed), gets a "'" before it, which spreadsheets read as "this is text".
UTF-8 with a byte-order mark, so Excel reads accents and dashes; CRLF line ends.
"""

import csv
import io
import re

from flask import Response

FORMULA_PART = re.compile(r"(^|[;,])( *+)(?=[=+\-@\t\r])")


def safe_cell(value):
    """A cell no spreadsheet will run as a formula; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return FORMULA_PART.sub(r"\1\2'", str(value))


def csv_text(header, rows):
    """The CSV text, byte-order mark first, every cell quoted and made safe."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def csv_download(filename, header, rows):
    """A CSV file to download."""
    return Response(
        csv_text(header, rows).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
