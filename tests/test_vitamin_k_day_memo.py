"""The vitamin K day reads a parameter set the 30-day updates of a person's rates do not change
(:func:`calcium_abm.physiology.vitamin_k.vitamin_k_parameters`), so a steady person's cycle
repeats its day instead of computing it again, with the numbers of the person's full rates."""

from __future__ import annotations

import dataclasses
import inspect

import numpy as np
import pytest

from calcium_abm.model import CalciumParadoxModel
from calcium_abm.physiology import (ageing, calcification, carboxylation, coagulation, kidney, parameter_set,
                                    vitamin_k)
from calcium_abm.stepping import step_days

P = parameter_set()
SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}

# (age, sex, years since the final period or None, vitamin K disposition): a premenopausal woman,
# women after menopause, an old man; a disposition that caps a form's fraction at 1
PERSONS = [(45.0, "female", None, 1.0), (56.0, "female", 3.0, 0.4), (78.0, "female", 27.0, 3.0),
           (82.0, "male", None, 1.7)]


def _days(p, n=6):
    """``n`` chained vitamin K days and clotting factors from a state away from the steady one
    (warfarin started, MK-7 added), every value they return."""
    amounts, warfarin = vitamin_k.steady_plasma_amounts({"k1": 80.0, "mk4": 0.0, "mk7": 0.0}, 0.0, p)
    intake = {"k1": 80.0, "mk4": 10.0, "mk7": 180.0}
    delivery = calcification.vitamin_k_delivery_profile(1, 8, p.vessel_vitamin_k_penetration_fraction)
    supply, activity, out = None, None, []
    for _ in range(n):
        day = carboxylation.carboxylation_day(amounts, warfarin, intake, 5.0, delivery, supply, False, p)
        target = coagulation.hepatic_factor_carboxylation(day.hepatic_kh2_relative, p)
        activity = target if activity is None else coagulation.relax_factor_activity(activity, target, p)
        amounts, warfarin, supply = day.amounts_nmol, day.warfarin_mg, day.tissue_supply_nmol_l
        out.append({key: (value.tolist() if isinstance(value, np.ndarray) else value)
                    for key, value in dataclasses.asdict(day).items()} | {"factors": dict(activity)})
    return out


@pytest.mark.parametrize("age, sex, since_fmp, disposition", PERSONS)
def test_the_vitamin_k_day_of_the_full_rates_is_that_of_the_vitamin_k_set(age, sex, since_fmp, disposition):
    traits = {"vitamin_k_disposition": disposition, "remodeling_balance": 0.8, "calcification_propensity": 1.6,
              "calcium_absorption_efficiency": 0.7}
    full = ageing.personal_parameters(P, age, sex, since_fmp, traits)
    vk = vitamin_k.vitamin_k_parameters(P, disposition, vitamin_k.personal_warfarin_half_life_h(age, P))
    assert full != vk  # the age laws changed other rates
    assert _days(full) == _days(vk)


def test_no_law_of_the_vitamin_k_day_names_a_parameter_the_age_laws_change():
    """The structural half: the fields where a person's full rates and the vitamin K set differ are
    named in none of the modules the vitamin K day calls."""
    # of kidney.py the vitamin K day calls only the renal clearance of dp-ucMGP (carboxylation.advance_dp_ucmgp)
    sources = "".join(inspect.getsource(module) for module in (carboxylation, vitamin_k, coagulation,
                                                               kidney.renal_clearance_relative))
    differ = set()
    for age, sex, since_fmp, disposition in PERSONS:
        full = ageing.personal_parameters(P, age, sex, since_fmp, {"vitamin_k_disposition": disposition})
        vk = vitamin_k.vitamin_k_parameters(P, disposition, vitamin_k.personal_warfarin_half_life_h(age, P))
        differ |= {name for name in P._fields if getattr(full, name) != getattr(vk, name)}
    assert {"vsmc_switch_per_day", "passive_absorption_per_day"} <= differ
    assert not {name for name in differ if name in sources}


def test_a_steady_person_computes_no_vitamin_k_day_in_a_second_year(monkeypatch):
    """After the first weeks on a steady diet the cycle repeats its day through every 30-day
    update of the person's rates (each update computed it again before)."""
    calls = []
    real = carboxylation.carboxylation_day

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(carboxylation, "carboxylation_day", counted)
    counts = []
    for years in (1.0, 2.0):
        calls.clear()
        model = CalciumParadoxModel("healthy_adult", rng=5, years=years, sex="female", age_years=60.0,
                                    postmenopausal=True, years_since_menopause=8.0, **SMALL)
        while model.running:
            step_days(model, 400)
        counts.append(len(calls))
    assert 0 < counts[0] == counts[1]
