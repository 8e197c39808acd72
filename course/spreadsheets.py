"""Tables to open in a spreadsheet: CSV (UTF-8 with a byte-order mark) and .xlsx with typed cells.

Every export builds a header and rows of plain Python values (str, int, float, Percent, date,
datetime, None) and hands them here, so the two files always hold the same table and nothing else:
no footer notes under the data, which a table import would read as one more person.
"""

import csv
import io
import re
from datetime import date, datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# A formula character at the start of the cell, or of any part a spreadsheet might split off at a
# field separator (a locale that separates with ";" reads "Team;=1+2" as two cells).
FORMULA_PART = re.compile(r"(^|[;,\t])(\s*)([=+\-@\t\r])")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Percent(float):
    """A share from 0 to 1: "91%" in a CSV, a number formatted as a percentage in .xlsx."""

    def __str__(self):
        """'83%' for 0.8333, halves rounded up as on the pages."""
        return f"{int(self * 100 + 0.5)}%"


def csv_text_cell(value):
    """A cell's text that a spreadsheet will not run as a formula (people write names, remarks)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | int | float):
        return value.isoformat() if isinstance(value, date) else str(value)
    return FORMULA_PART.sub(r"\1\2'\3", str(value))


def csv_response(filename, header, rows):
    """A CSV download: UTF-8 with a byte-order mark, CRLF, line breaks kept inside quoted cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows([csv_text_cell(cell) for cell in row] for row in rows)
    return _download(("\ufeff" + buffer.getvalue()).encode("utf-8"), filename, "text/csv")


def xlsx_response(filename, header, rows, sheet="Export"):
    """An .xlsx download with numbers, percentages and dates as such, and text kept as text."""
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet[:31])
    bold = Font(bold=True)
    worksheet.append([_cell(worksheet, name, font=bold) for name in header])
    for row in rows:
        worksheet.append([_cell(worksheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return _download(buffer.getvalue(), filename, XLSX_TYPE)


def table_response(stem, header, rows, format_):
    """The table as `stem`.csv or `stem`.xlsx, by the format asked for."""
    if format_ == "xlsx":
        return xlsx_response(f"{stem}.xlsx", header, rows)
    return csv_response(f"{stem}.csv", header, rows)


def _cell(worksheet, value, font=None):
    """One typed cell; text is always text, never a formula."""
    cell = WriteOnlyCell(worksheet)
    if isinstance(value, bool) or value is None:
        cell.value = "" if value is None else ("Yes" if value else "No")
    elif isinstance(value, Percent):
        cell.value, cell.number_format = float(value), "0%"
    elif isinstance(value, int | float):
        cell.value = value
    elif isinstance(value, datetime):
        cell.value, cell.number_format = value.replace(tzinfo=None), "dd/mm/yyyy hh:mm"
    elif isinstance(value, date):
        cell.value, cell.number_format = value, "dd/mm/yyyy"
    else:
        cell.value = str(value)
        cell.data_type = "s"  # "=1+2" written by a person stays text
    if font:
        cell.font = font
    return cell


def _download(body, filename, mimetype):
    """A file to save, named."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
