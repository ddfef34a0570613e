"""Sensitivity analysis recovers known rankings: a toy model and a small real batch."""

from __future__ import annotations

import pandas as pd
import pytest

from calcium_abm.batch import morris_screening, run_batch, sensitivity_indices, sobol_indices

BOUNDS = {"strong": (0.0, 1.0), "weak": (0.0, 1.0), "inert": (0.0, 1.0)}


def toy(x: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"y": 10 * x["strong"] + x["weak"] ** 2, "only_weak": 3 * x["weak"]})


def test_morris_ranks_a_toy_model():
    table = morris_screening(toy, BOUNDS, trajectories=20, seed=1)
    y = table[table["output"] == "y"]
    assert list(y["parameter"]) == ["strong", "weak", "inert"] and list(y["rank"]) == [1, 2, 3]
    assert y.set_index("parameter").loc["strong", "mu_star"] == pytest.approx(10.0)  # linear: the slope
    assert y.set_index("parameter").loc["inert", "mu_star"] == 0.0
    weak = table[table["output"] == "only_weak"].set_index("parameter")
    assert weak.loc["weak", "rank"] == 1 and weak.loc["strong", "mu_star"] == 0.0


def test_sobol_ranks_a_toy_model():
    table = sobol_indices(toy, BOUNDS, samples=512, seed=2)
    y = table[table["output"] == "y"].set_index("parameter")
    assert list(table[table["output"] == "y"]["parameter"]) == ["strong", "weak", "inert"]
    assert y.loc["strong", "ST"] > 0.9 and abs(y.loc["inert", "ST"]) < 0.01
    assert y.loc["strong", "S1"] + y.loc["weak", "S1"] > 0.95  # additive model: first order explains it


def test_real_model_morris_puts_an_inert_parameter_below_mk7(tmp_path):
    # With no MK-4 in the diet, the MK-4 half-life has nothing to act on, while the MK-7
    # dose drives vascular MGP carboxylation and so dp-ucMGP.
    batch = {"name": "morris", "scenario": "healthy_adult", "seed": 5, "years": 0.1, "output": "summary",
             "set": {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16,
                     "vessel_grid_height": 16, "mk4_ug_per_day": 0.0},
             "sensitivity": {"method": "morris", "trajectories": 4, "levels": 4,
                             "parameters": {"mk4_half_life_h": [0.5, 20.0], "mk7_ug_per_day": [0.0, 360.0]}},
             "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "final"}}}
    run_batch(batch, tmp_path / "m", workers=1)
    table = sensitivity_indices(tmp_path / "m").set_index("parameter")
    assert table.loc["mk7_ug_per_day", "rank"] == 1
    assert table.loc["mk4_half_life_h", "mu_star"] < 0.1 * table.loc["mk7_ug_per_day", "mu_star"]
    from calcium_abm.batch import summarize

    tables = summarize(tmp_path / "m")
    assert "indices" in tables and (tmp_path / "m" / "summary" / "indices.png").stat().st_size > 0
    assert "## Sensitivity indices" in (tmp_path / "m" / "summary" / "report.md").read_text()
