"""The simulated person: age, sex, menopause timing, traits and measured baselines.

Helpers of :class:`calcium_abm.model.CalciumParadoxModel` (each takes the model): they turn
the scenario's ``[patient]`` keys into the day's rates (laws in
:mod:`calcium_abm.physiology.ageing`, traits in :mod:`calcium_abm.physiology.person_traits`)
and into the start state. See ``docs/ODD.md`` sections 5 and 7.9-7.10.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.kidney_rules import kidney_state_changed
from calcium_abm.physiology import (ageing, calcification, calcium, calcium_balance, hormone_therapy, kidney,
                                   life_course, minerals, parathyroid, person_traits, remodeling, skeleton, vitamin_k)
from calcium_abm.scenario import Scenario, load_scenario

#: days between updates of the person's age-dependent rates (they change over years; the estrogen-loss effect is daily)
PERSON_UPDATE_DAYS = 30
DAYS_PER_YEAR_OF_AGE = ageing.DAYS_PER_YEAR_OF_AGE  #: days in a year of age
#: person-level traits a scenario's [patient] table may set (physiology/person_traits.py)
TRAIT_KEYS = ("calcification_propensity", "remodeling_balance", "calcium_absorption_efficiency",
              "vitamin_k_disposition", "peak_bone_mass")


def single_run_scenario(scenario, settings: Mapping[str, Any]) -> Scenario:
    """The validated scenario of one person's run: ``scenario`` (a name, path, mapping or Scenario)
    with the flat ``settings``. A trait spread only a cohort's draw reads does nothing here and is
    refused (:func:`.person_traits.refuse_draw_only_spreads`); a cohort's runs leave them out first
    (:func:`calcium_abm.batch.conduct.person_of_cohort`). So is a parameter a ``[[schedule]]`` entry
    sets that the run would not read (:func:`calcium_abm.inert_settings.refuse_inert_schedule`), and what
    :func:`calcium_abm.inert_settings.start_problems` refuses about the start (a menopause passed still
    premenopausal, a CKD stage the age passes, a GFR decline that is none, a kidney history without disease)."""
    from calcium_abm.inert_settings import refuse_inert_schedule, start_problems

    config = load_scenario(scenario).with_overrides(settings)
    person_traits.refuse_draw_only_spreads(config.parameters, config)
    refuse_inert_schedule(config)
    if problems := start_problems(config):
        raise ScenarioError(problems[0])
    return config


def start_of(patient) -> tuple[float, float | None]:
    """``(age at day 0, age at the final menstrual period or None if unknown)``, in years."""
    if patient.postmenopausal:
        return patient.age_years, patient.age_years - patient.years_since_menopause
    return patient.age_years, patient.age_at_final_menstrual_period


def age_on_day(model: Any, day: int | np.ndarray) -> float | np.ndarray:
    """The person's age (years) after ``day`` simulated days (an array of days: their ages): the scenario's
    ``age_years`` plus the physiological time (``model.age_years`` is today's)."""
    return model.start_age_years + day * model.dt / DAYS_PER_YEAR_OF_AGE


def years_relative_to_fmp(age_years: float, age_at_fmp: float | None) -> float | None:
    """Years from the final menstrual period (negative before it); None if it is not known."""
    # min/max: np.clip's value, bit for bit, without its ~2.5 us on a scalar (a daily call)
    return None if age_at_fmp is None else float(min(max(age_years - age_at_fmp, -120.0), 120.0))


def take_inputs(model: Any, previous) -> None:
    """After ``model.inputs`` changed from ``previous`` (None on day 0): a menopause set by a schedule begins today
    (its years_since_menopause count from here); hormone therapy's first start fixes the vessel's share of it
    (:func:`vessel_therapy`); a kidney state set by a schedule (``patient.ckd_stage`` or any ``[kidney]`` key)
    begins today, so a GFR decline is timed from its start day (:func:`years_of_kidney_state`); then the rates."""
    state = model.inputs
    if previous is not None and state.patient.postmenopausal and not previous.patient.postmenopausal:
        model.age_at_fmp_years = model.age_years - state.patient.years_since_menopause
    if on_hormone_therapy(model) and "_vessel_therapy_share" not in model.__dict__:  # the first start (a restart
        model._vessel_therapy_share = 1.0 if previous is None else hormone_therapy.vessel_share(  # keeps it); day 0:
            model.years_relative_to_fmp, model.base_params)  # taken since the final period
    if previous is not None and "vessel" in model.__dict__:  # the intima reads today's menopause and therapy
        model.vessel.intima.age_at_fmp_years, model.vessel.intima.hormone_therapy = (model.age_at_fmp_years,
                                                                                     vessel_therapy(model))
    if previous is None or kidney_state_changed(previous, state):
        model.kidney_state_start_day = model.__dict__.get("_day", 0)
    update_rates(model)


def years_of_kidney_state(model: Any) -> float:
    """Physiological years since today's kidney state began (day 0, or the schedule day that set it)."""
    return (model.day - model.kidney_state_start_day) * model.dt / 365.0


def apply_schedule_and_age(model: Any) -> None:
    """Step 1 of the day: today's schedule changes, else every PERSON_UPDATE_DAYS the
    person's age-dependent rates. Taking new inputs re-evaluates the rates at today's age (off
    the cadence, and a wandering balance draws its step), so a boundary whose settings equal
    today's (an entry setting a value the person already has, or its end) is no change: the
    run is the one without it, bit for bit."""
    if model.day in model._boundaries and (state := model.config.state_at(model.day)) != model.inputs:
        model._set_inputs(state)
    elif model.day - model._person_updated_day >= PERSON_UPDATE_DAYS:
        update_rates(model)


def start_skeleton_mg(model: Any, start_fraction: float) -> float:
    """Skeletal calcium at the start (mg): ``skeletal_calcium_mg`` x bone size of the sex x
    start bone volume relative to the reference."""
    patient, p = model.inputs.patient, model.params
    size = ageing.bone_size_factor(patient.sex, p) if patient.species == "human" else 1.0
    return p.skeletal_calcium_mg * size * (start_fraction / p.trabecular_bone_volume_fraction)


def start_pth_relative(model: Any) -> float:
    """PTH (relative to the reference adult) the person's skeleton has remodelled under before
    day 0: the steady state of the person's day-0 kidneys (:func:`.minerals.steady_pth_relative`,
    at the reference ionised calcium) x the rise of steady PTH that the person's own calcium
    balance adds (:func:`calcium_balance_pth_factor`): the PTH of the calcium-balanced state the blood
    starts from (:func:`start_balance`). Both were stable before day 0, so the bone spin-up uses it and
    year 1 is not a transient of the remodeling space. Computed once per model (one balance solve, cached)."""
    if "_start_pth_relative" not in model.__dict__:
        model._start_pth_relative = minerals.steady_pth_relative(model.kidney_inputs(), model.params) \
            * start_balance_factor(model)
    return model._start_pth_relative


def start_balance(model: Any) -> calcium_balance.BalancedState | None:
    """The calcium-balanced steady state of the day-0 person, kidneys and diet that the blood and the skeleton start
    from (:func:`.calcium_balance.calcium_balanced_state`, cached per parameter set); None where the day has no
    balance and for a rodent preset, whose time-scaled step is not a steady human day (it starts at the reference
    ionised calcium). The first call (day 0's settings) records :func:`start_description`."""
    model.__dict__.setdefault("_start_description", start_description(model))
    return None if model.inputs.patient.species != "human" else calcium_balance.start_balanced_state(
        model.params, model.kidney_inputs(), model.kidney_inputs().calcium_mg_per_day, model.dt)


def start_description(model: Any) -> str:
    """Which blood state day 0 started from, in words for the results: the calcium-balanced steady state, or the
    reference blood calcium and why; as :func:`start_balance` recorded it on day 0 (not a later diet's)."""
    if (said := model.__dict__.get("_start_description")) is not None:
        return said
    p, intake = model.params, model.kidney_inputs().calcium_mg_per_day
    if model.inputs.patient.species != "human":
        return "the reference blood calcium (a rodent preset: its time-scaled day is not a steady human day)"
    state = calcium_balance.calcium_balanced_state(p, model.kidney_inputs(), intake, model.dt)
    if state is None:
        return ("the reference blood calcium: at no ionised calcium from 0.8 to 1.6 mmol/L does the day's absorbed "
                "calcium equal its losses in urine and faeces, so blood calcium and PTH move from day 1")
    if (serum := state.systemic.serum_calcium_mmol_l) < calcium_balance.LOWEST_START_SERUM_CALCIUM_MMOL_L:
        return (f"the reference blood calcium: {intake:g} mg/day of calcium eaten balances the day only at a serum calcium of "
                f"{serum:.2f} mmol/L, below the reference range, so blood calcium and PTH adapt over the first months")
    return f"the calcium-balanced steady state of the day-0 diet and kidneys (serum calcium {serum:.3f} mmol/L)"


def start_balance_factor(model: Any) -> float:
    """:func:`day0_balance_factor` of the person's own day-0 rates, once per model (the start's PTH
    and the life course's both read it); 1 for a rodent preset (:func:`start_balance`)."""
    if "_start_balance_factor" not in model.__dict__:
        model._start_balance_factor = 1.0 if model.inputs.patient.species != "human" \
            else day0_balance_factor(model, model.params)
    return model._start_balance_factor


def day0_balance_factor(model: Any, p) -> float:
    """:func:`calcium_balance_pth_factor` of a person with the rates ``p`` on the day-0
    kidneys and diet (the gut's absorption and, after the final period, the kidney's calcium
    leak are the rates it reads; one solve, cached per parameter set)."""
    return calcium_balance_pth_factor(model.kidney_inputs(), model.kidney_inputs().calcium_mg_per_day, p, model.dt)


def calcium_balance_pth_factor(k, calcium_intake_mg_per_day: float, p, dt: float = 1.0) -> float:
    """Steady PTH of a person (parameters ``p``) where the gut absorbs what urine and endogenous
    faeces lose (:func:`.calcium_balance.calcium_balanced_pth_pmol_l`) / the kidneys' steady PTH at
    the reference ionised calcium (:func:`.minerals.steady_pth_relative`), on the same kidneys ``k``
    and diet: the level the run's own laws settle at within months. Near 1 for the reference person
    (the laws are calibrated there); above 1 when age, menopause or the absorption trait lower
    absorption (ageing.calcium_absorption_by_age, Heaney 1989); below 1 in CKD, where the calcium
    the day needs is absorbed at a higher serum calcium. Magnitude: ~1.09 for a man of 85 and ~1.17
    for a woman of 85 long past her final period, on top of the GFR law's rise in the kidneys' own
    steady PTH (together x1.23 and x1.52 of the reference man's), as serum PTH rises with age
    (Marcus 1984 J Clin Endocrinol Metab: 29 -> 48 pg/mL from 20 to 80 y, 158
    adults); Need 2004 J Clin Endocrinol Metab 89:1646 (918 postmenopausal women) and Need 2009
    Calcif Tissue Int 85:31 attribute that rise to renal function and 25(OH)D rather than to
    absorption, a cause the model does not separate. 1 where the balance is no start
    (:func:`.calcium_balance.start_balanced_state`: none, or below the reference range), as the blood
    then starts at the reference ionised calcium."""
    state = calcium_balance.start_balanced_state(p, k, calcium_intake_mg_per_day, dt)
    at_reference = minerals.steady_pth_relative(k, p) * parathyroid.reference_pth_pmol_l(p)
    return 1.0 if state is None or at_reference <= 0.0 else state.systemic.pth_pmol_l / at_reference


def start_capxp_relative(model: Any) -> float:
    """Serum Ca x P (relative to the reference) the person's osteoid mineralised under before day 0:
    the calcium-balanced steady state of the day-0 kidneys and diet the blood starts from
    (:func:`.calcium_balance.calcium_balanced_state`; :func:`.minerals.steady_capxp_relative` at the
    reference calcium where none exists). With the reference product a CKD patient's spin-up left
    an osteoid backlog that the run's high phosphate then mineralised within days (ckd_stage5:
    1,430 mg/day on day 1 against 670 resorbed, serum calcium 2.35 -> 2.18 mmol/L and PTH 19 -> 38
    pmol/L by day 7)."""
    if "_start_capxp_relative" not in model.__dict__:
        state = start_balance(model)
        model._start_capxp_relative = minerals.steady_capxp_relative(model.kidney_inputs(), model.params) \
            if state is None else calcium.capxp_relative(state.systemic, model.params)
    return model._start_capxp_relative


def start_drives(model: Any) -> remodeling.BoneDrives:
    """The bone drives the person's first day would have under the start signals: the steady PTH of the day-0
    kidneys (:func:`start_pth_relative`, x :func:`skeletal_pth_sensitivity`), the estrogen-loss effect on day 0
    (on activation through its lag once the spin-up has set ``model.activation_estrogen_effect``) and the
    healthy default person's bone vitamin K (as the spin-up, :func:`healthy_bone_vitamin_k_supply`)."""
    fmp = model.years_relative_to_fmp
    effect = 0.0 if fmp is None else past_estrogen_loss_effect(model, fmp)
    return remodeling.bone_drives(start_pth_relative(model) * skeletal_pth_sensitivity(model), effect,
                                  healthy_bone_vitamin_k_supply(model.params, model.dt), model.params,
                                  model.__dict__.get("activation_estrogen_effect"))


def start_cortical(model: Any, mineral_mg: float) -> skeleton.CorticalBone:
    """The cortical compartment at the steady state of its daily step under the person's start drives (:func:`start_drives`:
    activation, resorption depth and refill margin) and start Ca x P (:func:`start_capxp_relative`)."""
    drives, p = start_drives(model), model.params
    return skeleton.cortical_steady_state(mineral_mg, p, drives.activation_factor, start_capxp_relative(model),
                                          1.0 / drives.osteoclast_apoptosis_factor,
                                          remodeling.osteoblast_refill_margin(drives, p), model.dt)


def spin_up_bone(model: Any, days: float) -> None:
    """Remodel for ``days`` under the healthy default person's vitamin K (:func:`healthy_bone_vitamin_k_supply`),
    this person's own steady kidney PTH (as the skeleton sees it) and Ca x P, with the run's parameters
    (:func:`.life_course.spin_up_section`); keeps activation's lagged estrogen-loss effect."""
    model.activation_estrogen_effect = life_course.spin_up_section(
        model.bone, model.osteoclasts, model.osteoblasts, healthy_bone_vitamin_k_supply(model.params, model.dt),
        model.params, model.random_stream, model.dt, days, estrogen_history(model),
        start_pth_relative(model) * skeletal_pth_sensitivity(model), start_capxp_relative(model))


def estrogen_history(model: Any):
    """``f(days before day 0) -> estrogen-loss effect`` for the spin-up, or None (no menopause)."""
    if (t0 := model.years_relative_to_fmp) is None:
        return None
    return lambda days_before: past_estrogen_loss_effect(model, t0 - days_before / DAYS_PER_YEAR_OF_AGE)


def update_rates(model: Any) -> None:
    """Set ``model.params`` and ``model.gfr_ml_per_min`` to the person's rates today: the age
    and sex laws and the traits act on ``model.base_params``; ``model.vitamin_k_params`` to the set
    the vitamin K day reads (:func:`.vitamin_k.vitamin_k_parameters`: the same from one update to the next
    until warfarin's clearance falls with age). Rodent presets keep the base parameters (the age laws are human)."""
    patient = model.inputs.patient
    model._person_updated_day = model.__dict__.get("_day", 0)
    if patient.species != "human":
        model.params, model.vitamin_k_params, model.gfr_ml_per_min = model.base_params, model.base_params, None
        return
    traits = traits_of(patient)
    base, age = model.base_params, model.age_years
    model.vitamin_k_params = vitamin_k.vitamin_k_parameters(  # warfarin's half-life rises with age (Hamberg 2007)
        base, traits["vitamin_k_disposition"], vitamin_k.personal_warfarin_half_life_h(age, base))
    if patient.remodeling_balance_varies:
        traits["remodeling_balance"] = wandering_remodeling_balance(model)
    model.params = ageing.personal_parameters(base, age, patient.sex, model.years_relative_to_fmp, traits,
                                              on_hormone_therapy(model), vessel_therapy(model))
    model.gfr_ml_per_min = ageing.gfr_for_person_ml_per_min(
        age, patient.sex, calcium.GFR_ML_PER_MIN_BY_CKD_STAGE[patient.ckd_stage], model.params)


def traits_of(patient) -> dict[str, float]:
    """The person's traits as set (:data:`TRAIT_KEYS`; a wandering balance at its set value)."""
    return {name: getattr(patient, name) for name in TRAIT_KEYS}


#: entropy added to the run's seed for a wandering trait's own stream (the run's other streams stay the same)
WANDERING_TRAIT_STREAM = 0x7A17


def wandering_remodeling_balance(model: Any) -> float:
    """Today's ``remodeling_balance`` of a person whose balance wanders
    (``patient.remodeling_balance_varies``): the set value on day 0 (or on the day a schedule
    sets another), then :func:`.person_traits.wandering_trait_step` from the last update, with
    normal draws from the run's own trait stream (seed + :data:`WANDERING_TRAIT_STREAM`: same
    seed, same numbers)."""
    patient, p, day = model.inputs.patient, model.base_params, model.__dict__.get("_day", 0)
    state = model.__dict__.get("_wandering_balance")
    if state is None or state[2] != patient.remodeling_balance:  # day 0, or a schedule set a new value
        rng = state[3] if state is not None else np.random.default_rng([model.seed, WANDERING_TRAIT_STREAM])
        state = (day, patient.remodeling_balance, patient.remodeling_balance, rng)
    last_day, value, set_value, rng = state
    if day > last_day:
        value = person_traits.wandering_trait_step(value, 1.0, p.remodeling_balance_sd,
                                                   (day - last_day) * model.dt / DAYS_PER_YEAR_OF_AGE,
                                                   p.remodeling_balance_correlation_years, rng.standard_normal())
    model._wandering_balance = (day, value, set_value, rng)
    return value


def on_hormone_therapy(model: Any) -> bool:
    """Whether the person takes menopausal hormone therapy today (``drugs.menopausal_hormone_therapy``)."""
    return model.inputs.drugs.menopausal_hormone_therapy


def vessel_therapy(model: Any) -> float:
    """Share (0-1) of today's hormone therapy the vessel takes: 0 off it, else :func:`.hormone_therapy.vessel_share`."""
    return model.__dict__.get("_vessel_therapy_share", 1.0) if on_hormone_therapy(model) else 0.0


def estrogen_loss_effect(model: Any, years_relative_to_fmp: float | None) -> float:
    """Early estrogen-loss effect on bone (0-1): the perimenopausal law for women, an abrupt
    loss (ovariectomy-like) for rodent presets."""
    if model.inputs.patient.species == "human":
        share = hormone_therapy.estrogen_loss_share_left(on_hormone_therapy(model), model.params)  # 1 without
        return ageing.menopause_estrogen_effect(years_relative_to_fmp, model.params) * share
    if years_relative_to_fmp is None or years_relative_to_fmp < 0.0:
        return 0.0
    return remodeling.estrogen_loss_effect(True, years_relative_to_fmp, model.params)


def bone_drives_today(model: Any, pth_relative: float, vitamin_k_supply_nmol_per_l: float) -> remodeling.BoneDrives:
    """Today's :func:`.remodeling.bone_drives`: PTH as the skeleton sees it (x the hormones' lagged sensitivity); the
    estrogen-loss effect acts on osteoclast lifespan and osteoblast apoptosis at once, and on activation through its
    first-order lag (:func:`.ageing.lagged_activation_effect`; ``model.activation_estrogen_effect`` carries it)."""
    effect = estrogen_loss_effect(model, model.years_relative_to_fmp)
    activation = model.activation_estrogen_effect = ageing.lagged_activation_effect(
        model.activation_estrogen_effect, effect, model.params, model.dt)
    return remodeling.bone_drives(pth_relative * model.hormones.skeletal_pth_sensitivity, effect,
                                  vitamin_k_supply_nmol_per_l, model.params, activation)


def skeletal_pth_sensitivity(model: Any) -> float:
    """The bone's steady PTH factor for today's kidneys (:func:`.minerals.steady_skeletal_pth_sensitivity`)."""
    return minerals.steady_skeletal_pth_sensitivity(model.kidney_inputs(), model.params)


def past_estrogen_loss_effect(model: Any, years_relative_to_fmp: float) -> float:
    """The effect on a spin-up day before day 0: the person's own (:func:`estrogen_loss_effect`), also before the final
    period, where the perimenopausal law rises (so a woman at her final period starts as a run through it reaches it)."""
    return estrogen_loss_effect(model, years_relative_to_fmp)


def start_bone_fraction_relative(model: Any) -> float:
    """Start trabecular bone volume relative to the reference person's: the ``peak_bone_mass`` trait, or what a
    measured ``baseline_bmd_t_score`` implies (15 % headroom for the spin-up's loss, trimmed by :func:`match_baseline_bmd`)."""
    patient, p = model.inputs.patient, model.params
    if patient.baseline_bmd_t_score is not None and patient.species == "human":
        return 1.15 * baseline_section_bmd_g_cm2(model) / p.reference_bmd_g_cm2
    return patient.peak_bone_mass


def baseline_section_bmd_g_cm2(model: Any) -> float:
    """The section BMD of a measured ``baseline_bmd_t_score``: a T-score is a lumbar-spine DXA reading
    (young-adult reference of :func:`.ageing.bmd_from_t_score`), so the section starts where the
    ``lumbar_spine_dxa_bmd_g_cm2`` column reads it at the person's age
    (:func:`.skeleton.volumetric_bmd_for_expected_spine_dxa_g_cm2`: the vertebra's grown depth and the
    age's osteophytes come off)."""
    patient, p = model.inputs.patient, model.params
    dxa = ageing.bmd_from_t_score(patient.baseline_bmd_t_score, patient.sex, p)
    return skeleton.volumetric_bmd_for_expected_spine_dxa_g_cm2(dxa, model.age_years, patient.sex, p)


def live_life_course(model: Any, spin_up_days: float) -> None:
    """Before the spin-up (``spin_up_days`` physiological days), a person (not a rodent preset)
    without a measured ``baseline_bmd_t_score`` lives the decades since the young-adult peak on
    the run's own section (:func:`life_course_bone`), and the cortical mineral is what those years
    left (the compartment starts from it after the spin-up, :func:`start_cortical`)."""
    patient = model.inputs.patient
    if patient.species != "human" or patient.baseline_bmd_t_score is not None:
        return
    course = model.life_course = life_course_bone(model, spin_up_days)
    if course.years > 0.0:
        model.cortical.mineral_mg *= course.cortical_fraction  # the compartment starts after the spin-up


def match_baseline_bmd(model: Any) -> None:
    """After the spin-up, scale the section's mineral so the lumbar-spine DXA reading equals the
    measured ``baseline_bmd_t_score`` (:func:`baseline_section_bmd_g_cm2`). Where the section cannot
    hold that bone (a small grid whose few mineralised patches are full), ``model.start_warnings``
    says so: the run's results carry it (:func:`calcium_abm.simulation.results_frame`)."""
    patient = model.inputs.patient
    if patient.baseline_bmd_t_score is not None and patient.species == "human":
        scale_section_bmd(model, target := baseline_section_bmd_g_cm2(model))
        reached = model.bone_mineral_density_g_cm2
        if reached < target * (1.0 - 1e-9):
            dxa = skeleton.expected_spine_dxa_bmd_g_cm2(reached, model.age_years, patient.sex, model.params)
            w, h = model.bone.mineral.shape
            model.start_warnings = [
                f"the {w} x {h} bone section cannot hold the bone of patient.baseline_bmd_t_score = "
                f"{patient.baseline_bmd_t_score:g}: its mineralised patches are full, so the run starts at T-score "
                f"{ageing.t_score(dxa, patient.sex, model.params):.2f}; a larger bone grid holds more"]


def healthy_bone_vitamin_k_supply(p, dt: float) -> float:
    """Bone vitamin K supply of the healthy default person's diet (``Scenario()``) at steady
    state, with the parameters ``p``: what the spin-up and the life course remodel under."""
    healthy = Scenario()
    return vitamin_k.steady_tissue_supply_nmol_per_l(
        vitamin_k.dietary_intake_ug_per_day(healthy.diet), healthy.drugs.warfarin_mg_per_day,
        p.bone_k1_uptake_weight, p.mk7_tissue_uptake_weight, p, dt)


#: entropy added to the run's seed for the life course's own generator (the run's streams stay the same)
LIFE_COURSE_STREAM = 0x11FE


def life_course_bone(model: Any, spin_up_days: float) -> life_course.LifeCourse:
    """Run the run's section (``model.bone``, at the person's peak bone volume, and its cells)
    from the young-adult peak (``osteoblast_reference_age_years``) to the first day of the
    spin-up (:func:`.life_course.run_bone`): the person's age, sex, menopause (the perimenopausal law
    from the final period's timing; hormone therapy taken on day 0 acts since it) and traits (the remodeling
    balance at its expected past value, :func:`.person_traits.expected_past_trait`: it wanders with a correlation
    time of ``remodeling_balance_correlation_years``, so a balance set for today acts on the last
    few years, not on the decades since 30), the bone vitamin K of the default diet (as the spin-up), :func:`life_course_pth`,
    and the life course's own generator (seed + :data:`LIFE_COURSE_STREAM`: same seed, same
    numbers; the run's own stream is untouched)."""
    patient, base = model.inputs.patient, model.base_params
    traits, fmp, therapy = traits_of(patient), model.age_at_fmp_years, on_hormone_therapy(model)
    start = base.osteoblast_reference_age_years
    end = model.start_age_years - spin_up_days * model.dt / DAYS_PER_YEAR_OF_AGE
    if end <= start:
        return life_course.LifeCourse(1.0, 1.0, 0.0)

    def params_at(age: float):  # the balance regresses to the median into the past (its Ornstein-Uhlenbeck law)
        past = {**traits, "remodeling_balance": person_traits.expected_past_trait(
            traits["remodeling_balance"], 1.0, max(model.start_age_years - age, 0.0),
            base.remodeling_balance_correlation_years)}
        return ageing.personal_parameters(base, age, patient.sex, years_relative_to_fmp(age, fmp), past, therapy)

    return life_course.run_bone(
        params_at, life_course_pth(model, params_at, start, end),
        lambda ages: np.zeros_like(ages) if fmp is None else ageing.perimenopausal_estrogen_effect(
            np.clip(ages - fmp, -120.0, 120.0), base) * hormone_therapy.estrogen_loss_share_left(therapy, base),
        healthy_bone_vitamin_k_supply(model.params, model.dt), start, end, model.bone, model.osteoclasts,
        model.osteoblasts, np.random.default_rng([model.seed, LIFE_COURSE_STREAM]))


def life_course_pth(model: Any, params_at, start: float, end: float):
    """``f(age, p) -> PTH`` (relative to the reference adult) as the skeleton sees it over the life course: the
    kidney laws' steady state (:func:`.minerals.steady_pth_relative`) for healthy kidneys ageing by the GFR law on
    the default diet (x :func:`.dialysis.skeletal_pth_sensitivity`, 1 above its onset GFR), at
    :func:`.life_course.pth_knot_ages`, linear in between (a CKD stage acts from the spin-up on), x the rise the
    person's calcium balance adds as a function of the gut's absorption rate alone (:func:`day0_balance_factor`;
    < 0.1 % across one gut's ages), exact at the two ends' absorption (day 0: :func:`start_pth_relative`)."""
    healthy, base, sex = Scenario(), model.base_params, model.inputs.patient.sex
    normal = calcium.GFR_ML_PER_MIN_BY_CKD_STAGE[0]
    knots = life_course.pth_knot_ages(start, end, base)
    kidney_pth, kidneys = [], []
    for age in knots:
        p = params_at(age)
        kidneys.append(minerals.kidney_inputs(healthy, ageing.gfr_for_person_ml_per_min(age, sex, normal, p), 0.0, p))
        kidney_pth.append(minerals.steady_pth_relative(kidneys[-1], p)  # as the skeleton sees it
                          * minerals.steady_skeletal_pth_sensitivity(kidneys[-1], p))
    gut = (params_at(start).passive_absorption_per_day, model.params.passive_absorption_per_day)
    eaten = minerals.eaten_mg_per_day(model.inputs.diet.calcium_mg_per_day, kidneys[0].gfr_ml_per_min, False, base)
    factor = (calcium_balance_pth_factor(kidneys[0], eaten, params_at(start), model.dt),
              start_balance_factor(model))

    def pth_at(age: float, p) -> float:
        balance = factor[1] if gut[0] == gut[1] else float(np.interp(
            p.passive_absorption_per_day, (min(gut), max(gut)), factor if gut[0] < gut[1] else factor[::-1]))
        return float(np.interp(age, knots, kidney_pth)) * balance
    return pth_at


def scale_section_bmd(model: Any, target: float) -> None:
    """Scale the section's mineral (and its secondary-mineral deficit) so BMD equals ``target``
    (a section without mineral, e.g. resorbed in the spin-up at extreme rates, stays so). Where the
    mineralised patches are full before the target is reached (a small section whose spin-up left
    few, dense patches), their young matrix completes its secondary mineralisation (the deficit
    shrinks) as far as that reaches; a target beyond even that leaves the section at its fullest."""
    bone = model.bone
    if model.bone_mineral_density_g_cm2 <= 0.0:
        return
    room = np.maximum(1.0 - bone.osteoid - bone.cavity, 0.0)  # >= 0: osteoid + cavity may pass 1 by round-off
    _scale_mineral_within_room(model, target, room)
    shortfall = target / model.bone_mineral_density_g_cm2 - 1.0
    deficit = bone.mineral_deficit.sum()
    if shortfall > 0.0 and deficit > 0.0:
        content = bone.tallies()[0]
        np.multiply(bone.mineral_deficit, max(1.0 - shortfall * content / deficit, 0.0), out=bone.mineral_deficit)


def _scale_mineral_within_room(model: Any, target: float, room: np.ndarray) -> None:
    """:func:`scale_section_bmd`'s first part: scale mineral and deficit together towards ``target``,
    holding patches that fill up at their ``room``."""
    bone = model.bone
    for _ in range(100):  # patches that fill up are held at their room and the rest scaled again
        ratio = target / model.bone_mineral_density_g_cm2
        np.multiply(bone.mineral, ratio, out=bone.mineral)
        np.multiply(bone.mineral_deficit, ratio, out=bone.mineral_deficit)  # young matrix keeps its share
        over = bone.mineral > room
        if not over.any():
            return
        # a full patch keeps its young matrix's share of its mineral (its deficit shrinks with it):
        # clipping the mineral alone would lower its content each round
        bone.mineral_deficit[over] *= room[over] / bone.mineral[over]  # mineral > room >= 0 there
        bone.mineral[over] = room[over]
        if not (bone.mineral < room)[bone.mineral > 0.0].any():  # every mineralised patch is full
            return


def seed_baseline_calcification(model: Any) -> None:
    """Start the wall at the person's age: a measured ``baseline_calcification_score`` (or
    the typical trajectory) in the intima, and the species' chemistry
    (:func:`.calcification.prepare_wall`)."""
    calcification.prepare_wall(model.vessel, model.inputs.patient, model.age_years, model.age_at_fmp_years,
                               model.params, on_hormone_therapy(model))
