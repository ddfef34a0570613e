"""Intimal (atherosclerotic) calcification: the part of the wall a coronary calcium scan sees.

Coronary artery calcium (CAC) is mostly intimal plaque calcium, while the media section of
:mod:`.calcification` is Mönckeberg-type medial calcification. The intima is one number
per person, its calcium (mg); the Agatston-like score of the wall is
``(media + intima) x agatston_units_per_mg_calcium``.

Law (one person, per physiological day ``dt``)::

    onset:            nothing before the person's age of onset a_on
    after onset:      d sqrt(S)/dt = g0 x m x E(sex, estrogen) x h(MGP) x (Ca x P)^n x F(inhibitors) / 365.25

* **Onset** (:func:`onset_age_years`). Plaque calcium appears at a person-specific age: the
  age of onset is normal with a sex-specific median and SD ``intimal_onset_age_sd_years``.
  The person's place in that distribution is the percentile of their
  ``calcification_propensity`` trait (``z = ln(trait) / calcification_propensity_log_sd``;
  onset ``= median - SD x z``): the typical person (trait 1) starts at the median. Before
  onset the score stays 0, so part of every age group keeps a score of 0 (CARDIA, Carr 2017;
  MESA, Dzaye 2021: CAC = 0 "warranty period").
* **Growth after onset**: the square root of the score grows at a steady rate, the empirical
  law of CAC progression (Hokanson et al. 2004, AJR 182:1327; MESA and KOICA use a sqrt(CAC)
  change as the progression criterion, PLoS ONE 16:e0248884); it is the surface-controlled
  growth of calcium phosphate on existing mineral (rate proportional to seed surface). Then
  ``dS/dt = 2 sqrt(S) x rate``: absolute growth accelerates as the score grows, relative growth
  ``2 rate / sqrt(S)`` falls (15-25 %/y at 50-200 AU, row P1). ``g0`` is the median person's
  rate; ``m`` is the person's ``wall_plaque_growth`` trait (log-normal, median 1): people
  progress very unequally (MESA: annual change 24.9 +- 65.3 AU, Budoff 2013), so many scores
  stay small for years while a few grow fast.
* ``E = 1 - estrogen_vessel_protection x E_ovary`` for women (1 for men): estrogen's protection
  of the vessel wall before the final period (:func:`.ageing.ovarian_estrogen_level`).
* ``h = (a_ref + K) / (a + K)``: weak MGP inhibition (ucMGP is not associated with CAC, Shea
  2011 J Nutr 141:1529; vitamin K trials move CAC little, Shea 2009 AJCN 89:1799).
* ``(Ca x P)^n``: serum calcium-phosphate product relative to health, ``n`` =
  ``intimal_capxp_exponent``.
* ``F = 1 + (F_ESRD - 1) x (loss / loss_ESRD)^q`` (:func:`inhibitor_growth_factor`): the loss of
  systemic calcification inhibitors (fetuin-A, pyrophosphate: ``inhibitor_relative`` of
  :func:`.dialysis.systemic_inhibitor_fraction`) speeds growth, ``F_ESRD`` at the loss of
  kidney failure; convex (``q`` > 1) because a mild loss (healthy ageing kidneys, CKD 3) is
  barely associated with CAC while dialysis triples its progression.
* **Onset clock** (:func:`next_onset_age_years`): the development that ends in plaque calcium runs at the
  serum's drive on its growth, ``D = (Ca x P)^n x F`` (:func:`plaque_chemistry_drive`): each day before
  onset brings the onset ``(D - 1) x dt / 365.25`` years nearer (in health ``D`` ~ 1, within a few %, and
  the onset stays near its age). So kidney disease brings plaque calcium earlier: a typical man of 20
  starting the built-in haemodialysis scenario (``D`` ~ 2.2 over its days) reaches the onset a typical
  healthy man reaches at 53 at about 35 (``tests/test_kidney_history.py``).
  Coronary calcium comes early in kidney failure (14 of 16 dialysis patients aged 20-30 against 3 of 60
  controls, Goodman et al. 2000 N Engl J Med 342:1478; 92 % of 39 adults of 19-39 with childhood-onset
  kidney failure, Oh et al. 2002 Circulation 106:100) and with the years on dialysis (Moe et al.,
  Nephrol Dial Transplant, spiral CT of 71 patients: 34 vs 55 months).
* **Kidney history** (:func:`live_kidney_history`): ``patient.kidney_disease_years`` of the day-0
  kidney function before day 0 ran the onset clock and the plaque's growth at its ``D`` (the day-0
  value) over those years.
* **Start of a run** (:func:`start_intima`): a measured baseline ``S0 > 0`` is the person's
  score at their age and grows at the person's rate from there (the person is past onset);
  a measured ``S0 = 0`` means onset has not come: it comes at the person's onset age if that
  is later, else at the median onset of people still at zero at this age (conditional
  median); with no measurement the person is on their own trajectory from their onset age.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from calcium_abm.errors import UserInputError
from calcium_abm.parameters import Parameter, declare
from calcium_abm.physiology.hormone_therapy import estrogen_level_with_therapy
from calcium_abm.time_units import DAYS_PER_YEAR_OF_AGE  # 365.25: the plaque's years are years of age

PARAMETERS = declare([
    Parameter("intimal_sqrt_score_growth_per_year", 0.8, "sqrt(AU)/year",
              "[C] the median person's rate, from MESA's median annual change among people with CAC at baseline, "
              "21 AU/y in men and 14 in women (Kronmal 2007 Circulation 115:2722, 45-84 y): with the onset law "
              "and the between-person spread wall_plaque_growth_log_sd, 0.8 gives 20.1 / 13.6 (1.0 gave 36 / 25 "
              "without a spread); [V] Spokane Heart Study (Tuttle & Short 2009, Clin J Am Soc Nephrol 4:1968): "
              "median 38 -> 152 AU in 6 years among people with CAC, sqrt 6.2 -> 12.3 = 1.03 sqrt(AU)/y: "
              "the medians of a group whose rates differ rise by about the mean rate, 0.8 x exp(0.55^2 / 2) = "
              "0.93 (the model's baseline-positive men 45-75: 0.84/y); [V] row P1: median 18.3 %/y in 200 men "
              "(PMC8673314); the same for women after onset: once the baseline "
              "score is known neither sex nor age predicts progression (Yoon 2002 Radiology 224:236, 103 women, "
              "114 men), and MESA's lower absolute change in women is what one sqrt rate gives at women's lower "
              "scores; KOICA finds men faster only in its low-risk group (Lee 2021 PLoS ONE 16:e0248884). A "
              "person's own rate is this x their wall_plaque_growth trait (person_traits; "
              "docs/design/vessel_wall.md section 2)",
              "Growth of sqrt(intimal Agatston score) per year after onset (the median man or woman, healthy MGP, "
              "normal Ca x P and inhibitors)", 0.0, 100.0, ("21", "P1")),
    Parameter("intimal_onset_age_median_male_years", 53.0, "years",
              "[C] with the SD: CAC > 0 in 10.2 % of CARDIA at a mean age of 40.3 (45 % men; Carr 2017 JAMA "
              "Cardiol 2:391) and in 93 % of men / 75 % of women aged >= 70 (Wong 1994 Am Heart J 127:422); "
              "[V] MESA people with CAC = 0 at a mean age of 58 (63 % women): 53 % have CAC > 0 10 years later, "
              "5-6 per 100 person-years (Dzaye 2021 JACC Cardiovasc Imaging, PMC8076346); the model gives 52 %; [V] "
              "ARIC + MESA aged >= 75 (median 80): CAC = 0 in 4 % of white men, 14 % of white women (Circ "
              "Cardiovasc Imaging 2023 16:e015145); the model gives 2 % and 10 % at 80",
              "Median age at which men's coronary calcium becomes detectable", 20.0, 100.0, ("21",)),
    Parameter("intimal_onset_age_median_female_years", 63.0, "years",
              "[C] as intimal_onset_age_median_male_years (women's CAC lags men's by ~10 years: 75 % vs 93 % at "
              ">= 70, Wong 1994; CARDIA women 33-45 y rarely have CAC)",
              "Median age at which women's coronary calcium becomes detectable", 20.0, 100.0, ("21",)),
    Parameter("intimal_onset_age_sd_years", 13.0, "years",
              "[C] with the medians (CARDIA 10.2 % at 40; Wong 1994 93 %/75 % at >= 70); [V] Dzaye 2021 (above)",
              "SD of the age of onset of coronary calcium between people", 0.5, 40.0, ("21",)),
    Parameter("intimal_capxp_exponent", 1.0, "-",
              "assumption (sensitivity: docs/sensitivity_vessel.md); [V] phosphorus is an independent predictor "
              "of CAC: OR 1.61 per mg/dL for incident CAC (Tuttle 2009 CJASN 4:1968), +0.14 sqrt(AU) per SD of "
              "serum phosphate over 3.3 y in CKD (Bundy 2018 Atherosclerosis 271:53, CRIC): weaker than the "
              "media's square law",
              "Power of the serum Ca x P product in intimal growth", 0.0, 4.0),
    Parameter("intimal_esrd_growth_factor", 2.1, "-",
              "[C] incident haemodialysis: median CAC 129 -> 364 AU in 30 months (PMID 19384844): sqrt 11.4 -> "
              "19.1 = 3.1 sqrt(AU)/y, 3.0 x the general population's 1.03 (Tuttle 2009), at a Ca x P of 46-49 "
              "mg2/dL2 (~1.45 x normal 33): 3.0 / 1.45^intimal_capxp_exponent = 2.1 from the inhibitors; [V] "
              "Chertow 2002 Kidney Int 62:245 (Treat to Goal, HD): median coronary score +36.6 AU in a year on "
              "calcium binders; Ketteler 2003 Lancet 361:827: serum inhibition 0.71 of normal on dialysis",
              "Intimal growth multiplier at the inhibitor loss of kidney failure (dialysis)", 1.0, 20.0),
    Parameter("intimal_inhibitor_loss_exponent", 2.0, "-",
              "assumption: mild inhibitor loss barely matters: no CAC difference across GFR tertiles below 70 y "
              "(Rotterdam, PLoS ONE 6:e16738) and -0.20 sqrt(AU) per SD of eGFR over 3.3 y in CKD 2-4 (Bundy "
              "2018, CRIC [V]); with 2 a healthy 80-year-old (GFR ~77) grows 6 % faster, CKD 4 x 2.2",
              "Convexity of intimal growth in the loss of systemic inhibitors", 1.0, 6.0),
    Parameter("intimal_mgp_half_saturation", 3.0, "healthy MGP units",
              "[C] weak MGP dependence of plaque calcification: in 438 adults of 60-80 y CAC did not differ by "
              "plasma ucMGP quartile (P = 0.35) while vitamin K status did (Shea 2011 J Nutr 141:1529 [V abstract]); "
              "dp-ucMGP was not associated with coronary heart disease in EPIC-NL (HR per SD 1.00, 0.93-1.07; "
              "Dalmeijer et al. [V abstract]); trials: K1 500 ug 3 y 27 vs 37 AU (Shea 2009 AJCN [V]), MK-7 720 ug "
              "2 y AVC -17 AU (95 % CI -86 to 53) of 292 (Diederichsen 2022 Circulation [V]). With 3 the top "
              "quartile of the population's dp-ucMGP (vascular MGP ~10-40 % carboxylated) grows sqrt(S) 7-18 % "
              "faster than the typical person and MK-7 slows it ~6 %; row 21's dp-ucMGP contrast checks it. Was "
              "1.0 (x1.5 in the top quartile, contrast 0.9 in ln(AU + 1) without any medial calcium)",
              "Active wall MGP giving half-maximal inhibition of intimal calcification", 1e-3, 1e3),
    Parameter("intimal_reference_active_mgp", 0.654, "healthy MGP units",
              "[C] the healthy adult's mean carboxylated MGP in this model (vascular_mgp_carboxylation_fraction "
              "0.654 on the usual diet, set by vessel_ggcx_half_saturation_nmol_per_l; was 0.47), where "
              "intimal_sqrt_score_growth_per_year is defined",
              "Active MGP of the reference state of the intimal law", 1e-3, 10.0),
])


@dataclass
class Intima:
    """One person's intimal calcification state."""

    calcium_mg: float = 0.0
    rate_multiplier: float = 0.0     # person-level multiplier (0: no intimal disease, e.g. rodents)
    age_years: float = 50.0          # advanced by the wall each physiological day
    female: bool = False
    age_at_fmp_years: float | None = None  # women: final menstrual period (None: premenopausal)
    onset_age_years: float = math.inf      # age from which plaque calcium grows
    hormone_therapy: float = 0.0           # women: share of today's hormone therapy the vessel takes (0 off; .hormone_therapy)


def onset_z(trait: float, p) -> float:
    """The person's standard-normal place in the onset distribution from their
    ``calcification_propensity`` trait: ``ln(trait) / calcification_propensity_log_sd``
    (0 for the typical person, and for everyone when the trait has no spread)."""
    sd = float(p.calcification_propensity_log_sd)
    return math.log(trait) / sd if sd > 0.0 and trait > 0.0 else 0.0


#: The earliest age at which coronary calcium appears (years): detectable calcium starts in
#: young adulthood (13 % of 20-30-year-olds referred for scoring, median 4.6 AU: Osei et al. 2021
#: Atherosclerosis 334:57; CARDIA, recruited at 18-30: Carr et al. 2017 JAMA Cardiol 2:391), not
#: in childhood. The onset law's normal tail is cut here (it moves only people more than 2.5 SD
#: above the median propensity, men, or 3.3 SD, women).
EARLIEST_INTIMAL_ONSET_AGE_YEARS = 20.0


def onset_age_years(female: bool, trait: float, p) -> float:
    """Age at which the person's coronary calcium appears (years): ``median(sex) - SD x z``
    with ``z`` from :func:`onset_z` (a higher propensity comes earlier), not before
    :data:`EARLIEST_INTIMAL_ONSET_AGE_YEARS`."""
    median = p.intimal_onset_age_median_female_years if female else p.intimal_onset_age_median_male_years
    return max(float(median - p.intimal_onset_age_sd_years * onset_z(trait, p)), EARLIEST_INTIMAL_ONSET_AGE_YEARS)


def still_zero_onset_age_years(age_years: float, female: bool, trait: float, p) -> float:
    """Onset age of a person measured at score 0 at ``age_years``: their own onset if later,
    else the median onset of the people of their sex still at zero at that age,
    ``median + SD x Phi^-1((1 + Phi(z_age)) / 2)`` with ``z_age = (age - median) / SD``."""
    own = onset_age_years(female, trait, p)
    if own > age_years:
        return own
    median = p.intimal_onset_age_median_female_years if female else p.intimal_onset_age_median_male_years
    sd = p.intimal_onset_age_sd_years
    u = (1.0 + float(ndtr((age_years - median) / sd))) / 2.0
    return float(max(median + sd * float(ndtri(min(u, 1.0 - 1e-12))), age_years))


def estrogen_factor(age_years: float, female: bool, age_at_fmp_years: float | None, p,
                    hormone_therapy: bool | float = False) -> float:
    """``1 - estrogen_vessel_protection x E`` for women (E: ovarian estrogen level, 1 before
    the final period, :func:`.ageing.ovarian_estrogen_level`, with menopausal hormone therapy's share
    :func:`.hormone_therapy.estrogen_level_with_therapy`); 1 for men."""
    if not female:
        return 1.0
    from calcium_abm.physiology.ageing import ovarian_estrogen_level  # ageing imports no vessel module
    e = 1.0 if age_at_fmp_years is None else float(ovarian_estrogen_level(age_years - age_at_fmp_years, p))
    return 1.0 - p.estrogen_vessel_protection * estrogen_level_with_therapy(e, hormone_therapy, p)


def inhibitor_growth_factor(inhibitor_relative: float, p) -> float:
    """Intimal growth multiplier from the loss of systemic inhibitors:
    ``1 + (F_ESRD - 1) x ((1 - I) / (1 - I_ESRD))^q`` with ``I`` = ``inhibitor_relative``
    (1 in health) and ``I_ESRD`` = ``esrd_calcification_inhibition_fraction`` (kidney failure)."""
    loss = max(1.0 - inhibitor_relative, 0.0) / max(1.0 - p.esrd_calcification_inhibition_fraction, 1e-9)
    return 1.0 + (p.intimal_esrd_growth_factor - 1.0) * loss ** p.intimal_inhibitor_loss_exponent


def plaque_chemistry_drive(capxp_rel: float, inhibitor_relative: float, p) -> float:
    """The serum's drive on plaque calcification relative to health, ``(Ca x P)^n x F``: ``capxp_rel`` (serum
    Ca x P / reference) to the power ``intimal_capxp_exponent`` times :func:`inhibitor_growth_factor` of
    ``inhibitor_relative``; ~1 in health. It scales both the growth after onset and the onset clock."""
    return max(capxp_rel, 0.0) ** p.intimal_capxp_exponent * inhibitor_growth_factor(inhibitor_relative, p)


def onset_clock_gain_years(capxp_rel: float, inhibitor_relative: float, p, dt: float = 1.0) -> float:
    """Years by which one step of ``dt`` physiological days brings the onset of plaque calcium nearer,
    beyond the step itself: ``(D - 1) x dt / 365.25`` with ``D`` = :func:`plaque_chemistry_drive` (~0 in
    health; negative where the serum drives less than in health: the onset recedes)."""
    return (plaque_chemistry_drive(capxp_rel, inhibitor_relative, p) - 1.0) * dt / DAYS_PER_YEAR_OF_AGE


def next_onset_age_years(age: float, onset_age_years: float, rate_multiplier: float, capxp_rel: float,
                         inhibitor_relative: float, p, dt: float = 1.0) -> float:
    """The onset age after one step of the onset clock (module docstring): ``onset_age_years`` less
    :func:`onset_clock_gain_years` while the intima (of ``rate_multiplier`` > 0) is before its onset at
    ``age``, never before :data:`EARLIEST_INTIMAL_ONSET_AGE_YEARS` (none of Goodman et al. 2000's 23 dialysis
    patients under 20 had coronary calcium); unchanged from onset on, and where there is no intimal disease
    (years)."""
    if rate_multiplier <= 0.0 or age >= onset_age_years:
        return onset_age_years
    return max(onset_age_years - onset_clock_gain_years(capxp_rel, inhibitor_relative, p, dt),
               EARLIEST_INTIMAL_ONSET_AGE_YEARS)


def typical_sqrt_score(age_years: float, female: bool, age_at_fmp_years: float | None, p,
                       onset_years: float | None = None, hormone_therapy: bool = False) -> float:
    """sqrt(score) at an age on the law's trajectory (healthy MGP, Ca x P and inhibitors) from
    onset at ``onset_years`` (default: the typical person's, the sex's median); trapezoid,
    0.1-year steps."""
    a0 = onset_age_years(female, 1.0, p) if onset_years is None else onset_years
    if age_years <= a0:
        return 0.0
    ages = np.linspace(a0, age_years, max(2, int((age_years - a0) * 10) + 1))
    rates = np.array([estrogen_factor(a, female, age_at_fmp_years, p, hormone_therapy) for a in ages])
    return float(p.intimal_sqrt_score_growth_per_year * np.sum((rates[1:] + rates[:-1]) * 0.5 * np.diff(ages)))


def plaque_onset_age_years(age_years: float, female: bool, trait: float, baseline_score: float | None, p) -> float:
    """The age from which the person's plaque calcium grows (years), in the module docstring's three
    cases: no measurement, their own onset (:func:`onset_age_years`); a measured score of 0, their own
    onset if later, else the still-zero median (:func:`still_zero_onset_age_years`); a score above 0,
    already past onset (at the latest today)."""
    if baseline_score is None:
        return onset_age_years(female, trait, p)
    if baseline_score == 0.0:
        return still_zero_onset_age_years(age_years, female, trait, p)
    return min(onset_age_years(female, trait, p), age_years)


def start_intima(age_years: float, female: bool, age_at_fmp_years: float | None, trait: float,
                 baseline_score: float | None, units_per_mg: float, p, human: bool = True,
                 growth: float = 1.0, hormone_therapy: bool = False) -> Intima:
    """The intima at day 0 (see the module docstring for the three cases); ``growth`` is the
    person's ``wall_plaque_growth`` trait, their multiplier on the median sqrt growth rate;
    ``hormone_therapy`` taken on day 0 is taken since the final period (:mod:`.hormone_therapy`).

    Raises:
        UserInputError: a negative or non-finite baseline score.
    """
    if not human:
        return Intima(0.0, 0.0, age_years, female, age_at_fmp_years)
    if baseline_score is not None and not (math.isfinite(baseline_score) and baseline_score >= 0.0):
        raise UserInputError(f"patient.baseline_calcification_score = {baseline_score!r} is not allowed: it must "
                             "be a number >= 0 (Agatston-like units)")
    onset = plaque_onset_age_years(age_years, female, trait, baseline_score, p)
    if baseline_score is None:
        score = (growth * typical_sqrt_score(age_years, female, age_at_fmp_years, p, onset, hormone_therapy)) ** 2
    else:
        score = float(baseline_score)
    return Intima(score / units_per_mg if units_per_mg > 0 else 0.0, growth, age_years, female, age_at_fmp_years,
                  onset, hormone_therapy)


def live_kidney_history(intima: Intima, years: float, inhibitor_relative: float, capxp_rel: float, p) -> None:
    """The day-0 intima after ``years`` of kidney disease before day 0, in place: ``intima`` as
    :func:`start_intima` started it (a healthy history: onset at ``onset_age_years``, a score without a
    measurement), then the onset clock (:func:`next_onset_age_years`) and the plaque's growth
    (:func:`intima_growth_mg`) at the day-0 kidney's :func:`plaque_chemistry_drive` (of ``capxp_rel`` and
    ``inhibitor_relative``) over the last ``years`` before day 0 (``years`` <= the person's age). Unread in a
    person without intimal disease."""
    age, growth = intima.age_years, intima.rate_multiplier
    if years <= 0.0 or growth <= 0.0:
        return
    drive = plaque_chemistry_drive(capxp_rel, inhibitor_relative, p)
    began, onset = age - years, intima.onset_age_years
    if onset > began:  # the clock ran D times as fast from `began`: onset at began + (onset - began) / D
        onset = max(began + (onset - began) / drive if drive > 0.0 else math.inf,  # D = 0: the clock stood still
                    EARLIEST_INTIMAL_ONSET_AGE_YEARS)
        intima.onset_age_years = onset if onset <= age else max(intima.onset_age_years - (drive - 1.0) * years,
                                                               EARLIEST_INTIMAL_ONSET_AGE_YEARS)
    if onset >= age:
        intima.calcium_mg = 0.0
        return
    fmp, female, therapy = intima.age_at_fmp_years, intima.female, intima.hormone_therapy
    healthy = typical_sqrt_score(max(began, onset), female, fmp, p, onset, therapy)  # the part before the disease
    diseased = typical_sqrt_score(age, female, fmp, p, onset, therapy) - healthy
    root = growth * (healthy + drive * diseased)
    units = p.agatston_units_per_mg_calcium
    intima.calcium_mg = root * root / units if units > 0.0 else 0.0


def intima_day(intima: Intima, active_mgp: float, capxp_rel: float, inhibitor_relative: float,
               units_per_mg: float, supply_mg: float, p, dt: float = 1.0) -> float:
    """Advance the intima one step of ``dt`` physiological days, in place; returns the mg
    deposited (>= 0, at most ``supply_mg``, what blood can still give today).
    ``active_mgp``: the wall's mean ``cMGP + w ucMGP`` (healthy units); ``capxp_rel``: serum
    Ca x P / reference; ``inhibitor_relative``: systemic inhibitors / health.
    (:func:`intima_growth_mg` on the intima's state, the onset clock's :func:`next_onset_age_years`, then
    :func:`advance_intima`.)"""
    deposited = intima_growth_mg(intima.calcium_mg, intima.rate_multiplier, intima.age_years, intima.onset_age_years,
                                 intima_estrogen_factor(intima, units_per_mg, p), active_mgp, capxp_rel,
                                 inhibitor_relative, units_per_mg, supply_mg, p, dt)
    intima.onset_age_years = next_onset_age_years(intima.age_years, intima.onset_age_years, intima.rate_multiplier,
                                                  capxp_rel, inhibitor_relative, p, dt)
    advance_intima(intima, deposited, dt)
    return deposited


def intima_estrogen_factor(intima: Intima, units_per_mg: float, p) -> float:
    """:func:`estrogen_factor` at the intima's age today where the intima grows today (1 where it does not)."""
    if intima.rate_multiplier <= 0.0 or units_per_mg <= 0.0 or intima.age_years < intima.onset_age_years:
        return 1.0
    return estrogen_factor(intima.age_years, intima.female, intima.age_at_fmp_years, p, intima.hormone_therapy)


def intima_growth_mg(calcium_mg: float, rate_multiplier: float, age: float, onset_age_years: float, estrogen: float,
                     active_mgp: float, capxp_rel: float, inhibitor_relative: float, units_per_mg: float,
                     supply_mg: float, p, dt: float = 1.0) -> float:
    """The mg an intima holding ``calcium_mg`` at ``age`` gains in one step (:func:`intima_day`; ``estrogen``:
    :func:`intima_estrogen_factor`)."""
    if rate_multiplier <= 0.0 or units_per_mg <= 0.0 or age < onset_age_years:
        return 0.0
    k = p.intimal_mgp_half_saturation
    h = (p.intimal_reference_active_mgp + k) / (max(active_mgp, 0.0) + k)
    growth = (p.intimal_sqrt_score_growth_per_year * rate_multiplier * h
              * plaque_chemistry_drive(capxp_rel, inhibitor_relative, p) * estrogen * dt / DAYS_PER_YEAR_OF_AGE)
    root = math.sqrt(calcium_mg * units_per_mg) + growth
    return min(root * root / units_per_mg - calcium_mg, max(supply_mg, 0.0))


def advance_intima(intima: Intima, deposited_mg: float, dt: float = 1.0) -> None:
    """The intima after a step, in place: ``dt`` days older, ``deposited_mg`` more calcium."""
    intima.age_years = intima.age_years + dt / DAYS_PER_YEAR_OF_AGE
    intima.calcium_mg += deposited_mg
