"""The compiled chains of scalar laws (:mod:`calcium_abm.physiology.compiled_laws`) give the
numbers of the same Python functions run by Python, bit for bit, and the laws' own messages."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from calcium_abm.physiology import compiled_laws, kidney, minerals, parameter_set


def _bits(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).view(np.uint64)


def _systemic_both_ways(inputs, p, dt):
    compiled = minerals._systemic_values_compiled(*inputs, compiled_laws.law_parameters(p), dt)
    return compiled, minerals._systemic_values(*inputs, p, dt)


def test_systemic_chain_compiled_equals_python_bit_for_bit():
    rng = np.random.default_rng(16)
    base = parameter_set()
    sets = [base, base._replace(fgf23_nephron_load_exponent=0.9, calcitriol_phosphate_threshold_mmol_l=0.9),
            base._replace(parathyroid_capacity_half_life_days=45.0, ecf_volume_l=12.5)]
    for i in range(300):
        p = sets[i % len(sets)]
        inputs = (rng.uniform(0.3, 3.0), rng.uniform(0.2, 3.0), rng.uniform(0.2, 3.0), rng.uniform(700.0, 1800.0),
                  rng.uniform(150.0, 900.0), rng.choice([3.0, 12.0, 25.0, 60.0, 100.0]), rng.uniform(300.0, 2000.0),
                  rng.choice([0.0, -50.0, 400.0]), bool(rng.integers(2)))
        compiled, python = _systemic_both_ways(inputs, p, rng.choice([0.0, 1.0, 7.3]))
        assert np.array_equal(_bits(compiled), _bits(python))


def test_systemic_day_is_the_python_chain_and_updates_the_hormones():
    p, k = parameter_set(), minerals.KidneyInputs(40.0, 1200.0, 100.0, 0.0, 3.0)
    compiled = minerals.MineralHormones(1.3, 0.8, 0.9)
    state = minerals.systemic_day(compiled, 1300.0, 480.0, k, p)
    v = minerals._systemic_values(1.3, 0.8, 0.9, 1300.0, 480.0, 40.0, 1200.0, 100.0, True, p, 1.0)
    assert np.array_equal(_bits(dataclasses.astuple(state)), _bits(v[:12]))
    assert (compiled.gland_capacity, compiled.calcitriol_relative, compiled.skeletal_calcitriol_relative) == (
        v[12], v[4], v[11])


def test_a_bad_input_raises_the_laws_own_message():
    p = parameter_set()
    with pytest.raises(ValueError, match="phosphate intake_mg = -5.0 is not allowed"):
        minerals.systemic_day(minerals.MineralHormones(), 1300.0, 480.0, minerals.KidneyInputs(100.0, -5.0), p)


def test_the_record_holds_the_parameters_the_laws_read_and_follows_the_set():
    p = parameter_set()
    q = p._replace(ecf_volume_l=13.0)
    fields = compiled_laws.law_parameters(p)  # filled for p
    record = compiled_laws._RECORD.record[0]
    assert record["ecf_volume_l"] == p.ecf_volume_l and record["reference_pth_pmol_l__"] == kidney.reference_pth_pmol_l(p)
    assert compiled_laws.law_parameters(q) is fields and compiled_laws._RECORD.record[0]["ecf_volume_l"] == 13.0
    assert {"parathyroid_hill", "fgf23_max_relative", "skeletal_calcitriol_half_life_days"} <= set(
        compiled_laws._RECORD.fields)
