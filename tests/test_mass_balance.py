"""Calcium and phosphate mass balance: sum(pools) - cumulative intake + cumulative excretion
is constant to round-off on every recorded day, for every built-in scenario, at every boundary
of the documented input and parameter ranges, and under random valid inputs (hypothesis).

Each ledger is checked twice: the model's own ``ca_balance_error_mg`` / ``p_balance_error_mg``
column, and the identity recomputed here from the ``ca_*`` / ``p_*`` columns.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calcium_abm import builtin_scenarios, load_scenario, parameter_registry, simulate
from calcium_abm.outputs import CALCIUM_POOLS, PHOSPHATE_POOLS
from calcium_abm.errors import ScenarioError
from calcium_abm.physiology.person_traits import DRAW_ONLY_SPREADS
from calcium_abm.scenario import Dialysis, Diet, Drugs

SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}
POOL_COLUMNS = [f"ca_{pool}_mg" for pool in CALCIUM_POOLS]
P_POOL_COLUMNS = [f"p_{pool}_mg" for pool in PHOSPHATE_POOLS]
#: Allowed |balance error| relative to the calcium in the body. Each day adds a few
#: rounding errors of ~1e-16 x 1e6 mg; a 10-year run stays near 1e-14 relative, so this
#: leaves four orders of magnitude while catching any real leak (1e-4 mg in 1e6 mg).
RELATIVE_ROUND_OFF = 1e-10


def assert_ledger_balanced(frame: pd.DataFrame, prefix: str, pool_columns: list[str], sinks: tuple[str, ...]) -> None:
    """One mineral's recorded error and its recomputed ledger stay at round-off on every row."""
    assert len(frame) >= 2
    pools = frame[pool_columns]
    assert np.isfinite(pools.to_numpy()).all(), f"a {prefix} pool is not finite"
    assert (pools.to_numpy() >= -1e-9).all(), f"a {prefix} pool went negative"
    total = pools.sum(axis=1)
    tolerance = RELATIVE_ROUND_OFF * float(total.abs().max())

    error = frame[f"{prefix}_balance_error_mg"]
    assert error.abs().max() <= tolerance, f"recorded {prefix} error {error.abs().max()} mg > {tolerance} mg"

    # the ledger identity, recomputed from the columns
    assert np.allclose(frame[f"{prefix}_excreted_cum_mg"], sum(frame[f"{prefix}_{s}_cum_mg"] for s in sinks),
                       rtol=0, atol=tolerance)
    ledger = total - frame[f"{prefix}_intake_cum_mg"] + frame[f"{prefix}_excreted_cum_mg"]
    drift = (ledger - ledger.iloc[0]).abs().max()
    assert drift <= tolerance, f"{prefix}: sum(pools) - intake + excreted drifts by {drift} mg"
    assert ((ledger - ledger.iloc[0]) - error).abs().max() <= tolerance, "recorded error is not the ledger's"

    # cumulative flows start at zero and never decrease
    for col in (f"{prefix}_intake_cum_mg", *(f"{prefix}_{s}_cum_mg" for s in sinks)):
        assert frame[col].iloc[0] == 0.0
        assert (frame[col].diff().dropna() >= 0).all(), col


def assert_calcium_balanced(frame: pd.DataFrame) -> None:
    """Both ledgers, calcium and phosphate, at round-off on every row."""
    assert_ledger_balanced(frame, "ca", POOL_COLUMNS, ("urine", "feces"))
    assert_ledger_balanced(frame, "p", P_POOL_COLUMNS, ("urine", "feces", "dialysate"))


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_every_builtin_scenario_balances_calcium_and_phosphate(name):
    assert_calcium_balanced(simulate(name, years=0.5, seed=1, overrides=SMALL))


def test_ten_year_default_run_balances_calcium():
    """Default grids and length: round-off must not accumulate into a drift."""
    frame = simulate("k2_deficiency", seed=1)
    assert frame["day"].iloc[-1] == 3650
    assert_calcium_balanced(frame)


def test_balance_holds_when_records_are_thinned_and_a_schedule_changes_intake():
    frame = simulate("mk7_180ug", years=2.0, seed=2, overrides={**SMALL, "record_every_days": 7,
                                                              "calcium_mg_per_day": 2500.0})
    assert_calcium_balanced(frame)


def test_a_leak_is_detected():
    """The checker itself fails on a ledger that is off by a realistic leak."""
    frame = simulate("healthy_adult", years=0.1, seed=1, overrides=SMALL)
    leaky = frame.copy()
    leaky.loc[leaky.index[-1], "ca_blood_mg"] += 1e-3
    with pytest.raises(AssertionError):
        assert_calcium_balanced(leaky)
    leaky = frame.copy()
    leaky.loc[leaky.index[-1], "p_soft_tissue_mg"] += 1e-3
    with pytest.raises(AssertionError, match="p:"):
        assert_calcium_balanced(leaky)


# ----------------------------------------------------------------------------- range boundaries
def _range_of(model, name: str) -> tuple[float, float]:
    """The documented (schema) range of a scenario field."""
    info = model.model_fields[name]
    return (next(m.ge for m in info.metadata if hasattr(m, "ge")), next(m.le for m in info.metadata if hasattr(m, "le")))


def _boundary_cases(draw_only: bool = False):
    """Each field's and parameter's two range ends; ``draw_only``: only those of the trait spreads a
    single run refuses (person_traits.DRAW_ONLY_SPREADS, read where a cohort draws), else all the others."""
    if not draw_only:
        for model in (Diet, Drugs, Dialysis):
            for name in model.model_fields:
                if model.model_fields[name].annotation is bool:  # no range: its both values run below
                    continue
                for value in _range_of(model, name):
                    yield pytest.param(name, value, id=f"{name}={value:g}")
    for p in parameter_registry().values():
        if (p.name in DRAW_ONLY_SPREADS) != draw_only:
            continue
        top = p.maximum if math.isfinite(p.maximum) else 100.0 * max(p.value, 1.0)
        for value in (p.minimum, top):
            yield pytest.param(p.name, value, id=f"{p.name}={value:g}")


@pytest.mark.parametrize("name, value", list(_boundary_cases(draw_only=True)))
def test_a_draw_only_spread_is_refused_by_a_single_run_at_either_end_of_its_range(name, value):
    """These act only in a cohort's draw, where either end draws finite traits (the batch refuses a draw that
    its schema would clip, tests/test_cohort_draws.py); one person's run refuses them."""
    from calcium_abm.physiology import parameter_set
    from calcium_abm.physiology.person_traits import draw_person_traits

    with pytest.raises(ScenarioError, match=f"parameters.{name} = .* does nothing in a single run"):
        simulate("healthy_adult", years=0.05, seed=1, overrides={**SMALL, name: value})
    drawn = draw_person_traits(np.random.default_rng(3), parameter_set()._replace(**{name: value}), 2000)
    assert all(np.isfinite(values).all() for values in drawn.values())
    spread = np.ptp(drawn[DRAW_ONLY_SPREADS[name]])  # the trait the spread widens: none at 0, some at the top
    assert (spread == 0.0) if value == 0.0 else (spread > 0.0)


@pytest.mark.parametrize("name, value", list(_boundary_cases()))
def test_every_range_boundary_runs_and_balances(name, value):
    """Every value the schema accepts must run; the extremes are where division by zero
    and overflow live."""
    needs = {"session_hours": {"sessions_per_week": 3, "ckd_stage": 5},  # acts only with sessions,
             "sessions_per_week": {"ckd_stage": 5},                       # which need kidney failure;
             # the spreads one person reads act only for a person who lets them (person_traits.CONDITIONAL_SPREADS)
             "calcification_propensity_log_sd": {"calcification_propensity": 2.0},
             "remodeling_balance_sd": {"remodeling_balance_varies": True},
             "remodeling_balance_correlation_years": {"remodeling_balance_varies": True}}.get(name, {})
    from calcium_abm.physiology.conditional_parameters import CONDITIONAL_PARAMETERS, FEMALE_ONLY, MALE_ONLY
    from calcium_abm.physiology.species import RODENT_PRESET_SPECIES
    if name in CONDITIONAL_PARAMETERS:  # a drug's or treatment's parameter acts only with it (a run refuses it without)
        needs = {"ckd_stage": 5, "sessions_per_week": 3, "session_hours": 5.0, "sevelamer_g_per_day": 2.4,
                 "calcium_acetate_g_per_day": 2.0, "warfarin_mg_per_day": 5.0,
                 "calcium_mg_per_day": 1500.0, "calcification_propensity": 2.0}  # the dietary binding; the onset SD
        if name in FEMALE_ONLY or name == "hormone_therapy_estrogen_replacement":  # run a postmenopausal woman
            needs = {"sex": "female", "age_years": 55, "postmenopausal": True, "years_since_menopause": 3,
                     "menopausal_hormone_therapy": name == "hormone_therapy_estrogen_replacement"}
        elif name in MALE_ONLY:
            needs = {}
        elif name.startswith("absorption_") or name == "reference_fractional_absorption":  # absorption falls past 60
            needs = {"age_years": 70.0}
        elif name.startswith("warfarin_clearance_decline"):  # warfarin's clearance falls past the onset age
            needs = {"warfarin_mg_per_day": 5.0, "age_years": 112.0}
        elif name == "skeletal_pth_resistance_onset_gfr_ml_per_min" or name.startswith("uraemic_intake"):
            # acts below the onset without dialysis
            needs = {"ckd_stage": 5}
        elif name == "skeletal_pth_resistance_half_life_days":  # acts while the kidneys change (below)
            needs = {}
        elif name in ("calcification_inhibition_gfr_exponent", "intimal_inhibitor_loss_exponent"):
            needs = {"ckd_stage": 4}  # the serum loses inhibitors with the GFR without dialysis
        if name == "absorption_minimum_relative":  # a floor acts where the fall passes it: 0 only past a steep fall
            needs = {"age_years": 90.0, "absorption_fraction_decline_per_year": 0.02}
        if name == "gfr_minimum_ml_per_min":  # the same for GFR's age law: 0 only past a steep fall
            needs = {"age_years": 100.0, "gfr_decline_male_ml_per_min_per_year": 3.0}
        elif name == "fgf23_max_relative":  # FGF23 comes within a factor of 10 of the ceiling on dialysis
            needs = {"residual_gfr_ml_per_min": 3.0, "sessions_per_week": 3}
        elif name == "fgf23_min_relative":  # and of the floor on a diet poor in phosphorus
            needs = {"phosphate_mg_per_day": 100.0}
    from calcium_abm.physiology.person_traits import PLAQUE_LAW_PARAMETERS
    if name in PLAQUE_LAW_PARAMETERS:  # the intima's growth acts once plaque has begun: a man of 70 has it
        needs = {"age_years": 70.0}
    if name in RODENT_PRESET_SPECIES:  # a rodent preset's parameter: run that rodent (a human run refuses it)
        needs = {"patient.species": RODENT_PRESET_SPECIES[name][0], "patient.age_years": 0.0}
    from calcium_abm.physiology.conditional_parameters import KINETIC_PARAMETERS
    scenario = load_scenario("healthy_adult")
    weighted = name in ("factor_ix_half_life_h", "factor_x_half_life_h", "pt_weight_factor_vii")
    if name in KINETIC_PARAMETERS or weighted:  # a pool's kinetics (and a factor's weight, which these need) acts
        # while its inputs change: MK-7 and warfarin started
        scenario = scenario.with_schedule([{"start_day": 5, "set": {"diet.mk7_ug_per_day": 180.0,
                                                                    "drugs.warfarin_mg_per_day": 5.0}}])
        needs = {f"pt_weight_factor_{f}": 1.0 for f in ("ii", "ix", "x")} if weighted else {}
    if name == "skeletal_pth_resistance_half_life_days":  # the skeleton's resistance moves: kidneys fail on day 5
        scenario = scenario.with_schedule([{"start_day": 5, "set": {"patient.ckd_stage": 5}}])
    if name.startswith("hormone_therapy_vessel_window"):  # a woman 8 years past her final period starts therapy
        needs = {"sex": "female", "age_years": 59, "postmenopausal": True, "years_since_menopause": 8}
        scenario = load_scenario("postmenopausal").with_schedule(
            [{"start_day": 5, "set": {"drugs.menopausal_hormone_therapy": True}}])
    frame = simulate(scenario, years=0.05, seed=1, overrides={**SMALL, **needs, name: value})
    assert_calcium_balanced(frame)


def test_a_fully_resorbed_bone_section_is_handled():
    """Valid settings (both at their documented minimum of 0): osteoclasts that never die
    and cavities that are never refilled resorb the whole 16x16 section during the
    400-day spin-up, so day-0 BMD is 0; the run still balances and reports NaN change."""
    frame = simulate("healthy_adult", years=0.05, seed=0, overrides={
        **SMALL, "osteoclast_apoptosis_per_day": 0.0, "reversal_recruitment_per_day": 0.0})
    assert_calcium_balanced(frame)
    assert (frame["bone_mineral_density_g_cm2"] == 0).all()
    assert frame["bmd_change_pct"].isna().all()


# ----------------------------------------------------------------------------- random valid inputs
#: Parameters hypothesis draws over their whole documented range: vitamin K kinetics,
#: carboxylation and the vessel wall. Whatever their values, they only move calcium
#: between blood and the vessel wall at rates bounded by what blood holds.
FULL_RANGE_PARAMETERS = (
    "k1_half_life_h", "mk7_half_life_h", "mk7_tissue_uptake_weight", "tissue_vitamin_k_loss_per_h",
    "warfarin_ec50_mg_per_l", "extrahepatic_warfarin_ec50_mg_per_l", "bone_warfarin_ec50_mg_per_l",
    "vessel_ggcx_half_saturation_nmol_per_l",
    "bone_ggcx_half_saturation_nmol_per_l",
    "mgp_turnover_per_day", "vsmc_switch_per_day", "mineral_growth_per_day", "matrix_vesicle_nucleation_per_day",
    "mineral_regression_per_day", "systemic_calcification_inhibition",
)
#: Parameters drawn within tenfold of their default (and inside their documented
#: range): bone-cell, gut and kidney rates. Their range ends taken together (e.g.
#: immortal osteoclasts with cavities never refilled) resorb the whole bone section
#: before day 0, which is the separate case above; each end alone is run by
#: test_every_range_boundary_runs_and_balances.
TENFOLD_PARAMETERS = (
    "osteoclast_recruitment_per_surface_patch_per_day", "osteoclast_resorption_per_day",
    "osteoclast_apoptosis_per_day", "osteoblast_apoptosis_per_day", "reversal_recruitment_per_day",
    "osteoid_mineralisation_per_day", "cortical_turnover_per_year", "passive_absorption_per_day",
    "gut_transit_per_day", "reference_urine_calcium_mg_per_day",
)


def _parameter_value(name: str):
    p = parameter_registry()[name]
    if name in FULL_RANGE_PARAMETERS:
        return st.floats(p.minimum, p.maximum, allow_nan=False, allow_infinity=False)
    lo, hi = max(p.minimum, p.value / 10.0), min(p.maximum, p.value * 10.0)
    # log-uniform, so that tenfold down is drawn as often as tenfold up
    return st.floats(math.log(lo), math.log(hi)).map(lambda x: min(max(math.exp(x), lo), hi))


@st.composite
def random_inputs(draw):
    overrides = {name: draw(st.floats(*_range_of(Diet, name))) for name in Diet.model_fields}
    overrides.update({name: draw(st.floats(*_range_of(Drugs, name))) for name, info in Drugs.model_fields.items()
                      if info.annotation is not bool})
    if draw(st.booleans()):
        overrides["sessions_per_week"] = draw(st.integers(1, 7))
        overrides["session_hours"] = draw(st.floats(*_range_of(Dialysis, "session_hours")))
        overrides["residual_gfr_ml_per_min"] = draw(st.floats(1.0, 15.0))  # the schema's floor; stage 5's range
        overrides["ckd_stage"] = 0  # the measured GFR sets kidney function: a stage beside it is refused (stop 68)
    else:
        overrides["ckd_stage"] = draw(st.integers(0, 5))
    overrides["species"] = draw(st.sampled_from(["human", "rat", "mouse"]))
    if overrides["species"] != "human":
        overrides["age_years"] = 0.0  # the rodent presets have no age laws: an age is refused
    overrides["sex"] = draw(st.sampled_from(["female", "male"]))
    # a female rodent acts only through an estrogen loss (her run is a male's otherwise, and refused)
    rodent = overrides["species"] != "human"
    overrides["postmenopausal"] = overrides["sex"] == "female" and (rodent or draw(st.booleans()))
    # hormone therapy acts for a human woman past her final period (refused for anyone else)
    overrides["menopausal_hormone_therapy"] = overrides["postmenopausal"] and not rodent and draw(st.booleans())
    overrides["mgp_knockout"] = draw(st.booleans())
    chosen = draw(st.lists(st.sampled_from(FULL_RANGE_PARAMETERS + TENFOLD_PARAMETERS),
                           min_size=3, max_size=10, unique=True))
    from calcium_abm.physiology.conditional_parameters import CONDITIONAL_PARAMETERS
    from calcium_abm.physiology.species import species_of_parameters  # another species' are refused
    scope = species_of_parameters()
    if overrides["warfarin_mg_per_day"] == 0:  # the listed conditional ones (the EC50s) act only on warfarin: refused
        chosen = [name for name in chosen if name not in CONDITIONAL_PARAMETERS]
    overrides.update({name: draw(_parameter_value(name)) for name in chosen
                      if overrides["species"] in scope.get(name, (overrides["species"],))})
    return overrides


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overrides=random_inputs(), seed=st.integers(0, 2**32 - 1))
def test_random_valid_inputs_balance_calcium(overrides, seed):
    frame = simulate("healthy_adult", years=0.2, seed=seed, overrides={**SMALL, **overrides})
    assert_calcium_balanced(frame)


def test_random_parameters_are_in_the_registry():
    registry = parameter_registry()
    assert set(FULL_RANGE_PARAMETERS + TENFOLD_PARAMETERS) <= set(registry)
    assert all(math.isfinite(registry[name].maximum) for name in FULL_RANGE_PARAMETERS)
