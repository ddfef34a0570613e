"""A woman's run and her natural menopause: refused when she would pass its latest age still
premenopausal with no final period planned (:func:`menopause_missed_problem`), as the ``[patient]``
rules refuse a premenopausal woman who starts past it. Reads the validated scenario only
(``patient``, ``days``, ``state_at``); imports neither the scenario nor the batch modules.
"""

from __future__ import annotations

import math

from calcium_abm.inputs.messages import fmt_num
from calcium_abm.inputs.sections import MAX_AGE_AT_MENOPAUSE_YEARS, MIN_AGE_AT_MENOPAUSE_YEARS
from calcium_abm.time_units import DAYS_PER_YEAR_OF_AGE

__all__ = ["MEDIAN_AGE_AT_MENOPAUSE_YEARS", "THERAPY_BEFORE_FINAL_PERIOD_YEARS", "hormone_therapy_problem",
           "hormone_therapy_too_early_problem", "menopause_missed_problem", "run_menopause_problem"]

#: the median age at natural menopause, suggested in :func:`menopause_missed_problem`'s message (about 51 in
#: Western cohorts: SWAN, Greendale et al. 2012 J Bone Miner Res 27:111; the scenarios' postmenopausal woman)
MEDIAN_AGE_AT_MENOPAUSE_YEARS = 51.0


def menopause_missed_problem(scenario) -> str | None:
    """The message if the validated ``scenario``'s woman would pass the latest age of natural menopause
    (:data:`MAX_AGE_AT_MENOPAUSE_YEARS`, 60) during her run still
    premenopausal with no final menstrual period planned: the settings in effect on the day she reaches
    it have ``postmenopausal = false`` and no ``age_at_final_menstrual_period``. A run may not start past
    it either (the ``[patient]`` rules); a cohort draws each woman's age at menopause."""
    patient = scenario.patient
    if patient.species != "human" or patient.sex != "female":
        return None
    day = math.ceil((MAX_AGE_AT_MENOPAUSE_YEARS - patient.age_years) * DAYS_PER_YEAR_OF_AGE)
    if day >= scenario.days:  # the run ends by then
        return None
    state = scenario.state_at(max(day, 0)).patient
    if state.postmenopausal or state.age_at_final_menstrual_period is not None:
        return None
    typical = MEDIAN_AGE_AT_MENOPAUSE_YEARS
    median = f"; {fmt_num(typical)} is the median" if patient.age_years <= typical else ""
    return (f"simulation.years = {fmt_num(scenario.simulation.years)} is not allowed with patient.age_years = "
            f"{fmt_num(patient.age_years)} for a premenopausal woman (patient.postmenopausal = false) with no "
            f"patient.age_at_final_menstrual_period: she would turn {fmt_num(MAX_AGE_AT_MENOPAUSE_YEARS)} on day "
            f"{day} still premenopausal, and natural menopause comes by {fmt_num(MAX_AGE_AT_MENOPAUSE_YEARS)}; give "
            f"age_at_final_menstrual_period (from {fmt_num(max(patient.age_years, MIN_AGE_AT_MENOPAUSE_YEARS))} to "
            f"{fmt_num(MAX_AGE_AT_MENOPAUSE_YEARS)}{median}), a [[schedule]] entry before day {day} that "
            f"sets postmenopausal = true, or a run that ends by day {day}")


def hormone_therapy_problem(patient, drugs) -> str | None:
    """The message if ``drugs.menopausal_hormone_therapy`` would act on nothing for this ``patient``: it gives
    back estrogen the ovaries stopped making (:mod:`calcium_abm.physiology.hormone_therapy`), so it needs a
    human woman past her final period (``postmenopausal``) or with one planned (``age_at_final_menstrual_period``:
    it acts as her estrogen falls)."""
    if not drugs.menopausal_hormone_therapy:
        return None
    head = "drugs.menopausal_hormone_therapy = true is not allowed"
    if patient.species != "human":
        return (f'{head} for species = "{patient.species}": it acts through the human estrogen laws (the menopause '
                "transition, the kidney, the gut, the vessel wall), and the rodent presets' abrupt, ovariectomy-like "
                'loss has none of them; leave it at false or set species = "human"')
    if patient.sex != "female":
        return (f'{head} for sex = "male": it gives back the estrogen a woman\'s ovaries stop making at menopause; '
                'leave it at false or set sex = "female"')
    if not patient.postmenopausal and patient.age_at_final_menstrual_period is None:
        return (f"{head} for a premenopausal woman with no final period planned (patient.postmenopausal = false, "
                "no patient.age_at_final_menstrual_period): her ovaries still make estrogen, so it would change "
                "nothing; set postmenopausal = true with years_since_menopause, or age_at_final_menstrual_period")
    return None


#: how long before her planned final period a premenopausal woman's run must reach for hormone therapy to act: her
#: ovarian estrogen falls over the ~2 years before it (SWAN, Greendale et al. 2012; ageing.ovarian_estrogen_level,
#: half lost at 1 year before), and 5 years before it less than 0.04 % of it is gone
THERAPY_BEFORE_FINAL_PERIOD_YEARS = 5.0


def hormone_therapy_too_early_problem(scenario) -> str | None:
    """The message if the validated ``scenario`` gives hormone therapy only to a premenopausal woman whose run ends
    more than :data:`THERAPY_BEFORE_FINAL_PERIOD_YEARS` before her planned final period: her ovaries still make
    (nearly) all their estrogen, so it would change nothing (a 35-year-old with a final period at 58 ran the same
    with and without it, bit for bit)."""
    patient = scenario.patient
    if patient.species != "human" or patient.sex != "female" or not (scenario.drugs.menopausal_hormone_therapy or any(
            "drugs.menopausal_hormone_therapy" in entry.set for entry in scenario.schedule)):
        return None
    end_age = patient.age_years + scenario.days / DAYS_PER_YEAR_OF_AGE
    first = None
    for day in [0, *scenario.schedule_boundaries()]:
        settings = scenario.state_at(day)
        if not settings.drugs.menopausal_hormone_therapy:
            continue
        state = settings.patient
        fmp = state.age_at_final_menstrual_period
        if state.postmenopausal or fmp is None or end_age >= fmp - THERAPY_BEFORE_FINAL_PERIOD_YEARS:
            return None  # it acts (or another rule refuses it)
        first = first or (day, fmp)
    if first is None:
        return None
    day, fmp = first
    return (f"drugs.menopausal_hormone_therapy = true is not allowed here (from day {day}): the run ends at age "
            f"{fmt_num(_age_before(end_age, fmp - THERAPY_BEFORE_FINAL_PERIOD_YEARS))}, more than {fmt_num(THERAPY_BEFORE_FINAL_PERIOD_YEARS)} years before her "
            f"planned final period (patient.age_at_final_menstrual_period = {fmt_num(fmp)}), when her ovaries still "
            "make their estrogen, so it would change nothing; run her past "
            f"{fmt_num(fmp - THERAPY_BEFORE_FINAL_PERIOD_YEARS)} or leave it at false")


def _age_before(age: float, limit: float) -> float:
    """``age`` rounded to 2 decimals, or cut to as many more as show it below ``limit`` (a year of 365 days from 52
    ends at 52.9993, and "ends at age 53" beside "run her past 53" read as a contradiction: it reads 52.999)."""
    shown, places = round(age, 2), 2
    while shown >= limit and places < 6:
        places += 1
        shown = math.floor(age * 10 ** places) / 10 ** places
    return shown


def run_menopause_problem(scenario) -> str | None:
    """What a woman's run refuses over its whole length (a validated ``scenario``): passing natural menopause still
    premenopausal (:func:`menopause_missed_problem`), or hormone therapy that would act on nothing
    (:func:`hormone_therapy_too_early_problem`)."""
    return menopause_missed_problem(scenario) or hormone_therapy_too_early_problem(scenario)
