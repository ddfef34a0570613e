"""Row T-Braam2003 (vitamin K1 1 mg/day added to minerals and vitamin D for 3 years in postmenopausal women 50-60,
Braam et al. 2003): its arms are one woman until study day 1, the K1 adds to the usual diet read from the built-in
scenario, the femoral-neck band is the published 95 % CI of MDK minus MD, the spine's is the other BMD rows' "no
difference", and the comparison with placebo (other minerals, doses not in the abstract) is listed as not expressible."""

from calcium_abm import simulate
from calcium_abm.scenario import load_scenario
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["T-Braam2003"]


def test_the_arms_are_one_woman_of_55_until_day_1_and_k1_1_mg_adds_to_the_usual_diet_for_3_years():
    row = _row()
    md, mdk = row.arms
    assert row.days == 3 * 365 and row.min_seeds == 20 and row.grid == 64
    assert md.settings == mdk.settings and not md.start
    assert mdk.start == {"diet.vitamin_k1_ug_per_day": load_scenario("healthy_adult").diet.vitamin_k1_ug_per_day
                         + 1000.0}
    woman = arm_scenario(row, md, grid=8, seed=1)
    assert (woman.patient.sex, woman.patient.postmenopausal) == ("female", True)
    assert (woman.patient.age_years, woman.patient.years_since_menopause) == (55.0, 5.0)
    starts = [arm_scenario(row, arm, grid=8, seed=1).state_at(0).model_dump(exclude={"name"}) for arm in row.arms]
    assert starts[0] == starts[1]


def test_the_bands_are_the_published_ci_and_the_no_difference_band():
    row = _row()
    neck, spine = row.criteria
    assert (neck.low, neck.high) == (0.10, 3.41) and "1.3 %" in neck.expected  # MDK minus MD, 95 % CI
    assert neck.low > 0  # a model whose K1 did nothing to bone would fail it
    assert (spine.low, spine.high) == (-1.0, 1.0)
    assert not any(c.known_failure for c in row.criteria)
    assert "Calcif Tissue Int 73:21" in row.source and "[V abstract" in row.source
    assert "1.7 % (0.35 to 3.44)" in row.finding  # against placebo: not a criterion
    assert [finding for finding, _ in row.unexpressed] == ["femoral neck, MDK vs placebo: 1.7 % (0.35 to 3.44)"]


def test_the_criteria_measure_the_runs_k1_lowers_the_osteocalcin_share_and_the_bmd_differences_are_small():
    """On small runs: the K1 arm's %ucOC falls (a measure that compared the wrong arms would see none), and the BMD
    differences are small numbers."""
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    md, mdk = (runs[arm.label] for arm in row.arms)
    assert mdk["ucoc_fraction"].iloc[-1] < 0.5 * md["ucoc_fraction"].iloc[-1]
    for criterion in row.criteria:
        assert abs(evaluate(criterion, [runs]).mean) < 5.0
