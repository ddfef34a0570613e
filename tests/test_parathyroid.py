"""The parathyroid gland's curve acts (docs/ODD.md 7.32): every PTH-dependent law reads PTH relative to a normal
gland's, so a gland set higher is primary hyperparathyroidism and one secreting less is hypoparathyroidism.

Until stop 69 the reference was the person's own gland, so a set point of 1.28 mmol/L changed only the PTH shown:
serum calcium, phosphate and bone were those of a normal gland (an endocrinologist's review)."""

from __future__ import annotations

import pytest

from calcium_abm import simulate
from calcium_abm.physiology import parameter_set, parathyroid


SEEDS = (1, 2, 3)


def _run(parameters: dict, seed: int):
    scenario = {"patient": {"sex": "female", "age_years": 60.0, "postmenopausal": True, "years_since_menopause": 10.0},
                "parameters": parameters,
                "simulation": {"years": 0.5, "seed": seed, "bone_grid_width": 24, "bone_grid_height": 24,
                               "vessel_grid_width": 12, "vessel_grid_height": 12}}
    frame = simulate(scenario)
    last = frame.iloc[-60:].mean(numeric_only=True)  # the last two months
    last["bmd_day_0"] = frame["lumbar_spine_dxa_bmd_g_cm2"].iloc[0]
    return last


def _mean(parameters: dict):
    """The mean over :data:`SEEDS` of each run's last two months (and its day-0 BMD): one seed's urinary calcium or
    bone change goes either way (a second reading of stop 69), so only what holds on the mean is checked."""
    return sum(_run(parameters, seed) for seed in SEEDS) / len(SEEDS)


@pytest.fixture(scope="module")
def runs():
    return {"normal": _mean({}),
            # Schwarz et al. 1994: Brown's set point 1.32 (SD 0.10) mmol/L in primary hyperparathyroidism
            "primary": _mean({"parathyroid_setpoint_ionized_mmol_l": 1.32}),
            "hypo": _mean({"parathyroid_max_pmol_l": 5.0, "parathyroid_setpoint_ionized_mmol_l": 1.0})}


def test_a_gland_set_higher_raises_calcium_and_pth_and_lowers_phosphate(runs):
    normal, primary = runs["normal"], runs["primary"]
    assert primary.serum_calcium_mmol_l > normal.serum_calcium_mmol_l + 0.05
    assert primary.pth_pmol_l > 1.4 * normal.pth_pmol_l
    assert primary.serum_phosphate_mmol_l < normal.serum_phosphate_mmol_l - 0.1
    # the life-course start gives her the raised set point since youth (ODD section 8): less bone on day 0
    assert primary.bmd_day_0 < 0.97 * normal.bmd_day_0


def test_a_gland_secreting_less_lowers_calcium_and_raises_phosphate(runs):
    normal, hypo = runs["normal"], runs["hypo"]
    assert hypo.serum_calcium_mmol_l < normal.serum_calcium_mmol_l - 0.05
    assert hypo.serum_phosphate_mmol_l > normal.serum_phosphate_mmol_l + 0.05
    assert hypo.pth_pmol_l < normal.pth_pmol_l


def test_the_reference_is_a_normal_gland_whatever_the_person_s_gland():
    p = parameter_set()
    assert parathyroid.normal_gland(p) is p  # the default person's gland is the normal one: runs bit for bit as before
    sick = parameter_set({"parathyroid_setpoint_ionized_mmol_l": 1.32, "parathyroid_hill": 10.0})
    assert parathyroid.normal_gland(sick) == p
    assert parathyroid.reference_pth_pmol_l(sick) == parathyroid.reference_pth_pmol_l(p)


def test_a_gland_whose_day_overshoots_gets_a_warning_and_a_person_s_does_not():
    """A fresh user (stop 69): a set point of 1.5 mmol/L with a maximum of 60 pmol/L (each allowed) swung serum
    calcium 1.3 <-> 3.1 mmol/L every other day, and with hill 200 2.60 <-> 2.98 inside the physiological range, where
    the summary's mean read as a person's. The run now says its daily step alternates."""
    def warnings(parameters: dict, rows: str = "all") -> list[str]:
        overrides = {f"parameters.{k}": v for k, v in parameters.items()} | {
            "simulation.bone_grid_width": 24, "simulation.bone_grid_height": 24}
        frame = simulate("healthy_adult", years=0.3, seed=1, overrides=overrides, rows=rows)
        return [w for w in frame.attrs["physiology_warnings"] if w.startswith("serum calcium alternates")]

    steep = {"parathyroid_setpoint_ionized_mmol_l": 1.5, "parathyroid_max_pmol_l": 60.0}
    assert len(warnings(steep)) == 1 and warnings(steep, rows="ends") == warnings(steep)  # a batch's summary too
    assert warnings({}) == [] and warnings({"parathyroid_setpoint_ionized_mmol_l": 1.32}) == []


def test_the_alternation_warning_reads_turns_not_noise():
    import numpy as np
    import pandas as pd

    from calcium_abm.guardrail import ALTERNATION_STEP_MMOL_L, alternating_calcium_warning

    days = np.arange(60)
    saw = 2.4 + 0.2 * (-1.0) ** days
    assert alternating_calcium_warning(pd.DataFrame({"day": days, "serum_calcium_mmol_l": saw})) is not None
    noise = 2.3 + np.random.default_rng(1).normal(0.0, ALTERNATION_STEP_MMOL_L, 60)  # a small section's swings
    assert alternating_calcium_warning(pd.DataFrame({"day": days, "serum_calcium_mmol_l": noise})) is None
    small = 2.4 + 0.5 * ALTERNATION_STEP_MMOL_L * (-1.0) ** days  # alternating, but by less than the step
    assert alternating_calcium_warning(pd.DataFrame({"day": days, "serum_calcium_mmol_l": small})) is None
    weekly = pd.DataFrame({"day": days * 7, "serum_calcium_mmol_l": saw})  # not consecutive days: not judged
    assert alternating_calcium_warning(weekly) is None


def test_the_odd_states_the_alternation_warning_s_figures():
    from pathlib import Path

    from calcium_abm.guardrail import ALTERNATION_DAYS, ALTERNATION_STEP_MMOL_L

    odd = " ".join((Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text(encoding="utf-8").split())
    assert (f"by more than {ALTERNATION_STEP_MMOL_L:g} mmol/L from one day to the next over its last "
            f"{ALTERNATION_DAYS} days") in odd
