"""Phosphate binders (issue 11): calcium acetate keeps phosphorus from absorption, its calcium
that binds phosphorus leaves in the faeces (Schiller 1989), and it lowers serum phosphate
where binders are prescribed without raising it in health (Trautvetter 2016)."""

from __future__ import annotations

import pytest

from calcium_abm import simulate
from calcium_abm.physiology import dialysis, parameter_set
from calcium_abm.scenario import Scenario

SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}


def last(frame, column: str, days: int = 56) -> float:
    return float(frame[column].iloc[-days:].mean())


def pair(scenario: str = "healthy_adult", grams: float = 4.0, **settings):
    runs = [simulate(scenario, years=0.5, seed=3, overrides={**SMALL, **settings, "calcium_acetate_g_per_day": g})
            for g in (0.0, grams)]
    return runs


def test_calcium_acetate_calcium_that_binds_phosphorus_is_not_absorbed():
    p = parameter_set(Scenario().parameters)
    soluble, precipitated = dialysis.calcium_acetate_calcium_mg(4.4, p)
    elemental = 4.4 * 1000.0 * dialysis.CALCIUM_ACETATE_CALCIUM_MASS_FRACTION
    assert soluble + precipitated == pytest.approx(elemental)
    assert 0.0 < precipitated < elemental
    assert dialysis.calcium_acetate_calcium_mg(0.0, p) == (0.0, 0.0)


def test_in_health_calcium_acetate_lowers_phosphate_absorption_and_leaves_in_the_faeces():
    """Healthy kidneys excrete what is absorbed, so urine P falls by about what the binder keeps."""
    base, treated = pair()
    assert last(treated, "urine_phosphate_mg_per_day") < last(base, "urine_phosphate_mg_per_day") - 100.0
    # the precipitated calcium leaves in the faeces: faecal calcium rises by more than it
    added_faeces = treated["ca_feces_cum_mg"].iloc[-1] - base["ca_feces_cum_mg"].iloc[-1]
    days = int(treated["day"].iloc[-1])
    p = parameter_set(Scenario().parameters)
    assert added_faeces > days * dialysis.calcium_acetate_calcium_mg(4.0, p)[1]


#: the seeds whose mean serum phosphate difference is read: one seed scatters ~0.02 mmol/L on a 64 x 64
#: bone section and ~0.08 on a 16 x 16 one (16 seeds each)
SERUM_SEEDS = (1, 2, 3, 4)


def test_in_health_calcium_acetate_does_not_raise_serum_phosphate():
    """1 g/day extra calcium left fasting plasma phosphate unchanged in healthy adults (Trautvetter
    2016 Nutr J 15:7). Read as the mean of :data:`SERUM_SEEDS` on a 64 x 64 bone section. It failed
    (+0.13 mmol/L over 16 seeds) while the kidney's calcium threshold was shallow: PTH fell from 3.7
    to 2.2 pmol/L and the kidney reabsorbed more phosphate; the steep threshold keeps PTH within
    ~15 % (issue 10)."""
    bone = {f"bone_grid_{side}": 64 for side in ("width", "height")}
    differences = []
    for seed in SERUM_SEEDS:
        base, treated = (simulate("healthy_adult", years=0.5, seed=seed,
                                  overrides={**SMALL, **bone, "calcium_acetate_g_per_day": g}) for g in (0.0, 4.0))
        differences.append(last(treated, "serum_phosphate_mmol_l") - last(base, "serum_phosphate_mmol_l"))
    assert abs(sum(differences) / len(differences)) < 0.1


@pytest.mark.parametrize("scenario, settings", [("healthy_adult", {"residual_gfr_ml_per_min": 15.0}),
                                                ("haemodialysis", {"sevelamer_g_per_day": 0.0})])
def test_calcium_acetate_lowers_serum_phosphate_in_kidney_failure(scenario, settings):
    """Calcium acetate lowered pre-dialysis phosphate 2.36 -> 1.91 mmol/L on haemodialysis
    (Emmett 1991 Am J Kidney Dis)."""
    base, treated = pair(scenario, **settings)
    assert last(treated, "serum_phosphate_mmol_l") < last(base, "serum_phosphate_mmol_l") - 0.1
