"""Row Knapen2015-yogurt (a yogurt drink with 28 µg MK-7 twice a day for 12 weeks in healthy adults): the fortified
arm adds 56 µg/day of MK-7 to the usual diet, the plasma MK-7 band is the CI backed out of the published P, the
measure converts the model's nmol/L to ng/mL, and the row is not row 9 (Knapen et al. 2015 Thromb Haemost)."""

import pytest
from scipy import stats

from calcium_abm import simulate
from calcium_abm.validation.design import USUAL_DIET
from calcium_abm.validation.effects import value_at
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.food_vitamin_k_rows import KNAPEN_MK7_BAND, KNAPEN_MK7_UG_PER_DAY
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["Knapen2015-yogurt"]


def test_the_fortified_drink_adds_56_ug_a_day_of_mk7_for_12_weeks():
    row = _row()
    assert row.days == 84 and KNAPEN_MK7_UG_PER_DAY == 56.0
    assert [arm.label for arm in row.arms] == ["basic yogurt", "MK-7 yogurt"]
    assert row.arms[0].start == {}
    assert row.arms[1].start == {"diet.mk7_ug_per_day": USUAL_DIET.mk7_ug_per_day + 56.0}
    assert all(arm.scenario == "healthy_adult" for arm in row.arms)


def test_the_mk7_band_is_the_ci_backed_out_of_p_0_004():
    z = stats.norm.isf(0.004 / 2)
    assert z == pytest.approx(2.878, abs=5e-4)
    half = 1.96 * (1.94 - 0.28) / z  # 1.13 ng/mL
    assert KNAPEN_MK7_BAND == (pytest.approx(1.66), pytest.approx(1.66 - half, abs=0.005),
                               pytest.approx(1.66 + half, abs=0.005))
    mk7, dp_ucmgp, ucoc = _row().criteria
    assert (mk7.low, mk7.high) == (0.53, 2.79) and mk7.unit == "ng/mL"
    assert all((c.low, c.high) == (-100.0, 0.0) and "direction only" in c.band_reason for c in (dp_ucmgp, ucoc))
    assert not any(c.known_failure for c in _row().criteria)


def test_the_sources_name_the_journal_the_review_and_that_it_is_not_row_9():
    row = _row()
    assert "J Nutr Sci 4:e35" in row.source and "[V abstract, Cambridge Core]" in row.source
    assert "[S]" in row.source and "PMC11279569" in row.source and "row 9" in row.source
    assert "Thromb Haemost" in all_rows()["9"].source


def test_the_row_runs_and_the_mk7_rise_is_the_models_nmol_per_l_in_ng_per_ml():
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=12, seed=1)) for arm in row.arms}
    mk7, dp_ucmgp, ucoc = (evaluate(criterion, [runs]).mean for criterion in row.criteria)
    fortified = runs["MK-7 yogurt"]
    rise = value_at(fortified, "plasma_mk7_nmol_l", 84) - value_at(fortified, "plasma_mk7_nmol_l", 0)
    basic = runs["basic yogurt"]
    rise -= value_at(basic, "plasma_mk7_nmol_l", 84) - value_at(basic, "plasma_mk7_nmol_l", 0)
    assert mk7 == pytest.approx(rise * 0.649) and mk7 > 0
    assert dp_ucmgp < 0 and ucoc < 0
