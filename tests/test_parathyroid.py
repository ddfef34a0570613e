"""The parathyroid gland's curve acts (docs/ODD.md 7.32): every PTH-dependent law reads PTH relative to a normal
gland's, so a gland set higher is primary hyperparathyroidism and one secreting less is hypoparathyroidism.

Until stop 69 the reference was the person's own gland, so a set point of 1.28 mmol/L changed only the PTH shown:
serum calcium, phosphate and bone were those of a normal gland (an endocrinologist's review)."""

from __future__ import annotations

import pytest

from calcium_abm import simulate
from calcium_abm.physiology import parameter_set, parathyroid


def _run(parameters: dict, seed: int = 3):
    scenario = {"patient": {"sex": "female", "age_years": 60.0, "postmenopausal": True, "years_since_menopause": 10.0},
                "parameters": parameters,
                "simulation": {"years": 0.5, "seed": seed, "bone_grid_width": 24, "bone_grid_height": 24,
                               "vessel_grid_width": 12, "vessel_grid_height": 12}}
    return simulate(scenario).iloc[-60:].mean(numeric_only=True)  # the last two months


@pytest.fixture(scope="module")
def runs():
    return {"normal": _run({}),
            # Schwarz et al. 1994: Brown's set point 1.32 (SD 0.10) mmol/L in primary hyperparathyroidism
            "primary": _run({"parathyroid_setpoint_ionized_mmol_l": 1.32}),
            "hypo": _run({"parathyroid_max_pmol_l": 5.0, "parathyroid_setpoint_ionized_mmol_l": 1.0})}


def test_a_gland_set_higher_raises_calcium_and_pth_and_lowers_phosphate(runs):
    normal, primary = runs["normal"], runs["primary"]
    assert primary.serum_calcium_mmol_l > normal.serum_calcium_mmol_l + 0.05
    assert primary.pth_pmol_l > 1.4 * normal.pth_pmol_l
    assert primary.serum_phosphate_mmol_l < normal.serum_phosphate_mmol_l - 0.1
    # what it gets wrong (ODD section 8): the kidney keeps the calcium, where the disease can bring hypercalciuria
    assert primary.urine_calcium_mg_per_day < normal.urine_calcium_mg_per_day


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
