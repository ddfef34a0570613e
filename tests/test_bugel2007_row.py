"""Row Bugel2007 (vitamin K1 0, 200 and 500 µg/day for 6 weeks each in postmenopausal women, Bügel et al. 2007): three
arms of one woman, the doses added to the usual diet, and two direction-only criteria that together ask for a response
still growing between 200 and 500 µg/day (one saturated at 200 would fail the second)."""

from calcium_abm import simulate
from calcium_abm.scenario import load_scenario
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["Bugel2007"]


def test_three_arms_of_one_woman_get_0_200_and_500_ug_a_day_of_k1_for_6_weeks():
    row = _row()
    food = load_scenario("healthy_adult").diet.vitamin_k1_ug_per_day
    assert row.days == 42
    assert [arm.label for arm in row.arms] == ["placebo", "K1 200", "K1 500"]
    assert [dict(arm.start) for arm in row.arms] == [{}, {"diet.vitamin_k1_ug_per_day": food + 200.0},
                                                     {"diet.vitamin_k1_ug_per_day": food + 500.0}]
    assert len({tuple(sorted(arm.settings.items())) for arm in row.arms}) == 1


def test_the_criteria_are_the_direction_of_a_dose_dependent_fall_and_the_source_is_recorded():
    row = _row()
    low, high = row.criteria
    assert all((c.low, c.high) == (None, 0.0) and "direction only" in c.band_reason for c in row.criteria)
    assert "saturated at 200" in high.band_reason
    assert "Br J Nutr 97(2)" in row.source and "pages not verified" in row.source and "[V abstract" in row.source
    assert "P = 0.15" in row.notes  # serum K1 at 200 µg/day: why it is not a criterion


def test_the_criteria_measure_the_runs_ucoc_falls_with_each_dose_step():
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    low, high = (evaluate(criterion, [runs]).mean for criterion in row.criteria)
    assert low < -20.0 and high < -10.0
