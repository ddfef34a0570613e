"""A GFR decline (kidney.gfr_end_ml_per_min) must end below the GFR the person starts from: an end equal to it
changed nothing, bit for bit, and one above it made the 'decline' a rise (CKD 4, GFR 22, to 60: 24.3 mL/min
after a year). Found by a clinician and a hostile tester, stop 60."""

import pytest

from calcium_abm import simulate
from calcium_abm.errors import ScenarioError
from calcium_abm.inert_settings import gfr_decline_problem
from calcium_abm.scenario import load_scenario


@pytest.mark.parametrize("overrides, start", [
    ({"patient.ckd_stage": 4, "kidney.gfr_end_ml_per_min": 60.0}, "22 mL/min (CKD stage 4's GFR at the age of 50)"),
    ({"kidney.residual_gfr_ml_per_min": 40.0, "kidney.gfr_end_ml_per_min": 40.0},
     "40 mL/min (kidney.residual_gfr_ml_per_min)"),
    ({"patient.age_years": 85.0, "kidney.gfr_end_ml_per_min": 90.0}, "at the age of 85"),
])
def test_an_end_not_below_the_start_is_refused_naming_the_start(overrides, start):
    message = gfr_decline_problem(load_scenario("healthy_adult", overrides=overrides))
    assert message is not None and start in message
    assert message.startswith(f"kidney.gfr_end_ml_per_min = {overrides['kidney.gfr_end_ml_per_min']:g} is not allowed")
    with pytest.raises(ScenarioError, match="a decline ends below where it starts"):
        simulate("healthy_adult", years=0.02, overrides=overrides)


def test_an_end_below_the_start_declines():
    scenario = load_scenario("healthy_adult", overrides={"patient.ckd_stage": 4, "kidney.gfr_end_ml_per_min": 15.0})
    assert gfr_decline_problem(scenario) is None
    frame = simulate(scenario, years=0.5)
    assert frame["gfr_ml_per_min"].iloc[0] == pytest.approx(22.0, rel=1e-3)
    assert frame["gfr_ml_per_min"].iloc[-1] < 21.9


def test_a_decline_a_schedule_or_an_arm_begins_is_checked_against_that_days_gfr():
    """The check looked at day 0 only: a [[schedule]] entry setting an end of 60 on day 20 for CKD 4 (GFR 22), or a
    trial arm setting 120 for adults of 55-80, ran as rises (22 -> 60; 81 -> 117 in 36 days; fresh user, stop 60)."""
    from calcium_abm.batch.expand import expand_runs
    from calcium_abm.batch.spec import BatchError, load_batch

    def scheduled(end: float):
        return load_scenario({"name": "x", "patient": {"ckd_stage": 4}, "simulation": {"years": 0.3},
                              "schedule": [{"start_day": 20, "set": {"kidney.gfr_end_ml_per_min": end,
                                                                     "kidney.gfr_decline_years": 0.2}}]})

    message = gfr_decline_problem(scheduled(60.0))
    assert message is not None and "on day 20, when a [[schedule]] entry begins its kidney state, is 22 mL/min" in message
    assert gfr_decline_problem(scheduled(15.0)) is None
    arms = [{"name": "placebo"}, {"name": "decline", "set": {"gfr_end_ml_per_min": 120.0, "gfr_decline_years": 0.1}}]
    batch = {"scenario": "healthy_adult", "seed": 1, "years": 0.1, "cohort": {"patients": 2}, "arms": arms,
             "analysis": {"outcomes": {"gfr_ml_per_min": "final"}}}
    with pytest.raises(BatchError, match="a decline ends below where it starts"):
        expand_runs(load_batch(batch))
