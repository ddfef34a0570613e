"""Parameters that act only where their drug, treatment, companion parameter or sex is in the run.

A parameter of warfarin's kinetics does nothing in a run without warfarin, a binder's capacity
nothing without the binder, a dialysis law's constant nothing without sessions, a clotting
factor's half-life nothing while the factor has no weight in the prothrombin time, a law of the menopause
or a constant of one sex nothing for the other sex (a run's sex never changes): the rule that reads each
is never reached, or its result is multiplied by 0. A pool's kinetics (a clotting factor's half-life, the
vitamin K stores' turnover) does nothing in a run whose inputs never change: every run starts at the
steady state of its day-0 inputs, and a half-life only sets how fast a pool reaches a new one. A single run refuses such a setting when no
day of the run (day 0 and each schedule boundary) lets it act, as it refuses a trait spread its
person does not let act (:func:`.person_traits.inert_setting_problems`); a batch refuses it when no
run of the batch reads it (:mod:`calcium_abm.batch.inert`). ``tests/test_inert_inputs.py`` checks
each entry both ways: bit-identical runs while the condition is off, different runs once it is on.
"""

from __future__ import annotations

import collections
import functools
import math
from typing import Callable

from calcium_abm.physiology.cap_conditions import CAP_CONDITIONS
from calcium_abm.physiology.condition_reads import (default as _default, female as _female,
                                                    gfr_ml_per_min_over_run as _gfr_ml_per_min,
                                                    hormone_therapy_taken as _hormone_therapy,
                                                    lower_of_set_and_default as _lower, male as _male,
                                                    module_parameters as _module_parameters, modules_parameters,
                                                    parameter as _parameter)
from calcium_abm.physiology.dialysis import REFERENCE_SESSION_HOURS
from calcium_abm.physiology.life_stage_conditions import LIFE_STAGE_CONDITIONS, MENOPAUSE_LAWS

__all__ = ["CONDITIONAL_PARAMETERS", "FEMALE_ONLY", "KINETIC_PARAMETERS", "MALE_ONLY", "MENOPAUSE_LAWS", "LINGERING", "acts_in",
           "acts_on_day", "condition_text",
           "inert_conditional_parameters", "skeletal_resistance_moves", "therapy_started_by_schedule",
           "vitamin_k_inputs_change"]


def _warfarin(state) -> bool:
    return state.drugs.warfarin_mg_per_day > 0.0


def _sevelamer(state) -> bool:
    return state.drugs.sevelamer_g_per_day > 0.0


def _calcium_acetate(state) -> bool:
    return state.drugs.calcium_acetate_g_per_day > 0.0


def _dialysis(state) -> bool:
    return state.dialysis.sessions_per_week > 0


def _longer_or_shorter_sessions(state) -> bool:
    return state.dialysis.sessions_per_week > 0 and state.dialysis.session_hours != REFERENCE_SESSION_HOURS


def _factor_counts(factor: str) -> Callable:
    """Whether factor ``factor`` has a weight in the prothrombin time (``pt_weight_factor_<factor>`` > 0)."""
    def counts(state) -> bool:
        from calcium_abm.physiology import coagulation

        return _parameter(state, f"pt_weight_factor_{factor}", coagulation) > 0.0
    return counts


#: why factor X has no weight by default (coagulation.pt_weight_factor_x's source); factor II's half-life always
#: acts through its column (factor_ii_activity)
_FOLLOWS_VII = " because the INR follows factor VII (docs/parameters.md)"


def _half_life_of(factor: str, why_zero: str) -> tuple[str, Callable]:
    return (f"parameters.pt_weight_factor_{factor} is above 0 (factor {factor.upper()}'s weight in the prothrombin "
            f"time; 0 by default{why_zero}, and no column reports factor {factor.upper()})", _factor_counts(factor))


def _another_factor_counts(state) -> bool:
    """Whether a factor other than VII has a weight in the prothrombin time: the INR is the weighted
    geometric mean of the factors' activities over the weights' sum, so with VII's the only weight its
    value cancels."""
    return any(_factor_counts(f)(state) for f in ("ii", "ix", "x"))


@functools.lru_cache(maxsize=1)
def _liver_parameter_type(names: tuple[str, ...]) -> type:
    return collections.namedtuple("LiverParameters", names)


def _liver_parameters(state):
    """The vitamin K cycle's, the liver's carboxylation's and the clotting factors' parameters of one day's settings,
    as a hashable record (their laws' caches key on it): what the liver's steady activity reads, without the
    package's whole registry (which imports this module)."""
    from calcium_abm.physiology import carboxylation, coagulation, vitamin_k

    values = modules_parameters(state, (vitamin_k, carboxylation, coagulation))
    names = tuple(sorted(values))
    return _liver_parameter_type(names)(**{name: values[name] for name in names})


def _prothrombin_complex_reaches_floor(state) -> bool:
    """Whether the INR's floor of prothrombin-complex activity (``minimum_prothrombin_complex_activity``) can act on
    these settings: warfarin, or a liver whose steady activity without warfarin (the day's vitamin K intake, the
    person's vitamin K disposition, the liver's menaquinone store and its warfarin-insensitive reductase) lies below
    it; the usual diet keeps ~1 and no vitamin K at all ~0.91 (the store), above the floor's highest value (0.2)."""
    if _warfarin(state):
        return True
    from calcium_abm.physiology import carboxylation, coagulation, vitamin_k

    p = vitamin_k.vitamin_k_parameters(_liver_parameters(state), state.patient.vitamin_k_disposition)
    intake = vitamin_k.dietary_intake_ug_per_day(state.diet)
    supply = vitamin_k.steady_tissue_supply_nmol_per_l(intake, 0.0, 1.0, 1.0, p)  # the liver takes every form
    relative = carboxylation.hepatic_kh2_relative(supply, 1.0, p)
    unfloored = coagulation.weighted_factor_activity(coagulation.hepatic_factor_carboxylation(relative, p),
                                                     p._replace(minimum_prothrombin_complex_activity=1e-300))
    return unfloored < p.minimum_prothrombin_complex_activity


def _calcium_diet_not_reference(state) -> bool:
    """Whether the diet's calcium differs from the reference diet's: the gut binds phosphate in proportion
    to the calcium eaten beyond the reference (:func:`.dialysis.dietary_calcium_phosphate_binding_mg`); eating less
    of the same diet scales both (uraemic anorexia), so the difference is the diet's."""
    from calcium_abm.physiology import dialysis

    return state.diet.calcium_mg_per_day != _parameter(state, "reference_calcium_intake_mg_per_day", dialysis)


def _onset_spread_places_the_person(state) -> bool:
    """Whether the SD of the intimal onset age moves this person's onset (:func:`.intima.plaque_onset_age_years`):
    a calcification_propensity other than 1 places them away from the median, and a measured score of 0
    past their sex's median onset age puts them among the people still at zero (the typical person of
    any age, and a measured 0 before the median, start at the median whatever the SD)."""
    patient = state.patient
    if patient.calcification_propensity != 1.0:
        return True
    from calcium_abm.physiology import intima

    median = _parameter(state, f"intimal_onset_age_median_{patient.sex}_years", intima)
    return patient.baseline_calcification_score == 0.0 and patient.age_years > median


_FEMALE = ('patient.sex is "female" (a constant of women: no rule reads it for a man)', _female)


_MALE = ('patient.sex is "male" (a constant of men: no rule reads it for a woman)', _male)
#: the parameters one sex's rules read and the other's never do (checked both ways by tests/test_inert_inputs.py);
#: gfr_decline_male_ml_per_min_per_year is not among them (women's GFR decline reads it too); the young-adult spine
#: mean and SD of a sex convert that sex's T-scores (a measured baseline_bmd_t_score, the lumbar_spine_t_score column)
FEMALE_ONLY = ("estrogen_loss_activation_factor", "estrogen_loss_osteoclast_lifespan_factor",
               "estrogen_loss_osteoblast_apoptosis_factor", "estrogen_loss_adaptation_years",
               "estrogen_loss_late_effect_fraction", "estrogen_loss_activation_lag_years",
               "perimenopause_onset_midpoint_years", "perimenopause_onset_width_years", "transmenopause_end_years",
               "absorption_fraction_menopause_drop", "estrogen_renal_calcium_excretion_rise",
               "estrogen_phosphate_threshold_rise",
               "lumbar_osteophyte_prevalence_female", "osteophyte_spine_bmd_female_g_cm2",
               "intimal_onset_age_median_female_years", "gfr_decline_female_ml_per_min_per_year",
               "female_vessel_propensity_factor", "young_adult_spine_bmd_female_g_cm2", "female_bone_size_factor",
               "estrogen_vessel_protection", "young_adult_spine_bmd_sd_female_g_cm2")
MALE_ONLY = ("lumbar_osteophyte_prevalence_male", "osteophyte_spine_bmd_male_g_cm2",
             "intimal_onset_age_median_male_years", "young_adult_spine_bmd_male_g_cm2",
             "young_adult_spine_bmd_sd_male_g_cm2")

_WARFARIN = ("drugs.warfarin_mg_per_day is above 0 on that day or before (warfarin's kinetics and its action on "
             "VKOR, also while warfarin given earlier washes out)", _warfarin)
_DIALYSIS = ("dialysis.sessions_per_week is above 0 (the phosphate a session removes)", _dialysis)


def _warfarin_past_clearance_onset(state, or_default: bool = False) -> bool:
    """Whether a person (not a rodent preset, whose age laws are off) takes warfarin and is older by the run's end
    than the onset of warfarin's age-related fall in clearance (:func:`.vitamin_k.warfarin_clearance_relative`)
    in force, or (``or_default``) than the default onset, past which moving the onset acts."""
    from calcium_abm.physiology import vitamin_k

    onset = _lower(state, "warfarin_clearance_decline_onset_age_years", vitamin_k, or_default)
    return (_warfarin(state) and state.patient.species == "human"
            and state.patient.age_years + state.simulation.years > onset)


def skeletal_resistance_moves(scenario) -> bool:
    """Whether the skeleton's PTH sensitivity moves during a validated ``scenario``'s run, where its half-life
    acts: its steady target (:func:`.dialysis.skeletal_pth_sensitivity`) at the highest and the lowest GFR of
    day 0's and each schedule boundary's settings (a GFR decline, an ageing GFR, a schedule that changes the
    kidneys or the law's parameters) takes more than one value. Every run starts at the target of its day-0 kidneys."""
    from calcium_abm.physiology import dialysis

    targets = set()
    for day in (0, *scenario.schedule_boundaries()):
        state = scenario.state_at(day)
        p, on_dialysis = _module_parameters(dialysis, state), _dialysis(state)
        targets |= {dialysis.skeletal_pth_sensitivity(max(_gfr_ml_per_min(state, lowest), 1e-6), on_dialysis, p)
                    for lowest in (False, True)}
    return len(targets) > 1


def therapy_started_by_schedule(scenario, day: int | None = None) -> bool:
    """Whether hormone therapy first starts on a [[schedule]] boundary of a validated ``scenario`` (on ``day``, if
    given) for a woman past her final period that day, where the vessel's window (:func:`.hormone_therapy.vessel_share`)
    reads the years since it: therapy taken from day 0 is taken since the final period, one started before it has the
    whole share, and a restart keeps the first start's (``person.take_inputs``)."""
    from calcium_abm.time_units import DAYS_PER_YEAR_OF_AGE

    days = (0, *scenario.schedule_boundaries())
    first = next(((d, state) for d in days if _hormone_therapy(state := scenario.state_at(d))), None)
    if first is None or first[0] == 0 or (day is not None and first[0] != day) or not _female(first[1]):
        return False
    patient = first[1].patient
    planned = patient.age_at_final_menstrual_period
    return patient.postmenopausal or (planned is not None
                                      and scenario.patient.age_years + first[0] / DAYS_PER_YEAR_OF_AGE >= planned)


_THERAPY_WINDOW = ("a [[schedule]] entry first starts drugs.menopausal_hormone_therapy, while the parameter is set, "
                   "for a woman past her final period (the vessel's share of the therapy reads the years from her "
                   "final period to that start; therapy taken from day 0 is taken since the final period)", None)


def _onset(state, name: str, or_default: bool = False) -> float:
    """The GFR onset ``name`` (a :mod:`.dialysis` parameter) of these settings, or the larger of it and its default
    (where moving the onset acts below either)."""
    from calcium_abm.physiology import dialysis

    onset = _parameter(state, name, dialysis)
    return max(onset, _default(name, dialysis)) if or_default else onset


def _resistance_onset(state, or_default: bool = False) -> float:
    return _onset(state, "skeletal_pth_resistance_onset_gfr_ml_per_min", or_default)


def _reference_gfr(state) -> float:
    from calcium_abm.physiology import kidney

    return _parameter(state, "reference_gfr_ml_per_min", kidney)


def _skeleton_resists_pth(state) -> bool:
    """Whether the skeleton's PTH sensitivity is below 1 on some day of these settings: dialysis, or a GFR below
    the onset (:func:`.dialysis.skeletal_pth_sensitivity`)."""
    return _dialysis(state) or _gfr_ml_per_min(state) < _resistance_onset(state)


_GFR_WORDS = ("a GFR (kidney.residual_gfr_ml_per_min or the end of its decline, kidney.gfr_end_ml_per_min, the "
              "CKD stage's, or a person's by the age law at the run's end)")
_RESISTS = (f"dialysis.sessions_per_week is above 0, or {_GFR_WORDS} lies below "
            "parameters.skeletal_pth_resistance_onset_gfr_ml_per_min (45 unless set): above it the skeleton answers "
            "PTH fully", _skeleton_resists_pth)
_INHIBITORS_LOST = (f"there is no dialysis and {_GFR_WORDS} lies below parameters.reference_gfr_ml_per_min (100 "
                    "unless set): above it the serum keeps all its calcification inhibitors, and on dialysis it has the "
                    "ESRD share (esrd_calcification_inhibition_fraction) whatever the GFR",
                    lambda state: not _dialysis(state) and _gfr_ml_per_min(state) < _reference_gfr(state))
_KIDNEYS_OFF_REFERENCE = (
    "the GFR is not the kidney laws' reference on some day: always for a person (the life course that builds the "
    "skeleton before day 0 passes through the GFRs of age, whatever the run's measured GFR), and for a rodent preset "
    f"only with dialysis or where {_GFR_WORDS} differs from parameters.reference_gfr_ml_per_min (100 unless set): "
    "without a CKD stage, a measured GFR or dialysis its kidneys stay at the reference, where these laws (each a "
    "power or share of GFR / reference) give exactly their reference value",
    lambda state: state.patient.species == "human" or _dialysis(state)
    or _gfr_ml_per_min(state) != _reference_gfr(state) or _gfr_ml_per_min(state, lowest=False) != _reference_gfr(state))
_INHIBITORS_SHARE = (f"there is dialysis, or {_GFR_WORDS} lies below parameters.reference_gfr_ml_per_min (100 unless "
                     "set): the serum loses calcification inhibitors towards this ESRD share only there",
                     lambda state: _dialysis(state) or _gfr_ml_per_min(state) < _reference_gfr(state))
#: the media's MGP chain: what a media that makes no MGP (genetics.mgp_knockout) never reads
MGP_CHAIN = ("vessel_k1_uptake_weight", "vessel_ggcx_half_saturation_nmol_per_l", "vessel_vitamin_k_penetration_fraction",
             "mgp_turnover_per_day", "osteochondrogenic_mgp_synthesis_factor", "ucmgp_relative_inhibition",
             "mgp_inhibition_half_saturation", "dp_ucmgp_release_pmol_l_per_day", "dp_ucmgp_plasma_half_life_days")
_MAKES_MGP = ("genetics.mgp_knockout is false: a media that makes no MGP has none to carboxylate, to inhibit mineral "
              "with or to release as dp-ucMGP (which reads 0)", lambda state: not state.genetics.mgp_knockout)
_MAKES_OSTEOCALCIN = ("genetics.osteocalcin_knockout is false: osteoblasts that make no osteocalcin have none to "
                      "carboxylate", lambda state: not state.genetics.osteocalcin_knockout)
_RESISTANCE_ONSET = (f"there is no dialysis and {_GFR_WORDS} lies below this onset or the default one (45) (on "
                     "dialysis the skeleton's share is the ESRD one, whatever the onset)",
                     lambda state: not _dialysis(state) and _gfr_ml_per_min(state) < _resistance_onset(state, True))


def _intake_onset(state, or_default: bool = False) -> float:
    return _onset(state, "uraemic_intake_onset_gfr_ml_per_min", or_default)


def _loss(state) -> float:
    from calcium_abm.physiology import dialysis

    return _parameter(state, "uraemic_intake_loss_at_zero_gfr", dialysis)


_EATS_LESS = (f"there is no dialysis and {_GFR_WORDS} lies below "
              "parameters.uraemic_intake_onset_gfr_ml_per_min (53 unless set): above it, and on dialysis, the person "
              "eats the habitual diet", lambda state: not _dialysis(state) and _gfr_ml_per_min(state) < _intake_onset(state))
_INTAKE_ONSET = (f"there is no dialysis, {_GFR_WORDS} lies below this onset or the default one (53), and "
                 "parameters.uraemic_intake_loss_at_zero_gfr is above 0 (on dialysis the habitual diet is eaten, "
                 "whatever the onset)",
                 lambda state: not _dialysis(state) and _loss(state) > 0
                 and _gfr_ml_per_min(state) < _intake_onset(state, True))


_WARFARIN_AGE = ("drugs.warfarin_mg_per_day is above 0 in a person (not a rodent preset) who is older by the run's "
                 "end than parameters.warfarin_clearance_decline_onset_age_years (71 unless set): warfarin's clearance "
                 "falls only past that age", _warfarin_past_clearance_onset)
_WARFARIN_ONSET = ("drugs.warfarin_mg_per_day is above 0 in a person (not a rodent preset) who is older by the run's "
                   "end than this onset or the default one (71): moving the onset changes the clearance only at ages "
                   "past one of them", lambda state: _warfarin_past_clearance_onset(state, or_default=True))


#: parameter -> (where it acts, in words; whether it acts in one day's settings, a validated state)
CONDITIONAL_PARAMETERS: dict[str, tuple[str, Callable]] = {
    "warfarin_half_life_h": _WARFARIN,
    "warfarin_distribution_volume_l": _WARFARIN,
    "warfarin_clearance_decline_per_year": _WARFARIN_AGE,
    "warfarin_clearance_decline_onset_age_years": _WARFARIN_ONSET,
    "warfarin_ec50_mg_per_l": _WARFARIN,
    "warfarin_imax": _WARFARIN,
    "extrahepatic_warfarin_ec50_mg_per_l": _WARFARIN,
    "bone_warfarin_ec50_mg_per_l": _WARFARIN,
    # the liver's KH2 is read relative to the reference liver's, which has the same reductase: at a VKOR left whole
    # (no warfarin) the reductase's share cancels, bit for bit (a fresh user, stop 70)
    "liver_alternative_reductase_per_h": _WARFARIN,
    "sevelamer_phosphate_binding_mg_per_g": ("drugs.sevelamer_g_per_day is above 0", _sevelamer),
    "calcium_acetate_phosphate_binding_mg_per_g": ("drugs.calcium_acetate_g_per_day is above 0", _calcium_acetate),
    "calcium_acetate_precipitate_ca_per_p_molar": ("drugs.calcium_acetate_g_per_day is above 0", _calcium_acetate),
    "hormone_therapy_estrogen_replacement": ("drugs.menopausal_hormone_therapy is true", _hormone_therapy),
    "hormone_therapy_vessel_window_full_years": _THERAPY_WINDOW,
    "hormone_therapy_vessel_window_end_years": _THERAPY_WINDOW,
    "dialysis_phosphate_removal_reference_mg": _DIALYSIS,
    "dialysis_reference_predialysis_phosphate_mmol_l": _DIALYSIS,
    "dialysis_phosphate_exponent": _DIALYSIS,
    "dialysis_duration_exponent": ("dialysis.sessions_per_week is above 0 with dialysis.session_hours other than 4 "
                                   "(the law's reference session: (hours / 4) ** exponent)", _longer_or_shorter_sessions),
    "factor_x_half_life_h": _half_life_of("x", _FOLLOWS_VII),
    "pt_weight_factor_vii": ("parameters.pt_weight_factor_ii, pt_weight_factor_ix or pt_weight_factor_x is above 0 "
                             "(the INR averages the factors over their weights' sum: with factor VII's weight the "
                             "only one, its value cancels)", _another_factor_counts),
    "dietary_calcium_phosphate_binding_mg_per_mg": (
        "diet.calcium_mg_per_day differs from parameters.reference_calcium_intake_mg_per_day (the gut binds "
        "phosphate in proportion to the calcium eaten beyond the reference diet's)", _calcium_diet_not_reference),
    "intimal_onset_age_sd_years": (
        "patient.calcification_propensity is not 1, or patient.baseline_calcification_score is 0 past the sex's "
        "median onset age (the typical person starts calcifying at the median whatever the SD)",
        _onset_spread_places_the_person),
    "factor_ix_half_life_h": _half_life_of("ix", ""),
    "esrd_skeletal_pth_sensitivity": _RESISTS,
    "skeletal_pth_resistance_onset_gfr_ml_per_min": _RESISTANCE_ONSET,
    # the skeleton's resistance follows the kidneys over weeks; every run starts at its day-0 kidneys' target
    "skeletal_pth_resistance_half_life_days": (
        "the skeleton's PTH sensitivity moves during the run: a [[schedule]] entry or a trial arm changes the kidneys "
        "(patient.ckd_stage, [kidney], [dialysis]) or the law's parameters, or a GFR declines "
        "(kidney.gfr_end_ml_per_min) or ages, where the GFR lies below the resistance's onset or dialysis starts or "
        "stops (every run starts at the sensitivity of its day-0 kidneys)", None),
    **dict.fromkeys(("urine_calcium_gfr_exponent", "renal_pth_resistance_gfr_exponent", "dp_ucmgp_renal_clearance_share",
                     "pth_renal_clearance_share", "calcitriol_renal_mass_exponent"), _KIDNEYS_OFF_REFERENCE),
    "esrd_calcification_inhibition_fraction": _INHIBITORS_SHARE,
    **dict.fromkeys(MGP_CHAIN, _MAKES_MGP),
    "bone_ggcx_half_saturation_nmol_per_l": _MAKES_OSTEOCALCIN,
    "calcification_inhibition_gfr_exponent": _INHIBITORS_LOST,
    "intimal_inhibitor_loss_exponent": _INHIBITORS_LOST,
    "minimum_prothrombin_complex_activity": (
        "drugs.warfarin_mg_per_day is above 0, or the liver's steady prothrombin-complex activity without warfarin "
        "lies below this floor (vitamin K intake, vitamin_k_disposition, hepatic_menaquinone_store_nmol_per_l and "
        "liver_alternative_reductase_per_h set it: ~0.91 with no vitamin K eaten, above the floor's highest value)",
        _prothrombin_complex_reaches_floor),
    "uraemic_intake_loss_at_zero_gfr": _EATS_LESS,
    "uraemic_intake_onset_gfr_ml_per_min": _INTAKE_ONSET,
    **{name: _FEMALE for name in FEMALE_ONLY},
    **LIFE_STAGE_CONDITIONS,
    **CAP_CONDITIONS,
    **{name: _MALE for name in MALE_ONLY},
}

#: vitamin K and clotting-factor kinetics: how fast a pool moves to a new steady state. Every run starts at
#: the steady state of its day-0 inputs, so they act only in a run whose inputs change on a day after it (a
#: [[schedule]] entry or a trial arm; :func:`vitamin_k_inputs_change`): their condition is the run's, not one
#: day's (acts_in does not take them). Name -> whether a change of warfarin alone moves the pool: the clotting
#: factors follow the liver's carboxylation, which warfarin sets; the vitamin K stores hold vitamin K itself,
#: whatever blocks its recycling
#: The weights of factors II, IX and X in the prothrombin time act on the same condition: at a steady state every
#: factor sits at the liver's carboxylated share, so any weights give the same INR
KINETIC_PARAMETERS = {"liver_vitamin_k_turnover_per_h": False, "vessel_vitamin_k_store_share": False,
                      "vessel_vitamin_k_store_turnover_per_day": False, "factor_ii_half_life_h": True,
                      "factor_vii_half_life_h": True, "pt_weight_factor_ii": True, "pt_weight_factor_ix": True,
                      "pt_weight_factor_x": True}
_KINETIC_WHY = (" during the run: it sets how fast a pool moves to a new steady state, and every run starts at the "
                "steady state of its day-0 inputs")
_WEIGHT_WHY = (" during the run: the clotting factors differ only while they move to a new steady state (every run "
               "starts at the steady state of its day-0 inputs, where each sits at the liver's carboxylated share "
               "and any weights give the same INR)")
_INTAKE = "the vitamin K intake (diet.vitamin_k1_ug_per_day, mk4_ug_per_day or mk7_ug_per_day)"
CONDITIONAL_PARAMETERS.update({
    name: (f"a [[schedule]] entry or a trial arm changes {_INTAKE}{', drugs.warfarin_mg_per_day' if warfarin else ''} "
           f"or a parameter{_WEIGHT_WHY if name.startswith('pt_weight') else _KINETIC_WHY}", None)
    for name, warfarin in KINETIC_PARAMETERS.items()})


def _vitamin_k_inputs(state, warfarin: bool) -> tuple:
    diet = state.diet
    return (diet.vitamin_k1_ug_per_day, diet.mk4_ug_per_day, diet.mk7_ug_per_day,
            state.drugs.warfarin_mg_per_day if warfarin else 0.0,
            sorted((k, v) for k, v in state.parameters.items() if k not in KINETIC_PARAMETERS))


def vitamin_k_inputs_change(scenario, warfarin: bool = True) -> bool:
    """Whether a validated ``scenario``'s vitamin K intake (the diet's K1, MK-4 and MK-7), with ``warfarin``
    its warfarin, or any parameter differ between two of its days (day 0 and each schedule boundary): where
    the pools the :data:`KINETIC_PARAMETERS` time move towards a new steady state (a parameter changed mid-run
    can move it; one of those alone moves no steady state)."""
    days = [0, *scenario.schedule_boundaries()]
    inputs = [_vitamin_k_inputs(scenario.state_at(day), warfarin) for day in days]
    return any(a != b for a, b in zip(inputs, inputs[1:]))


def acts_in(name: str, state) -> bool:
    """Whether the conditional parameter ``name`` acts in ``state`` (one day's validated settings,
    :meth:`~calcium_abm.scenario.Scenario.state_at`)."""
    return bool(CONDITIONAL_PARAMETERS[name][1](state))


#: the parameters whose condition outlasts the day it ends on: warfarin given earlier is still in the body (its
#: half-life, volume and potencies set how it washes out, row W6)
LINGERING = frozenset(name for name, entry in CONDITIONAL_PARAMETERS.items() if entry is _WARFARIN)


def acts_on_day(name: str, scenario, day: int) -> bool:
    """Whether the conditional parameter ``name`` acts on ``day`` of a validated ``scenario``'s run: its
    condition holds that day, or, for :data:`LINGERING` ones, on day 0 or a schedule boundary before it."""
    if name in KINETIC_PARAMETERS:
        return vitamin_k_inputs_change(scenario, KINETIC_PARAMETERS[name])
    if name == "skeletal_pth_resistance_half_life_days":
        return skeletal_resistance_moves(scenario)
    if CONDITIONAL_PARAMETERS[name] is _THERAPY_WINDOW:
        return therapy_started_by_schedule(scenario, day)
    if name not in LINGERING:
        return acts_in(name, scenario.state_at(day))
    return any(acts_in(name, scenario.state_at(d)) for d in (0, *scenario.schedule_boundaries()) if d <= day)


def condition_text(name: str) -> str:
    """Where the conditional parameter ``name`` acts, in words: ``"it acts only where ..."``."""
    return f"it acts only where {CONDITIONAL_PARAMETERS[name][0]}"


def inert_conditional_parameters(scenario) -> list[str]:
    """The :data:`CONDITIONAL_PARAMETERS` a validated ``scenario`` sets in its ``parameters`` that no
    day of its run (day 0 and each schedule boundary) lets act."""
    set_here = [name for name in CONDITIONAL_PARAMETERS if name in scenario.parameters]
    if not set_here:
        return []
    days = (0, *scenario.schedule_boundaries())
    return [name for name in set_here if not any(acts_on_day(name, scenario, day) for day in days)]
