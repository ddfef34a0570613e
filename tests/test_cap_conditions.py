"""FGF23's caps are refused where a run's FGF23 cannot reach them (stop 70: a ceiling of 150 and a floor of 0.075 were
accepted and changed nothing). The refusal rests on FGF23 staying near the steady value of the run's kidneys and
diet (cap_conditions.FGF23_CAP_MARGIN): these runs check that assumption, each within 3x of it (the margin is 10). The
furthest are diets poor in calcium on a 16 x 16 grid, whose ionised calcium falls far (docs/ODD.md section 8): 2.3x."""

import pytest

from calcium_abm import simulate
from calcium_abm.physiology.cap_conditions import FGF23_CAP_MARGIN, steady_fgf23_range
from calcium_abm.scenario import load_scenario

SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}


@pytest.mark.parametrize("name, overrides", [
    ("healthy_adult", {}),
    ("healthy_adult", {"phosphate_mg_per_day": 100.0}),
    ("healthy_adult", {"calcium_mg_per_day": 100.0}),  # a low-calcium diet moves ionised calcium and calcitriol
    ("healthy_adult", {"calcium_mg_per_day": 0.0}),
    ("postmenopausal", {}),
    ("ckd_stage5", {}),
    ("haemodialysis", {}),
    ("haemodialysis", {"calcium_acetate_g_per_day": 6.0}),
])
def test_a_runs_fgf23_stays_within_the_margin_of_its_steady_range(name, overrides):
    scenario = load_scenario(name, overrides={**SMALL, **overrides, "years": 1.0})
    low, high = steady_fgf23_range(scenario.state_at(0))
    fgf23 = simulate(scenario, seed=4)["fgf23_relative"]
    furthest = max(fgf23.max() / high, low / fgf23.min())
    assert furthest < 3.0 < FGF23_CAP_MARGIN, (fgf23.min(), fgf23.max(), low, high)


def test_a_cap_is_refused_only_far_from_the_steady_range():
    from calcium_abm.physiology.conditional_parameters import inert_conditional_parameters

    healthy = load_scenario("healthy_adult", overrides={"fgf23_max_relative": 150.0})
    assert inert_conditional_parameters(healthy) == ["fgf23_max_relative"]
    near = load_scenario("haemodialysis", overrides={"fgf23_max_relative": 150.0})  # ~18 x 10 reaches 150
    assert inert_conditional_parameters(near) == []
    # a second reading (stop 70): with FGF23's power of ionised calcium raised, a floor the margin called unreachable
    # acted (no calcium eaten, power 8: FGF23 0.05 without a floor of 0.2); such a run refuses no cap
    floor = {"calcium_mg_per_day": 100.0, "fgf23_min_relative": 0.09}
    assert inert_conditional_parameters(load_scenario("healthy_adult", overrides=floor)) == ["fgf23_min_relative"]
    raised = load_scenario("healthy_adult", overrides={**floor, "fgf23_calcium_exponent": 8.0})
    assert inert_conditional_parameters(raised) == []
