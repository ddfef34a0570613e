"""A batch read back from its manifest is the batch that was run: a default that depends on whether a
field was given (a sweep's outcomes, a CKD stage the cohort does not draw) must not turn into a given
value when the manifest is read (found by summarising a finished sweep and a cohort with [set] ckd_stage)."""

from __future__ import annotations

import json

from calcium_abm.batch import run_batch, summarize
from calcium_abm.batch.store import MANIFEST, load_spec

TINY = {"bone_grid_width": 8, "bone_grid_height": 8, "vessel_grid_width": 8, "vessel_grid_height": 8}


def test_a_summarized_sweep_reports_the_level_of_dp_ucmgp_not_its_change(tmp_path):
    run_batch({"name": "sw", "years": 0.02, "set": dict(TINY),
               "sweep": {"parameters": {"mk7_ug_per_day": [0, 180]}}}, tmp_path / "b")
    tables = summarize(tmp_path / "b")
    outcomes = set(tables["by_point"]["outcome"])
    assert outcomes == {"bmd_change_pct", "dp_ucmgp_pmol_l", "calcification_score"}, outcomes
    report = (tmp_path / "b" / "summary" / "report.md").read_text("utf-8")
    assert "pct change of dp_ucmgp_pmol_l" not in report


def test_a_cohort_whose_set_fixes_the_ckd_stage_summarizes(tmp_path):
    run_batch({"name": "co", "years": 0.02, "set": {**TINY, "ckd_stage": 4},
               "cohort": {"patients": 2},
               "arms": [{"name": "placebo"}, {"name": "mk7", "add": {"mk7_ug_per_day": 180}}]}, tmp_path / "b")
    tables = summarize(tmp_path / "b")
    assert "effects" in tables
    spec = load_spec(json.loads((tmp_path / "b" / MANIFEST).read_text("utf-8")))
    assert "ckd_stage_probabilities" not in spec.cohort.model_fields_set
