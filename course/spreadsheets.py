"""Tables to open in a spreadsheet: CSV (UTF-8 with a byte-order mark) and .xlsx with typed cells.

Every export builds a header and rows of plain Python values (str, int, float, Percent, date,
datetime, None) and hands them here, so the two files always hold the same table and nothing else:
no footer notes under the data, which a table import would read as one more person.
"""

import io
from datetime import date, datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from course.csv_export import csv_download

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Percent(float):
    """A share from 0 to 1: "91%" in a CSV, a number formatted as a percentage in .xlsx."""

    def __str__(self):
        """'83%' for 0.8333, halves rounded up as on the pages."""
        return f"{int(self * 100 + 0.5)}%"


def csv_cell(value):
    """A typed value as CSV text: dates ISO, percentages "91%", yes or no, text made safe."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Percent):
        return str(value)
    return value


def csv_response(filename, header, rows):
    """A CSV download written by course/csv_export.py: quoted, formula-safe, byte-order mark."""
    return csv_download(filename, header, [[csv_cell(cell) for cell in row] for row in rows])


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
