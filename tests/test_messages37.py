"""Probe 36's remaining findings: row ids printed in full, counts that agree with their noun,
and an output place that cannot take a file refused before the run."""

from __future__ import annotations

import pytest

from calcium_abm.errors import UserInputError
from calcium_abm.inputs.messages import counted
from calcium_abm.io import check_output_directory, check_output_path
from calcium_abm.validation.design import NotExpressible
from calcium_abm.validation.report import FAIL, KNOWN_FAIL, NOT_EXPRESSIBLE, PASS, format_table, summary_line
from calcium_abm.validation.runner import run_validation


def test_counts_agree_with_their_noun():
    assert counted(1, "entry") == "1 entry" and counted(2, "entry") == "2 entries"
    assert counted(1, "known failure") == "1 known failure" and counted(0, "known failure") == "0 known failures"
    assert counted(1200, "day") == "1,200 days"  # a vowel before the y keeps it


def test_the_validate_summary_says_one_known_failure():
    line = summary_line({PASS: 3, FAIL: 0, KNOWN_FAIL: 1, NOT_EXPRESSIBLE: 2})
    assert line == "3 passed, 0 failed, 1 known failure, 2 not expressible"


def test_a_long_row_id_is_printed_whole():
    rows = [NotExpressible("T-Brandenburg2017", "t", "a finding", "a source", "the reason"),
            NotExpressible("8", "t", "another finding", "a source", "the reason")]
    table = format_table(run_validation(rows, seeds=1, workers=1))
    assert "T-Brandenburg2017 " in table and "T-B…" not in table
    lines = table.splitlines()
    assert lines[0].index("finding") == len("T-Brandenburg2017") + 2  # the column is as wide as its longest id


@pytest.mark.parametrize("check, path, words", [
    (check_output_path, "/proc/x.csv", "output file '/proc/x.csv': cannot create a file in directory '/proc'"),
    (check_output_directory, "/proc/x", "--out '/proc/x': cannot create it in directory '/proc'"),
    (check_output_directory, "/sys", "--out '/sys': cannot create a file in the directory"),
])
def test_a_place_that_looks_writable_but_takes_no_file_is_refused_before_a_run(check, path, words, tmp_path):
    # /proc and /sys pass the permission bits for root; only making a file tells
    with pytest.raises(UserInputError) as info:
        check(path)
    assert words in str(info.value)
    if path.startswith("/proc"):  # found by a fresh user: the system's reason read "(No such file or directory)"
        assert "No such file" not in str(info.value) and "takes no new files" in str(info.value), info.value
    assert check_output_path(tmp_path / "fine.csv") == tmp_path / "fine.csv"
    assert not list(tmp_path.iterdir())  # the probe leaves nothing behind
