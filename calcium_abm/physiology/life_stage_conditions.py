"""Conditions of :mod:`.conditional_parameters` that follow a person's life stage: the laws of the menopause act only
where her estrogen falls during the run (:func:`estrogen_falls`), the laws of the postmenopause only once the run
reaches her final period or goes past her transmenopause, and the gut's absorption decline only past its onset age.
Each is a (words, predicate on one day's validated settings) pair; ``tests/test_inert_inputs.py`` checks each entry
both ways.
"""

from __future__ import annotations

import math

from calcium_abm.physiology.condition_reads import (female as _female, hormone_therapy_taken as _hormone_therapy,
                                                    lower_of_set_and_default as _lower,
                                                    module_parameters as _module_parameters, parameter as _parameter)

__all__ = ["LIFE_STAGE_CONDITIONS", "MENOPAUSE_LAWS", "estrogen_falls"]


def estrogen_falls(state) -> bool:
    """Whether a woman's estrogen has begun to fall by the run's end: she is past her final period, or the
    perimenopausal effect (:func:`.ageing.perimenopausal_estrogen_effect`) or the ovarian loss
    (:func:`.ageing.ovarian_estrogen_level`) is above 0 at her age at the run's end before a planned final period
    (``patient.age_at_final_menstrual_period``); a woman with none planned keeps her estrogen."""
    from types import SimpleNamespace

    from calcium_abm.physiology import ageing, remodeling

    if not _female(state) or _therapy_replaces_all(state):
        return False
    if state.patient.postmenopausal:
        return True
    t = _years_past_final_period(state)
    if t is None:
        return False
    # the two modules whose parameters the perimenopausal laws read (both exactly 0 some 20 years before the period)
    p = SimpleNamespace(**vars(_module_parameters(ageing, state)), **vars(_module_parameters(remodeling, state)))
    return ageing.perimenopausal_estrogen_effect(t, p) > 0.0 or ageing.ovarian_estrogen_level(t, p) < 1.0


def _therapy_replaces_all(state) -> bool:
    """Whether hormone therapy taken that day gives back all the estrogen the menopause laws lose
    (``hormone_therapy_estrogen_replacement`` 1, the default): each law then acts on ``1 - T`` = 0 of its loss."""
    from calcium_abm.physiology import hormone_therapy

    return _hormone_therapy(state) and _parameter(state, "hormone_therapy_estrogen_replacement", hormone_therapy) >= 1.0


def _kidney_estrogen_falls(state) -> bool:
    """:func:`estrogen_falls` for a person: the kidney's estrogen laws act through a person's rates
    (:func:`.ageing.personal_parameters`), which a rodent preset does not take."""
    return state.patient.species == "human" and estrogen_falls(state)


def _years_past_final_period(state) -> float | None:
    """A woman's years past her final period at the run's end (negative before a planned one); None for a woman
    with none known (and for a man)."""
    patient = state.patient
    if patient.postmenopausal:
        return patient.years_since_menopause + state.simulation.years
    fmp = patient.age_at_final_menstrual_period
    return None if fmp is None else patient.age_years + state.simulation.years - fmp


def _passes_final_period(state, after_years: float = 0.0) -> bool:
    """Whether a woman not on therapy that gives all her estrogen back is, by the run's end, more than ``after_years``
    past her final period (at it, for 0), where the laws of the postmenopause act."""
    past = _years_past_final_period(state) if _female(state) and not _therapy_replaces_all(state) else None
    return past is not None and (past >= after_years if after_years == 0.0 else past > after_years)


def _past_transmenopause(state, or_default: bool = False) -> bool:
    """Whether the estrogen-loss effect has begun to subside by the run's end (:func:`.ageing.perimenopausal_
    estrogen_effect`: it is full up to ``transmenopause_end_years`` after the final period, the one in force or,
    ``or_default``, the lower of it and the default); a rodent preset's subsides from its ovariectomy."""
    from calcium_abm.physiology import ageing

    if state.patient.species != "human":
        return _female(state) and state.patient.postmenopausal and not _therapy_replaces_all(state)
    return _passes_final_period(state, after_years=_lower(state, "transmenopause_end_years", ageing, or_default))


_MENOPAUSE_WORDS = ('patient.sex is "female" and her estrogen falls during the run (a law of the menopause): she is '
                    'past her final period (patient.postmenopausal), or the run reaches her perimenopause before a '
                    'planned one (patient.age_at_final_menstrual_period), and standard-dose hormone therapy does not '
                    'give it all back that day; a woman with none planned keeps her ovarian estrogen')
_MENOPAUSE = (_MENOPAUSE_WORDS, estrogen_falls)
_KIDNEY_MENOPAUSE = (_MENOPAUSE_WORDS + "; a person's kidney (not a rodent preset's)", _kidney_estrogen_falls)
_POSTMENOPAUSE = ('patient.sex is "female" and the run reaches her final period (a law of the postmenopause: she is '
                  'past it, or reaches a planned one), and standard-dose hormone therapy does not give it all back',
                  lambda state: state.patient.species == "human" and _passes_final_period(state))
_SUBSIDING = ('patient.sex is "female" and the run goes past her transmenopause (transmenopause_end_years, 2 unless '
              'set, after her final period), where the estrogen-loss effect begins to subside, and standard-dose '
              'hormone therapy does not give it all back', _past_transmenopause)
_TRANSMENOPAUSE_END = ('patient.sex is "female" and the run goes past this end of the transmenopause or the default '
                       'one (2 years after her final period), and standard-dose hormone therapy does not give it all '
                       'back', lambda state: _past_transmenopause(state, or_default=True))


#: of :data:`FEMALE_ONLY`, the laws of the menopause: they act only where her estrogen falls (:func:`estrogen_falls`)
MENOPAUSE_LAWS = ("estrogen_loss_activation_factor", "estrogen_loss_osteoclast_lifespan_factor",
                  "estrogen_loss_osteoblast_apoptosis_factor", "estrogen_loss_adaptation_years",
                  "estrogen_loss_late_effect_fraction", "estrogen_loss_activation_lag_years",
                  "perimenopause_onset_midpoint_years", "perimenopause_onset_width_years", "transmenopause_end_years",
                  "absorption_fraction_menopause_drop", "estrogen_renal_calcium_excretion_rise",
                  "estrogen_phosphate_threshold_rise")


def _past_absorption_onset(state, or_default: bool = False) -> bool:
    """Whether a person (not a rodent preset, whose age laws are off) is older by the run's end than the onset of the
    absorption decline in force (or, ``or_default``, than the default onset), or the model's calibration reference
    age is (its rates are taken relative to that age's: :func:`.ageing.personal_parameters`)."""
    from calcium_abm.physiology import ageing

    onset = _lower(state, "absorption_decline_onset_age_years", ageing, or_default)
    oldest = max(state.patient.age_years + state.simulation.years,
                 _parameter(state, "calibration_reference_age_years", ageing))
    return state.patient.species == "human" and oldest > onset


_ABSORPTION_AGE = ("a person (not a rodent preset) is older by the run's end than parameters.absorption_decline_"
                   "onset_age_years (60 unless set): gut calcium absorption falls only past that age",
                   _past_absorption_onset)
_ABSORPTION_ONSET = ("a person (not a rodent preset) is older by the run's end than this onset or the default one "
                     "(60): moving the onset changes absorption only at ages past one of them",
                     lambda state: _past_absorption_onset(state, or_default=True))
_ABSORPTION_REFERENCE = ("a person (not a rodent preset) is older by the run's end than the absorption decline's onset "
                         "(60 unless set), or the run reaches a woman's final period (the menopause's fall): the declines "
                         "of the fraction absorbed are taken relative to this reference fraction",
                         lambda state: _past_absorption_onset(state) or (state.patient.species == "human"
                                                                         and _passes_final_period(state)))


def _absorption_reaches_floor(state) -> bool:
    """Whether a person's gut absorption by age (:func:`.ageing.calcium_absorption_by_age`) falls below its floor
    (``absorption_minimum_relative``) by the run's end (its oldest age, past the final period if the run reaches it),
    or at the model's calibration reference age, which its rates are taken relative to; the floor caps the fall."""
    from calcium_abm.physiology import ageing
    from calcium_abm.physiology.condition_reads import module_parameters

    if state.patient.species != "human":
        return False
    p = module_parameters(ageing, state)
    floor, p.absorption_minimum_relative = p.absorption_minimum_relative, -math.inf  # the law without its floor
    oldest = state.patient.age_years + state.simulation.years
    return min(float(ageing.calcium_absorption_by_age(age, post, p)) for age, post in (
        (oldest, _passes_final_period(state)), (p.calibration_reference_age_years, False))) < floor


_ABSORPTION_FLOOR = ("a person's (not a rodent preset's) gut calcium absorption by age would fall below this floor by "
                     "the run's end: 1 minus the fall past absorption_decline_onset_age_years and at the menopause over "
                     "reference_fractional_absorption (0.51 at 120 for a woman with the defaults, above the default "
                     "floor of 0.3)", _absorption_reaches_floor)


def _gfr_reaches_floor(state) -> bool:
    """Whether a person's GFR by age (:func:`.ageing.gfr_by_age_ml_per_min`, for their sex, or the reference man's
    at the calibration age) falls below its floor (``gfr_minimum_ml_per_min``) by the run's end: the law falls with
    age, and a person's start (the life course before day 0, :mod:`.life_course`) ages healthy kidneys whatever
    their stage or measured GFR (a second reading of stop 70 found the floor acting there), so neither is asked."""
    from calcium_abm.physiology import ageing
    from calcium_abm.physiology.condition_reads import module_parameters

    if state.patient.species != "human":
        return False
    p = module_parameters(ageing, state)
    floor, p.gfr_minimum_ml_per_min = p.gfr_minimum_ml_per_min, -math.inf  # the law without its floor
    oldest = state.patient.age_years + state.simulation.years
    return min(float(ageing.gfr_by_age_ml_per_min(oldest, state.patient.sex, p)),
               float(ageing.gfr_by_age_ml_per_min(p.calibration_reference_age_years, "male", p))) < floor


_GFR_FLOOR = ("a person's (not a rodent preset's) GFR by age, which also ages the kidneys of their start, would fall "
              "below this floor by the run's end (the age law gives a woman of 120 17.6 mL/min with the "
              "defaults, above the default floor of 5)", _gfr_reaches_floor)


#: parameter -> (where it acts, in words; predicate), merged into :data:`.conditional_parameters.CONDITIONAL_PARAMETERS`
LIFE_STAGE_CONDITIONS = {
    "absorption_minimum_relative": _ABSORPTION_FLOOR,
    "gfr_minimum_ml_per_min": _GFR_FLOOR,
    "absorption_fraction_decline_per_year": _ABSORPTION_AGE,
    "absorption_decline_onset_age_years": _ABSORPTION_ONSET,
    "reference_fractional_absorption": _ABSORPTION_REFERENCE,
    **{name: _MENOPAUSE for name in MENOPAUSE_LAWS},
    **{name: _KIDNEY_MENOPAUSE for name in ("estrogen_renal_calcium_excretion_rise", "estrogen_phosphate_threshold_rise")},
    "absorption_fraction_menopause_drop": _POSTMENOPAUSE,
    "estrogen_loss_adaptation_years": _SUBSIDING,
    "estrogen_loss_late_effect_fraction": _SUBSIDING,
    "transmenopause_end_years": _TRANSMENOPAUSE_END,
}
