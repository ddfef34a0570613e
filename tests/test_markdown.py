"""The one Markdown-table builder."""

import numpy as np
import pytest

from calcium_abm.markdown import markdown_cell, markdown_table


def test_table_layout_and_cells():
    text = markdown_table(["a", "b|c", "n"], [["x|y", 1.23456789, 3], ["two\nlines", np.nan, np.float32(0.5)]])
    assert text.splitlines() == ["| a | b\\|c | n |", "|---|---|---|", "| x\\|y | 1.235 | 3 |",
                                 "| two lines |  | 0.5 |"]


def test_cells_keep_integers_and_booleans_and_format_floats():
    assert markdown_cell(True) == "True" and markdown_cell(np.int64(12345678)) == "12345678"
    assert markdown_cell(123456.0, digits=3) == "1.23e+05" and markdown_cell("**FAIL**") == "**FAIL**"


def test_a_row_of_the_wrong_length_is_named():
    with pytest.raises(ValueError, match="row 2 has 1 cells, the header 2"):
        markdown_table(["a", "b"], [[1, 2], [3]])
