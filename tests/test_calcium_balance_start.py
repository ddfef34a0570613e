"""A person's blood starts at the calcium-balanced steady state their own laws settle at
(calcium_balance.calcium_balanced_state; docs/ODD.md section 5, item 4): an older woman long past
her final period, whose gut absorbs less and whose kidney leaks more calcium, and a CKD 4 patient,
who needs a higher serum calcium to absorb what the day loses, no longer drift in their first
months (from the reference ionised calcium their PTH moved by +15-20 % and -17 %), nor does a
calcium supplement's PTH (it fell 9-10 % over year 1 on the default grid)."""

from __future__ import annotations

import numpy as np
import pytest

from calcium_abm import simulate
from calcium_abm.physiology import calcium, calcium_balance, minerals, parameter_set
from calcium_abm.scenario import Scenario

P = parameter_set(Scenario().parameters)

PEOPLE = {
    "woman of 85, 35 years past her final period": ("postmenopausal", {"age_years": 85, "years_since_menopause": 35}),
    "man of 85": ("healthy_adult", {"age_years": 85}),
    "CKD stage 4": ("ckd_stage4", {}),
    "2000 mg/day of calcium": ("calcium_supplement_no_k2", {}),
}


@pytest.mark.parametrize("name", PEOPLE)
@pytest.mark.parametrize("seed", [1, 2])
def test_a_person_starts_at_the_calcium_balance_their_run_settles_at(name, seed):
    scenario, settings = PEOPLE[name]
    run = simulate(scenario, years=1, seed=seed, overrides=settings)
    pth, ionized = run["pth_pmol_l"].to_numpy(), run["ionized_calcium_mmol_l"].to_numpy()
    assert np.mean(pth[180:]) / pth[0] == pytest.approx(1.0, abs=0.05), name
    assert np.mean(ionized[180:]) == pytest.approx(ionized[0], abs=0.01), name


def test_the_balanced_state_balances_the_day_and_moves_with_the_diet():
    """At the returned ionised calcium the day's absorption equals urine + endogenous faecal
    calcium; less dietary calcium settles at a lower calcium and a higher PTH."""
    k = minerals.KidneyInputs(90.0, 1200.0)
    usual, low = (calcium_balance.calcium_balanced_state(P, k, intake, 1.0) for intake in (1000.0, 400.0))
    s = usual.systemic
    absorbed = calcium.gut_day(calcium.steady_gut_lumen_mg(1000.0, s, P), 1000.0, s, P)[0]
    assert absorbed == pytest.approx(sum(calcium.kidney_and_endogenous_day(s, P)), rel=1e-6)
    assert low.ionized_calcium_mmol_l < usual.ionized_calcium_mmol_l
    assert low.systemic.pth_pmol_l > usual.systemic.pth_pmol_l


def test_without_a_balance_the_blood_starts_at_the_reference_calcium():
    """Anuria without dialysis has no steady state, and a rodent preset's time-scaled step is
    not a steady human day: both start at the reference ionised calcium."""
    k = minerals.KidneyInputs(0.0, 1200.0)
    assert calcium_balance.calcium_balanced_state(P, k, 1000.0, 1.0) is None
    blood_mg, _, _ = calcium_balance.start_minerals(None, k, P)
    assert blood_mg == calcium.reference_blood_calcium_mg(P)
    mouse = simulate("mgp_knockout", years=0.02, seed=1)
    assert mouse["serum_calcium_mmol_l"].iloc[0] == pytest.approx(P.reference_serum_calcium_mmol_l, rel=1e-12)
    human = simulate("healthy_adult", years=0.02, seed=1, overrides={"age_years": 80})
    assert human["serum_calcium_mmol_l"].iloc[0] != pytest.approx(P.reference_serum_calcium_mmol_l, rel=1e-3)


def test_a_diet_that_balances_only_below_the_reference_range_starts_at_the_reference():
    """300 mg/day at 85 balances at a serum calcium of ~1.9 mmol/L, where a real person keeps calcium up by
    losing bone; started there a fresh user's run left the physiological range within days. It starts at the
    reference and its PTH rises instead (the balanced start's floor, LOWEST_START_SERUM_CALCIUM_MMOL_L)."""
    woman = {"age_years": 85, "sex": "female", "postmenopausal": True, "years_since_menopause": 34,
             "diet.calcium_mg_per_day": 300}
    run = simulate("healthy_adult", years=0.5, seed=1, overrides=woman)
    calcium_mmol_l = run["serum_calcium_mmol_l"].to_numpy()
    assert calcium_mmol_l[0] == pytest.approx(P.reference_serum_calcium_mmol_l, rel=1e-12)
    assert calcium_mmol_l.min() > 2.0 and run["pth_pmol_l"].iloc[-30:].mean() > 1.2 * run["pth_pmol_l"].iloc[0]
    # the results say so (a fresh user read the first months' PTH rise as an effect of the run's inputs)
    assert run.attrs["start"].startswith("the reference blood calcium: 300 mg/day of calcium eaten balances the day only at")
    assert simulate("healthy_adult", years=0.02, seed=1).attrs["start"].startswith("the calcium-balanced steady state")
    assert "rodent" in simulate("mgp_knockout", years=0.02, seed=1).attrs["start"]


@pytest.mark.parametrize("day0_mg, later_mg, balanced", [(1000.0, 150.0, True), (150.0, 1000.0, False)])
def test_the_start_is_described_by_day_0_s_diet_not_a_later_one(day0_mg, later_mg, balanced):
    """A fresh user's run with 150 mg/day of calcium from day 1 started at the usual balance, but the results said it
    started at the reference because of 150 mg/day (the description read the last day's diet); the reverse said
    balanced. It is the diet of day 0's, recorded when the model was built."""
    grid = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}
    run = simulate({"name": "scheduled", "simulation": {"years": 0.02, **grid}, "diet": {"calcium_mg_per_day": day0_mg},
                    "schedule": [{"start_day": 1, "set": {"diet.calcium_mg_per_day": later_mg}}]}, seed=1)
    assert run.attrs["start"].startswith("the calcium-balanced steady state" if balanced else
                                         "the reference blood calcium: 150 mg/day")
    at_reference = run["serum_calcium_mmol_l"].iloc[0] == pytest.approx(P.reference_serum_calcium_mmol_l, rel=1e-12)
    assert at_reference is not balanced
    k = minerals.KidneyInputs(90.0, 1200.0)
    low = calcium_balance.calcium_balanced_state(P, k, 150.0, 1.0)
    assert low.systemic.serum_calcium_mmol_l < calcium_balance.LOWEST_START_SERUM_CALCIUM_MMOL_L
    assert calcium_balance.start_balanced_state(P, k, 150.0, 1.0) is None


def test_the_balance_factor_of_people_of_85_is_the_docstrings():
    """person.calcium_balance_pth_factor's magnitudes: ~1.09 for a man of 85 and ~1.17 for a woman of 85 long
    past her final period (her kidney's calcium leak included), x1.23 and x1.52 of the reference man's PTH with the
    GFR law's rise."""
    from calcium_abm import person
    from calcium_abm.model import CalciumParadoxModel

    small = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 8, "vessel_grid_height": 8}
    for (scenario, settings), factor, start in ((PEOPLE["man of 85"], 1.09, 1.23),
                                                (PEOPLE["woman of 85, 35 years past her final period"], 1.17, 1.52)):
        model = CalciumParadoxModel(scenario, rng=1, **settings, **small)
        assert person.start_balance_factor(model) == pytest.approx(factor, abs=0.005)
        assert person.start_pth_relative(model) == pytest.approx(start, abs=0.005)
