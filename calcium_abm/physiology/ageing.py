"""Age, sex and the menopause transition as mechanisms (pure functions the model calls).

Each function is one physiological law with its parameters declared below (unit and
source beside each); the model multiplies an existing rate by what it returns:

* :func:`osteoblast_capacity_by_age` -- osteoblast team output per remodeling cycle falls
  with age (completed wall thickness of trabecular packets). Multiplies the team size
  ``osteoblast_cells_per_cavity_volume`` (so :func:`remodeling.osteoblast_refill_margin`).
* :func:`calcium_absorption_by_age` -- gut calcium absorption falls with age and once at menopause.
* :func:`gfr_by_age_ml_per_min` -- nephron loss lowers GFR with age, faster in women (the stage-0 GFR).
* :func:`vascular_calcification_propensity` -- vascular ageing, sex and estrogen's protection of the vessel wall
  (multiplies the media's smooth-muscle switch and mineral nucleation).
* :func:`perimenopausal_estrogen_effect` and :func:`ovarian_estrogen_level` -- the menopause transition counted
  from the final menstrual period (FMP); bone loss begins before the FMP.
* :func:`t_score`, :func:`bmd_from_t_score`, :func:`peak_bmd_g_cm2`, :func:`bone_size_factor`
  -- the young-adult reference by sex and the sex difference in skeletal size.

What lumbar-spine DXA reads at an age is a readout in :mod:`.skeleton` (:func:`.skeleton.spine_dxa_bmd_g_cm2`).
Functions accept a float or a numpy array of ages and return the same shape. Bad input raises
:class:`calcium_abm.errors.UserInputError` naming the argument, the value and what is allowed.
"""

from __future__ import annotations

import math

import numpy as np

from calcium_abm.errors import UserInputError
from calcium_abm.checks import per_set_or_fresh
from calcium_abm.parameters import Parameter, declare
from calcium_abm.physiology.calcium import (GFR_ML_PER_MIN_BY_CKD_STAGE, renal_phosphate_threshold_estrogen_factor,
                                            urine_calcium_estrogen_factor)
from calcium_abm.physiology.hormone_therapy import estrogen_level_with_therapy, replaced_share
from calcium_abm.physiology.vitamin_k import personal_warfarin_half_life_h, vitamin_k_absorbed_fractions
from calcium_abm.time_units import DAYS_PER_YEAR_OF_AGE  # days in a year of age

SEXES = ("female", "male")
#: ages the laws are defined for (years); the scenario schema allows the same range
AGE_RANGE_YEARS = (0.0, 120.0)

PARAMETERS = declare([
    # --- osteoblast function ---------------------------------------------------------
    Parameter("wall_thickness_at_age_zero_um", 65.56, "um",
              "[V] iliac trabecular completed wall thickness = 65.56 um - 0.14 um/yr x age, 85 normal "
              "individuals aged 18-90, no sex difference (wbldb.lievers.net/10169270)",
              "Intercept of completed wall thickness (osteoblast output per remodeling cycle) vs age",
              1.0, 500.0),
    Parameter("wall_thickness_decline_um_per_year", 0.14, "um/year",
              "[V] same study (slope -0.14 um/yr); [V] second study: mean wall thickness 49.7 +/- 8.7 um at "
              "50.9 y, significant decrease with age (wbldb.lievers.net/10169197)",
              "Fall of completed wall thickness per year of age", 0.0, 5.0),
    Parameter("osteoblast_reference_age_years", 30.0, "years",
              "assumption: peak bone mass is reached in the third decade (Hoiberg 2007 Osteoporos Int; "
              "premenopausal spine peak mid-30s, Bone 1990;11:1)",
              "Age at which osteoblast capacity is 1 (young-adult reference)", 0.0, 120.0),
    Parameter("osteoblast_age_deficit_share", 0.1, "-",
              "assumption, calibrated to row A1 (MrOS: femoral neck -0.37 %/y at ~73 y, ~2.5x faster at 85 "
              "than at 65): resorption cavities also become shallower with age, so only part of the fall "
              "in completed wall thickness is a net deficit of the remodeling unit; with the age laws of the "
              "gut and kidney (PTH rises with age) 0.1 keeps rows 20 and S1 in band",
              "Share of the age-related fall in osteoblast output that is a net per-cycle bone deficit",
              0.0, 1.0, ("A1",)),
    # --- intestinal calcium absorption ----------------------------------------------
    Parameter("absorption_fraction_decline_per_year", 0.0021, "1/year (absolute fraction)",
              "[V] Heaney 1989 JBMR 4(4) (526 studies, 189 women, 17 y): absorption efficiency falls "
              "~0.0021 per year of age",
              "Fall of fractional calcium absorption per year of age", 0.0, 0.05),
    Parameter("absorption_fraction_menopause_drop", 0.022, "absolute fraction",
              "[V] Heaney 1989 JBMR 4(4): one-time decrease ~0.022 at menopausal estrogen loss",
              "One-time fall of fractional calcium absorption at menopause", 0.0, 0.5),
    Parameter("reference_fractional_absorption", 0.30, "-",
              "assumption: Heaney 1989's women's typical fraction, so his declines act as relative ones (0.7 %/year "
              "past the onset, 7.3 % at menopause); the model's gut absorbs 21 % of 1000 mg/day (0.21: ODD 8)",
              "Fractional absorption at the reference age that the absolute declines are relative to",
              0.05, 1.0),
    Parameter("absorption_decline_onset_age_years", 60.0, "years",
              "[V] Gennari 2001 Public Health Nutr 4(2B):547 (abstract): active intestinal transport falls "
              "with age in both sexes, 'particularly after the age of 70'; [S] Bullamore 1970 Lancet 2:535 "
              "(radiocalcium, both sexes; via IOM 2011 DRI report and reviews): absorption falls after about 60, "
              "malabsorption common above 80; [S] Wolf 1999 ASBMR abstract (STORM, 234 men 58-91 y; press "
              "release): absorption fell with age, most after 80. Heaney 1989's slope is taken from 60: his "
              "women were 35-65 y, so this is a choice between sources (was 35; sensitivity: rows A1-A3)",
              "Age after which intestinal calcium absorption declines", 0.0, 120.0, ("A1", "A2", "A3")),
    Parameter("absorption_minimum_relative", 0.3, "-",
              "assumption: floor so that very old ages keep some (passive) absorption",
              "Lowest relative absorption reachable with age", 0.0, 1.0),
    # --- kidneys -----------------------------------------------------------------------
    Parameter("gfr_at_age_40_ml_per_min", GFR_ML_PER_MIN_BY_CKD_STAGE[0], "mL/min/1.73m2",
              "assumption: the model's normal-kidney GFR (calcium.GFR_ML_PER_MIN_BY_CKD_STAGE[0]) taken at "
              "40 y; [V] Poggio 2009 Kidney Int 75:1079: 5th percentile < 80 above 40-45 y in donors",
              "GFR of a healthy 40-year-old", 10.0, 200.0),
    Parameter("gfr_decline_before_40_ml_per_min_per_year", 0.82, "mL/min/1.73m2/year",
              "[V] Cohen 2014 J Nephrol 27:635 (2693 healthy, longitudinal): 0.82 /y at 20-30 y, 0.84 at 31-40",
              "GFR decline per year of age between 20 and 40", 0.0, 5.0),
    Parameter("gfr_decline_male_ml_per_min_per_year", 0.72, "mL/min/1.73m2/year",
              "[V] JASN 2020 meta-analysis of 3 European cohorts (PMC7350990), iohexol-measured GFR, "
              "healthy men 50-97 y: -0.72 /y "
              "(95% CI -0.96 to -0.48); [V] Cohen 2014: 1.07 (41-50 y), 1.15 (>= 50 y), both sexes, eGFR",
              "GFR decline per year of age after 40, men", 0.0, 5.0),
    Parameter("gfr_decline_female_ml_per_min_per_year", 1.03, "mL/min/1.73m2/year",
              "[V] JASN 2020 meta-analysis of 3 European cohorts (PMC7350990): healthy women -1.03 /y, "
              "'more negative in women'; [V] Cohen 2014: 1.07-1.15 /y after 40 (both sexes)",
              "GFR decline per year of age after 40, women", 0.0, 5.0),
    Parameter("gfr_minimum_ml_per_min", 5.0, "mL/min/1.73m2", "assumption: floor of the age law",
              "Lowest GFR the age law returns", 0.0, 100.0),
    # --- vascular ageing, sex and estrogen ------------------------------------------
    Parameter("vascular_ageing_rate_per_year", 0.029, "1/year",
              "[C] MESA (MESA, Circulation 2007 (PMID 17502571)) incidence of new CAC <5 %/y below 50 y to >12 %/y "
              "above 80 y: ln(12.5/4.5)/35 y; [V] Heinz Nixdorf Recall (Erbel 2014 EHJ 35:2960): CAC "
              "percentiles show exponentially shaped age-dependence",
              "Exponential rise of the media's calcification drive with age", 0.0, 0.2, ("21",)),
    Parameter("vascular_reference_age_years", 50.0, "years",
              "assumption: the model's default patient (50 y) keeps its calibrated vessel kinetics",
              "Age at which the vascular ageing factor is 1", 0.0, 120.0),
    Parameter("female_vessel_propensity_factor", 1.0, "-",
              "assumption: without estrogen women's media calcifies like men's; [S] Ishaaya ACC 2024: "
              "postmenopausal women progress at least as fast as matched men (8 vs 4 AU/y at CAC 1-99)",
              "Female / male calcification drive when ovarian estrogen is absent", 0.0, 10.0, ("21",)),
    Parameter("estrogen_vessel_protection", 0.6, "-",
              "assumption: size from WHI-CACS (Manson 2007 NEJM (NEJMoa071513), women 50-59): adherent estrogen "
              "users 40-50 % lower risk of mild-moderate and 60 % lower of severe CAC, mean CAC 83.1 vs "
              "123.1 placebo; calibrated to row 21",
              "Fraction of the calcification drive removed by full premenopausal estrogen", 0.0, 1.0, ("21",)),
    # --- menopause transition ------------------------------------------------------------
    Parameter("perimenopause_onset_midpoint_years", -1.0, "years from FMP",
              "[V] SWAN, Greendale 2012 JBMR 27:111: BMD loss began 1 year before the FMP; [V] PMC2869543 "
              "(JCEM 2010): loss begins in FSH stage 3, ~2 y before the FMP (1.7 %/y)",
              "Time relative to the final menstrual period at which half the estrogen-loss effect acts",
              -10.0, 5.0, ("20", "20b")),
    Parameter("perimenopause_onset_width_years", 0.5, "years",
              "assumption: logistic width so the effect rises over the ~2 y before the FMP (SWAN; PMC2869543)",
              "Width of the logistic rise of the estrogen-loss effect around its midpoint", 0.01, 10.0, ("20b",)),
    Parameter("transmenopause_end_years", 2.0, "years from FMP",
              "[V] Greendale 2012: loss decelerated (but did not cease) 2 years after the FMP; "
              "transmenopause = -1 ... +2 y",
              "Time after the FMP at which the early effect starts to subside", 0.0, 20.0, ("20", "20b")),
    Parameter("estrogen_loss_activation_lag_years", 0.5, "years",
              "[V] Sowers 2013 J Clin Endocrinol Metab 98:2854 (SWAN, 918 women): urinary NTX rises sharply from "
              "~2 y before the FMP and peaks 1-1.5 y after it, after the estradiol fall; [V] Shieh 2020 J Clin "
              "Endocrinol Metab 105:e1440 (SWAN, PMC7067542): turnover rises fastest from 2 y before to 2 y after the "
              "FMP and plateaus in early postmenopause; [V] Recker 2004 J Bone Miner Res 19:1628: activation "
              "frequency nearly doubled 12 months after the last menses (0.13 -> 0.24 /y); [C] first order: with the "
              "estrogen effect half at -1 y, activation is 93 % of its level at +1 y and 97 % at +1.5 y",
              "Time constant with which remodeling activation follows the estrogen-loss effect", 0.0, 10.0, ("20b",)),
    # --- young-adult reference and sex differences in bone size ----------------------
    Parameter("young_adult_spine_bmd_female_g_cm2", 1.064, "g/cm2",
              "[V] NHANES lumbar-spine reference, women 21-30 y, 1.064 (SD 0.106), as tabulated in "
              "Varatharajan 2026 Front Endocrinol (PMC12995607, Table 3); [V] Xue 2021 JCEM (NHANES "
              "2005-2014, peak BMD of white women): 1.065 (SD 0.122)",
              "Young-adult mean lumbar-spine BMD of women (T-score reference)", 0.1, 3.0, ("A3",)),
    Parameter("young_adult_spine_bmd_sd_female_g_cm2", 0.106, "g/cm2",
              "[V] NHANES, women 21-30 y (PMC12995607 Table 3); Xue 2021: 0.122",
              "SD of young-adult lumbar-spine BMD, women", 0.001, 1.0),
    Parameter("young_adult_spine_bmd_male_g_cm2", 1.057, "g/cm2",
              "[V] NHANES lumbar-spine reference, men 21-30 y, 1.057 (SD 0.110) (PMC12995607 Table 3); "
              "[V] Hoiberg 2007 Osteoporos Int (783 Danish men 20-30 y): 1.073 (SD 0.125)",
              "Young-adult mean lumbar-spine BMD of men (T-score reference)", 0.1, 3.0, ("A1",)),
    Parameter("young_adult_spine_bmd_sd_male_g_cm2", 0.110, "g/cm2",
              "[V] NHANES, men 21-30 y (PMC12995607 Table 3); Hoiberg 2007: 0.125",
              "SD of young-adult lumbar-spine BMD, men", 0.001, 1.0),
    # --- the reference person the calibrated rates describe ---------------------------
    Parameter("calibration_reference_age_years", 50.0, "years",
              "assumption: the model's rates were calibrated for its default patient (healthy_adult, a man "
              "of 50; validation rows 8-20); the age laws scale each rate by law(age) / law(50 y, man)",
              "Age of the person whose rates the parameter values describe", 0.0, 120.0),
    Parameter("female_bone_size_factor", 0.8, "-",
              "assumption: women's skeleton (bone area, hence calcium at equal areal BMD) ~20 % smaller; "
              "[V] vertebral cross-sectional area 17 % greater in boys matched for age, height and weight, "
              "gap widest at sexual maturity ('Gender differences in vertebral body sizes in children and "
              "adolescents', QCT, 196 children); [V] Nieves 2005 JBMR 20:529: "
              "males have greater spine width/bone area and femoral BMC at equal body size",
              "Female / male skeletal size (multiplies whole-skeleton calcium)", 0.1, 2.0),
])


# ----------------------------------------------------------------------------- checks
def _ages(age_years, name: str = "age_years") -> np.ndarray:
    lo, hi = AGE_RANGE_YEARS
    if type(age_years) is float and lo <= age_years <= hi:  # a plain in-range float (a readout's daily call):
        return age_years  # numpy's array checks would cost ~5 us for the same verdict
    a = np.asarray(age_years, dtype=np.float64)
    bad = ~np.isfinite(a) | (a < lo) | (a > hi)
    if np.any(bad):
        value = a[bad].flat[0] if a.ndim else float(a)
        raise UserInputError(f"{name} = {value!r} is not allowed: it must be a number of years from "
                             f"{lo:g} to {hi:g}")
    return a


def _sex(sex: str) -> str:
    if sex not in SEXES:
        raise UserInputError(f'sex = {sex!r} is not allowed: use "female" or "male"')
    return sex


def _out(x: np.ndarray):
    if type(x) is float:  # a readout's daily call: np.ndim would cost ~1 us for the same answer
        return x
    return float(x) if type(x) is np.float64 or np.ndim(x) == 0 else x  # np.float64 (np.exp of a float): 0-d


#: the same checks for the age readouts of other modules (:func:`.skeleton.spine_dxa_bmd_g_cm2`)
checked_ages, checked_sex, float_or_array = _ages, _sex, _out


# ----------------------------------------------------------------------------- bone cells
def wall_thickness_um(age_years, p):
    """Completed wall thickness of trabecular bone packets (um) at ``age_years``: the bone one osteoblast
    team lays down in a remodeling cycle, falling linearly with age (iliac histomorphometry, parameters above)."""
    a = _ages(age_years)
    return _out(np.maximum(p.wall_thickness_at_age_zero_um - p.wall_thickness_decline_um_per_year * a, 0.0))


def osteoblast_capacity_by_age(age_years, p):
    """Osteoblast output per remodeling cycle relative to the young-adult reference age.

    ``wall(age) / wall(reference age)`` (dimensionless; 1 at 30 y, ~0.89 at 80 y). The
    model multiplies the osteoblast team recruited per unit of cavity
    (``osteoblast_cells_per_cavity_volume``) by it, so a team lays less bone than its
    osteoclasts removed once ``refill margin x capacity < 1``.
    """
    a = _ages(age_years)
    reference = (p.wall_thickness_at_age_zero_um
                 - p.wall_thickness_decline_um_per_year * p.osteoblast_reference_age_years)
    wall = np.maximum(p.wall_thickness_at_age_zero_um - p.wall_thickness_decline_um_per_year * a, 0.0)
    if reference <= 0.0:  # parameters at their bounds: no wall left at the reference age either
        return _out(np.ones_like(wall))
    return _out(wall / reference)


def bmu_balance_by_age(age_years, young_refill_margin: float, p):
    """Bone balance of one remodeling cycle as a fraction of the resorbed cavity.

    ``min(margin x capacity(age), 1) - 1``: 0 when teams still refill their cavities,
    negative (a deficit) once the age-reduced team cannot. ``young_refill_margin`` is
    :func:`calcium_abm.physiology.remodeling.osteoblast_refill_margin` at the reference age.
    """
    if not (np.isfinite(young_refill_margin) and young_refill_margin > 0):
        raise UserInputError(f"young_refill_margin = {young_refill_margin!r} is not allowed: it must be a "
                             "positive number (osteoid a team lays per unit of cavity)")
    cap = np.asarray(osteoblast_capacity_by_age(age_years, p))
    return _out(np.minimum(young_refill_margin * cap, 1.0) - 1.0)


# ----------------------------------------------------------------------------- gut
def calcium_absorption_by_age(age_years, postmenopausal: bool, p):
    """Intestinal calcium absorption relative to a premenopausal adult before the decline.

    ``max(floor, 1 - (d_age (age - onset)+ + d_meno [postmenopausal]) / f_ref)`` where the
    absolute declines of fractional absorption (0.0021 per year, 0.022 at menopause;
    Heaney 1989) are taken relative to a reference fraction ``f_ref``. The model multiplies
    the gut absorption rate (passive + calcitriol-dependent) in ``calcium.gut_day`` by it.
    """
    a = _ages(age_years)
    if not isinstance(postmenopausal, (bool, np.bool_)):
        raise UserInputError(f"postmenopausal = {postmenopausal!r} is not allowed: use true or false")
    fall = p.absorption_fraction_decline_per_year * np.maximum(a - p.absorption_decline_onset_age_years, 0.0)
    if postmenopausal:
        fall = fall + p.absorption_fraction_menopause_drop
    return _out(np.maximum(1.0 - fall / p.reference_fractional_absorption, p.absorption_minimum_relative))


# ----------------------------------------------------------------------------- kidneys
def gfr_by_age_ml_per_min(age_years, sex: str, p):
    """Glomerular filtration rate of healthy kidneys at ``age_years`` (mL/min/1.73 m2).

    Piecewise linear nephron loss: ``gfr40 + d_young (40 - age)`` below 40 (from 20 y; flat
    before), ``gfr40 - d_sex (age - 40)`` above, never below ``gfr_minimum``. For CKD
    stages >= 1 the model keeps the stage's GFR (the lower of the two).
    """
    a = _ages(age_years)
    maximum, minimum = (max, min) if type(a) is float else (np.maximum, np.minimum)  # a float: numpy's ~5 us a call
    slope = (p.gfr_decline_female_ml_per_min_per_year if _sex(sex) == "female"
             else p.gfr_decline_male_ml_per_min_per_year)
    young = p.gfr_decline_before_40_ml_per_min_per_year * (40.0 - minimum(maximum(a, 20.0), 40.0))  # np.clip's value
    return _out(maximum(p.gfr_at_age_40_ml_per_min + young - slope * maximum(a - 40.0, 0.0), p.gfr_minimum_ml_per_min))


# ----------------------------------------------------------------------------- vessel wall
def vascular_ageing_factor(age_years, p):
    """Age part of the media's calcification drive: ``exp(k (age - reference age))``."""
    a = _ages(age_years)
    return _out(np.exp(p.vascular_ageing_rate_per_year * (a - p.vascular_reference_age_years)))


def vascular_calcification_propensity(age_years, sex: str, estrogen_level, p):
    """Relative calcification drive of the arterial media (1 = the reference man of 50).

    ``ageing(age) x s x (1 - protection x E)`` with ``s = 1`` for men and
    ``female_vessel_propensity_factor`` for women, and ``E`` the ovarian estrogen level
    (0-1, :func:`ovarian_estrogen_level`; must be 0 for men). The model multiplies the
    smooth-muscle osteochondrogenic switch rate and matrix-vesicle nucleation by it.
    """
    _sex(sex)
    e = estrogen_level  # a person's rates pass a float in range: numpy's checks cost ~10 us for the same verdict
    if not (type(e) is float and 0.0 <= e <= (1.0 if sex == "female" else 0.0)):
        e = np.asarray(estrogen_level, dtype=np.float64)
        if np.any(~np.isfinite(e) | (e < 0.0) | (e > 1.0)):
            raise UserInputError(f"estrogen_level = {estrogen_level!r} is not allowed: it must be from 0 "
                                 "(none) to 1 (premenopausal)")
        if sex == "male" and np.any(e != 0.0):
            raise UserInputError(f"estrogen_level = {estrogen_level!r} is not allowed for sex = \"male\": "
                                 "it is the ovarian estrogen level, 0 for men")
    ageing = np.asarray(vascular_ageing_factor(age_years, p))
    s = p.female_vessel_propensity_factor if sex == "female" else 1.0
    return _out(ageing * s * (1.0 - p.estrogen_vessel_protection * e))


# ----------------------------------------------------------------------------- menopause
def _years(years_relative_to_fmp) -> np.ndarray:
    if type(years_relative_to_fmp) is float and -120.0 <= years_relative_to_fmp <= 120.0:  # the daily call:
        return years_relative_to_fmp  # numpy's array checks would cost ~5 us for the same verdict
    t = np.asarray(years_relative_to_fmp, dtype=np.float64)
    if np.any(~np.isfinite(t)) or np.any(np.abs(t) > 120.0):
        raise UserInputError(f"years_relative_to_fmp = {years_relative_to_fmp!r} is not allowed: it must "
                             "be a number of years from -120 to 120 (negative = before the final period)")
    return t


def _transition(t: np.ndarray, p) -> np.ndarray:
    """Share of the ovarian estrogen already lost (logistic around the onset midpoint)."""
    z = (t - p.perimenopause_onset_midpoint_years) / p.perimenopause_onset_width_years
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow


def ovarian_estrogen_level(years_relative_to_fmp, p):
    """Ovarian estrogen (1 premenopausal, 0 long after) at a time relative to the FMP.

    It falls during the ~2 years before the final menstrual period and does not return.
    Use ``years_relative_to_fmp = age - age at FMP``: time counts from when menopause
    begins, so a menopause scheduled mid-run starts at 0 on its day."""
    return _out(1.0 - _transition(_years(years_relative_to_fmp), p))


def perimenopausal_estrogen_effect(years_relative_to_fmp, p):
    """Share (0-1) of the early estrogen-loss effects on bone cells acting now.

    ``loss(t) x [late + (1 - late) exp(-(t - t_end)+ / tau)]`` with ``loss`` the logistic
    estrogen loss (half at ~1 y before the FMP, Greendale 2012), full through the
    transmenopause (to ``t_end`` = 2 y after the FMP), then subsiding with the remodeling
    module's ``estrogen_loss_adaptation_years`` (tau) to its ``estrogen_loss_late_effect_fraction``.
    Negative ``years_relative_to_fmp`` = before the final period. Replaces
    :func:`remodeling.estrogen_loss_effect` in :func:`remodeling.bone_drives`. On a float: Python's max (same bits)."""
    t = _years(years_relative_to_fmp)
    late, maximum = p.estrogen_loss_late_effect_fraction, max if type(t) is float else np.maximum  # same bits
    adapt = np.exp(-maximum(t - p.transmenopause_end_years, 0.0) / p.estrogen_loss_adaptation_years)
    return _out(_transition(t, p) * (late + (1.0 - late) * adapt))


def lagged_activation_effect(previous, estrogen_effect, p, days: float = 1.0):
    """Estrogen-loss effect on remodeling activation after ``days`` (physiological): it
    relaxes first order towards today's ``estrogen_effect`` with time constant
    ``estrogen_loss_activation_lag_years`` (osteoclast recruitment follows the estrogen fall
    with a delay: bone resorption peaks 1-1.5 y after the FMP, Sowers 2013); a lag of 0 follows it at once."""
    lag_days = p.estrogen_loss_activation_lag_years * DAYS_PER_YEAR_OF_AGE
    if lag_days <= 0.0:
        return estrogen_effect
    return previous + (estrogen_effect - previous) * -math.expm1(-days / lag_days)


# ----------------------------------------------------------------------------- reference BMD
def _reference(sex: str, p) -> tuple[float, float]:
    if _sex(sex) == "female":
        return p.young_adult_spine_bmd_female_g_cm2, p.young_adult_spine_bmd_sd_female_g_cm2
    return p.young_adult_spine_bmd_male_g_cm2, p.young_adult_spine_bmd_sd_male_g_cm2


def peak_bmd_g_cm2(sex: str, p) -> float:
    """Young-adult (peak) lumbar-spine areal BMD of ``sex`` (g/cm2): similar in both sexes
    because men's larger vertebrae (:func:`bone_size_factor`) cancel in an areal density."""
    return float(_reference(sex, p)[0])


def t_score(bmd_g_cm2, sex: str, p):
    """T-score: SDs of ``bmd_g_cm2`` (lumbar spine, g/cm2) from the young adult of the same sex."""
    mean, sd = _reference(sex, p)
    if type(bmd_g_cm2) is float and 0.0 <= bmd_g_cm2 < math.inf:  # a recorded row's value: no array (~4 us a row)
        return (bmd_g_cm2 - mean) / sd  # 0: a section emptied of bone (a reading is never below 0)
    if np.any(~np.isfinite(b := np.asarray(bmd_g_cm2, dtype=np.float64)) | (b < 0.0)):
        raise UserInputError(f"bmd_g_cm2 = {bmd_g_cm2!r} is not allowed: it must be an areal BMD of 0 g/cm2 or more")
    return _out((b - mean) / sd)


def bmd_from_t_score(t, sex: str, p):
    """Inverse of :func:`t_score`: lumbar-spine BMD (g/cm2) with T-score ``t`` (-6 to 6)."""
    mean, sd = _reference(sex, p)
    tt = np.asarray(t, dtype=np.float64)
    if np.any(~np.isfinite(tt) | (np.abs(tt) > 6.0)):
        raise UserInputError(f"t_score = {t!r} is not allowed: it must be from -6 to 6")
    return _out(mean + tt * sd)


def bone_size_factor(sex: str, p) -> float:
    """Skeletal size relative to a man (1.0): multiplies whole-skeleton calcium
    (``skeletal_calcium_mg``) at equal areal BMD."""
    return float(p.female_bone_size_factor if _sex(sex) == "female" else 1.0)


def years_relative_to_fmp(age_years, age_at_fmp_years):
    """``age - age at the final menstrual period`` (years; negative before it)."""
    a = _ages(age_years)
    f = _ages(age_at_fmp_years, "age_at_fmp_years")
    return _out(a - f)


# ----------------------------------------------------------------------------- the person
def personal_parameters(p, age_years: float, sex: str, years_relative_to_fmp: float | None,
                        traits: dict[str, float] | None = None, hormone_therapy: bool = False,
                        vessel_therapy: float | None = None):
    """The parameter set ``p`` with the rates a person of this age, sex, menopause state and
    menopausal hormone therapy (:mod:`.hormone_therapy`; and these traits) has: a copy (``p._replace``).
    The values in ``p`` describe the reference person (a man of ``calibration_reference_age_years``,
    every trait 1); each age law acts as ``law(age) / law(reference)``:

    * ``osteoblast_cells_per_cavity_volume`` x ``1 - share x (1 - capacity ratio)``
      (:func:`osteoblast_capacity_by_age`, ``osteoblast_age_deficit_share``) x
      ``remodeling_balance`` trait;
    * ``passive_absorption_per_day`` and ``active_absorption_max_mg_per_day`` x
      :func:`calcium_absorption_by_age` ratio (its menopause fall x ``1 - T`` on therapy) x
      ``calcium_absorption_efficiency`` trait;
    * ``vsmc_switch_per_day`` and ``matrix_vesicle_nucleation_per_day`` x
      :func:`vascular_calcification_propensity` x ``calcification_propensity`` trait;
    * ``k1/mk4/mk7_absorbed_fraction`` x ``vitamin_k_disposition`` trait (at most 1);
    * ``reference_urine_calcium_mg_per_day`` x :func:`.calcium.urine_calcium_estrogen_factor` and
      ``renal_phosphate_threshold_relative`` x :func:`.calcium.renal_phosphate_threshold_estrogen_factor`
      for women (the renal calcium leak and phosphate retention of estrogen deficiency); the estrogen level these read is
      :func:`.hormone_therapy.estrogen_level_with_therapy` (the vessel's with ``vessel_therapy``, the
      share of the therapy it takes, :func:`.hormone_therapy.vessel_share`; None: as ``hormone_therapy``).

    GFR is not a parameter: see :func:`gfr_for_person_ml_per_min`. ``years_relative_to_fmp``
    is ``None`` for men and for women whose final period is not known (premenopausal).
    Raises UserInputError: age, sex or a trait out of range (message names it).
    """
    traits = dict(traits or {})
    for name, value in traits.items():
        if not (isinstance(value, (int, float)) and np.isfinite(value) and value > 0):
            raise UserInputError(f"patient.traits.{name} = {value!r} is not allowed: it must be a positive number "
                                 "(1 = the typical person)")
    return _personal_parameters(p, age_years, sex, years_relative_to_fmp, tuple(sorted(traits.items())),
                                bool(hormone_therapy), float(hormone_therapy if vessel_therapy is None else vessel_therapy))


#: parameter sets kept in-process (:func:`personal_parameters` is a pure function of its arguments):
#: the life course refreshes the rates at the same ages from 30 for everyone (person.life_course_bone),
#: ~80 sets a person, and a run's update of the rates asks for the same ones as another seed's
PERSONAL_SETS_KEPT = 1024


@per_set_or_fresh(maxsize=PERSONAL_SETS_KEPT)  # a record that is no key: computed afresh
def _personal_parameters(p, age_years: float, sex: str, years_relative_to_fmp: float | None,
                         traits: tuple[tuple[str, float], ...], hormone_therapy: bool = False, vessel_therapy: float = 0.0):
    """:func:`personal_parameters` with the traits checked, as (name, value) pairs."""
    traits = dict(traits)
    ref_age = p.calibration_reference_age_years
    team = 1.0 - p.osteoblast_age_deficit_share * (
        1.0 - osteoblast_capacity_by_age(age_years, p) / osteoblast_capacity_by_age(ref_age, p))
    post = years_relative_to_fmp is not None and years_relative_to_fmp >= 0.0
    gut = calcium_absorption_by_age(age_years, bool(post), p)
    if post and hormone_therapy:  # the therapy gives back its share of the menopause's fall
        gut += replaced_share(True, p) * (calcium_absorption_by_age(age_years, False, p) - gut)
    gut /= calcium_absorption_by_age(ref_age, False, p)
    ovary = 1.0 if years_relative_to_fmp is None else ovarian_estrogen_level(years_relative_to_fmp, p)
    man = _sex(sex) == "male"
    estrogen = 0.0 if man else estrogen_level_with_therapy(ovary, hormone_therapy, p)
    vessel = vascular_calcification_propensity(age_years, sex, 0.0 if man else
                                               estrogen_level_with_therapy(ovary, vessel_therapy, p), p)
    gut *= traits.get("calcium_absorption_efficiency", 1.0)
    vessel *= traits.get("calcification_propensity", 1.0)
    team *= traits.get("remodeling_balance", 1.0)
    k = traits.get("vitamin_k_disposition", 1.0)
    renal, tmp = (1.0, 1.0) if man else (urine_calcium_estrogen_factor(estrogen, p),
                                         renal_phosphate_threshold_estrogen_factor(estrogen, p))
    return p._replace(
        reference_urine_calcium_mg_per_day=p.reference_urine_calcium_mg_per_day * renal,
        renal_phosphate_threshold_relative=p.renal_phosphate_threshold_relative * tmp,
        osteoblast_cells_per_cavity_volume=p.osteoblast_cells_per_cavity_volume * team,
        passive_absorption_per_day=p.passive_absorption_per_day * gut,
        active_absorption_max_mg_per_day=p.active_absorption_max_mg_per_day * gut,
        vsmc_switch_per_day=p.vsmc_switch_per_day * vessel,
        matrix_vesicle_nucleation_per_day=p.matrix_vesicle_nucleation_per_day * vessel,
        warfarin_half_life_h=personal_warfarin_half_life_h(age_years, p),
        **vitamin_k_absorbed_fractions(p, k),
    )


def gfr_for_person_ml_per_min(age_years: float, sex: str, stage_gfr_ml_per_min: float, p) -> float:
    """GFR (mL/min/1.73 m2) of a person with kidneys of CKD stage GFR ``stage_gfr_ml_per_min``:
    ``stage GFR x gfr_by_age(age, sex) / gfr_by_age(reference age, man)`` for normal kidneys (stage GFR =
    the model's normal 100), for CKD the lower of that and the stage's GFR (the reference person: the stage's)."""
    normal = GFR_ML_PER_MIN_BY_CKD_STAGE[0]
    aged = normal * gfr_by_age_ml_per_min(age_years, sex, p) / gfr_by_age_ml_per_min(
        p.calibration_reference_age_years, "male", p)
    return float(aged if stage_gfr_ml_per_min >= normal else min(aged, stage_gfr_ml_per_min))


def menopause_estrogen_effect(years_relative_to_fmp: float | None, p) -> float:
    """Share of the early estrogen-loss effects on bone today: 0 with no known final period
    (men, premenopausal women), else :func:`perimenopausal_estrogen_effect`."""
    return 0.0 if years_relative_to_fmp is None else float(perimenopausal_estrogen_effect(years_relative_to_fmp, p))
