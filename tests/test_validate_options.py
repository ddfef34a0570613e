"""``calcium-abm validate``: a repeated --rows, and a --runs folder whose runs/ was damaged."""

from __future__ import annotations

from calcium_abm.cli import build_parser, main
from calcium_abm.commands.validate import selected_rows


def test_a_repeated_rows_option_selects_every_row_it_names(capsys):
    args = build_parser().parse_args(["validate", "--rows", "8", "--rows", "W1,9", "--list"])
    assert [item.row for item in selected_rows(args.rows)] == ["W1", "8", "9"]  # table order
    assert main(["validate", "--rows", "8", "--rows", "9", "--list"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["8", "9"]


def test_an_empty_rows_among_several_is_refused(capsys):
    assert main(["validate", "--rows", "8", "--rows", " ", "--list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --rows ' ' is not allowed: give row ids such as 8,9") and "Traceback" not in err
