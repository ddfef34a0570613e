"""Each law lives once: the single compiled law functions called directly, the kernels
checked numerically against the same functions (numba cannot be monkeypatched, so the
test is that kernel and readout agree on random states), the kernel records, the typed
parameter set, and the calcium ledger."""

from __future__ import annotations

import dataclasses
import inspect
import math
from pathlib import Path

import numpy as np
import pytest

import calcium_abm
from calcium_abm.model import CalciumParadoxModel
from calcium_abm.parameters import kernel_record
from calcium_abm.physiology import (calcification, calcium, carboxylation, kidney, ledger, minerals, parameter_set,
                                   parathyroid, remodeling, wall_laws, wall_readouts)
from calcium_abm.physiology.calcification import VesselWall
from calcium_abm.scenario import Scenario, load_scenario

P = parameter_set()
W, H = 20, 9


# ----------------------------------------------------------------------------- the laws
def test_mgp_free_fraction_is_k_over_active_plus_k():
    K, w = 0.01, 0.02
    assert wall_laws.mgp_free_fraction(0.0, 0.0, w, K) == 1.0
    assert wall_laws.mgp_free_fraction(0.03, 0.5, w, K) == pytest.approx(K / (0.03 + w * 0.5 + K), rel=1e-15)
    # only the active sum matters: 1 unit of ucMGP counts as w units of cMGP
    assert wall_laws.mgp_free_fraction(0.0, 1.0, w, K) == pytest.approx(
        wall_laws.mgp_free_fraction(w, 0.0, w, K), rel=1e-15)
    c = np.array([0.0, 0.01, 1.0, 100.0])
    inhibition = calcification.mgp_inhibition(c, np.zeros_like(c), P)
    assert np.all(np.diff(inhibition) > 0) and inhibition[0] == 0.0 and inhibition[-1] < 1.0
    assert np.allclose(inhibition, 1.0 - wall_laws.mgp_free_fraction(c, 0.0 * c, P.ucmgp_relative_inhibition,
                                                                         P.mgp_inhibition_half_saturation))


def test_deposit_growth_demand_grows_on_the_surface_and_weights_the_phenotype():
    g, f = 0.3, 0.1
    root = wall_laws.cube_root_near(0.2, 0.0)  # no guess: computed afresh
    assert wall_laws.deposit_growth_demand(root, 0.0, True, g, f) == pytest.approx(0.2 ** (2 / 3) * g * (1 + f))
    assert wall_laws.deposit_growth_demand(root, 0.0, False, g, f) == pytest.approx(0.2 ** (2 / 3) * g * f)
    assert wall_laws.deposit_growth_demand(0.0, 0.0, True, g, f) == 0.0  # no surface, no growth: needs a nucleus
    # surface law: 8x the mineral grows 4x as fast
    assert wall_laws.deposit_growth_demand(0.08 ** (1 / 3), 0.0, True, g, f) == pytest.approx(
        4 * wall_laws.deposit_growth_demand(0.01 ** (1 / 3), 0.0, True, g, f))


@pytest.mark.parametrize("relative_miss", [0.0, 1e-9, 3e-4, -3e-4, 9.9e-4, 0.5, -0.9, -1.0])
def test_cube_root_near_is_the_cube_root_to_round_off_from_any_guess(relative_miss):
    """From a guess whose cube misses x by up to 0.1 % (refined) or by far more (pow), or with no
    guess (0), the result is the cube root (numpy's cbrt) to 1e-15 relative: within 2 ulp where refined, and
    as close as libm's pow(x, 1/3) where not (1/3 is not exact in binary, so pow misses by up to ~5 ulp)."""
    xs = np.geomspace(1e-12, 1.0, 4001)
    guesses = np.cbrt(xs * (1.0 + relative_miss))
    got = np.array([wall_laws.cube_root_near(x, g) for x, g in zip(xs, guesses)])
    exact = np.cbrt(xs)
    assert np.all(np.abs(got - exact) <= (2 * np.spacing(exact) if abs(relative_miss) < 1e-3 else 1e-15 * exact))


def test_mgp_producing_cells_counts_osteochondrogenic_cells_by_their_factor():
    assert wall_laws.mgp_producing_cells(10, 0, 2.0) == 10.0
    assert wall_laws.mgp_producing_cells(10, 4, 2.0) == 6 + 8.0
    assert wall_laws.mgp_producing_cells(10, 10, 0.0) == 0.0


@pytest.mark.parametrize("n", [1, 3, 5, 10])
def test_carboxylated_fraction_is_q_to_the_n(n):
    kh2 = np.array([0.0, 0.3, 2.0, 40.0])
    q = kh2 / (kh2 + 2.0)
    assert np.allclose(carboxylation.carboxylated_fraction(kh2, 2.0, n), q ** n, rtol=1e-14, atol=0)
    assert carboxylation.carboxylated_fraction(0.3, 2.0, n) == pytest.approx((0.3 / 2.3) ** n, rel=1e-14)
    # the shape of the input is kept (the media passes one row per depth)
    assert carboxylation.carboxylated_fraction(kh2.reshape(1, -1), 2.0, n).shape == (1, 4)


def test_production_weighted_mean_and_empty_tissue():
    assert carboxylation.production_weighted_mean(np.array([0.2, 0.8]), np.array([3.0, 1.0])) == pytest.approx(0.35)
    assert math.isnan(carboxylation.production_weighted_mean(np.array([0.2, 0.8]), np.zeros(2)))


def test_team_osteoid_per_cell_is_the_exact_integral_and_its_limit():
    r, a, dt = 0.0004, 0.04, 3.0
    assert remodeling.team_osteoid_per_cell(r, a, dt) == pytest.approx(r * (1 - math.exp(-a * dt)) / a, rel=1e-14)
    assert remodeling.team_osteoid_per_cell(r, 0.0, dt) == r * dt
    assert remodeling.team_osteoid_per_cell(r, 1e-9, dt) == pytest.approx(r * dt, rel=1e-8)
    assert remodeling.osteoid_laid(10.0, 0.01, 0.5) == pytest.approx(0.1)
    assert remodeling.osteoid_laid(10.0, 0.01, 0.05) == 0.05  # never more than the cavity lacks


# ----------------------------------------------------------------------------- kernel == law
def random_wall(seed: int) -> VesselWall:
    rng = np.random.default_rng(seed)
    return VesselWall(osteochondrogenic=rng.random((W, H)) < 0.4, cmgp=rng.random((W, H)) * 0.05,
                      ucmgp=rng.random((W, H)), mineral=rng.random((W, H)) * 0.3,
                      vitamin_k_delivery=np.ones((1, H)), generation=np.zeros((W, H), dtype=np.int32),
                      mineral_mg_per_unit=0.1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vessel_kernel_uses_the_law_functions(seed):
    """With no apoptosis, switching or regression, and ample supply, each patch's new MGP,
    inhibition and mineral follow the law functions exactly."""
    p = P._replace(vsmc_apoptosis_per_day=0.0, vsmc_switch_per_day=0.0, vsmc_switch_back_per_day=0.0,
                   mineral_regression_per_day=0.0, matrix_vesicle_nucleation_per_day=0.0)
    wall = random_wall(seed)
    wall.deposit_coat = coat0 = np.random.default_rng(seed + 20).random((W, H))
    coat0 = coat0.copy()
    carboxylated = np.random.default_rng(seed + 10).random(H)
    osteo, c0, uc0, m0 = wall.osteochondrogenic.copy(), wall.cmgp.copy(), wall.ucmgp.copy(), wall.mineral.copy()
    made, capxp, phosphate = calcification.mgp_synthesis_per_step(p), 1.7, 1.3
    day = calcification.vessel_day(wall, carboxylated, made, phosphate, capxp, p, np.random.default_rng(seed), 1e9)

    k = calcification.vessel_constants(p, 1.0)
    synthesis = np.where(osteo, k.osteo_mgp_factor, 1.0)
    c = c0 * k.mgp_keep + synthesis * (made * carboxylated)
    uc = uc0 * k.mgp_keep + synthesis * (made - made * carboxylated)
    np.testing.assert_allclose(wall.cmgp, c, rtol=1e-14)
    np.testing.assert_allclose(wall.ucmgp, uc, rtol=1e-14)
    free = wall_laws.mgp_free_fraction(c, uc, p.ucmgp_relative_inhibition, p.mgp_inhibition_half_saturation)
    drive = capxp ** p.calcium_phosphate_product_exponent * wall_laws.systemic_free_fraction(
        1.0, p.systemic_calcification_inhibition)
    demand = np.array([[wall_laws.deposit_growth_demand(np.cbrt(m0[i, j]), coat0[i, j], osteo[i, j],
                                                            p.mineral_growth_per_day, p.contractile_growth_fraction)
                        for j in range(H)] for i in range(W)])
    np.testing.assert_allclose(wall.mineral, m0 + np.minimum(demand * free * drive, 1.0 - m0), rtol=1e-13)
    np.testing.assert_allclose(wall.deposit_coat, wall_laws.deposit_coat_after_day(coat0, k.coat_uncovered_keep),
                               rtol=1e-15)
    cells = [wall_laws.mgp_producing_cells(W, int(osteo[:, j].sum()), p.osteochondrogenic_mgp_synthesis_factor)
             for j in range(H)]
    assert day.mgp_made == pytest.approx(made * sum(cells), rel=1e-13)


@pytest.mark.parametrize("seed", [3, 4])
def test_vessel_readout_share_is_the_carboxylation_law_weighted_by_mgp_producing_cells(seed):
    wall = random_wall(seed)
    kh2 = np.random.default_rng(seed).random(H) * 8.0
    carboxylated = carboxylation.carboxylated_fraction(kh2, 3.3, 5)
    _, _, n_osteo, share = wall_readouts.vessel_tallies(wall.osteochondrogenic, wall.mineral, 0.01, carboxylated, 2.0)
    weights = [wall_laws.mgp_producing_cells(W, int(wall.osteochondrogenic[:, j].sum()), 2.0) for j in range(H)]
    assert share == pytest.approx(carboxylation.mean_carboxylated_fraction(kh2, np.array(weights), 3.3, 5), rel=1e-14)
    assert n_osteo == int(wall.osteochondrogenic.sum())


def test_formation_kernel_lays_what_the_refill_law_says():
    rng = np.random.default_rng(5)
    n = 12
    osteoid, cavity = np.zeros(n), rng.random(n) * 0.2
    alive, patches = np.ones(n, dtype=bool), np.arange(n, dtype=np.int64)
    team = rng.random(n) * 50.0
    rates = remodeling.remodeling_rates(remodeling.BoneDrives(1.0, 1.0, 1.0), P, 1.0)
    expected = [remodeling.osteoid_laid(t, rates.osteoid_per_cell, c) for t, c in zip(team, cavity)]
    remodeling._formation_kernel(osteoid, cavity.copy(), alive, patches, team.copy(), np.zeros(n), kernel_record(rates))
    np.testing.assert_array_equal(osteoid, expected)


# ----------------------------------------------------------------------------- records
def test_kernel_records_are_named_and_cached_per_parameter_set():
    k = calcification.vessel_constants(P, 1.0)
    assert calcification.vessel_constants(P, 1.0) is k  # built once per (parameter set, dt)
    assert k.half_saturation == P.mgp_inhibition_half_saturation and k.uc_weight == P.ucmgp_relative_inhibition
    assert calcification.vessel_constants(P, 2.0).regression_per_step == 2.0 * P.mineral_regression_per_day
    with pytest.raises(TypeError):  # a field cannot be left out or misspelt
        calcification.VesselDrives(mgp_made_per_cell=1.0, switch_on_per_step=0.1, drive_free=0.1, suply_mg=1.0)
    rates = remodeling.remodeling_rates(remodeling.BoneDrives(2.0, 1.0, 1.0), P, 1.0)
    assert rates.recruitment_per_surface_patch == pytest.approx(
        2.0 * P.osteoclast_recruitment_per_surface_patch_per_day)


def test_parameter_set_is_typed_hashable_and_rejects_misspelt_names():
    p = parameter_set()
    assert p == parameter_set() and hash(p) == hash(parameter_set())
    assert {p: 1}[parameter_set()] == 1
    with pytest.raises(AttributeError):
        p.k1_half_life_hours  # noqa: B018 - misspelt on purpose
    with pytest.raises(KeyError, match="k1_half_life_hours"):
        parameter_set({"k1_half_life_hours": 2.0})
    changed = parameter_set({"k1_half_life_h": 2.0})
    assert changed.k1_half_life_h == 2.0 and changed != p
    with pytest.raises(AttributeError):
        p.k1_half_life_h = 3.0  # immutable
    with pytest.raises(AttributeError, match="immutable"):
        p.k1_half_life_hours = 3.0  # nor can a misspelt name be set
    # the hash is computed once and kept: it stays the tuple's, for the set and a variant of it
    variant = p._replace(k1_half_life_h=2.0)
    assert type(variant) is type(p) and variant == changed and hash(variant) == hash(changed)
    assert hash(p) == hash(p) == tuple.__hash__(p) and hash(variant) == tuple.__hash__(variant)


# ----------------------------------------------------------------------------- the ledger
def test_ledger_moves_mass_only_between_named_pools():
    tissue = {"bone": 100.0}
    books = ledger.MineralLedger("calcium", {"gut": 10.0, "blood": 50.0}, {"bone": lambda: tissue["bone"]})
    assert books.total_mg() == 160.0 and books.balance_error_mg() == 0.0
    books.transfer("diet", "gut", 30.0)
    books.transfer_split("gut", {"blood": 12.0, "faeces": 20.0})
    tissue["bone"] += 5.0  # the tissue's kernel moved it; the ledger books the blood side
    books.transfer("blood", "bone", 5.0)
    books.transfer_split("blood", {"urine": 4.0, "gut": 1.0})
    assert books["gut"] == 9.0 and books["blood"] == 52.0 and books["bone"] == 105.0
    assert books.cumulative_mg == {"diet": 30.0, "urine": 4.0, "faeces": 20.0}
    assert books.balance_error_mg() == 0.0
    assert books.flow_today_mg("gut", "blood") == 12.0 and books.flow_today_mg("blood", "urine") == 4.0
    books.new_day()
    assert books.flow_today_mg("gut", "blood") == 0.0
    with pytest.raises(KeyError, match="no pool 'liver'"):
        books.transfer("blood", "liver", 1.0)


def test_a_second_mineral_uses_the_same_ledger_class():
    phosphate = ledger.MineralLedger("phosphate", {"blood": 3.0}, {}, inputs=("diet",), outputs=("urine",))
    phosphate.transfer("diet", "blood", 1.0)
    phosphate.transfer("blood", "urine", 0.5)
    assert phosphate["blood"] == 3.5 and phosphate.balance_error_mg() == 0.0


def reference_state():
    k = minerals.KidneyInputs(100.0, 1200.0)
    hormones, pi = minerals.steady_hormones(k, P)
    return minerals.systemic_day(hormones, calcium.reference_blood_calcium_mg(P),
                                 pi * kidney.PHOSPHORUS_MG_PER_MMOL * P.ecf_volume_l, k, P, dt=0.0)


def test_excretion_is_capped_at_its_share_of_blood():
    s = reference_state()
    urine, endo = calcium.kidney_and_endogenous_day(s, P)
    assert calcium.excretion_day(s, 1e9, P) == (urine, endo)
    tiny = 1.0
    capped = calcium.excretion_day(s, tiny, P)
    assert sum(capped) == pytest.approx(calcium.EXCRETION_SUPPLY_SHARE * tiny)
    assert capped[0] / capped[1] == pytest.approx(urine / endo)


def test_model_pools_are_the_ledger_and_the_agents_read_it():
    model = CalciumParadoxModel(rng=2, **{f"{t}_grid_{s}": 12 for t in ("bone", "vessel") for s in ("width", "height")})
    for _ in range(5):
        model.step()
    pools = model.calcium.pools_mg()
    assert model.blood.ecf_calcium_mg == pools["blood"] and model.gut.lumen_calcium_mg == pools["gut"]
    assert model.bone_tissue.section is model.bone and model.vessel_tissue.wall is model.vessel
    row = model.datacollector.latest
    assert row["ca_balance_error_mg"] == model.calcium.balance_error_mg()
    assert row["urine_calcium_mg_per_day"] == model.calcium.flow_today_mg("blood", "urine")


# ----------------------------------------------------------------------------- shape of the core
def test_the_spin_up_person_is_the_schema_default_and_equals_healthy_adult():
    default, example = Scenario(), load_scenario("healthy_adult")
    for section in ("patient", "diet", "drugs", "genetics", "simulation", "parameters", "schedule"):
        assert getattr(default, section) == getattr(example, section), section


def test_step_reads_short_and_core_modules_stay_small():
    step_lines = inspect.getsource(CalciumParadoxModel.step).splitlines()
    assert len(step_lines) <= 40
    package = Path(calcium_abm.__file__).parent
    owned = [package / name for name in ("model.py", "agents.py", "outputs.py", "parameters.py", "simulation.py",
                                         "grid.py", "populations.py", "random_stream.py")]
    owned += sorted((package / "physiology").glob("*.py"))
    assert len((package / "model.py").read_text().splitlines()) <= 300
    for path in owned:
        assert len(path.read_text().splitlines()) <= 500, path.name


def test_pth_sigmoid_is_one_law_for_the_day_and_the_reference():
    """The compiled PTH of the bone-fluid kernel is the kidney's gland law, to round-off."""
    k = calcium.pth_constants(P)
    for ca, scale in ((2.35, 1.0), (2.0, 1.7), (2.6, 3.2)):
        ion = ca * P.ionized_calcium_fraction
        assert calcium.pth_from_serum.py_func(ca, scale, k) == pytest.approx(
            scale * parathyroid.parathyroid_calcium_sigmoid_pmol_l(ion, P), rel=1e-14)
        assert calcium.pth_from_serum(ca, scale, k) == pytest.approx(calcium.pth_from_serum.py_func(ca, scale, k),
                                                                     rel=1e-14)
    # at the reference serum calcium, phosphate and healthy gland the day's PTH is the reference PTH
    s = reference_state()
    assert s.pth_pmol_l == pytest.approx(calcium.reference_pth_pmol_l(P), rel=1e-9)
    assert calcium.pth_constants(P) is k


@pytest.mark.parametrize("blood, fluid, phosphate", [(1300.0, 4000.0, 1.1), (900.0, 5000.0, 2.2), (2000.0, 100.0, 0.9)])
def test_bone_fluid_kernel_ends_at_the_equilibrium_of_the_pth_law(blood, fluid, phosphate):
    s = dataclasses.replace(reference_state(), serum_phosphate_mmol_l=phosphate, gland_pth_scale=phosphate / 1.1)
    moved = calcium.blood_to_bone_fluid_mg(blood, fluid, s, P)
    b, f = blood - moved, fluid + moved
    pth = calcium.pth_from_serum.py_func(calcium.serum_calcium_mmol_l(b, P), s.gland_pth_scale, calcium.pth_constants(P))
    r0 = P.exchangeable_bone_calcium_mg / calcium.reference_blood_calcium_mg(P)
    seen = pth * s.calcitriol_relative ** P.bone_fluid_pth_calcitriol_exponent
    ratio = r0 * (seen / calcium.reference_pth_pmol_l(P)) ** (-P.bone_fluid_pth_exponent)
    assert f == pytest.approx(b * ratio, rel=1e-9)
