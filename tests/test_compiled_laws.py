"""The compiled chains of scalar laws (:mod:`calcium_abm.physiology.compiled_laws`) give the
numbers of the same Python functions run by Python, bit for bit, and the laws' own messages."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

from calcium_abm.physiology import compiled_laws, dialysis, kidney, minerals, parameter_set, parathyroid


def _bits(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).view(np.uint64)


def _parameter_sets() -> list:
    """The default parameter set and two with other kidney laws' values."""
    base = parameter_set()
    return [base, base._replace(fgf23_nephron_load_exponent=0.9, calcitriol_phosphate_threshold_mmol_l=0.9),
            base._replace(parathyroid_capacity_half_life_days=45.0, ecf_volume_l=12.5)]


def _systemic_both_ways(inputs, p, dt):
    compiled = minerals._systemic_values_compiled(*inputs, compiled_laws.law_parameters(p), dt)
    return compiled, minerals._systemic_values(*inputs, p, dt)


def test_systemic_chain_compiled_equals_python_bit_for_bit():
    rng = np.random.default_rng(16)
    sets = _parameter_sets()
    for i in range(300):
        p = sets[i % len(sets)]
        inputs = (rng.uniform(0.3, 3.0), rng.uniform(0.2, 3.0), rng.uniform(0.2, 3.0), rng.uniform(0.1, 1.0),
                  rng.uniform(700.0, 1800.0),
                  rng.uniform(150.0, 900.0), rng.choice([3.0, 12.0, 25.0, 60.0, 100.0]), rng.uniform(300.0, 2000.0),
                  rng.choice([0.0, -50.0, 400.0]), bool(rng.integers(2)))
        compiled, python = _systemic_both_ways(inputs, p, rng.choice([0.0, 1.0, 7.3]))
        assert np.array_equal(_bits(compiled), _bits(python))


def test_the_steady_state_hormones_compiled_equal_python_bit_for_bit():
    """The start's steady-state solves call the hormones' fixed point ~200 times a model; it is compiled
    from the same laws (mineral_steady_state.hormones_at_phosphate) and must give Python's numbers."""
    from calcium_abm.physiology import mineral_steady_state as mss

    rng = np.random.default_rng(52)
    sets = _parameter_sets()
    for i in range(300):
        p = sets[i % len(sets)]
        inputs = (rng.uniform(0.05, 6.0), rng.choice([3.0, 12.0, 25.0, 60.0, 100.0]), rng.uniform(300.0, 2000.0),
                  rng.uniform(0.9, 1.5), rng.choice([0.0, 400.0]))
        compiled = mss._hormones_at_compiled(*inputs, compiled_laws.law_parameters(p))
        assert np.array_equal(_bits(compiled), _bits(mss._hormones_at(*inputs, p)))
        assert np.array_equal(_bits(mss.hormones_at_phosphate(*inputs, p)), _bits(compiled))
    with pytest.raises(ValueError, match="gfr"):  # a refused input: Python's own message, naming the field
        mss.hormones_at_phosphate(1.0, -5.0, 900.0, 1.2, 0.0, sets[0])


def test_systemic_day_is_the_python_chain_and_updates_the_hormones():
    p, k = parameter_set(), minerals.KidneyInputs(40.0, 1200.0, 100.0, 0.0, 3.0)
    compiled = minerals.MineralHormones(1.3, 0.8, 0.9, 0.6)
    state = minerals.systemic_day(compiled, 1300.0, 480.0, k, p)
    v = minerals._systemic_values(1.3, 0.8, 0.9, 0.6, 1300.0, 480.0, 40.0, 1200.0, 100.0, True, p, 1.0)
    assert np.array_equal(_bits(dataclasses.astuple(state)), _bits(v[:12]))
    assert (compiled.gland_capacity, compiled.calcitriol_relative, compiled.skeletal_calcitriol_relative,
            compiled.skeletal_pth_sensitivity) == (v[12], v[4], v[11], v[14])
    # on dialysis (3 sessions a week) the skeleton's PTH response moved a day's way from 0.6 towards its ESRD value
    assert v[14] == pytest.approx(dialysis.advance_skeletal_pth_sensitivity(0.6, 40.0, True, p), rel=1e-12)
    assert p.esrd_skeletal_pth_sensitivity < v[14] < 0.6


def test_a_bad_input_raises_the_laws_own_message():
    p = parameter_set()
    with pytest.raises(ValueError, match="phosphate intake_mg = -5.0 is not allowed"):
        minerals.systemic_day(minerals.MineralHormones(), 1300.0, 480.0, minerals.KidneyInputs(100.0, -5.0), p)


def test_the_record_holds_the_parameters_the_laws_read_and_follows_the_set():
    p = parameter_set()
    q = p._replace(ecf_volume_l=13.0)
    fields = compiled_laws.law_parameters(p)  # filled for p
    record = compiled_laws._RECORD.record[0]
    assert record["ecf_volume_l"] == p.ecf_volume_l and record["reference_pth_pmol_l__"] == parathyroid.reference_pth_pmol_l(p)
    assert compiled_laws.law_parameters(q) is fields and compiled_laws._RECORD.record[0]["ecf_volume_l"] == 13.0
    assert {"parathyroid_hill", "fgf23_max_relative", "skeletal_calcitriol_half_life_days"} <= set(
        compiled_laws._RECORD.fields)


SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}


@pytest.mark.parametrize("scenario", ["healthy_adult", "haemodialysis", "postmenopausal"])
def test_the_compiled_day_books_the_python_chains_numbers(scenario):
    from calcium_abm import CalciumParadoxModel
    from calcium_abm.physiology import calcification, calcium, exchanges

    model = CalciumParadoxModel(scenario, rng=5, years=0.1, **SMALL)
    for _ in range(8):
        model.step()
    p, k = model.params, model.kidney_inputs()
    sv = minerals.systemic_values(minerals.MineralHormones(), model.calcium["blood"], model.phosphate["blood"], k, p)
    kv = exchanges.kidney_values(k)
    results, arrays = [], []
    for compiled in (True, False):
        ca, ph, bone, wall = (copy.deepcopy(x) for x in (model.calcium, model.phosphate, model.bone, model.vessel))
        flat = (bone.mineral.ravel(), bone.osteoid.ravel(), bone.cavity.ravel(), bone.mineral_deficit.ravel())
        inputs = calcification.wall_day_inputs(wall, model.carboxylation.mgp_carboxylated_by_depth, p,
                                               np.random.default_rng(3), 1.0)
        args = (sv, kv, 3.5, 1.25, 900.0, *flat, bone.mineral_mg_per_unit, 40.0, inputs, 0.9,
                *calcium._bone_fluid_kernel_records(p), True)
        if compiled:
            day = exchanges.run(exchanges.exchanges_day, ca, ph, p, 1.0, *args)
        else:
            day = exchanges.exchanges_day(ca.books, ph.books, *args, p, 1.0)
        capxp, supply, trabecular, cortical_mg, (*values, tallies, intima_mg, intima_onset) = day
        results.append((capxp, supply, *trabecular, cortical_mg, *values, *tallies, intima_mg, intima_onset))
        arrays.append((ca.amount, ca.flow, ph.amount, ph.flow, *flat, wall.mineral, wall.cmgp, wall.ucmgp,
                       wall.osteochondrogenic, wall.mineral_root, wall.deposit_coat, wall.generation))
    assert np.array_equal(_bits(results[0]), _bits(results[1]))
    for compiled, python in zip(*arrays):
        assert np.array_equal(compiled.view(np.uint8), python.view(np.uint8))


def test_a_law_refusing_in_a_compiled_exchange_leaves_the_books_and_raises_its_message():
    from calcium_abm import CalciumParadoxModel
    from calcium_abm.physiology import calcification, calcium, exchanges

    model = CalciumParadoxModel("healthy_adult", rng=5, years=0.1, **SMALL)
    p, k, ca, ph, bone = model.params, model.kidney_inputs(), model.calcium, model.phosphate, model.bone
    sv = minerals.systemic_values(minerals.MineralHormones(), ca["blood"], ph["blood"], k, p)
    inputs = calcification.wall_day_inputs(model.vessel, model.carboxylation.mgp_carboxylated_by_depth, p,
                                           np.random.default_rng(3), 1.0)
    before = (ca.amount.copy(), ca.flow.copy(), ph.amount.copy(), ph.flow.copy())
    with pytest.raises(ValueError, match="calcium_mg = nan is not allowed"):  # the first transfer refuses
        exchanges.run(exchanges.exchanges_day, ca, ph, p, 1.0, sv, exchanges.kidney_values(k), float("nan"), 0.0,
                      900.0, bone.mineral.ravel(), bone.osteoid.ravel(), bone.cavity.ravel(),
                      bone.mineral_deficit.ravel(), bone.mineral_mg_per_unit, 40.0, inputs, 0.9,
                      *calcium._bone_fluid_kernel_records(p), False)
    for kept, now in zip(before, (ca.amount, ca.flow, ph.amount, ph.flow)):
        assert np.array_equal(kept, now)


def test_a_new_thread_builds_its_record_without_reading_the_sources(monkeypatch):
    """A student's review (stop 69): after the source files changed on disk under a running dashboard, every new
    tab failed ("TokenError: unterminated string literal", "OSError: lineno is out of bounds"): each thread's first
    compiled call scanned the laws' sources again. They are scanned once, when each law is registered."""
    import threading

    from calcium_abm.physiology import compiled_laws as cl

    def gone(*args, **kwargs):
        raise OSError("lineno is out of bounds")

    monkeypatch.setattr(cl.inspect, "getsource", gone)
    p, seen = parameter_set(), []
    thread = threading.Thread(target=lambda: seen.append(cl.law_parameters(p).dtype.names))
    thread.start()
    thread.join(60)
    assert seen and "ecf_volume_l" in seen[0] and "reference_pth_pmol_l__" in seen[0]
