"""The compiled chains of scalar laws (:mod:`calcium_abm.physiology.compiled_laws`) give the
numbers of the same Python functions run by Python, bit for bit, and the laws' own messages."""

from __future__ import annotations

import copy
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


SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}


@pytest.mark.parametrize("scenario", ["healthy_adult", "haemodialysis"])
def test_the_compiled_exchanges_book_the_python_chains_numbers(scenario):
    from calcium_abm import CalciumParadoxModel
    from calcium_abm.physiology import calcium, exchanges

    model = CalciumParadoxModel(scenario, rng=5, years=0.1, **SMALL)
    for _ in range(8):
        model.step()
    p, k = model.params, model.kidney_inputs()
    sv = minerals.systemic_values(minerals.MineralHormones(), model.calcium["blood"], model.phosphate["blood"], k, p)
    kv, bone = exchanges.kidney_values(k), model.bone
    results, books = [], []
    for compiled in (True, False):
        ca, ph, section = copy.deepcopy(model.calcium), copy.deepcopy(model.phosphate), copy.deepcopy(bone)
        arrays = (section.mineral.ravel(), section.osteoid.ravel(), section.cavity.ravel(), section.mineral_deficit.ravel())
        chain_args = (sv, kv, 3.5, 1.25, 900.0, *arrays, section.mineral_mg_per_unit, 40.0)
        after_args = (sv, kv, 0.7, *calcium._bone_fluid_kernel_records(p), True)
        if compiled:
            first = exchanges.run(exchanges.exchanges_to_vessel, ca, ph, p, 1.0, *chain_args)
            exchanges.run(exchanges.exchanges_after_vessel, ca, ph, p, 1.0, *after_args)
        else:
            first = exchanges.exchanges_to_vessel(ca.books, ph.books, *chain_args, p, 1.0)
            exchanges.exchanges_after_vessel(ca.books, ph.books, *after_args, p, 1.0)
        results.append((first[0], first[1], *first[2], first[3]))
        books.append((ca.amount, ca.flow, ph.amount, ph.flow, *arrays))
    assert np.array_equal(_bits(results[0]), _bits(results[1]))
    for compiled, python in zip(*books):
        assert np.array_equal(compiled.view(np.uint8), python.view(np.uint8))


def test_a_law_refusing_in_a_compiled_exchange_leaves_the_books_and_raises_its_message():
    from calcium_abm.physiology import calcium, exchanges, ledger

    p = parameter_set()
    ca = ledger.MineralLedger("calcium", {"gut": 100.0, "blood": 1300.0, "bone_fluid": 900.0},
                              {name: (lambda: 0.0) for name in ("bone_trabecular", "bone_cortical", "vessel_wall")})
    ph = minerals.open_phosphate_ledger(1.1, 900.0, {name: (lambda: 0.0) for name in minerals.MINERAL_POOLS}, p)
    k = minerals.KidneyInputs(100.0, 1200.0)
    sv = minerals.systemic_values(minerals.MineralHormones(), 1300.0, ph["blood"], k, p)
    before = (ca.amount.copy(), ph.amount.copy())
    with pytest.raises(ValueError, match="calcium_mg = nan is not allowed"):
        exchanges.run(exchanges.exchanges_after_vessel, ca, ph, p, 1.0, sv, exchanges.kidney_values(k), float("nan"),
                      *calcium._bone_fluid_kernel_records(p), False)
    assert np.array_equal(before[0], ca.amount) and np.array_equal(before[1], ph.amount)
