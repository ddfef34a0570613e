"""Estrogen is phosphaturic (calcium.renal_phosphate_threshold_estrogen_factor): a woman without ovarian
estrogen reabsorbs more filtered phosphate, so her serum phosphate settles higher than a man's, a premenopausal
woman's and her own on hormone therapy (row P-Estrogen holds the published checks)."""

from __future__ import annotations

import pytest

import calcium_abm
from calcium_abm.physiology import ageing, kidney, parameter_set

_WOMAN_60 = {"sex": "female", "age_years": 60.0, "postmenopausal": True, "years_since_menopause": 9.0}


def test_the_threshold_rises_for_women_without_estrogen_only():
    p = parameter_set()
    late_woman = ageing.personal_parameters(p, 70.0, "female", 20.0).renal_phosphate_threshold_relative
    assert late_woman == pytest.approx(1.0 + p.estrogen_phosphate_threshold_rise, rel=1e-3)
    assert ageing.personal_parameters(p, 40.0, "female", None).renal_phosphate_threshold_relative == 1.0
    assert ageing.personal_parameters(p, 70.0, "male", None).renal_phosphate_threshold_relative == 1.0
    on_therapy = ageing.personal_parameters(p, 70.0, "female", 20.0, hormone_therapy=True)
    assert on_therapy.renal_phosphate_threshold_relative == pytest.approx(1.0)  # standard dose gives it all back
    doubled = p._replace(estrogen_phosphate_threshold_rise=2 * p.estrogen_phosphate_threshold_rise)
    assert ageing.personal_parameters(doubled, 70.0, "female", 20.0).renal_phosphate_threshold_relative > late_woman


def test_a_higher_threshold_excretes_less_of_the_same_filtered_load():
    p = parameter_set()
    reference = kidney.phosphate_fractional_excretion(1.0, 1.0, p)
    assert reference == pytest.approx(kidney.reference_fractional_excretion(p))
    higher = kidney.phosphate_fractional_excretion(1.0, 1.0, p._replace(renal_phosphate_threshold_relative=1.1))
    assert higher < reference


def test_the_rise_is_the_size_its_source_gives():
    """The parameter's source: Zhang 2014's 0.048 mmol/L at a given PTH, read through the tubule's law near the
    reference (FE = FE_max / (1 + K r), K = 4.6: a small rise lowers FE by K / (1 + K) = 0.82 of itself)."""
    p = parameter_set()
    k = p.phosphate_fractional_excretion_ceiling / kidney.reference_fractional_excretion(p) - 1.0
    assert k == pytest.approx(4.6, abs=0.05) and k / (1 + k) == pytest.approx(0.82, abs=0.005)
    needed = 0.048 / (k / (1 + k) * p.reference_serum_phosphate_mmol_l_kidney)
    assert needed == pytest.approx(0.053, abs=0.001)
    assert p.estrogen_phosphate_threshold_rise == pytest.approx(round(needed, 2))


def _late_phosphate(patient: dict, **extra) -> float:
    # a 48 x 48 section: on a small one, resorption's random releases move serum phosphate by +-0.05 mmol/L
    scenario = {"name": "phosphate", "patient": patient, **extra,
                "simulation": {"years": 1.0, "seed": 3, "bone_grid_width": 48, "bone_grid_height": 48}}
    days = calcium_abm.simulate(scenario)
    return float(days.loc[days["day"] >= 90, "serum_phosphate_mmol_l"].mean())  # after the blood has settled


def test_a_postmenopausal_woman_settles_above_herself_on_therapy_and_without_the_law():
    """Paired: the same woman and seed (a man is another person, whose difference the validation row reads over
    seeds)."""
    woman = _late_phosphate(_WOMAN_60)
    on_therapy = _late_phosphate(_WOMAN_60, drugs={"menopausal_hormone_therapy": True})
    without_law = _late_phosphate(_WOMAN_60, parameters={"estrogen_phosphate_threshold_rise": 0.0})
    assert woman > on_therapy and woman > without_law
    # the law is what puts her above therapy: without it her phosphate is below her own on therapy (lower PTH)
    assert without_law < on_therapy
