"""Row Ferland1993 (13 days of ~10 µg/day of vitamin K1 after 4 days on 80 µg/day, young and elderly adults in a
metabolic unit; Ferland, Sadowski & O'Brien 1993): a man of 30 and a man of 70 on the baseline diet for the run-in,
then the depletion diet; plasma K1 against the abstract's 13-18 % of day 1, the prothrombin time and factor VII held,
and the share of fully carboxylated new clotting factors falling (decarboxy prothrombin up)."""

from calcium_abm import simulate
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["Ferland1993"]


def test_two_ages_on_80_then_10_ug_a_day_for_13_days_after_the_4_day_baseline():
    row = _row()
    assert [arm.label for arm in row.arms] == ["young (man of 30)", "elderly (man of 70)"]
    assert [arm.settings["patient.age_years"] for arm in row.arms] == [30.0, 70.0]
    assert all(arm.settings["diet.vitamin_k1_ug_per_day"] == 80.0 for arm in row.arms)
    assert all(dict(arm.start) == {"diet.vitamin_k1_ug_per_day": 10.0} and arm.start_days is None
               for arm in row.arms)
    assert row.days - row.run_in_days == 13 and row.run_in_days >= 4


def test_the_bands_and_the_source():
    row = _row()
    k1, inr, f7, carboxylated = row.criteria[:4]
    assert (k1.low, k1.high) == (-100.0, -67.0)  # -87 - 15 floored at -100, -82 + 15
    assert (inr.low, inr.high) == (-0.1, 0.1) and (f7.low, f7.high) == (-10.0, 10.0)
    assert (carboxylated.low, carboxylated.high) == (None, -0.1) and "direction only" in carboxylated.band_reason
    assert len(row.criteria) == 8 and not any(c.known_failure for c in row.criteria)
    assert "8473516" in row.source and "10.1172/JCI116386" in row.source and "[V abstract" in row.source


def test_depletion_lowers_plasma_k1_and_the_carboxylated_share_but_not_the_inr_on_a_short_run():
    """On small runs, the criteria read the depletion (a measure that read the baseline twice would give 0)."""
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    k1, inr, _, carboxylated = (evaluate(c, [runs]).mean for c in row.criteria[:4])
    assert -95.0 < k1 < -70.0 and abs(inr) < 0.1 and carboxylated < -1.0
