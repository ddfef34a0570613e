"""Row Restriction1988 (self-chosen vitamin K-restricted diets for 3 weeks, then K1 50 µg/day for 12 days, college-aged
men; Am J Clin Nutr 1988 47:475): one man of 21 on the prestudy intake for the run-in, the mean of the two restricted
medians for 21 days, then 50 µg/day more; serum K1's fall against 0.87 -> 0.46 ng/mL, and direction-only criteria for
undercarboxylated prothrombin and the supplement."""

from calcium_abm import simulate
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["Restriction1988"]


def test_one_man_on_82_then_36_for_21_days_then_86_for_12_days():
    row = _row()
    (arm,) = row.arms
    assert arm.settings["diet.vitamin_k1_ug_per_day"] == 82.0 and arm.settings["patient.age_years"] == 21.0
    assert dict(arm.start) == {"diet.vitamin_k1_ug_per_day": 36.0} and arm.start_days == 21
    assert dict(arm.then) == {"diet.vitamin_k1_ug_per_day": 86.0}
    assert row.days - row.run_in_days == 21 + 12


def test_the_bands_and_the_source():
    row = _row()
    k1, prothrombin, supplement, restored = row.criteria
    assert (k1.low, k1.high) == (-62.0, -32.0)  # 100 x (0.46 / 0.87 - 1) = -47, +-15
    assert (prothrombin.low, prothrombin.high) == (None, -0.1) and (restored.low, restored.high) == (-0.1, None)
    assert (supplement.low, supplement.high) == (0.0, None) and "direction only" in supplement.band_reason
    assert not any(c.known_failure for c in row.criteria)
    assert "10.1093/ajcn/47.3.475" in row.source and "47(3):475" in row.source and "authors" in row.source


def test_restriction_lowers_serum_k1_and_the_supplement_raises_it_on_a_short_run():
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    k1, prothrombin, supplement, restored = (evaluate(c, [runs]).mean for c in row.criteria)
    assert -70.0 < k1 < -40.0 and prothrombin < -0.5 and supplement > 50.0 and restored > -0.1
