"""Row iPACK-HD (vitamin K1 10 mg thrice weekly for 12 months in haemodialysis patients, against placebo): the arms
are the built-in haemodialysis patient until K1 starts after the run-in, the dose is the weekly amount's daily mean
on top of the renal diet, the dp-ucMGP band is the published fall ± the CI of a difference of two group means from
the trial's completers, and the coronary calcium finding is listed as not expressible."""

import math

import pytest

from calcium_abm import simulate
from calcium_abm.scenario import load_scenario
from calcium_abm.validation.dialysis_vitamin_k_rows import IPACK_COMPLETERS, IPACK_DP_UCMGP, IPACK_HALF_BAND
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["iPACK-HD"]


def test_k1_10_mg_thrice_weekly_is_added_to_the_renal_diet_after_the_run_in_for_12_months():
    row = _row()
    assert (row.run_in_days, row.days) == (180, 180 + 365)
    diet_k1 = load_scenario("haemodialysis").diet.vitamin_k1_ug_per_day
    added = [arm.start.get("diet.vitamin_k1_ug_per_day", diet_k1) - diet_k1 for arm in row.arms]
    assert added == [0.0, pytest.approx(30_000 / 7)]
    assert [arm.label for arm in row.arms][0] == "placebo"
    assert all(arm.scenario == "haemodialysis" and "diet.mk7_ug_per_day" not in arm.start for arm in row.arms)


def test_the_dp_ucmgp_band_is_86_percent_plus_minus_the_ci_of_a_difference_from_69_completers():
    assert IPACK_COMPLETERS == 69 and IPACK_DP_UCMGP == -86.0
    assert IPACK_HALF_BAND == pytest.approx(1.96 * 40 * math.sqrt(2 / 34.5), abs=0.05)  # 18.87 -> 18.9
    dp_ucmgp, ratio = _row().criteria
    assert (dp_ucmgp.low, dp_ucmgp.high) == (pytest.approx(-104.9), pytest.approx(-67.1))
    assert (ratio.low, ratio.high) == (-100.0, 0.0) and "direction only" in ratio.band_reason
    assert not dp_ucmgp.known_failure and not ratio.known_failure


def test_the_sources_and_the_unexpressed_calcium_finding():
    row = _row()
    assert "Nephrol Dial Transplant 38:746" in row.source and "35641194" in row.source
    assert "NCT01528800" in row.source and "[V abstract, PubMed]" in row.source
    (finding, reason), = row.unexpressed
    assert "coronary" in finding and "no size or confidence interval" in reason


def test_the_row_runs_and_k1_lowers_dp_ucmgp_and_ucoc_against_placebo():
    row = _row()  # the row's own grid, one seed (dp-ucMGP hardly varies by seed)
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=row.grid, seed=1)) for arm in row.arms}
    dp_ucmgp, ratio = (evaluate(criterion, [runs]).mean for criterion in row.criteria)
    assert -100 < dp_ucmgp < 0 and -100 < ratio < 0
