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
