"""Every CSV export quotes every cell and never lets a spreadsheet run a formula from one."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.csv_export import csv_text, safe_cell

FORMULA_CHARACTERS = "=+-@\t\r"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=1+2", "'=1+2"),
        ("Team;=1+2", "Team;'=1+2"),
        ("Team; =HYPERLINK(x)", "Team; '=HYPERLINK(x)"),
        ("a,@SUM(A1)", "a,'@SUM(A1)"),
        ("+44 20", "'+44 20"),
        ("\tx", "'\tx"),
        ("x;\r=1", "x;'\r=1"),
        ("Bromley - North", "Bromley - North"),
        ("Ann-Marie", "Ann-Marie"),
    ],
)
def test_a_formula_at_the_start_of_any_separated_part_is_neutralised(typed, written):
    assert safe_cell(typed) == written


def test_numbers_stay_numbers_and_none_is_empty():
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5 and safe_cell(None) == ""


def test_every_cell_is_quoted_with_a_byte_order_mark():
    text = csv_text(["Name", "n"], [["Team;=1+2", 3]])
    assert text.startswith("\ufeff")
    assert text[1:] == '"Name","n"\r\n"Team;\'=1+2","3"\r\n'


@given(st.text(max_size=40))
def test_no_part_of_any_cell_starts_a_formula_in_any_locale(typed):
    (row,) = list(csv.reader(io.StringIO(csv_text([], [[typed]])[1:].split("\r\n", 1)[1])))
    for separator in ";,":
        for part in row[0].split(separator):
            assert not part.lstrip(" ").startswith(tuple(FORMULA_CHARACTERS)), part
    assert row[0].replace("'", "") == typed.replace("'", "")
