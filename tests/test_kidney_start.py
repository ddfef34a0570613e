"""A long-standing kidney patient starts from the steady state of their own signals (issue 11):
the skeleton has remodelled under their steady kidney PTH before day 0, so year 1 of the
haemodialysis scenario is not a transient; and the gland that sets that PTH has grown with the
phosphate each remaining nephron must excrete (Slatopolsky 1996, Denda 1996)."""

from __future__ import annotations

import pytest

from calcium_abm import simulate
from calcium_abm.physiology import calcium, kidney, minerals, parameter_set, parathyroid
from calcium_abm.scenario import Scenario

P = parameter_set(Scenario().parameters)
GRID = {f"{tissue}_grid_{side}": 32 for tissue in ("bone", "vessel") for side in ("width", "height")}


def test_gland_capacity_grows_with_the_phosphate_load_per_nephron():
    for c in (1.0, 0.3):
        assert parathyroid.parathyroid_capacity_target(c, P, 10.0) > parathyroid.parathyroid_capacity_target(c, P, 1.0)
    assert parathyroid.parathyroid_capacity_target(1.0, P, 1.0) == pytest.approx(1.0)
    # the load FGF23 and the gland sense: 4x the phosphate per nephron at a quarter of the GFR
    assert kidney.phosphate_load_per_nephron_relative(25.0, kidney.reference_phosphate_load_mg(P), P) \
        == pytest.approx(4.0)


def test_the_spin_up_uses_the_patients_own_steady_pth():
    healthy = minerals.steady_pth_relative(minerals.KidneyInputs(100.0, 1200.0), P)
    failing = minerals.steady_pth_relative(minerals.KidneyInputs(10.0, 1200.0), P)
    assert healthy == pytest.approx(1.0, rel=1e-6)
    assert failing > 3.0


def test_haemodialysis_year_one_is_not_a_transient():
    """Before: the skeleton spun up under healthy signals; on haemodialysis its remodeling space
    then grew 2-4x over the first months (0.004-0.006 -> 0.013) and the bone-fluid calcium
    climbed 4.0 -> 15 g (BMD -4.5 % in 90 days)."""
    frame = simulate("haemodialysis", years=1.0, seed=4, overrides=GRID).set_index("day")
    space = frame["remodeling_space_fraction"]
    assert space.loc[180:365].mean() < 2.0 * space.loc[0], (space.loc[0], space.loc[180:365].mean())
    fluid = frame["ca_bone_fluid_mg"]
    assert fluid.max() < 2.5 * fluid.iloc[0], (fluid.iloc[0], fluid.max())


@pytest.mark.parametrize("scenario", ["ckd_stage4", "ckd_stage5"])
@pytest.mark.parametrize("seed", [4, 5])
def test_serum_calcium_and_pth_do_not_swing_in_the_first_week(scenario, seed):
    """The bone fluid starts at its equilibrium with blood under the day-0 PTH and calcitriol
    (calcium.equilibrium_bone_fluid_mg) and osteoid at the day-0 Ca x P: before, CKD 5 began with
    the healthy 4.0 g of fluid calcium and an osteoid backlog, and serum calcium fell 2.35 -> 2.16-2.19
    mmol/L while PTH doubled (19 -> 38-45 pmol/L) within a week, then returned by day 30 (and BMD
    rose 3.5 % in 4 months as the backlog mineralised). What is left is the bone's own day-to-day
    scatter (within 0.04 mmol/L in the first week on the default grid)."""
    frame = simulate(scenario, years=7 / 365, seed=seed).set_index("day")
    calcium, pth = frame["serum_calcium_mmol_l"], frame["pth_pmol_l"]
    assert (calcium - calcium.loc[0]).abs().max() < 0.06, calcium.tolist()
    assert pth.max() < 1.4 * pth.loc[0] and pth.min() > 0.7 * pth.loc[0], pth.tolist()


def test_the_bone_fluid_starts_at_its_equilibrium_with_blood():
    """Above the reference PTH the fluid holds less calcium (PTH mobilises it); at the reference
    state it is the reference pool."""
    def start_fluid(gfr):
        k = minerals.KidneyInputs(gfr, 1200.0)
        hormones, phosphate = minerals.steady_hormones(k, P)
        blood = calcium.reference_blood_calcium_mg(P)
        s = minerals.systemic_day(hormones, blood, phosphate * kidney.PHOSPHORUS_MG_PER_MMOL * P.ecf_volume_l, k, P, 0.0)
        return calcium.equilibrium_bone_fluid_mg(blood, s, P), blood, s

    healthy, blood, s = start_fluid(100.0)
    assert healthy == pytest.approx(P.exchangeable_bone_calcium_mg, rel=1e-3)
    assert calcium.blood_to_bone_fluid_mg(blood, healthy, s, P) == pytest.approx(0.0, abs=1e-6 * blood)
    failing, blood, s = start_fluid(10.0)
    assert failing < 0.6 * healthy
    assert calcium.blood_to_bone_fluid_mg(blood, failing, s, P) == pytest.approx(0.0, abs=1e-6 * blood)
