"""The compiled per-day kernels against plain numpy statements of the same rules: the
random stream they draw from, the bone-surface rule, the series for 1 - exp(-x), and the
one-pass readout tallies."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from calcium_abm import CalciumParadoxModel
from calcium_abm.physiology import remodeling, wall_laws, wall_readouts
from calcium_abm.random_stream import RandomStream, as_random_stream, fill_float32_uniforms


@numba.njit(cache=True)
def _draw_through_stream(stream, n_uniform, lam, high, n_int):
    rng = stream.rng
    uniforms = np.empty(n_uniform)
    for i in range(n_uniform):
        uniforms[i] = rng.random()
    return uniforms, rng.poisson(lam), rng.integers(0, high, size=n_int)


@pytest.mark.parametrize("seed", [0, 7, 12345])
def test_a_kernel_drawing_through_a_stream_advances_the_generator_like_python_draws(seed):
    rng, twin = np.random.default_rng(seed), np.random.default_rng(seed)
    uniforms, count, picks = _draw_through_stream(RandomStream(rng), 17, 23.5, 1000, 5)
    assert np.array_equal(uniforms, twin.random(17))
    assert count == twin.poisson(23.5)
    assert np.array_equal(picks, twin.choice(np.arange(1000), size=5, replace=True))
    # the wrapped generator itself moved on: later Python draws still agree
    assert rng.random() == twin.random()


@numba.njit(cache=True)
def _wall_uniforms_through_stream(stream, w, h):
    out = np.empty((w, h), dtype=np.float32)
    fill_float32_uniforms(stream, out.reshape(w * h))  # what the compiled days call
    return out


@pytest.mark.parametrize("seed", [0, 42])
def test_a_kernel_draws_the_walls_float32_uniforms_as_numpy_does(seed):
    """The media's uniforms (``calcification.wall_day_inputs``: numpy's float32 draw, one per cell) can be
    drawn inside compiled code without changing a number (issue 16's compiled day): the same values,
    bit for bit, and the generator left where numpy leaves it."""
    rng, twin = np.random.default_rng(seed), np.random.default_rng(seed)
    drawn = _wall_uniforms_through_stream(RandomStream(rng), 64, 64)
    expected = twin.random((64, 64), dtype=np.float32)
    assert drawn.dtype == np.float32 and np.array_equal(drawn, expected)
    assert rng.random() == twin.random()


@numba.njit(cache=True)
def _compiled_exp(x):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = math.exp(x[i])
    return out


def test_compiled_exp_is_pythons_math_exp_not_numpys():
    """Why the daily Python laws use ``math.exp`` (``skeleton.cortical_day`` since 2026-12-04): compiled
    code computes the C library's exp, as Python's ``math.exp`` does, bit for bit; numpy's own exp
    differs from it in the last bit for some arguments on this machine's CPUs (its SIMD loops), so a law
    on numpy's exp could not be compiled without changing the run's numbers."""
    x = np.random.default_rng(1).uniform(-0.01, 0.0, 20_000)
    library = np.array([math.exp(v) for v in x])
    assert np.array_equal(_compiled_exp(x), library)  # numpy's np.exp(x) differed in 1,297 of these (2026-12-04)


def test_as_random_stream_wraps_a_generator_and_passes_a_stream_through():
    stream = as_random_stream(np.random.default_rng(1))
    assert isinstance(stream, RandomStream)
    assert as_random_stream(stream) is stream


def test_the_model_rewraps_its_stream_when_its_generator_is_replaced():
    model = CalciumParadoxModel("healthy_adult", rng=1, years=0.05, bone_grid_width=16, bone_grid_height=16,
                                vessel_grid_width=16, vessel_grid_height=8)
    first = model.random_stream
    assert model.random_stream is first
    model.rng = np.random.default_rng(99)
    assert model.random_stream is not first


def _numpy_bone_surface(matrix: np.ndarray) -> np.ndarray:
    """The rule as array statements: mostly bone with a marrow 4-neighbour; edges are bone."""
    w, h = matrix.shape
    padded = np.ones((w + 2, h + 2), dtype=bool)
    padded[1:-1, 1:-1] = matrix > 0.5
    enclosed = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    return padded[1:-1, 1:-1] & ~enclosed


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (9, 1), (16, 16), (33, 20)])
def test_bone_surface_kernel_matches_the_array_statement_of_the_rule(shape):
    rng = np.random.default_rng(sum(shape))
    for _ in range(5):
        matrix = rng.random(shape)
        assert np.array_equal(remodeling.bone_surface(matrix), _numpy_bone_surface(matrix))


def test_one_minus_exp_is_exact_to_round_off_on_both_sides_of_the_series_switch():
    xs = np.concatenate([np.geomspace(1e-300, 1e-3, 2000), np.linspace(9.9e-4, 1.1e-3, 500),
                         np.geomspace(1e-3, 50.0, 500), [0.0]])
    got = np.array([wall_laws.one_minus_exp(x) for x in xs])
    want = -np.expm1(-xs)
    assert np.all(np.abs(got - want) <= 4 * np.spacing(np.maximum(want, 1e-300)))


def test_tallies_equal_numpy_reductions():
    rng = np.random.default_rng(3)
    mineral, osteoid, cavity = rng.random((3, 24, 17))
    deficit = 0.3 * mineral * rng.random((24, 17))
    m_sum, o_sum, c_sum, d_sum = remodeling.bone_tallies(mineral, osteoid, cavity, deficit)
    assert (m_sum, o_sum, c_sum, d_sum) == pytest.approx(((mineral - deficit).sum(), osteoid.sum(), cavity.sum(),
                                                          deficit.sum()), rel=1e-13)

    osteo = rng.random((24, 17)) < 0.3
    wall_mineral = rng.random((24, 17)) * 0.02
    carboxylated = rng.random(17)
    total, n_calcified, n_osteo, share = wall_readouts.vessel_tallies(osteo, wall_mineral, 0.01, carboxylated, 2.5)
    assert total == pytest.approx(wall_mineral.sum(), rel=1e-13)
    assert n_calcified == np.count_nonzero(wall_mineral > 0.01)
    assert n_osteo == np.count_nonzero(osteo)
    made = np.where(osteo, 2.5, 1.0)  # MGP each cell makes
    assert share == pytest.approx((made * carboxylated[None, :]).sum() / made.sum(), rel=1e-13)


def test_daily_rows_and_tissue_agents_report_the_same_mineral_to_the_bit():
    model = CalciumParadoxModel("k2_deficiency", rng=1, years=0.2)
    for _ in range(30):
        model.step()
    row = model.current_row()
    assert row["ca_bone_trabecular_mg"] == model.bone_tissue.trabecular_calcium_mg
    assert row["ca_vessel_wall_mg"] == model.vessel_tissue.calcium_mg
    assert row["bone_mineral_density_g_cm2"] == model.bone_mineral_density_g_cm2
    assert math.isfinite(row["ca_balance_error_mg"])


def _vessel_day_patch_by_patch(osteo, cmgp, ucmgp, mineral, root, coat, generation, carboxylated, u, k_record,
                               drives_record, mg_per_unit):
    """The wall kernel's rules in one Python sweep, patch by patch (each patch's whole day before
    the next; as the kernel was before its first pass was split off to vectorise): the oracle of
    :func:`test_the_wall_kernel_gives_the_patch_by_patch_numbers_bit_for_bit`. Returns the sums."""
    k, d = k_record.view(np.recarray)[0], drives_record.view(np.recarray)[0]
    w, h = osteo.shape
    made_c = [d.mgp_made_per_cell * carboxylated[j] for j in range(h)]
    growth = np.empty((w, h))
    active = want = regressed = 0.0
    counts = [0, 0, 0]  # switched on, off, apoptoses
    for i in range(w):
        for j in range(h):
            o = bool(osteo[i, j])
            synthesis = k.osteo_mgp_factor if o else 1.0
            cmgp[i, j] = c = cmgp[i, j] * k.mgp_keep + synthesis * made_c[j]
            ucmgp[i, j] = uc = ucmgp[i, j] * k.mgp_keep + synthesis * (d.mgp_made_per_cell - made_c[j])
            active += c + k.uc_weight * uc
            free = wall_laws.mgp_free_fraction(c, uc, k.uc_weight, k.half_saturation)
            m, g = mineral[i, j], 0.0
            if m > 0.0:
                root[i, j] = wall_laws.cube_root_near(m, root[i, j])
                g = min(wall_laws.deposit_growth_demand(root[i, j], coat[i, j], o, k.growth_per_day,
                                                        k.contractile_growth_fraction) * free * d.drive_free, 1.0 - m)
                coat[i, j] = wall_laws.deposit_coat_after_day(coat[i, j], k.coat_uncovered_keep)
            if u[i, j] < k.p_apoptosis:
                g = min(g + k.apoptotic_seed * d.seed_free * free, 1.0 - m)
                osteo[i, j], generation[i, j], counts[2] = False, generation[i, j] + 1, counts[2] + 1
            else:
                rate = k.switch_back_per_step * (1.0 - free) if o else d.switch_on_per_step * free
                p_switch = wall_laws.one_minus_exp(rate)
                nucleation = k.nucleation_per_day * wall_laws.phenotype_weight(o, k.contractile_growth_fraction) \
                    * free * d.drive_free
                if u[i, j] < k.p_apoptosis + p_switch:
                    osteo[i, j] = not o
                    counts[1 if o else 0] += 1
                elif u[i, j] < k.p_apoptosis + p_switch + wall_laws.one_minus_exp(nucleation):
                    g = min(g + k.nucleus_volume, 1.0 - m)
            growth[i, j] = g
            want += g
            if m > 0.0:
                lost = m * wall_laws.one_minus_exp(k.regression_per_step * (1.0 - free))
                regressed += lost
                mineral[i, j] = m - lost
    scale = 1.0 if want * mg_per_unit <= d.supply_mg else d.supply_mg / (want * mg_per_unit)
    deposited = 0.0
    for i in range(w):
        for j in range(h):
            g = growth[i, j] * scale
            mineral[i, j] += g
            deposited += g
    return deposited * mg_per_unit, regressed * mg_per_unit, *counts, active


@pytest.mark.parametrize("seed, dt, supply_mg", [(0, 1.0, 1e9), (1, 1.0, 1e-4), (2, 12.0, 1e9)])
def test_the_wall_kernel_gives_the_patch_by_patch_numbers_bit_for_bit(seed, dt, supply_mg):
    """The kernel computes MGP, the free share and each deposit's cube root for all patches in a
    first, vectorised pass: its state and sums equal one Python sweep's, bit for bit, over days
    with deposits whose yesterday's root is near, far or missing, apoptoses, switches both ways,
    nucleation, regression on both sides of the series switch (dt 12: a rodent's step), and a
    supply that scales the growth down."""
    from calcium_abm.physiology import calcification, parameter_set
    from calcium_abm.parameters import drive_record_slot
    from calcium_abm.physiology.wall_kernel import vessel_day_kernel
    rng, w, h = np.random.default_rng(seed), 13, 9
    p = parameter_set({})._replace(vsmc_apoptosis_per_day=0.02, vsmc_switch_per_day=0.05,
                                   vsmc_switch_back_per_day=0.3, matrix_vesicle_nucleation_per_day=0.01,
                                   mineral_regression_per_day=0.0002 if dt == 1.0 else 0.01)
    k_record = calcification._vessel_kernel_constants(p, dt)
    drives = drive_record_slot(calcification.VesselDrives)
    for name, value in zip(("mgp_made_per_cell", "switch_on_per_step", "drive_free", "seed_free", "supply_mg"),
                           (0.05 * dt, 0.05 * dt, 2.0, 0.03, supply_mg)):
        drives[0][name] = value
    mineral = np.where(rng.random((w, h)) < 0.7, rng.random((w, h)) * 0.2, 0.0)
    root = np.where(rng.random((w, h)) < 0.6, np.cbrt(mineral) * (1.0 + 1e-4 * rng.standard_normal((w, h))), 0.0)
    state = [rng.random((w, h)) < 0.3, rng.random((w, h)) * 0.05, rng.random((w, h)), mineral, root,
             rng.random((w, h)) * 0.5, np.zeros((w, h), dtype=np.int32)]
    copy = [a.copy() for a in state]
    carboxylated = rng.random(h)
    for day in range(6):
        u = rng.random((w, h), dtype=np.float32)
        got = vessel_day_kernel(*state, carboxylated, u, k_record, drives, 0.1)
        want = _vessel_day_patch_by_patch(*copy, carboxylated, u, k_record, drives, 0.1)
        assert (got[0], got[1], *got[4:8]) == want, day  # (ucMGP and MGP made: by depth, after the sweep)
        for a, b in zip(state, copy):
            assert np.array_equal(a, b), day
    assert 0 < got[6] and 0 < np.count_nonzero(state[3]) < w * h  # apoptoses happened; some patches stay bare
