"""Row Crowther1999 (a 5-mg warfarin start, INR daily for 5 days; Crowther et al. 1999): one arm on a
fixed 5 mg/day, read on the trial's days 3, 4 and 5 at 36, 60 and 84 h after the first dose; the first criterion
checks that the 5-mg algorithm would give this patient 5 mg, the day-4 INR is a known failure of issue 12, and the
10-mg start is listed as not expressible."""

from calcium_abm import simulate
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["Crowther1999"]


def test_one_5_mg_start_against_no_warfarin_read_on_days_3_to_5():
    row = _row()
    assert [arm.label for arm in row.arms] == ["no warfarin", "warfarin 5 mg start"]
    assert dict(row.arms[1].start) == {"drugs.warfarin_mg_per_day": 5.0} and row.arms[1].start_days is None
    assert row.days >= 5 and row.run_in_days == 0
    assert [finding for finding, _ in row.unexpressed] == [
        "10-mg start: 24 % reached the end point and 24 % were above INR 3.0 on day 4"]


def test_the_bands_and_the_known_failure():
    row = _row()
    design, day4, day5 = row.criteria
    assert (design.low, design.high) == (None, 2.0) and not design.known_failure
    assert (day4.low, day4.high) == (2.0, 3.0) and day4.known_failure.startswith("issue 12")
    assert (day5.low, day5.high) == (2.0, 3.0) and not day5.known_failure
    assert "9892329" in row.source and "159(1):46" in row.source and "[V abstract" in row.source


def test_the_inr_rises_from_day_3_to_day_5_on_a_short_run():
    """On small runs: the readings come from the 5-mg arm and rise with the hours (a measure that read the wrong arm
    or the same row three times would not)."""
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    day3, day4, day5 = (evaluate(c, [runs]).mean for c in row.criteria)
    assert 1.2 < day3 < day4 < day5 < 3.0
    assert runs["no warfarin"]["inr"].max() < 1.1
