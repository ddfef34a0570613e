"""Row T-Knapen2013 (MK-7 180 µg/day for 3 years in healthy postmenopausal women, Knapen et al. 2013): its arms are one
woman until study day 1, the MK-7 adds to the usual diet read from the built-in scenario, its bands are the abstract's
statements (a significantly smaller decline at the lumbar spine, no difference at the total hip, a lower ucOC/cOC
ratio), and the parts the model cannot produce are listed with their reasons."""

from calcium_abm import simulate
from calcium_abm.scenario import load_scenario
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["T-Knapen2013"]


def test_the_arms_are_one_woman_until_day_1_and_mk7_180_adds_to_the_usual_diet_for_3_years():
    row = _row()
    placebo, mk7 = row.arms
    assert row.days == 3 * 365
    assert placebo.settings == mk7.settings and not placebo.start
    assert mk7.start == {"diet.mk7_ug_per_day": load_scenario("healthy_adult").diet.mk7_ug_per_day + 180.0}
    woman = arm_scenario(row, placebo, grid=8, seed=1)
    assert (woman.patient.sex, woman.patient.postmenopausal) == ("female", True)
    assert (woman.patient.age_years, woman.patient.years_since_menopause) == (60.0, 10.0)
    starts = [arm_scenario(row, arm, grid=8, seed=1).state_at(0).model_dump(exclude={"name"}) for arm in row.arms]
    assert starts[0] == starts[1]


def test_the_bands_are_the_abstracts_statements_and_the_sources_are_recorded():
    row = _row()
    spine, hip, ratio = row.criteria
    assert (spine.low, spine.high) == (0.0, None)  # "significantly decreased the age-related decline"
    assert (hip.low, hip.high) == (-1.0, 1.0)  # "but not at the total hip": no difference, as the other BMD rows
    assert (ratio.low, ratio.high) == (None, 0.0)  # "significantly improved vitamin K status"
    assert not any(c.known_failure for c in row.criteria)
    assert "Osteoporos Int 24:2499" in row.source and "23525894" in row.source
    assert "[V abstract" in row.source and "[S]" in row.source
    assert "row 9" in row.notes  # the same trial's dp-ucMGP is row 9, not repeated
    assert [finding for finding, _ in row.unexpressed] == [
        "femoral-neck BMC and BMD: a smaller decline with MK-7",
        "bone strength indices of the femoral neck; loss of vertebral height (lower thoracic, mid-site)",
        "lumbar-spine bone mineral content"]


def test_the_criteria_measure_the_runs_mk7_lowers_the_osteocalcin_ratio():
    """The row's measures on small runs: MK-7 lowers ucOC : cOC against placebo (a measure that read the wrong arm or
    day would give 0 or fail), and the BMD differences are small numbers."""
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    assert evaluate(row.criteria[2], [runs]).mean < -30.0
    for bmd in row.criteria[:2]:
        assert abs(evaluate(bmd, [runs]).mean) < 5.0
