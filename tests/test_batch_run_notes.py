"""A batch says what its runs said: `run` prints a run's calibration warnings and notes (review 65), and a
cohort's report must not drop them. `load_results` carries them in its attrs (run id -> texts), `batch` prints
the calibration warnings as runs finish, and `summarize`'s report lists them run by run."""

from __future__ import annotations

from calcium_abm.batch import load_results, summarize
from calcium_abm.batch.run_notes import (MAX_WARNED_RUNS_LISTED, calibration_lines, note_lines, printed_warnings,
                                         run_notes_lines)
from calcium_abm.batch.runner import run_batch

TINY = {f"{t}_grid_{s}": 16 for t in ("bone", "vessel") for s in ("width", "height")}


def _batch(tmp_path, output: str):
    """Two CKD 4 runs (a note each: the diet kidney failure cuts), the second on warfarin 60 mg/day (beyond the
    calibrated range)."""
    out = tmp_path / output
    run_batch({"name": "said", "scenario": "ckd_stage4", "seed": 1, "years": 0.05, "output": output, "set": TINY,
               "sweep": {"parameters": {"warfarin_mg_per_day": [0.0, 60.0]}}}, out, progress=False)
    return out


def test_load_results_keeps_each_runs_notes_and_calibration_warnings(tmp_path):
    for output in ("summary", "daily"):  # a part file of many runs, and a file per run
        results = load_results(_batch(tmp_path, output))
        ids = list(dict.fromkeys(results["run_id"]))
        notes, warned = results.attrs["notes"], results.attrs["calibration_warnings"]
        assert sorted(notes) == sorted(ids) and all(n[0].startswith("eaten (run mean): ") for n in notes.values())
        assert list(warned) == [ids[1]] and "drugs.warfarin_mg_per_day = 60" in warned[ids[1]][0], output
        assert results.attrs["physiology_warnings"] == {}


def test_the_report_lists_them_and_batch_prints_the_calibration_warning(tmp_path, capsys):
    out = _batch(tmp_path, "summary")
    printed = capsys.readouterr().err
    assert printed.count("warning: run ") == 1 and "drugs.warfarin_mg_per_day = 60" in printed
    summarize(out)
    report = (out / "summary" / "report.md").read_text("utf-8")
    assert "**Runs beyond the calibrated range.** 1 of 2 finished runs have an input beyond" in report
    assert "**Notes on the runs.** 2 of 2 finished runs carry a note:" in report
    assert report.count("- run ") == 3 and "eaten (run mean): " in report


def test_the_paragraphs_name_at_most_ten_runs_and_are_absent_when_nothing_was_said():
    many = {f"r{i:02d}": ["w"] for i in range(MAX_WARNED_RUNS_LISTED + 4)}
    for lines, key in ((calibration_lines(many, 20), "calibration_warnings"), (note_lines(many, 20), "notes")):
        assert sum(line.startswith("- run ") for line in lines) == MAX_WARNED_RUNS_LISTED
        assert f"- and 4 more (`load_results(DIR).attrs['{key}']`)" in lines
    assert run_notes_lines({"physiology_warnings": {}, "calibration_warnings": {}, "notes": {}}, 3) == []
    assert printed_warnings({"physiology_warnings": ["a"], "calibration_warnings": ["b"], "notes": ["c"]}) == ["a", "b"]
