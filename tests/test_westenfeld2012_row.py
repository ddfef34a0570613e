"""Row Westenfeld2012 (MK-7 45, 135 or 360 µg/day for 6 weeks in 53 haemodialysis patients): the arms are the built-in
haemodialysis patient until MK-7 starts after the run-in, each dose adds to the renal diet, the bands are the published
falls ± a group mean's 95 % CI from the trial's size, and it is a different trial from row Caluwe2014."""

import math

import pytest

from calcium_abm import simulate
from calcium_abm.scenario import load_scenario
from calcium_abm.validation.dialysis_vitamin_k_rows import WESTENFELD_HALF_BAND
from calcium_abm.validation.effects import value_at
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["Westenfeld2012"]


def test_the_doses_are_daily_additions_to_the_renal_diet_after_the_run_in_for_6_weeks():
    row = _row()
    assert (row.run_in_days, row.days) == (180, 180 + 42)
    diet_mk7 = load_scenario("haemodialysis").diet.mk7_ug_per_day
    assert [arm.start.get("diet.mk7_ug_per_day", diet_mk7) - diet_mk7 for arm in row.arms] == [0.0, 45.0, 135.0, 360.0]
    assert all(arm.scenario == "haemodialysis" for arm in row.arms)


def test_the_bands_are_the_published_falls_plus_minus_a_group_means_ci_from_53_patients_in_three_groups():
    assert WESTENFELD_HALF_BAND == pytest.approx(1.96 * 40 / math.sqrt(53 / 3), abs=0.05)  # 18.65 -> 18.7
    for criterion, published in zip(_row().criteria, (-17.9, -36.7, -61.1)):
        assert criterion.low == pytest.approx(published - WESTENFELD_HALF_BAND)
        assert criterion.high == pytest.approx(published + WESTENFELD_HALF_BAND)
        assert criterion.expected == f"{published:g} %"


def test_the_source_records_the_trial_and_that_it_is_not_caluwe_2014():
    row, caluwe = _row(), all_rows()["Caluwe2014"]
    assert "Am J Kidney Dis 59:186" in row.source and "NCT01407601" in row.source
    assert "[V trial registry" in row.source and "[S]" in row.source and "10.3389/fmed.2020.00154" in row.source
    assert "Caluwe2014" in row.source
    assert [c.expected for c in caluwe.criteria] != [c.expected for c in row.criteria]


def test_the_row_runs_the_falls_grow_with_the_dose_and_the_arm_without_mk7_does_not_drift():
    row = _row()  # at the row's own grid, as tests/test_dialysis_vitamin_k_rows.py (dp-ucMGP hardly varies by seed)
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=row.grid, seed=1)) for arm in row.arms}
    falls = [evaluate(criterion, [runs]).mean for criterion in row.criteria]
    assert falls[0] > falls[1] > falls[2] and falls[0] < 0
    untreated = runs["no MK-7"]
    drift = value_at(untreated, "dp_ucmgp_pmol_l", row.days) / value_at(untreated, "dp_ucmgp_pmol_l", 180) - 1
    assert abs(drift) < 0.01
