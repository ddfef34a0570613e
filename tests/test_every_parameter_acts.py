"""Every accepted input acts, or is refused: each parameter of the registry changes a run somewhere.

A parameter that a run of its person refuses where it does nothing (a drug's without the drug, one
sex's for the other, a pool's kinetics in a steady run, another species', a spread only a cohort
draws) is tested both ways in tests/test_inert_inputs.py. Every other parameter must move a recorded
column of a one-year run of the typical man or of a woman of 60, or, where its law acts only in
another state (a floor, a cap, a readout of a calcified media, an age the first year does not reach),
of the setting named for it here. A new parameter that no rule reads fails here (found 2026-12-04: a
sweep of every parameter over seven settings left eight inert everywhere, now refused where inert).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from calcium_abm import simulate
from calcium_abm.physiology import parameter_registry
from calcium_abm.physiology.conditional_parameters import CONDITIONAL_PARAMETERS
from calcium_abm.physiology.person_traits import CONDITIONAL_SPREADS, DRAW_ONLY_SPREADS
from calcium_abm.physiology.species import RODENT_PRESET_SPECIES

SMALL = {f"simulation.{t}_grid_{s}": 16 for t in ("bone", "vessel") for s in ("width", "height")}
_WOMAN_60 = {"patient.sex": "female", "patient.age_years": 60.0, "patient.postmenopausal": True,
             "patient.years_since_menopause": 8.0}
_MAN_85 = {"patient.age_years": 85.0}
#: name -> (scenario, settings, years) where a parameter acts whose law the typical man's and the woman's first
#: year never reach, and why
ACTS_ELSEWHERE = {
    "calcified_patch_threshold": ("mgp_knockout", {}, None),  # a readout of a calcified media
    "mineral_nucleus_volume": ("long_term_warfarin", {}, 3.0),  # nuclei form where MGP is inactive
    "matrix_vesicle_nucleation_per_day": ("long_term_warfarin", {}, 3.0),
    "osteophyte_onset_age_years": ("healthy_adult", {"patient.age_years": 42.0}, 1.0),  # a spine readout from 40-50
    **{name: ("healthy_adult", _MAN_85, 1.0) for name in (  # laws of old age and of a grown plaque
        "ultrafiltrable_calcium_fraction", "intimal_sqrt_score_growth_per_year", "intimal_capxp_exponent",
        "intimal_esrd_growth_factor", "intimal_mgp_half_saturation",
        "intimal_reference_active_mgp")},
}


def _refused_where_inert(name: str) -> bool:
    return (name in CONDITIONAL_PARAMETERS or name in CONDITIONAL_SPREADS or name in DRAW_ONLY_SPREADS
            or name in RODENT_PRESET_SPECIES)


NAMES = sorted(name for name in parameter_registry() if not _refused_where_inert(name))


@functools.lru_cache(maxsize=None)
def _frame(scenario: str, settings: tuple, years: float | None):
    return simulate(scenario, years=years, seed=2, overrides={**SMALL, **dict(settings)})


def _changed(name: str) -> float:
    p = parameter_registry()[name]
    value = p.value * 1.5 if p.value else (p.maximum / 4 if math.isfinite(p.maximum) else 1.0)
    if value <= p.maximum:
        return value
    return (p.value + p.maximum) / 2 if p.value < p.maximum else (p.value + p.minimum) / 2  # at its top: lower


def _acts(scenario: str, settings: dict, years: float | None, name: str) -> bool:
    base = dict(settings)
    value = base.pop(name, None)  # a setting that makes the law's bound bind is its own changed value
    a = _frame(scenario, tuple(sorted(base.items())), years)
    b = simulate(scenario, years=years, seed=2, overrides={**SMALL, **base, name: _changed(name) if value is None
                                                           else value})
    return not all(np.array_equal(a[c].to_numpy(), b[c].to_numpy(), equal_nan=True) for c in a.columns)


def test_the_list_names_only_registry_parameters_that_no_run_refuses():
    assert set(ACTS_ELSEWHERE) <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_parameter_moves_a_run(name):
    if name in ACTS_ELSEWHERE:
        assert _acts(*ACTS_ELSEWHERE[name], name), f"{name} changes nothing where it is said to act"
        return
    assert _acts("healthy_adult", {}, 1.0, name) or _acts("healthy_adult", _WOMAN_60, 1.0, name), (
        f"{name} changes nothing in a year of the typical man or of a woman of 60: a rule must read it, or it "
        "must be refused where it is inert (conditional_parameters) or named in ACTS_ELSEWHERE with where it acts")
