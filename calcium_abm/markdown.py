"""The one Markdown-table builder of the package (batch reports, the validation report, docs).

A leaf module (standard library only), so any layer may use it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from typing import Any

__all__ = ["markdown_cell", "markdown_table"]


def markdown_cell(value: Any, digits: int = 4) -> str:
    """One table cell as text.

    Floats get ``digits`` significant digits and NaN an empty cell; every other value is
    ``str(value)``. A ``|`` is escaped and a line break becomes a space, so a cell never
    breaks the table.
    """
    if isinstance(value, Real) and not isinstance(value, Integral):  # floats, numpy floats
        number = float(value)
        return "" if math.isnan(number) else f"{number:.{digits}g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[Any], rows: Iterable[Sequence[Any]], digits: int = 4) -> str:
    """A GitHub-flavoured Markdown table: a header line, a ``|---|`` rule, a line per row.

    Args:
        header: the column titles (``str()`` of each, escaped like cells).
        rows: one sequence of cells per row, each as long as ``header``.
        digits: significant digits of float cells (see :func:`markdown_cell`).

    Returns:
        The table without a trailing newline.

    Raises:
        ValueError: a row has more or fewer cells than the header (naming the row).
    """
    titles = [markdown_cell(h, digits) for h in header]
    lines = ["| " + " | ".join(titles) + " |", "|" + "|".join("---" for _ in titles) + "|"]
    for number, row in enumerate(rows, 1):
        cells = [markdown_cell(v, digits) for v in row]
        if len(cells) != len(titles):
            raise ValueError(f"markdown_table: row {number} has {len(cells)} cells, the header {len(titles)}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
