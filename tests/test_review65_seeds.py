"""README's sentence on what the seed moves (after the block on repeating seeds): two seeds of the README's man
of 60 over 5 years, with and without warfarin, differ in the bone cells' outputs and hardly in the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from calcium_abm import simulate

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def ends():
    """(no warfarin, warfarin 5 mg/day) -> the last rows of seeds 1 and 2."""
    return {dose: [simulate("healthy_adult", years=5, seed=seed, rows="ends",
                            overrides={"age_years": 60, "warfarin_mg_per_day": dose}).iloc[-1] for seed in (1, 2)]
            for dose in (0.0, 5.0)}


def test_the_readme_says_which_outputs_the_seed_moves():
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert ("leaves the INR and the ucOC fraction unchanged and moves dp-ucMGP and the calcification score by less "
            "than 1 % (`tests/test_review65_seeds.py`)") in text
    assert "(#batches-sweeps-virtual-cohort-trials-sensitivity-analysis)" in text
    assert "## Batches: sweeps, virtual-cohort trials, sensitivity analysis" in README.read_text(encoding="utf-8")


@pytest.mark.parametrize("dose", [0.0, 5.0])
def test_the_seed_moves_the_bone_outputs(ends, dose):
    one, two = ends[dose]
    for column in ("bmd_change_pct", "serum_calcium_mmol_l", "pth_pmol_l"):
        assert one[column] != two[column], column
    assert abs(one["bmd_change_pct"] - two["bmd_change_pct"]) > 0.05  # percentage points, as README's block says


@pytest.mark.parametrize("dose", [0.0, 5.0])
def test_the_seed_leaves_inr_and_ucoc_and_barely_moves_dp_ucmgp_and_the_score(ends, dose):
    one, two = ends[dose]
    assert one["inr"] == two["inr"] and one["ucoc_fraction"] == two["ucoc_fraction"]
    assert (one["inr"] > 2.0) == (dose > 0.0)  # the warfarin arm is anticoagulated: its INR is a result
    for column in ("dp_ucmgp_pmol_l", "calcification_score"):
        assert one[column] > 0.0 and abs(one[column] - two[column]) < 0.01 * one[column], column
